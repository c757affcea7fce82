//! Dehydrated devices (MSC3814) from outside input: `Account::from_dehydrated_device`.
//! Input layout and checks: `protee_fuzz::imports::dehydrated` (never panics; an accepted
//! device re-dehydrates to exactly its input, vodozemac rehydrates it to the same keys, and
//! the account survives libolm and native pickling).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| protee_fuzz::imports::dehydrated(data));
