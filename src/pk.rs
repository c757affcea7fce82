//! PK encryption (`m.megolm_backup.v1.curve25519-aes-sha2`, used for server-side key backup)
//! and PK signing, as libolm's `olm_pk_*` computes them.
//!
//! **The MAC authenticates nothing.** libolm computes it over the *empty string*, so it depends
//! only on the derived keys, never on the ciphertext; the Matrix specification has since
//! written this down as the algorithm. Whoever stores a message (the homeserver) can alter or
//! replace its ciphertext and keep the MAC, and the scheme says nothing about who encrypted.
//! protee reproduces it byte for byte for interoperability: it provides confidentiality only,
//! and a matching MAC merely tells that a message was made for this key. Decryption checks
//! the ciphertext length and the whole PKCS#7 padding (libolm reads out of bounds on some
//! malformed ciphertexts and checks only the last padding byte).
//!
//! ```
//! # #[cfg(feature = "os-rng")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use protee::pk::{PkDecryption, PkEncryption, PkMessage};
//!
//! let backup = PkDecryption::new()?;
//! let message = PkEncryption::from_key(backup.public_key())?.encrypt_with_os_rng(b"room key")?;
//! let received = PkMessage::from_base64(
//!     &message.ciphertext_base64(),
//!     &message.mac_base64(),
//!     &message.ephemeral_key_base64(),
//! )?;
//! assert_eq!(backup.decrypt(&received)?, b"room key");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "os-rng"))]
//! # fn main() {}
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use rand_core::CryptoRng;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::crypto::cipher::{BLOCK_SIZE, CipherError, CipherKeys};
use crate::crypto::{Curve25519SecretKey, Ed25519SecretKey};
use crate::error::PkError;
use crate::random::rng_bytes;
use crate::types::base64;
use crate::types::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature};

/// spec/sas-pk.md PK-KEYS-1: the HKDF info string is empty.
const PK_KEYS_INFO: &[u8] = b"";

/// spec/sas-pk.md PK-MAC-1: the message the MAC is computed over: the empty string.
const PK_MAC_INPUT: &[u8] = b"";

/// Length of the truncated MAC in bytes.
const PK_MAC_LENGTH: usize = 8;

/// An encrypted PK message: what `olm_pk_encrypt` returns, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkMessage {
    /// AES-256-CBC ciphertext with PKCS#7 padding.
    pub ciphertext: Vec<u8>,
    /// `HMAC-SHA256(mac key, "")` truncated to 8 bytes: it does not cover the ciphertext.
    pub mac: [u8; PK_MAC_LENGTH],
    /// The sender's ephemeral Curve25519 key.
    pub ephemeral_key: Curve25519PublicKey,
}

impl PkMessage {
    /// spec/sas-pk.md PK-MSG-1: decodes the three base64 fields of a backup's `session_data`.
    /// The MAC must be exactly 11 characters and the ephemeral key exactly 43, as libolm
    /// requires; the ciphertext may be any strict unpadded base64 (its length is checked when
    /// decrypting).
    pub fn from_base64(ciphertext: &str, mac: &str, ephemeral_key: &str) -> Result<Self, PkError> {
        let ciphertext = base64::decode(ciphertext).map_err(PkError::InvalidCiphertextEncoding)?;
        let mac =
            base64::decode_array::<PK_MAC_LENGTH>(mac).map_err(PkError::InvalidMacEncoding)?;
        let ephemeral_key = Curve25519PublicKey::from_base64(ephemeral_key)
            .map_err(PkError::InvalidEphemeralKeyEncoding)?;
        Ok(Self {
            ciphertext,
            mac,
            ephemeral_key,
        })
    }

    /// The ciphertext in unpadded base64.
    pub fn ciphertext_base64(&self) -> String {
        base64::encode(&self.ciphertext)
    }

    /// The MAC in unpadded base64 (11 characters).
    pub fn mac_base64(&self) -> String {
        base64::encode(&self.mac)
    }

    /// The ephemeral key in unpadded base64 (43 characters).
    pub fn ephemeral_key_base64(&self) -> String {
        self.ephemeral_key.to_base64()
    }
}

/// spec/sas-pk.md PK-MAC-1: libolm's MAC, `HMAC-SHA256(mac key, "")[0..8]`. It is taken over
/// the empty string (libolm passes its 8-byte output buffer where the message belongs), so it
/// authenticates nothing; the Matrix specification adopted the bug as the algorithm.
fn empty_string_mac(keys: &CipherKeys) -> [u8; PK_MAC_LENGTH] {
    let full = keys.mac(PK_MAC_INPUT);
    let mut mac = [0u8; PK_MAC_LENGTH];
    for (out, byte) in mac.iter_mut().zip(full.iter()) {
        *out = *byte;
    }
    mac
}

/// The sending side: encrypts to a backup's public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkEncryption {
    recipient: Curve25519PublicKey,
}

impl PkEncryption {
    /// spec/sas-pk.md PK-ENC-2: encryption to the key `recipient`. A key of small order is
    /// refused (every message to it would be readable by anyone); libolm accepts it.
    pub fn from_key(recipient: Curve25519PublicKey) -> Result<Self, PkError> {
        if recipient.is_low_order() {
            return Err(PkError::NonContributoryKey);
        }
        Ok(Self { recipient })
    }

    /// The recipient's public key.
    pub fn recipient_key(&self) -> Curve25519PublicKey {
        self.recipient
    }

    /// spec/sas-pk.md PK-ENC-1: encrypts `plaintext` with a fresh ephemeral key made from 32
    /// bytes of `rng` (as libolm's `olm_pk_encrypt` takes them).
    pub fn encrypt(&self, plaintext: &[u8], rng: &mut impl CryptoRng) -> PkMessage {
        self.encrypt_with_ephemeral(
            plaintext,
            &Curve25519SecretKey::from_bytes(*rng_bytes::<32>(rng)),
        )
    }

    /// [`PkEncryption::encrypt`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn encrypt_with_os_rng(&self, plaintext: &[u8]) -> Result<PkMessage, crate::RandomError> {
        let ephemeral = Curve25519SecretKey::from_bytes(*crate::random::os_bytes::<32>()?);
        Ok(self.encrypt_with_ephemeral(plaintext, &ephemeral))
    }

    /// spec/sas-pk.md PK-ENC-1 / PK-KEYS-1 / PK-MAC-1:
    /// `ss = X25519(ephemeral, recipient)`; `AES key | MAC key | IV = HKDF(0^32, ss, "", 80)`;
    /// the ciphertext is AES-256-CBC/PKCS#7; the MAC is over the empty string.
    fn encrypt_with_ephemeral(
        &self,
        plaintext: &[u8],
        ephemeral: &Curve25519SecretKey,
    ) -> PkMessage {
        // `from_key` refused small-order recipients, so the shared secret is never all zero.
        let shared = ephemeral.diffie_hellman_unchecked(&self.recipient);
        let keys = CipherKeys::derive(shared.as_bytes(), PK_KEYS_INFO);
        let mut ciphertext = Vec::with_capacity(CipherKeys::ciphertext_len(plaintext.len()));
        keys.encrypt_into(plaintext, &mut ciphertext);
        PkMessage {
            ciphertext,
            mac: empty_string_mac(&keys),
            ephemeral_key: ephemeral.public_key(),
        }
    }
}

/// The receiving side: a backup's Curve25519 key pair.
#[derive(ZeroizeOnDrop)]
pub struct PkDecryption {
    pub(crate) secret: Curve25519SecretKey,
}

impl PkDecryption {
    /// spec/sas-pk.md PK-KEY-1: 32 bytes of `rng` are the private key itself, stored as drawn
    /// (libolm `olm_pk_generate_key` / `olm_pk_key_from_private`).
    pub fn new_with_rng(rng: &mut impl CryptoRng) -> Self {
        Self::from_bytes(&rng_bytes::<32>(rng))
    }

    /// [`PkDecryption::new_with_rng`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn new() -> Result<Self, crate::RandomError> {
        Ok(Self::from_bytes(&*crate::random::os_bytes::<32>()?))
    }

    /// spec/sas-pk.md PK-KEY-1: the key pair whose private key is these 32 bytes (any 32 bytes
    /// are a valid X25519 private key).
    pub fn from_bytes(private: &[u8; 32]) -> Self {
        Self {
            secret: Curve25519SecretKey::from_bytes(*private),
        }
    }

    /// The 32 private-key bytes, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.secret.to_bytes()
    }

    /// The public key, to publish as the backup's `auth_data.public_key`.
    pub fn public_key(&self) -> Curve25519PublicKey {
        self.secret.public_key()
    }

    /// spec/sas-pk.md PK-DEC-1: decrypts a message, checking in this order: the ciphertext is
    /// a non-empty multiple of 16 bytes; the ephemeral key is not of small order; the MAC
    /// matches (constant time); the whole PKCS#7 padding is valid. Nothing is decrypted before
    /// the MAC check. As the module documentation explains, a matching MAC does not mean the
    /// ciphertext is authentic.
    pub fn decrypt(&self, message: &PkMessage) -> Result<Vec<u8>, PkError> {
        let length = message.ciphertext.len();
        if length == 0 || !length.is_multiple_of(BLOCK_SIZE) {
            return Err(PkError::InvalidCiphertextLength { got: length });
        }
        let shared = self
            .secret
            .diffie_hellman(&message.ephemeral_key)
            .map_err(|_| PkError::NonContributoryKey)?;
        let keys = CipherKeys::derive(shared.as_bytes(), PK_KEYS_INFO);
        if !keys.verify_mac(PK_MAC_INPUT, &message.mac) {
            return Err(PkError::InvalidMac);
        }
        keys.decrypt(&message.ciphertext).map_err(|e| match e {
            CipherError::Length => PkError::InvalidCiphertextLength { got: length },
            CipherError::Padding => PkError::InvalidPadding,
        })
    }
}

/// spec/sas-pk.md PK-ZERO-1: only the public key is shown.
impl core::fmt::Debug for PkDecryption {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PkDecryption")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 signing key made from a 32-byte seed (libolm `olm_pk_signing`), as used for
/// cross-signing keys.
#[derive(ZeroizeOnDrop)]
pub struct PkSigning {
    key: Ed25519SecretKey,
}

impl PkSigning {
    /// spec/sas-pk.md PK-SIGN-1: the key from a 32-byte seed, as RFC 8032 and
    /// `olm_pk_signing_key_from_seed` derive it.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            key: Ed25519SecretKey::from_seed(seed),
        }
    }

    /// spec/sas-pk.md PK-SIGN-1: a key from 32 bytes of `rng`, used as the seed.
    pub fn new_with_rng(rng: &mut impl CryptoRng) -> Self {
        Self::from_seed(&rng_bytes::<32>(rng))
    }

    /// [`PkSigning::new_with_rng`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn new() -> Result<Self, crate::RandomError> {
        Ok(Self::from_seed(&*crate::random::os_bytes::<32>()?))
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> Ed25519PublicKey {
        self.key.public_key()
    }

    /// spec/sas-pk.md PK-SIGN-1: deterministic RFC 8032 signature over exactly `message`.
    pub fn sign(&self, message: &[u8]) -> Ed25519Signature {
        self.key.sign(message)
    }
}

/// spec/sas-pk.md PK-ZERO-1: only the public key is shown.
impl core::fmt::Debug for PkSigning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PkSigning")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup() -> PkDecryption {
        PkDecryption::from_bytes(&[0x11; 32])
    }

    fn message_to(backup: &PkDecryption, plaintext: &[u8]) -> PkMessage {
        PkEncryption::from_key(backup.public_key())
            .unwrap()
            .encrypt_with_ephemeral(plaintext, &Curve25519SecretKey::from_bytes([0x22; 32]))
    }

    #[test]
    fn round_trip_of_every_length_up_to_three_blocks() {
        let backup = backup();
        for len in 0..48 {
            let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let message = message_to(&backup, &plaintext);
            assert_eq!(message.ciphertext.len(), CipherKeys::ciphertext_len(len));
            assert_eq!(backup.decrypt(&message).unwrap(), plaintext);
        }
    }

    // spec/sas-pk.md PK-MAC-1: the MAC does not depend on the plaintext or the ciphertext.
    #[test]
    fn mac_ignores_the_ciphertext() {
        let backup = backup();
        let a = message_to(&backup, b"one message");
        let b = message_to(&backup, b"a completely different message");
        assert_eq!(a.mac, b.mac);
        // A ciphertext swapped under the same MAC and key still passes the MAC check.
        let swapped = PkMessage {
            ciphertext: b.ciphertext.clone(),
            ..a.clone()
        };
        assert_eq!(
            backup.decrypt(&swapped).unwrap(),
            b"a completely different message"
        );
    }

    // spec/sas-pk.md PK-DEC-1: the order of the checks.
    #[test]
    fn decrypt_checks_length_then_key_then_mac_then_padding() {
        let backup = backup();
        let good = message_to(&backup, b"hello");
        let mut m = good.clone();
        m.ciphertext.clear();
        m.ephemeral_key = Curve25519PublicKey::from_bytes([0; 32]);
        assert_eq!(
            backup.decrypt(&m),
            Err(PkError::InvalidCiphertextLength { got: 0 })
        );
        m.ciphertext = good.ciphertext.clone();
        m.mac = [0; 8];
        assert_eq!(backup.decrypt(&m), Err(PkError::NonContributoryKey));
        m.ephemeral_key = good.ephemeral_key;
        assert_eq!(backup.decrypt(&m), Err(PkError::InvalidMac));
        let other = PkDecryption::from_bytes(&[0x33; 32]);
        assert_eq!(other.decrypt(&good), Err(PkError::InvalidMac));
    }

    #[test]
    fn private_key_round_trips() {
        let backup = backup();
        let again = PkDecryption::from_bytes(&backup.to_bytes());
        assert_eq!(again.public_key(), backup.public_key());
        assert_eq!(*backup.to_bytes(), [0x11; 32]);
    }

    #[test]
    fn small_order_recipient_is_refused() {
        assert_eq!(
            PkEncryption::from_key(Curve25519PublicKey::from_bytes([0; 32])),
            Err(PkError::NonContributoryKey)
        );
    }

    // spec/sas-pk.md PK-ZERO-1.
    #[test]
    fn debug_shows_only_public_keys() {
        let shown = alloc::format!("{:?}", PkDecryption::from_bytes(&[0xab; 32]));
        assert!(!shown.contains("171") && !shown.to_lowercase().contains("abab"));
        let shown = alloc::format!("{:?}", PkSigning::from_seed(&[0xab; 32]));
        assert!(!shown.contains("171") && !shown.to_lowercase().contains("abab"));
    }

    #[test]
    fn signatures_verify() {
        let signer = PkSigning::from_seed(&[5; 32]);
        let signature = signer.sign(b"cross-signing");
        signer
            .public_key()
            .verify(b"cross-signing", &signature)
            .unwrap();
        assert!(signer.public_key().verify(b"other", &signature).is_err());
    }
}
