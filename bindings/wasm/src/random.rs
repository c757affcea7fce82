//! Randomness from the browser's (or Node's) `crypto.getRandomValues`, through `getrandom`'s
//! `wasm_js` backend, handed to protee's `*_with_rng` functions.
//!
//! protee draws an exact, documented number of bytes for each operation (the same bytes, in the
//! same order, as libolm). [`Entropy::draw`] fetches that many bytes up front, where a failure
//! can still be a JavaScript exception, and then serves them to protee, whose RNG interface is
//! infallible. Should an operation ever ask for more than was drawn, the extra bytes come
//! straight from `getrandom`; if that fails, [`Entropy::finish`] turns the failure into an
//! exception and the operation's result is dropped, so a predictable byte is never used in
//! anything returned. Unused bytes are zeroized.

use alloc::vec;
use alloc::vec::Vec;
use core::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};
use zeroize::Zeroizing;

use crate::error::Exception;

/// spec/olm.md OLM-ACCOUNT-1: an account is made from 64 bytes.
pub(crate) const ACCOUNT: usize = 64;
/// spec/olm.md OLM-OTK-1 and OLM-FALLBACK-1: 32 bytes per one-time or fallback key.
pub(crate) const ONE_TIME_KEY: usize = 32;
/// spec/olm.md OLM-SESSION-1: an outbound session draws 64 bytes (base key, ratchet key).
pub(crate) const OUTBOUND_SESSION: usize = 64;
/// spec/megolm.md MEGOLM-OUT-1: a Megolm session is made from 160 bytes (ratchet, Ed25519 seed).
pub(crate) const GROUP_SESSION: usize = 160;
/// spec/sas-pk.md SAS-KEY-1, PK-KEY-1, PK-ENC-1: a SAS or PK key pair, a PK ephemeral key, a PK
/// signing seed: 32 bytes each.
pub(crate) const CURVE25519_KEY: usize = 32;
/// spec/pickle.md PICKLE-NATIVE-2: the random nonce of a native pickle.
pub(crate) const PICKLE_NONCE: usize = 24;

/// Random bytes for one protee operation.
pub(crate) struct Entropy {
    bytes: Zeroizing<Vec<u8>>,
    taken: usize,
    failed: bool,
}

impl Entropy {
    /// Draws `length` bytes from `crypto.getRandomValues`.
    pub(crate) fn draw(length: usize) -> Result<Self, Exception> {
        let mut bytes = Zeroizing::new(vec![0u8; length]);
        getrandom::fill(bytes.as_mut_slice()).map_err(|_| Exception::random_unavailable())?;
        Ok(Self {
            bytes,
            taken: 0,
            failed: false,
        })
    }

    /// `value` if every byte protee took was random; otherwise a `RandomError`.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Exception> {
        if self.failed {
            Err(Exception::random_unavailable())
        } else {
            Ok(value)
        }
    }
}

impl TryRng for Entropy {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, destination: &mut [u8]) -> Result<(), Infallible> {
        let end = self.taken.saturating_add(destination.len());
        if let Some(drawn) = self.bytes.get(self.taken..end) {
            destination.copy_from_slice(drawn);
            self.taken = end;
        } else if getrandom::fill(destination).is_err() {
            destination.fill(0);
            self.failed = true;
        }
        Ok(())
    }
}

impl TryCryptoRng for Entropy {}
