//! The native account pickle (spec/pickle.md PICKLE-NATIVE-ACCOUNT-1).

use alloc::string::String;

use super::{
    ObjectType, load, read_curve25519_pair, read_ed25519_secret, store, write_count,
    write_curve25519_pair, write_ed25519_secret,
};
use crate::error::PickleError;
use crate::limits::MAX_ONE_TIME_KEYS;
use crate::olm::Account;
use crate::olm::account::{FallbackKeys, OneTimeKey, OneTimeKeys};
use crate::pickle::codec::{Reader, Writer};
use crate::types::KeyId;

/// A one-time or fallback key record: u32 id | bool published | key pair (69 bytes).
const KEY_RECORD_LENGTH: usize = 69;

fn read_key(r: &mut Reader<'_>) -> Result<OneTimeKey, PickleError> {
    let id = KeyId(r.u32()?);
    let published = r.bool()?;
    let key = read_curve25519_pair(r)?;
    Ok(OneTimeKey { id, published, key })
}

fn write_key(w: &mut Writer, key: &OneTimeKey) {
    w.u32(key.id.0);
    w.bool(key.published);
    write_curve25519_pair(w, &key.key);
}

/// A fallback slot: bool present, then the key record if present.
fn read_optional_key(r: &mut Reader<'_>) -> Result<Option<OneTimeKey>, PickleError> {
    if r.bool()? {
        Ok(Some(read_key(r)?))
    } else {
        Ok(None)
    }
}

fn write_optional_key(w: &mut Writer, key: Option<&OneTimeKey>) {
    w.bool(key.is_some());
    if let Some(key) = key {
        write_key(w, key);
    }
}

/// spec/pickle.md PICKLE-NATIVE-ACCOUNT-1: Ed25519 key | Curve25519 identity pair |
/// u32 n | n one-time key records, newest first | current fallback slot | previous fallback
/// slot | u32 last key id.
fn read_account(r: &mut Reader<'_>) -> Result<Account, PickleError> {
    let signing_key = read_ed25519_secret(r)?;
    let identity_key = read_curve25519_pair(r)?;
    let count = r.count(MAX_ONE_TIME_KEYS)?;
    let mut one_time_keys = OneTimeKeys::default();
    one_time_keys.keys.reserve_exact(count);
    for _ in 0..count {
        one_time_keys.keys.push(read_key(r)?);
    }
    let current = read_optional_key(r)?;
    let previous = read_optional_key(r)?;
    let last_key_id = r.u32()?;
    Ok(Account {
        signing_key,
        identity_key,
        one_time_keys,
        fallback_keys: FallbackKeys { current, previous },
        last_key_id,
    })
}

impl Account {
    /// spec/pickle.md PICKLE-NATIVE-ACCOUNT-1: this account in protee's native format,
    /// encrypted under `pickle_key` with a nonce of 24 bytes from `rng`. Everything is kept:
    /// the Ed25519 seed (or libolm's expanded key), every one-time key with its published flag,
    /// both fallback keys and the key-id counter.
    pub fn pickle_with_rng(
        &self,
        pickle_key: &[u8; 32],
        rng: &mut impl rand_core::CryptoRng,
    ) -> String {
        store(
            ObjectType::Account,
            pickle_key,
            rng,
            self.body_capacity(),
            |w| self.write_body(w),
        )
    }

    /// [`Account::pickle_with_rng`] with the operating system's RNG. Fails only if that RNG fails.
    #[cfg(feature = "os-rng")]
    pub fn pickle(&self, pickle_key: &[u8; 32]) -> Result<String, crate::RandomError> {
        super::store_with_os_rng(ObjectType::Account, pickle_key, self.body_capacity(), |w| {
            self.write_body(w)
        })
    }

    /// spec/pickle.md PICKLE-NATIVE-3, PICKLE-NATIVE-ACCOUNT-1: loads an account pickled by
    /// [`Account::pickle_with_rng`] under `pickle_key`. The stored public keys are used as they
    /// are (the tag authenticates them), so loading does no scalar multiplication.
    pub fn from_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        load(ObjectType::Account, pickle, pickle_key, read_account)
    }

    /// The largest body this account can have (97-byte Ed25519 record, both fallback keys),
    /// so that the zeroizing buffer never reallocates and leaves a copy behind.
    fn body_capacity(&self) -> usize {
        let keys = self.one_time_keys.keys.len().saturating_add(2);
        keys.saturating_mul(KEY_RECORD_LENGTH)
            .saturating_add(97 + 64 + 4 + 6)
    }

    fn write_body(&self, w: &mut Writer) {
        write_ed25519_secret(w, &self.signing_key);
        write_curve25519_pair(w, &self.identity_key);
        write_count(w, self.one_time_keys.keys.len());
        for key in &self.one_time_keys.keys {
            write_key(w, key);
        }
        write_optional_key(w, self.fallback_keys.current.as_ref());
        write_optional_key(w, self.fallback_keys.previous.as_ref());
        w.u32(self.last_key_id);
    }
}
