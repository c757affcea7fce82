//! libolm's PK decryption pickle, version 1 (spec/pickle.md PICKLE-LIBOLM-PK-1):
//! `u32 1 | kp25519` = 68 bytes.

use alloc::string::String;

use super::{load, read_curve25519_pair, store, write_curve25519_pair};
use crate::error::PickleError;
use crate::pk::PkDecryption;

const VERSION: u32 = 1;

impl PkDecryption {
    /// spec/pickle.md PICKLE-LIBOLM-PK-1: loads a PK decryption key pickled by libolm under
    /// `pickle_key`; the stored public key must match the private key.
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, PickleError> {
        load(pickle, pickle_key, |r| {
            match r.u32()? {
                VERSION => {}
                found => return Err(PickleError::UnknownVersion { found }),
            }
            Ok(PkDecryption {
                secret: read_curve25519_pair(r)?,
            })
        })
    }

    /// spec/pickle.md PICKLE-LIBOLM-PK-1: the pickle libolm writes for this key under
    /// `pickle_key`, byte for byte.
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> String {
        let written = store(pickle_key, 68, |w| {
            w.u32(VERSION);
            write_curve25519_pair(w, &self.secret);
            Ok(())
        });
        // The closure above never fails: the body has no lists.
        written.unwrap_or_default()
    }
}
