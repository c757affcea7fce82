//! The native PK decryption pickle (spec/pickle.md PICKLE-NATIVE-PK-1).

use alloc::string::String;

use super::{ObjectType, load, read_curve25519_pair, store, write_curve25519_pair};
use crate::error::PickleError;
use crate::pk::PkDecryption;

/// spec/pickle.md PICKLE-NATIVE-PK-1: the key pair, public key 32 | private key 32.
const BODY_LENGTH: usize = 64;

impl PkDecryption {
    /// spec/pickle.md PICKLE-NATIVE-PK-1: this key in protee's native format, encrypted under
    /// `pickle_key` with a nonce of 24 bytes from `rng`.
    pub fn pickle_with_rng(
        &self,
        pickle_key: &[u8; 32],
        rng: &mut impl rand_core::CryptoRng,
    ) -> String {
        store(
            ObjectType::PkDecryption,
            pickle_key,
            rng,
            BODY_LENGTH,
            |w| write_curve25519_pair(w, &self.secret),
        )
    }

    /// [`PkDecryption::pickle_with_rng`] with the operating system's RNG. Fails only if that RNG
    /// fails.
    #[cfg(feature = "os-rng")]
    pub fn pickle(&self, pickle_key: &[u8; 32]) -> Result<String, crate::RandomError> {
        super::store_with_os_rng(ObjectType::PkDecryption, pickle_key, BODY_LENGTH, |w| {
            write_curve25519_pair(w, &self.secret)
        })
    }

    /// spec/pickle.md PICKLE-NATIVE-3, PICKLE-NATIVE-PK-1: loads a key pickled by
    /// [`PkDecryption::pickle_with_rng`] under `pickle_key`, without a scalar multiplication.
    pub fn from_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        load(ObjectType::PkDecryption, pickle, pickle_key, |r| {
            Ok(PkDecryption {
                secret: read_curve25519_pair(r)?,
            })
        })
    }
}
