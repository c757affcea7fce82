//! libolm pickle of an outbound Megolm session (`GroupSession::from_libolm_pickle`).
//! Input layout and checks: `protee_fuzz::pickles` (never panics; an accepted pickle
//! re-pickles to itself, loads again, survives a native round trip, and works).

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee_fuzz::pickles::{self, kinds};

fuzz_target!(|data: &[u8]| pickles::libolm(&kinds::GROUP_SESSION, data));
