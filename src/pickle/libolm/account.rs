//! libolm's account pickle: read versions 2, 3 and 4, write version 4
//! (spec/pickle.md PICKLE-LIBOLM-ACCOUNT-1).

use alloc::string::String;

use alloc::vec::Vec;

use super::{
    load, read_curve25519_pair, read_ed25519_pair, read_unchecked_curve25519_pair, store,
    write_curve25519_pair, write_ed25519_pair,
};
use crate::crypto::Curve25519SecretKey;
use crate::error::PickleError;
use crate::limits::{MAX_FALLBACK_KEYS, MAX_ONE_TIME_KEYS};
use crate::olm::Account;
use crate::olm::account::{FallbackKeys, OneTimeKey, OneTimeKeys};
use crate::pickle::codec::{Reader, Writer};
use crate::types::KeyId;

/// The version libolm 3.2 writes.
const VERSION: u32 = 4;

/// One OTK record: u32 id | bool published | kp25519 (69 bytes). The key pair is checked
/// later, with all the account's other one-time and fallback keys.
fn read_key(r: &mut Reader<'_>) -> Result<OneTimeKey, PickleError> {
    let id = KeyId(r.u32()?);
    let published = r.bool()?;
    let key = read_unchecked_curve25519_pair(r)?;
    Ok(OneTimeKey { id, published, key })
}

fn write_key(w: &mut Writer, key: &OneTimeKey) {
    w.u32(key.id.0);
    w.bool(key.published);
    write_curve25519_pair(w, &key.key);
}

impl Account {
    /// spec/pickle.md PICKLE-LIBOLM-ACCOUNT-1: loads an account pickled by libolm (versions 2,
    /// 3 and 4) under `pickle_key` (any length, the empty key included). The Ed25519 key is
    /// libolm's expanded key, so the account signs exactly as libolm did.
    ///
    /// Stricter than libolm: every public key must match its private key, lists may not exceed
    /// libolm's own limits (libolm overwrites its last slot), booleans are 0 or 1, and nothing
    /// may follow the body.
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, PickleError> {
        load(pickle, pickle_key, |r| {
            let version = r.u32()?;
            match version {
                1 => return Err(PickleError::LegacyAccount),
                2..=VERSION => {}
                found => return Err(PickleError::UnknownVersion { found }),
            }
            let signing_key = read_ed25519_pair(r)?;
            let identity_key = read_curve25519_pair(r)?;
            let count = r.count(MAX_ONE_TIME_KEYS)?;
            let mut one_time_keys = OneTimeKeys::default();
            for _ in 0..count {
                one_time_keys.keys.push(read_key(r)?);
            }
            let mut fallback_keys = FallbackKeys::default();
            match version {
                // v3 always stores two records; libolm infers how many are real from the
                // published flags (0 if the current key is unpublished).
                3 => {
                    let current = read_key(r)?;
                    let previous = read_key(r)?;
                    if current.published {
                        if previous.published {
                            fallback_keys.previous = Some(previous);
                        }
                        fallback_keys.current = Some(current);
                    }
                }
                4 => {
                    let got = r.u8()?;
                    let n = usize::from(got);
                    if n > MAX_FALLBACK_KEYS {
                        return Err(PickleError::TooManyItems {
                            got: u32::from(got),
                            max: MAX_FALLBACK_KEYS,
                        });
                    }
                    if n >= 1 {
                        fallback_keys.current = Some(read_key(r)?);
                    }
                    if n == 2 {
                        fallback_keys.previous = Some(read_key(r)?);
                    }
                }
                _ => {}
            }
            let last_key_id = r.u32()?;
            // Every one-time and fallback key must match its secret (one batch).
            let keys: Vec<&Curve25519SecretKey> = one_time_keys
                .keys
                .iter()
                .chain(&fallback_keys.current)
                .chain(&fallback_keys.previous)
                .map(|key| &key.key)
                .collect();
            if !Curve25519SecretKey::public_keys_match(&keys) {
                return Err(PickleError::InvalidField);
            }
            Ok(Account {
                signing_key,
                identity_key,
                one_time_keys,
                fallback_keys,
                last_key_id,
            })
        })
    }

    /// spec/pickle.md PICKLE-LIBOLM-ACCOUNT-2: the version-4 pickle libolm writes for this
    /// state under `pickle_key`, byte for byte. Every account protee holds fits: its limits are
    /// libolm's (100 one-time keys, two fallback keys, u32 key ids).
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, PickleError> {
        let otks = &self.one_time_keys.keys;
        store(
            pickle_key,
            // 69 bytes per one-time key and per fallback key (two at most), then fixed fields.
            otks.len()
                .saturating_add(2)
                .saturating_mul(69)
                .saturating_add(4 + 96 + 64 + 4 + 5),
            |w| {
                w.u32(VERSION);
                write_ed25519_pair(w, &self.signing_key);
                write_curve25519_pair(w, &self.identity_key);
                w.count(otks.len())?;
                for key in otks {
                    write_key(w, key);
                }
                let fallbacks = &self.fallback_keys;
                let present = [fallbacks.current.as_ref(), fallbacks.previous.as_ref()];
                let n = present.iter().flatten().count();
                // A previous key without a current one cannot be expressed in libolm's format.
                if fallbacks.current.is_none() && fallbacks.previous.is_some() {
                    return Err(PickleError::Unsupported);
                }
                w.u8(u8::try_from(n).map_err(|_| PickleError::Unsupported)?);
                for key in present.into_iter().flatten() {
                    write_key(w, key);
                }
                w.u32(self.last_key_id);
                Ok(())
            },
        )
    }
}
