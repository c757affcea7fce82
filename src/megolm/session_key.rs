//! Session keys (version 2, signed) and exported session keys (version 1, unsigned).
//!
//! Both carry a ratchet value and are secret: they zeroize on drop, never print, and use
//! constant-time base64.

use alloc::string::String;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::ratchet::{MegolmRatchet, RATCHET_LENGTH};
use crate::error::SessionKeyError;
use crate::types::{Ed25519PublicKey, Ed25519Signature, base64};

/// Length of a session key: `02 | u32 index | R (128) | Ed25519 key (32) | signature (64)`.
pub(crate) const SESSION_KEY_LENGTH: usize = 1 + 4 + RATCHET_LENGTH + 32 + 64;
/// Length of an exported key: `01 | u32 index | R (128) | Ed25519 key (32)`.
pub(crate) const EXPORTED_KEY_LENGTH: usize = 1 + 4 + RATCHET_LENGTH + 32;
const SESSION_KEY_VERSION: u8 = 2;
const EXPORTED_KEY_VERSION: u8 = 1;

/// spec/megolm.md MEGOLM-KEY-1: the signed session key shared in `m.room_key` events.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SessionKey(pub(crate) [u8; SESSION_KEY_LENGTH]);

/// spec/megolm.md MEGOLM-KEY-2: an unsigned export of an inbound session at some index.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ExportedSessionKey(pub(crate) [u8; EXPORTED_KEY_LENGTH]);

/// The parts shared by both formats.
pub(crate) struct KeyParts {
    pub(crate) ratchet: MegolmRatchet,
    pub(crate) signing_key: Ed25519PublicKey,
}

fn decode_fixed<const N: usize>(text: &str, version: u8) -> Result<[u8; N], SessionKeyError> {
    let bytes = base64::decode_array::<N>(text).map_err(|e| match e {
        crate::DecodeError::InvalidLength { expected, got } => {
            SessionKeyError::InvalidLength { expected, got }
        }
        _ => SessionKeyError::InvalidBase64,
    })?;
    match bytes.first() {
        Some(&v) if v == version => Ok(bytes),
        got => Err(SessionKeyError::UnsupportedVersion {
            expected: version,
            got: got.copied(),
        }),
    }
}

/// Reads `version | u32 index | R | key` from the start of `bytes`.
fn parts(bytes: &[u8]) -> Result<KeyParts, SessionKeyError> {
    let counter = bytes
        .get(1..5)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_be_bytes);
    let ratchet: Option<&[u8; RATCHET_LENGTH]> = bytes.get(5..133).and_then(|b| b.try_into().ok());
    let key = bytes.get(133..165);
    match (counter, ratchet, key) {
        (Some(counter), Some(ratchet), Some(key)) => Ok(KeyParts {
            ratchet: MegolmRatchet::from_bytes(ratchet, counter),
            signing_key: Ed25519PublicKey::from_slice(key)
                .map_err(|_| SessionKeyError::InvalidEd25519Key)?,
        }),
        _ => Err(SessionKeyError::InvalidLength {
            expected: SESSION_KEY_LENGTH,
            got: bytes.len(),
        }),
    }
}

fn write_parts(out: &mut [u8], version: u8, ratchet: &MegolmRatchet, key: &Ed25519PublicKey) {
    let ratchet_bytes = ratchet.to_bytes();
    let fields: [&[u8]; 4] = [
        &[version],
        &ratchet.counter().to_be_bytes(),
        ratchet_bytes.as_slice(),
        key.as_bytes(),
    ];
    let mut position = 0usize;
    for field in fields {
        let end = position.saturating_add(field.len());
        if let Some(dst) = out.get_mut(position..end) {
            dst.copy_from_slice(field);
        }
        position = end;
    }
}

impl SessionKey {
    /// Decodes the 306-character base64 form (constant time); checks length and version.
    pub fn from_base64(text: &str) -> Result<Self, SessionKeyError> {
        decode_fixed::<SESSION_KEY_LENGTH>(text, SESSION_KEY_VERSION).map(Self)
    }

    /// The 306-character unpadded base64 form (constant time).
    pub fn to_base64(&self) -> String {
        base64::encode(&self.0)
    }

    /// spec/megolm.md MEGOLM-KEY-1: `02 | counter | R | public key | sig(previous 165 bytes)`.
    pub(crate) fn new(ratchet: &MegolmRatchet, signer: &crate::Ed25519SecretKey) -> Self {
        let mut bytes = [0u8; SESSION_KEY_LENGTH];
        write_parts(
            &mut bytes,
            SESSION_KEY_VERSION,
            ratchet,
            &signer.public_key(),
        );
        let (signed, signature) = bytes.split_at_mut(EXPORTED_KEY_LENGTH);
        signature.copy_from_slice(&signer.sign(signed).to_bytes());
        Self(bytes)
    }

    /// spec/megolm.md MEGOLM-KEY-1: verifies the signature strictly, then returns the parts.
    pub(crate) fn verified_parts(&self) -> Result<KeyParts, SessionKeyError> {
        let parts = parts(&self.0)?;
        let (signed, signature) = self.0.split_at(EXPORTED_KEY_LENGTH);
        let signature = Ed25519Signature::from_slice(signature)
            .map_err(|_| SessionKeyError::InvalidSignature)?;
        parts
            .signing_key
            .verify(signed, &signature)
            .map_err(|_| SessionKeyError::InvalidSignature)?;
        Ok(parts)
    }
}

impl ExportedSessionKey {
    /// Decodes the 220-character base64 form (constant time); checks length and version.
    pub fn from_base64(text: &str) -> Result<Self, SessionKeyError> {
        decode_fixed::<EXPORTED_KEY_LENGTH>(text, EXPORTED_KEY_VERSION).map(Self)
    }

    /// The 220-character unpadded base64 form (constant time).
    pub fn to_base64(&self) -> String {
        base64::encode(&self.0)
    }

    /// spec/megolm.md MEGOLM-KEY-2: `01 | counter | R | public key`.
    pub(crate) fn new(ratchet: &MegolmRatchet, key: &Ed25519PublicKey) -> Self {
        let mut bytes = [0u8; EXPORTED_KEY_LENGTH];
        write_parts(&mut bytes, EXPORTED_KEY_VERSION, ratchet, key);
        Self(bytes)
    }

    pub(crate) fn parts(&self) -> Result<KeyParts, SessionKeyError> {
        parts(&self.0)
    }
}

impl core::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

impl core::fmt::Debug for ExportedSessionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ExportedSessionKey(<redacted>)")
    }
}
