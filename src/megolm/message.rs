//! Megolm messages: `03 | 08 <varint index> | 12 <varint len> <ciphertext> | MAC(8) | sig(64)`.

use alloc::vec::Vec;
use core::ops::Range;

use crate::crypto::cipher::BLOCK_SIZE;
use crate::error::MessageError;
use crate::olm::messages::{Reader, VERSION, varint};
use crate::types::{Ed25519Signature, base64};

/// Length of the truncated MAC.
pub(crate) const MAC_LENGTH: usize = 8;
/// Length of the Ed25519 signature that ends the message.
pub(crate) const SIGNATURE_LENGTH: usize = 64;

const INDEX_TAG: u8 = 0x08;
const CIPHERTEXT_TAG: u8 = 0x12;

/// The smallest valid message: version, index field, 16-byte ciphertext field, MAC, signature.
const MIN_LENGTH: usize = 1 + 2 + 2 + BLOCK_SIZE + MAC_LENGTH + SIGNATURE_LENGTH;

/// spec/megolm.md MEGOLM-MSG-1: a Megolm message, kept exactly as received.
#[derive(Clone, PartialEq, Eq)]
pub struct MegolmMessage {
    bytes: Vec<u8>,
    message_index: u32,
    ciphertext: Range<usize>,
}

impl MegolmMessage {
    /// spec/megolm.md MEGOLM-MSG-2: strict decoding (canonical field order and varints, no
    /// unknown or repeated fields, a non-empty ciphertext that is a multiple of 16 bytes, then
    /// exactly the 8-byte MAC and the 64-byte signature).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, MessageError> {
        if let Some(&v) = bytes.first()
            && v != VERSION
        {
            return Err(MessageError::UnsupportedVersion { got: v });
        }
        if bytes.len() < MIN_LENGTH {
            return Err(MessageError::TooShort {
                min: MIN_LENGTH,
                got: bytes.len(),
            });
        }
        let body_len = bytes.len().saturating_sub(MAC_LENGTH + SIGNATURE_LENGTH);
        let mut reader = Reader::new(bytes.get(..body_len).unwrap_or_default());
        reader.version()?;
        reader.tag(INDEX_TAG)?;
        let message_index = reader.varint()?;
        reader.tag(CIPHERTEXT_TAG)?;
        let ciphertext = reader.length_delimited()?;
        if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK_SIZE) {
            return Err(MessageError::InvalidCiphertextLength {
                got: ciphertext.len(),
            });
        }
        if reader.remaining() != 0 {
            return Err(MessageError::TrailingBytes {
                count: reader.remaining(),
            });
        }
        Ok(Self {
            bytes,
            message_index,
            ciphertext,
        })
    }

    /// Decodes unpadded base64.
    pub fn from_base64(text: &str) -> Result<Self, MessageError> {
        Self::from_bytes(base64::decode(text).map_err(|_| MessageError::InvalidBase64)?)
    }

    /// Builds a message: `mac` computes the MAC over the body, `sign` the signature over
    /// body || MAC.
    pub(crate) fn encode(
        message_index: u32,
        ciphertext_len: usize,
        write_ciphertext: impl FnOnce(&mut Vec<u8>),
        mac: impl FnOnce(&[u8]) -> [u8; 32],
        sign: impl FnOnce(&[u8]) -> Ed25519Signature,
    ) -> Self {
        // Version, index tag, index, ciphertext tag, length, ciphertext, MAC, signature;
        // saturating: a length that large could not be allocated anyway.
        let capacity = (1 + 1 + 1 + MAC_LENGTH + SIGNATURE_LENGTH)
            .saturating_add(varint::encoded_len(u64::from(message_index)))
            .saturating_add(varint::encoded_len(ciphertext_len as u64))
            .saturating_add(ciphertext_len);
        let mut bytes = Vec::with_capacity(capacity);
        bytes.push(VERSION);
        bytes.push(INDEX_TAG);
        varint::encode(u64::from(message_index), &mut bytes);
        bytes.push(CIPHERTEXT_TAG);
        varint::encode(ciphertext_len as u64, &mut bytes);
        let start = bytes.len();
        write_ciphertext(&mut bytes);
        let ciphertext = start..bytes.len();
        let tag = mac(&bytes);
        bytes.extend_from_slice(tag.get(..MAC_LENGTH).unwrap_or_default());
        let signature = sign(&bytes);
        bytes.extend_from_slice(&signature.to_bytes());
        Self {
            bytes,
            message_index,
            ciphertext,
        }
    }

    /// The message index (the sender's ratchet counter when it encrypted).
    pub fn message_index(&self) -> u32 {
        self.message_index
    }

    /// The AES-256-CBC ciphertext.
    pub fn ciphertext(&self) -> &[u8] {
        self.bytes.get(self.ciphertext.clone()).unwrap_or_default()
    }

    fn signed_len(&self) -> usize {
        self.bytes.len().saturating_sub(SIGNATURE_LENGTH)
    }

    /// The bytes the MAC covers: version and payload as received.
    pub(crate) fn authenticated_bytes(&self) -> &[u8] {
        self.bytes
            .get(..self.signed_len().saturating_sub(MAC_LENGTH))
            .unwrap_or_default()
    }

    /// The 8-byte MAC.
    pub fn mac(&self) -> &[u8] {
        let end = self.signed_len();
        self.bytes
            .get(end.saturating_sub(MAC_LENGTH)..end)
            .unwrap_or_default()
    }

    /// The bytes the signature covers: everything before it, MAC included.
    pub(crate) fn signed_bytes(&self) -> &[u8] {
        self.bytes.get(..self.signed_len()).unwrap_or_default()
    }

    /// The Ed25519 signature.
    pub fn signature(&self) -> Ed25519Signature {
        let mut sig = [0u8; SIGNATURE_LENGTH];
        if let Some(bytes) = self.bytes.get(self.signed_len()..)
            && bytes.len() == SIGNATURE_LENGTH
        {
            sig.copy_from_slice(bytes);
        }
        Ed25519Signature::from_bytes(sig)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The unpadded base64 form, as sent in `m.room.encrypted` events.
    pub fn to_base64(&self) -> alloc::string::String {
        base64::encode(&self.bytes)
    }
}

impl core::fmt::Debug for MegolmMessage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MegolmMessage")
            .field("message_index", &self.message_index)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish()
    }
}
