//! An Olm account: a device's long-term identity keys, its one-time keys and fallback keys.

mod fallback_keys;
mod one_time_keys;

use alloc::string::String;
use alloc::vec::Vec;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

pub(crate) use fallback_keys::FallbackKeys;
pub(crate) use one_time_keys::{OneTimeKey, OneTimeKeys};

use crate::crypto::{Curve25519SecretKey, Ed25519SecretKey};
use crate::error::SessionCreationError;
use crate::limits::MAX_ONE_TIME_KEYS;
use crate::olm::messages::{OlmMessage, PreKeyMessage};
use crate::olm::session::Session;
use crate::random::rng_bytes;

/// One-time keys whose public keys are computed together (spec/olm.md OLM-DH-3): large enough
/// that the shared field inversion costs next to nothing per key, small enough to bound the
/// secrets held at once.
const KEYGEN_BATCH: usize = 64;
use crate::types::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature, KeyId};

/// A device's two public identity keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityKeys {
    /// The Curve25519 key used in Olm handshakes.
    pub curve25519: Curve25519PublicKey,
    /// The Ed25519 key used to sign.
    pub ed25519: Ed25519PublicKey,
}

/// A new inbound session and the plaintext of the pre-key message that created it.
pub struct InboundCreationResult {
    /// The new session.
    pub session: Session,
    /// The decrypted first message.
    pub plaintext: Vec<u8>,
}

/// spec/olm.md OLM-ZERO-2: the plaintext is never printed, only its length.
impl core::fmt::Debug for InboundCreationResult {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InboundCreationResult")
            .field("session", &self.session)
            .field("plaintext_len", &self.plaintext.len())
            .finish()
    }
}

/// An Olm account.
#[derive(Clone)]
pub struct Account {
    pub(crate) signing_key: Ed25519SecretKey,
    pub(crate) identity_key: Curve25519SecretKey,
    pub(crate) one_time_keys: OneTimeKeys,
    pub(crate) fallback_keys: FallbackKeys,
    /// The last key id handed out (not the next one), shared by one-time and fallback keys.
    pub(crate) last_key_id: u32,
}

impl Account {
    /// spec/olm.md OLM-ACCOUNT-1: a new account from 64 bytes of `rng`: the Ed25519 seed, then
    /// the Curve25519 identity secret (stored as drawn, unclamped).
    pub fn new_with_rng(rng: &mut impl CryptoRng) -> Self {
        Self::from_random(&rng_bytes::<64>(rng))
    }

    /// [`Account::new_with_rng`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn new() -> Result<Self, crate::RandomError> {
        Ok(Self::from_random(&*crate::random::os_bytes::<64>()?))
    }

    fn from_random(random: &[u8; 64]) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        let mut curve = Zeroizing::new([0u8; 32]);
        let (a, b) = random.split_at(32);
        seed.copy_from_slice(a);
        curve.copy_from_slice(b);
        Self {
            signing_key: Ed25519SecretKey::from_seed(&seed),
            identity_key: Curve25519SecretKey::from_bytes(*curve),
            one_time_keys: OneTimeKeys::default(),
            fallback_keys: FallbackKeys::default(),
            last_key_id: 0,
        }
    }

    /// The account's public identity keys.
    pub fn identity_keys(&self) -> IdentityKeys {
        IdentityKeys {
            curve25519: self.curve25519_key(),
            ed25519: self.ed25519_key(),
        }
    }

    /// The Curve25519 identity key.
    pub fn curve25519_key(&self) -> Curve25519PublicKey {
        self.identity_key.public_key()
    }

    /// The Ed25519 identity key.
    pub fn ed25519_key(&self) -> Ed25519PublicKey {
        self.signing_key.public_key()
    }

    /// spec/olm.md OLM-ACCOUNT-2: libolm's exact identity JSON,
    /// `{"curve25519":"<43>","ed25519":"<43>"}`.
    pub fn identity_keys_json(&self) -> String {
        let mut json = String::with_capacity(116);
        json.push_str("{\"curve25519\":\"");
        json.push_str(&self.curve25519_key().to_base64());
        json.push_str("\",\"ed25519\":\"");
        json.push_str(&self.ed25519_key().to_base64());
        json.push_str("\"}");
        json
    }

    /// spec/olm.md OLM-ACCOUNT-3: an Ed25519 signature over exactly `message`.
    pub fn sign(&self, message: &[u8]) -> Ed25519Signature {
        self.signing_key.sign(message)
    }

    /// The most one-time keys the account stores (spec/olm.md OLM-OTK-4).
    pub fn max_number_of_one_time_keys(&self) -> usize {
        MAX_ONE_TIME_KEYS
    }

    /// spec/olm.md OLM-OTK-1, OLM-LIMIT-2: `++last_key_id`, shared with fallback keys.
    fn next_key_id(&mut self) -> KeyId {
        // libolm's counter is a uint32 and wraps; 2^32 keys are never generated in practice.
        self.last_key_id = self.last_key_id.wrapping_add(1);
        KeyId(self.last_key_id)
    }

    /// spec/olm.md OLM-OTK-1: generates `count` one-time keys, 32 bytes of `rng` each, and
    /// returns their ids.
    pub fn generate_one_time_keys(&mut self, count: usize, rng: &mut impl CryptoRng) -> Vec<KeyId> {
        let drawn: Result<_, core::convert::Infallible> =
            self.add_one_time_keys(count, || Ok(rng_bytes::<32>(rng)));
        match drawn {
            Ok(ids) => ids,
            Err(never) => match never {},
        }
    }

    /// [`Account::generate_one_time_keys`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn generate_one_time_keys_with_os_rng(
        &mut self,
        count: usize,
    ) -> Result<Vec<KeyId>, crate::RandomError> {
        self.add_one_time_keys(count, crate::random::os_bytes::<32>)
    }

    /// Draws `count` secrets in order, each taking the next key id (so the random bytes and ids
    /// match libolm's one-by-one generation), and computes their public keys in batches of
    /// [`KEYGEN_BATCH`] (spec/olm.md OLM-DH-3: one field inversion per batch). At most one batch
    /// of secrets is held at a time, whatever `count` is.
    fn add_one_time_keys<E>(
        &mut self,
        count: usize,
        mut draw: impl FnMut() -> Result<Zeroizing<[u8; 32]>, E>,
    ) -> Result<Vec<KeyId>, E> {
        let mut ids = Vec::with_capacity(count.min(MAX_ONE_TIME_KEYS));
        let mut batch = Vec::with_capacity(count.min(KEYGEN_BATCH));
        for _ in 0..count {
            batch.push(draw()?);
            if batch.len() == KEYGEN_BATCH {
                self.insert_one_time_keys(core::mem::take(&mut batch), &mut ids);
            }
        }
        self.insert_one_time_keys(batch, &mut ids);
        Ok(ids)
    }

    fn insert_one_time_keys(&mut self, secrets: Vec<Zeroizing<[u8; 32]>>, ids: &mut Vec<KeyId>) {
        if secrets.is_empty() {
            return;
        }
        for key in Curve25519SecretKey::from_bytes_batch(secrets) {
            let id = self.next_key_id();
            self.one_time_keys.insert(id, key);
            ids.push(id);
        }
    }

    /// spec/olm.md OLM-OTK-3: the unpublished one-time keys, newest first.
    pub fn one_time_keys(&self) -> Vec<(KeyId, Curve25519PublicKey)> {
        self.one_time_keys.unpublished().collect()
    }

    /// spec/olm.md OLM-OTK-3: libolm's one-time-key JSON,
    /// `{"curve25519":{"AAAAAg":"<43>","AAAAAQ":"<43>"}}`, newest first.
    pub fn one_time_keys_json(&self) -> String {
        keys_json(self.one_time_keys.unpublished())
    }

    /// spec/olm.md OLM-OTK-5: marks every one-time key and the current fallback key as
    /// published; returns how many one-time keys were newly marked.
    pub fn mark_keys_as_published(&mut self) -> usize {
        self.fallback_keys.mark_as_published();
        self.one_time_keys.mark_as_published()
    }

    /// spec/olm.md OLM-FALLBACK-1: a new fallback key from 32 bytes of `rng`; the current one
    /// becomes the previous one. Returns the new key's id.
    pub fn generate_fallback_key(&mut self, rng: &mut impl CryptoRng) -> KeyId {
        let bytes = rng_bytes::<32>(rng);
        self.add_fallback_key(&bytes)
    }

    /// [`Account::generate_fallback_key`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn generate_fallback_key_with_os_rng(&mut self) -> Result<KeyId, crate::RandomError> {
        Ok(self.add_fallback_key(&*crate::random::os_bytes::<32>()?))
    }

    fn add_fallback_key(&mut self, bytes: &[u8; 32]) -> KeyId {
        let id = self.next_key_id();
        self.fallback_keys
            .rotate(id, Curve25519SecretKey::from_bytes(*bytes));
        id
    }

    /// spec/olm.md OLM-FALLBACK-2: the current fallback key, published or not.
    pub fn fallback_key(&self) -> Option<(KeyId, Curve25519PublicKey)> {
        self.fallback_keys.current_public()
    }

    /// spec/olm.md OLM-FALLBACK-2: the current fallback key while it is unpublished.
    pub fn unpublished_fallback_key(&self) -> Option<(KeyId, Curve25519PublicKey)> {
        self.fallback_keys.current_unpublished()
    }

    /// libolm's `olm_account_fallback_key` JSON: `{"curve25519":{"AAAAAw":"<43>"}}` or
    /// `{"curve25519":{}}`.
    pub fn fallback_key_json(&self) -> String {
        keys_json(self.fallback_key().into_iter())
    }

    /// libolm's `olm_account_unpublished_fallback_key` JSON.
    pub fn unpublished_fallback_key_json(&self) -> String {
        keys_json(self.unpublished_fallback_key().into_iter())
    }

    /// spec/olm.md OLM-FALLBACK-1: forgets the previous fallback key; returns whether there
    /// was one.
    pub fn forget_old_fallback_key(&mut self) -> bool {
        self.fallback_keys.forget_previous()
    }

    /// spec/olm.md OLM-SESSION-1: starts a session with a device whose identity key and
    /// one-time (or fallback) key are given, drawing 64 bytes from `rng`.
    pub fn create_outbound_session(
        &self,
        their_identity_key: &Curve25519PublicKey,
        their_one_time_key: &Curve25519PublicKey,
        rng: &mut impl CryptoRng,
    ) -> Result<Session, SessionCreationError> {
        let random = rng_bytes::<64>(rng);
        Session::new_outbound(
            &self.identity_key,
            their_identity_key,
            their_one_time_key,
            &random,
        )
    }

    /// [`Account::create_outbound_session`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn create_outbound_session_with_os_rng(
        &self,
        their_identity_key: &Curve25519PublicKey,
        their_one_time_key: &Curve25519PublicKey,
    ) -> Result<Session, SessionCreationError> {
        let random =
            crate::random::os_bytes::<64>().map_err(|_| SessionCreationError::RandomUnavailable)?;
        Session::new_outbound(
            &self.identity_key,
            their_identity_key,
            their_one_time_key,
            &random,
        )
    }

    /// Creates a session from a pre-key message and decrypts that message
    /// (spec/olm.md OLM-INBOUND-1, OLM-INBOUND-2, OLM-INBOUND-3).
    ///
    /// The one-time key is looked up among the one-time keys, then the current and the previous
    /// fallback key. It is removed only once the message has decrypted; on any error the
    /// account is unchanged. Fallback keys are never removed by use. If `their_identity_key` is
    /// given, the message must come from it.
    pub fn create_inbound_session(
        &mut self,
        their_identity_key: Option<&Curve25519PublicKey>,
        message: &PreKeyMessage,
    ) -> Result<InboundCreationResult, SessionCreationError> {
        if let Some(expected) = their_identity_key {
            // spec/olm.md OLM-INBOUND-3
            if *expected != message.identity_key() {
                return Err(SessionCreationError::IdentityKeyMismatch);
            }
        }
        let one_time_key = message.one_time_key();
        let (secret, is_one_time) = match self.one_time_keys.find(&one_time_key) {
            Some(key) => (&key.key, true),
            None => match self.fallback_keys.find(&one_time_key) {
                Some(key) => (&key.key, false),
                None => return Err(SessionCreationError::UnknownOneTimeKey),
            },
        };
        let mut session = Session::new_inbound(&self.identity_key, secret, message)?;
        let plaintext = session.decrypt(&OlmMessage::PreKey(message.clone()))?;
        if is_one_time {
            self.one_time_keys.remove(&one_time_key);
        }
        Ok(InboundCreationResult { session, plaintext })
    }

    /// Removes the one-time key a session was created with (libolm's
    /// `olm_remove_one_time_keys`); returns its id, or `None` if it is not a one-time key of
    /// this account. [`Account::create_inbound_session`] already does this.
    pub fn remove_one_time_key(&mut self, public_key: &Curve25519PublicKey) -> Option<KeyId> {
        self.one_time_keys.remove(public_key)
    }

    /// The number of one-time keys stored (published or not).
    pub fn stored_one_time_key_count(&self) -> usize {
        self.one_time_keys.keys.len()
    }
}

impl core::fmt::Debug for Account {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Account")
            .field("identity_keys", &self.identity_keys())
            .field("one_time_keys", &self.one_time_keys.keys.len())
            .finish_non_exhaustive()
    }
}

/// `{"curve25519":{"<id>":"<key>",...}}` in the order given.
fn keys_json(keys: impl Iterator<Item = (KeyId, Curve25519PublicKey)>) -> String {
    let mut json = String::from("{\"curve25519\":{");
    for (i, (id, key)) in keys.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(&id.to_base64());
        json.push_str("\":\"");
        json.push_str(&key.to_base64());
        json.push('"');
    }
    json.push_str("}}");
    json
}
