//! vodozemac's account pickle (spec/pickle.md PICKLE-VODOZEMAC-3).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use serde::Deserialize;

use super::{Bytes, SigningKey, load_json, to_u32};
use crate::crypto::Curve25519SecretKey;
use crate::error::PickleError;
use crate::limits::MAX_ONE_TIME_KEYS;
use crate::olm::Account;
use crate::olm::account::{FallbackKeys, OneTimeKey, OneTimeKeys};
use crate::types::KeyId;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountPickle {
    signing_key: SigningKey,
    diffie_hellman_key: Bytes<32>,
    one_time_keys: OneTimeKeysPickle,
    fallback_keys: FallbackKeysPickle,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OneTimeKeysPickle {
    /// The id the next one-time key will get (`key_id` before vodozemac 0.4).
    #[serde(alias = "key_id")]
    next_key_id: u64,
    /// The unpublished keys' public halves, by id.
    public_keys: BTreeMap<u64, Bytes<32>>,
    /// Every one-time key's secret, by id.
    private_keys: BTreeMap<u64, Bytes<32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FallbackKeysPickle {
    /// The id the next fallback key will get (a counter apart from the one-time keys').
    key_id: u64,
    fallback_key: Option<FallbackKeyPickle>,
    previous_fallback_key: Option<FallbackKeyPickle>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FallbackKeyPickle {
    key_id: u64,
    key: Bytes<32>,
    published: bool,
}

impl FallbackKeyPickle {
    fn into_key(self) -> Result<OneTimeKey, PickleError> {
        Ok(OneTimeKey {
            id: KeyId(to_u32(self.key_id)?),
            published: self.published,
            key: Curve25519SecretKey::from_bytes(*self.key.0),
        })
    }
}

impl Account {
    /// spec/pickle.md PICKLE-VODOZEMAC-3: loads an account pickled by vodozemac
    /// (`AccountPickle::encrypt`) under its 32-byte `pickle_key`.
    ///
    /// - The Ed25519 key is vodozemac's seed (`Normal`), or the libolm expanded key
    ///   (`Expanded`) of an account vodozemac imported from libolm; either signs as before.
    /// - A one-time key is published unless its id is among vodozemac's unpublished
    ///   `public_keys`, each of which must match its secret. vodozemac keeps up to 5,000
    ///   one-time keys, protee [`MAX_ONE_TIME_KEYS`]: beyond that the newest (highest ids) are
    ///   kept, as protee itself drops the oldest.
    /// - vodozemac counts one-time and fallback key ids apart and stores the *next* id of
    ///   each; protee shares one counter and stores the *last* id handed out. protee's counter
    ///   becomes max(next one-time key id − 1, next fallback key id − 1, every stored id): the
    ///   next key protee makes gets an id above every id vodozemac handed out, which is
    ///   vodozemac's next one-time key id whenever that counter is the larger (the usual case).
    /// - Every stored id and that counter must fit in a u32 ([`PickleError::InvalidField`]).
    pub fn from_vodozemac_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        let pickle: AccountPickle = load_json(pickle, pickle_key)?;
        let otks = pickle.one_time_keys;

        let mut keys = Vec::with_capacity(otks.private_keys.len().min(MAX_ONE_TIME_KEYS));
        for (id, secret) in otks.private_keys.iter().rev().take(MAX_ONE_TIME_KEYS) {
            keys.push(OneTimeKey {
                id: KeyId(to_u32(*id)?),
                published: !otks.public_keys.contains_key(id),
                key: Curve25519SecretKey::from_bytes(*secret.0),
            });
        }
        for (id, public) in &otks.public_keys {
            if !otks.private_keys.contains_key(id) {
                return Err(PickleError::InvalidField);
            }
            let kept = keys.iter().find(|k| u64::from(k.id.0) == *id);
            if kept.is_some_and(|k| k.key.public_key().as_bytes() != &*public.0) {
                return Err(PickleError::InvalidField);
            }
        }
        let fallbacks = pickle.fallback_keys;
        let fallback_keys = FallbackKeys {
            current: fallbacks.fallback_key.map(|k| k.into_key()).transpose()?,
            previous: fallbacks
                .previous_fallback_key
                .map(|k| k.into_key())
                .transpose()?,
        };

        let stored = keys
            .iter()
            .chain(fallback_keys.current.iter())
            .chain(fallback_keys.previous.iter())
            .map(|k| u64::from(k.id.0));
        let last_key_id = [
            otks.next_key_id.saturating_sub(1),
            fallbacks.key_id.saturating_sub(1),
        ]
        .into_iter()
        .chain(stored)
        .max()
        .unwrap_or(0);

        Ok(Account {
            signing_key: pickle.signing_key.into_secret(),
            identity_key: Curve25519SecretKey::from_bytes(*pickle.diffie_hellman_key.0),
            one_time_keys: OneTimeKeys { keys },
            fallback_keys,
            last_key_id: to_u32(last_key_id)?,
        })
    }
}
