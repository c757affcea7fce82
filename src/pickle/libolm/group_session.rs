//! libolm's outbound group session pickle, version 1 (spec/pickle.md PICKLE-LIBOLM-GROUP-1):
//! `u32 1 | R0..R3 (128) | u32 counter | ed_kp` = 232 bytes.

use alloc::string::String;

use super::{load, read_unchecked_ed25519_pair, store, write_ed25519_pair};
use crate::error::PickleError;
use crate::megolm::GroupSession;
use crate::megolm::ratchet::{MegolmRatchet, RATCHET_LENGTH};

const VERSION: u32 = 1;

impl GroupSession {
    /// spec/pickle.md PICKLE-LIBOLM-GROUP-1: loads an outbound group session pickled by
    /// libolm under `pickle_key`. Its Ed25519 key is libolm's expanded key, so it signs
    /// exactly as libolm did.
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, PickleError> {
        load(pickle, pickle_key, |r| {
            match r.u32()? {
                VERSION => {}
                found => return Err(PickleError::UnknownVersion { found }),
            }
            let parts = r.secret::<RATCHET_LENGTH>()?;
            let ratchet = MegolmRatchet::from_bytes(&parts, r.u32()?);
            // spec/pickle.md PICKLE-LIBOLM-GROUP-1: the key pair as stored.
            let signing_key = read_unchecked_ed25519_pair(r)?;
            Ok(GroupSession {
                ratchet,
                signing_key,
            })
        })
    }

    /// spec/pickle.md PICKLE-LIBOLM-GROUP-1: the pickle libolm writes for this state under
    /// `pickle_key`, byte for byte.
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> String {
        let written = store(pickle_key, 232, |w| {
            w.u32(VERSION);
            w.bytes(self.ratchet.to_bytes().as_slice());
            w.u32(self.ratchet.counter());
            write_ed25519_pair(w, &self.signing_key);
            Ok(())
        });
        // The closure above never fails: the body has no lists.
        written.unwrap_or_default()
    }
}
