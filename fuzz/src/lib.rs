//! Helpers shared by protee's fuzz targets (`fuzz_targets/`): a deterministic RNG, the two
//! pickle envelopes written independently of protee (so a target can seal any body under any
//! key), canonical encoders for the wire formats (so a target can check that what protee
//! accepted is the one canonical encoding), decoders for the libolm session pickle body (so a
//! stateful target can read a session's whole state), and fixed accounts and sessions.
//!
//! Everything here may panic: it is test code, and a panic in a fuzz target is a finding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod envelope;
pub mod fixtures;
pub mod imports;
pub mod olm_model;
pub mod pickles;
pub mod rng;
pub mod wire;

/// Splits `n` bytes off the front of `data` (fewer if `data` is shorter).
pub fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, tail) = data.split_at(n);
    *data = tail;
    head
}

/// The first byte of `data` (0 if empty), removed.
pub fn take_byte(data: &mut &[u8]) -> u8 {
    take(data, 1).first().copied().unwrap_or(0)
}
