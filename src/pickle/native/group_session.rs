//! The native outbound group session pickle (spec/pickle.md PICKLE-NATIVE-GROUP-1).

use alloc::string::String;

use super::{
    ObjectType, load, read_ed25519_secret, read_ratchet, store, write_ed25519_secret, write_ratchet,
};
use crate::error::PickleError;
use crate::megolm::GroupSession;
use crate::pickle::codec::Writer;

/// Ratchet (132) and the largest Ed25519 record (97): the zeroizing buffer never reallocates.
const BODY_CAPACITY: usize = 132 + 97;

impl GroupSession {
    /// spec/pickle.md PICKLE-NATIVE-GROUP-1: this session in protee's native format,
    /// encrypted under `pickle_key` with a nonce of 24 bytes from `rng`: the ratchet and its
    /// index, and the Ed25519 key (its seed, or libolm's expanded key).
    pub fn pickle_with_rng(
        &self,
        pickle_key: &[u8; 32],
        rng: &mut impl rand_core::CryptoRng,
    ) -> String {
        store(
            ObjectType::GroupSession,
            pickle_key,
            rng,
            BODY_CAPACITY,
            |w| self.write_body(w),
        )
    }

    /// [`GroupSession::pickle_with_rng`] with the operating system's RNG. Fails only if that RNG
    /// fails.
    #[cfg(feature = "os-rng")]
    pub fn pickle(&self, pickle_key: &[u8; 32]) -> Result<String, crate::RandomError> {
        super::store_with_os_rng(ObjectType::GroupSession, pickle_key, BODY_CAPACITY, |w| {
            self.write_body(w)
        })
    }

    /// spec/pickle.md PICKLE-NATIVE-3, PICKLE-NATIVE-GROUP-1: loads a session pickled by
    /// [`GroupSession::pickle_with_rng`] under `pickle_key`.
    pub fn from_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        load(ObjectType::GroupSession, pickle, pickle_key, |r| {
            let ratchet = read_ratchet(r)?;
            let signing_key = read_ed25519_secret(r)?;
            Ok(GroupSession {
                ratchet,
                signing_key,
            })
        })
    }

    /// spec/pickle.md PICKLE-NATIVE-GROUP-1: ratchet R0..R3 (128) | u32 index | Ed25519 key.
    fn write_body(&self, w: &mut Writer) {
        write_ratchet(w, &self.ratchet);
        write_ed25519_secret(w, &self.signing_key);
    }
}
