//! protee's native pickle of a PK decryption key (`PkDecryption::from_pickle`).
//! Input layout and checks: `protee_fuzz::pickles` (never panics; an accepted pickle
//! re-pickles to itself with the same nonce, converts to libolm's format where that can express
//! it, and works).

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee_fuzz::pickles::{self, kinds};

fuzz_target!(|data: &[u8]| pickles::native(&kinds::PK, data));
