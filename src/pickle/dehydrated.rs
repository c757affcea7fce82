//! Dehydrated devices (MSC3814): an account's keys encrypted for storage on the homeserver, in
//! vodozemac 0.11's format (spec/pickle.md PICKLE-DEHYDRATED-1 … PICKLE-DEHYDRATED-4).
//!
//! The plaintext is `u32 1 | Curve25519 identity secret 32 | Ed25519 seed 32 | u32 n |
//! n × one-time key secret 32 | bool fallback present | [fallback key secret 32]` in the pickle
//! codec's encodings (big-endian u32, one-byte bool). It is sealed with ChaCha20-Poly1305 under
//! a 32-byte key and a random 12-byte nonce, without associated data; ciphertext (tag appended)
//! and nonce are unpadded base64. Only secrets travel: no ids, no published flags, no sessions.

use alloc::string::String;
use alloc::vec::Vec;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce, Tag};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::codec::{Reader, Writer};
use crate::crypto::{Curve25519SecretKey, Ed25519SecretKey};
use crate::error::PickleError;
use crate::limits::{MAX_ONE_TIME_KEYS, MAX_PICKLE_LENGTH};
use crate::olm::Account;
use crate::olm::account::{FallbackKeys, OneTimeKey, OneTimeKeys};
use crate::types::{KeyId, base64};

/// spec/pickle.md PICKLE-DEHYDRATED-1: the only plaintext version.
const VERSION: u32 = 1;
const NONCE_LENGTH: usize = 12;
const TAG_LENGTH: usize = 16;

/// An account encrypted as an MSC3814 dehydrated device: the `device_data` a client uploads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DehydratedDevice {
    /// ChaCha20-Poly1305 ciphertext with its 16-byte tag, unpadded base64.
    pub ciphertext: String,
    /// The 12-byte nonce, unpadded base64 (16 characters).
    pub nonce: String,
}

impl Account {
    /// spec/pickle.md PICKLE-DEHYDRATED-3: encrypts this account's keys under `key` with a
    /// nonce of 12 bytes from `rng`, for vodozemac's (or protee's)
    /// [`Account::from_dehydrated_device`].
    ///
    /// Every one-time key is included, published or not, oldest first; of the fallback keys
    /// only the current one, published or not. Ids, published flags, the previous fallback key
    /// and sessions are not part of the format. An account whose Ed25519 key has no seed (one
    /// loaded from libolm, which keeps only the expanded key) cannot be written:
    /// [`PickleError::Unsupported`].
    pub fn to_dehydrated_device(
        &self,
        key: &[u8; 32],
        rng: &mut impl CryptoRng,
    ) -> Result<DehydratedDevice, PickleError> {
        let body = self.dehydrated_body()?;
        let nonce = crate::random::rng_bytes::<NONCE_LENGTH>(rng);
        Ok(seal(body, key, &nonce))
    }

    /// [`Account::to_dehydrated_device`] with a nonce from the operating system's RNG; its
    /// failure is [`PickleError::RandomUnavailable`].
    #[cfg(feature = "os-rng")]
    pub fn to_dehydrated_device_with_os_rng(
        &self,
        key: &[u8; 32],
    ) -> Result<DehydratedDevice, PickleError> {
        let body = self.dehydrated_body()?;
        let nonce = crate::random::os_bytes::<NONCE_LENGTH>()
            .map_err(|_| PickleError::RandomUnavailable)?;
        Ok(seal(body, key, &nonce))
    }

    /// spec/pickle.md PICKLE-DEHYDRATED-1, PICKLE-DEHYDRATED-3: the plaintext.
    fn dehydrated_body(&self) -> Result<Zeroizing<Vec<u8>>, PickleError> {
        let seed = self.signing_key.seed().ok_or(PickleError::Unsupported)?;
        let otks = &self.one_time_keys.keys;
        let keys = otks.len().saturating_mul(32);
        let mut w = Writer::with_capacity(keys.saturating_add(4 + 32 + 32 + 4 + 1 + 32));
        w.u32(VERSION);
        w.bytes(self.identity_key.to_bytes().as_slice());
        w.bytes(seed);
        w.count(otks.len())?;
        // Stored newest first; written oldest first, as vodozemac writes them (by id).
        for otk in otks.iter().rev() {
            w.bytes(otk.key.to_bytes().as_slice());
        }
        match &self.fallback_keys.current {
            Some(fallback) => {
                w.bool(true);
                w.bytes(fallback.key.to_bytes().as_slice());
            }
            None => w.bool(false),
        }
        Ok(w.into_bytes())
    }

    /// spec/pickle.md PICKLE-DEHYDRATED-2, PICKLE-DEHYDRATED-4: decrypts a dehydrated device
    /// made by vodozemac 0.11 or protee under `key` and rebuilds the account as vodozemac does.
    ///
    /// The n one-time keys get ids 0 … n − 1 in the order stored and are marked published; the
    /// fallback key, if any, becomes the current one with id 0, published, and there is no
    /// previous one. The last key id becomes n − 1 (0 when n = 0): the next key protee makes
    /// gets id max(n, 1), vodozemac's next one-time key id whenever n ≥ 1.
    ///
    /// Errors: ciphertext longer than [`MAX_PICKLE_LENGTH`] → [`PickleError::TooLong`]; bad
    /// base64 → [`PickleError::InvalidBase64`]; a nonce that is not 12 bytes or a ciphertext
    /// shorter than its tag → [`PickleError::InvalidLength`]; wrong key or altered data →
    /// [`PickleError::InvalidMac`]; a version other than 1 → [`PickleError::UnknownVersion`];
    /// then the pickle codec's strict errors (more than [`MAX_ONE_TIME_KEYS`] keys, a boolean
    /// other than 0 or 1, a short body, trailing bytes).
    pub fn from_dehydrated_device(
        ciphertext: &str,
        nonce: &str,
        key: &[u8; 32],
    ) -> Result<Self, PickleError> {
        let body = open(ciphertext, nonce, key)?;
        let mut r = Reader::new(&body);
        match r.u32()? {
            VERSION => {}
            found => return Err(PickleError::UnknownVersion { found }),
        }
        let identity_key = Curve25519SecretKey::from_bytes(*r.secret::<32>()?);
        let signing_key = Ed25519SecretKey::from_seed(&*r.secret::<32>()?);
        let count = r.count(MAX_ONE_TIME_KEYS)?;
        let mut keys = Vec::with_capacity(count);
        for id in 0..count {
            keys.push(OneTimeKey {
                id: KeyId(u32::try_from(id).map_err(|_| PickleError::InvalidField)?),
                published: true,
                key: Curve25519SecretKey::from_bytes(*r.secret::<32>()?),
            });
        }
        keys.reverse();
        let current = if r.bool()? {
            Some(OneTimeKey {
                id: KeyId(0),
                published: true,
                key: Curve25519SecretKey::from_bytes(*r.secret::<32>()?),
            })
        } else {
            None
        };
        r.finish()?;
        let last_key_id =
            u32::try_from(count.saturating_sub(1)).map_err(|_| PickleError::InvalidField)?;
        Ok(Account {
            signing_key,
            identity_key,
            one_time_keys: OneTimeKeys { keys },
            fallback_keys: FallbackKeys {
                current,
                previous: None,
            },
            last_key_id,
        })
    }
}

/// spec/pickle.md PICKLE-DEHYDRATED-2: encrypts `body` in place (zeroized when dropped).
fn seal(
    mut body: Zeroizing<Vec<u8>>,
    key: &[u8; 32],
    nonce: &[u8; NONCE_LENGTH],
) -> DehydratedDevice {
    let cipher = ChaCha20Poly1305::new(key.into());
    // Fails only for bodies above 256 GiB; this body is at most 3.3 KiB.
    let tag = cipher
        .encrypt_inout_detached(nonce.into(), &[], body.as_mut_slice().into())
        .unwrap_or_default();
    let mut out = Vec::with_capacity(body.len().saturating_add(TAG_LENGTH));
    out.extend_from_slice(&body);
    out.extend_from_slice(&tag);
    DehydratedDevice {
        ciphertext: base64::encode(&out),
        nonce: base64::encode(nonce),
    }
}

/// spec/pickle.md PICKLE-DEHYDRATED-2: length bound, strict base64, a 12-byte nonce, then the
/// tag checked (constant time) before the plaintext is released into a zeroizing buffer.
fn open(ciphertext: &str, nonce: &str, key: &[u8; 32]) -> Result<Zeroizing<Vec<u8>>, PickleError> {
    if ciphertext.len() > MAX_PICKLE_LENGTH {
        return Err(PickleError::TooLong {
            got: ciphertext.len(),
        });
    }
    if nonce.len() != base64::encoded_len(NONCE_LENGTH) {
        return Err(PickleError::InvalidLength);
    }
    let nonce = base64::decode(nonce).map_err(|_| PickleError::InvalidBase64)?;
    let nonce: &Nonce = nonce
        .as_slice()
        .try_into()
        .map_err(|_| PickleError::InvalidLength)?;
    let raw = base64::decode(ciphertext).map_err(|_| PickleError::InvalidBase64)?;
    let body_length = raw
        .len()
        .checked_sub(TAG_LENGTH)
        .ok_or(PickleError::InvalidLength)?;
    let (sealed, tag) = raw
        .split_at_checked(body_length)
        .ok_or(PickleError::InvalidLength)?;
    let tag: &Tag = tag.try_into().map_err(|_| PickleError::InvalidLength)?;
    let mut body = Zeroizing::new(sealed.to_vec());
    ChaCha20Poly1305::new(key.into())
        .decrypt_inout_detached(nonce, &[], body.as_mut_slice().into(), tag)
        .map_err(|_| PickleError::InvalidMac)?;
    Ok(body)
}
