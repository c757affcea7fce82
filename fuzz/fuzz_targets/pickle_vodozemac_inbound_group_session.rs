//! Import of vodozemac's encrypted JSON pickle of an inbound Megolm session (`from_vodozemac_pickle`, feature
//! `vodozemac-migration`). Input layout and checks: `protee_fuzz::imports` (never panics;
//! what protee imports, vodozemac loads too and both behave the same; the object survives
//! libolm and native pickling).

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee_fuzz::imports;

fuzz_target!(|data: &[u8]| imports::vodozemac(&imports::INBOUND_GROUP_SESSION, data));
