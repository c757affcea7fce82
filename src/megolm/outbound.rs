//! The sender's side of a Megolm session.

use alloc::string::String;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::message::MegolmMessage;
use super::ratchet::{MegolmRatchet, RATCHET_LENGTH};
use super::session_key::SessionKey;
use crate::crypto::Ed25519SecretKey;
use crate::crypto::cipher::CipherKeys;
use crate::types::Ed25519PublicKey;

/// An outbound Megolm session: one per sender and room.
#[derive(Clone)]
pub struct GroupSession {
    pub(crate) ratchet: MegolmRatchet,
    pub(crate) signing_key: Ed25519SecretKey,
}

impl GroupSession {
    /// spec/megolm.md MEGOLM-OUT-1: 160 bytes from `rng`: R0..R3 (128 bytes, counter 0), then
    /// the Ed25519 seed (32 bytes).
    pub fn new_with_rng(rng: &mut impl CryptoRng) -> Self {
        Self::from_random(&crate::random::rng_bytes::<160>(rng))
    }

    /// [`GroupSession::new_with_rng`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn new() -> Result<Self, crate::RandomError> {
        Ok(Self::from_random(&*crate::random::os_bytes::<160>()?))
    }

    fn from_random(random: &[u8; 160]) -> Self {
        let mut ratchet = Zeroizing::new([0u8; RATCHET_LENGTH]);
        let mut seed = Zeroizing::new([0u8; 32]);
        let (r, s) = random.split_at(RATCHET_LENGTH);
        ratchet.copy_from_slice(r);
        seed.copy_from_slice(s);
        Self {
            ratchet: MegolmRatchet::from_bytes(&ratchet, 0),
            signing_key: Ed25519SecretKey::from_seed(&seed),
        }
    }

    /// spec/megolm.md MEGOLM-ID-1: the session id, unpadded base64 of the Ed25519 public key.
    pub fn session_id(&self) -> String {
        self.signing_key.public_key().to_base64()
    }

    /// The session's Ed25519 public key.
    pub fn signing_key(&self) -> Ed25519PublicKey {
        self.signing_key.public_key()
    }

    /// The index the next message will carry.
    pub fn message_index(&self) -> u32 {
        self.ratchet.counter()
    }

    /// spec/megolm.md MEGOLM-OUT-2: encrypts at the current index, then advances the ratchet
    /// once. Deterministic: no randomness.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> MegolmMessage {
        let keys = self.ratchet.cipher_keys();
        let message = MegolmMessage::encode(
            self.ratchet.counter(),
            CipherKeys::ciphertext_len(plaintext.len()),
            |out| keys.encrypt_into(plaintext, out),
            |body| keys.mac(body),
            |signed| self.signing_key.sign(signed),
        );
        self.ratchet.advance();
        message
    }

    /// spec/megolm.md MEGOLM-KEY-1: the signed session key at the current index.
    pub fn session_key(&self) -> SessionKey {
        SessionKey::new(&self.ratchet, &self.signing_key)
    }
}

impl core::fmt::Debug for GroupSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GroupSession")
            .field("session_id", &self.session_id())
            .field("message_index", &self.message_index())
            .finish_non_exhaustive()
    }
}
