//! Normal Olm messages (type 1).

use alloc::vec::Vec;
use core::ops::Range;

use super::{Reader, VERSION, varint, write_bytes_field};
use crate::crypto::cipher::BLOCK_SIZE;
use crate::error::MessageError;
use crate::types::Curve25519PublicKey;

/// Length of the truncated MAC that ends a normal message.
pub(crate) const MAC_LENGTH: usize = 8;

/// Field tags (protobuf: field number << 3 | wire type).
const RATCHET_KEY_TAG: u8 = 0x0a;
const CHAIN_INDEX_TAG: u8 = 0x10;
const CIPHERTEXT_TAG: u8 = 0x22;

/// The smallest valid normal message: version, 34-byte key field, 2-byte index field,
/// 2 + 16 bytes of ciphertext field, MAC.
const MIN_LENGTH: usize = 1 + 34 + 2 + 18 + MAC_LENGTH;

/// spec/olm.md OLM-MSG-1:
/// `03 | 0A 20 <ratchet key> | 10 <varint chain index> | 22 <varint len> <ciphertext> | MAC(8)`.
///
/// The bytes are kept exactly as received: the MAC is checked over them, never over a
/// re-encoding (spec/olm.md OLM-MAC-1).
#[derive(Clone, PartialEq, Eq)]
pub struct NormalMessage {
    bytes: Vec<u8>,
    ratchet_key: Curve25519PublicKey,
    chain_index: u32,
    ciphertext: Range<usize>,
}

impl NormalMessage {
    /// spec/olm.md OLM-MSG-2: strict decoding. Fields must appear once each, in the order
    /// libolm and vodozemac write them, with canonical varints, a 32-byte key, a ciphertext that
    /// is a non-empty multiple of 16 bytes, and exactly 8 bytes of MAC after it.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, MessageError> {
        if bytes.len() < MIN_LENGTH {
            // Still report a wrong version first, which is the more useful error.
            if let Some(&v) = bytes.first()
                && v != VERSION
            {
                return Err(MessageError::UnsupportedVersion { got: v });
            }
            return Err(MessageError::TooShort {
                min: MIN_LENGTH,
                got: bytes.len(),
            });
        }
        let body_len = bytes.len().saturating_sub(MAC_LENGTH);
        let body = bytes.get(..body_len).unwrap_or_default();
        let mut reader = Reader::new(body);
        reader.version()?;
        let ratchet_key = reader.key_field(RATCHET_KEY_TAG)?;
        reader.tag(CHAIN_INDEX_TAG)?;
        let chain_index = reader.varint()?;
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
            ratchet_key,
            chain_index,
            ciphertext,
        })
    }

    /// Builds a message around a ciphertext; `mac` computes the MAC over the encoded body.
    pub(crate) fn encode(
        ratchet_key: &Curve25519PublicKey,
        chain_index: u32,
        ciphertext_len: usize,
        write_ciphertext: impl FnOnce(&mut Vec<u8>),
        mac: impl FnOnce(&[u8]) -> [u8; 32],
    ) -> Self {
        // Version, ratchet key field, index tag, index, ciphertext tag, length, ciphertext, MAC;
        // saturating: a length that large could not be allocated anyway.
        let capacity = (1 + 2 + 32 + 1 + 1 + MAC_LENGTH)
            .saturating_add(varint::encoded_len(u64::from(chain_index)))
            .saturating_add(varint::encoded_len(ciphertext_len as u64))
            .saturating_add(ciphertext_len);
        let mut bytes = Vec::with_capacity(capacity);
        bytes.push(VERSION);
        write_bytes_field(&mut bytes, RATCHET_KEY_TAG, ratchet_key.as_bytes());
        bytes.push(CHAIN_INDEX_TAG);
        varint::encode(u64::from(chain_index), &mut bytes);
        bytes.push(CIPHERTEXT_TAG);
        varint::encode(ciphertext_len as u64, &mut bytes);
        let start = bytes.len();
        write_ciphertext(&mut bytes);
        let ciphertext = start..bytes.len();
        let tag = mac(&bytes);
        bytes.extend_from_slice(tag.get(..MAC_LENGTH).unwrap_or_default());
        Self {
            bytes,
            ratchet_key: *ratchet_key,
            chain_index,
            ciphertext,
        }
    }

    /// The sender's current ratchet key.
    pub fn ratchet_key(&self) -> Curve25519PublicKey {
        self.ratchet_key
    }

    /// The message's index in its chain.
    pub fn chain_index(&self) -> u32 {
        self.chain_index
    }

    /// The AES-256-CBC ciphertext.
    pub fn ciphertext(&self) -> &[u8] {
        self.bytes.get(self.ciphertext.clone()).unwrap_or_default()
    }

    /// The bytes the MAC covers: everything before the MAC, as received.
    pub(crate) fn authenticated_bytes(&self) -> &[u8] {
        self.bytes
            .get(..self.bytes.len().saturating_sub(MAC_LENGTH))
            .unwrap_or_default()
    }

    /// The 8-byte truncated MAC.
    pub fn mac(&self) -> &[u8] {
        self.bytes
            .get(self.bytes.len().saturating_sub(MAC_LENGTH)..)
            .unwrap_or_default()
    }

    /// The raw bytes, as sent.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The unpadded base64 form.
    pub fn to_base64(&self) -> alloc::string::String {
        crate::types::base64::encode(&self.bytes)
    }
}

impl core::fmt::Debug for NormalMessage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NormalMessage")
            .field("ratchet_key", &self.ratchet_key)
            .field("chain_index", &self.chain_index)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let m = NormalMessage::encode(
            &Curve25519PublicKey::from_bytes([7; 32]),
            200,
            32,
            |out| out.extend_from_slice(&[0xaa; 32]),
            |_| [0x55; 32],
        );
        m.as_bytes().to_vec()
    }

    #[test]
    fn encode_then_decode() {
        let bytes = sample();
        assert_eq!(bytes.len(), 1 + 34 + 3 + 2 + 32 + 8);
        let m = NormalMessage::from_bytes(bytes.clone()).unwrap();
        assert_eq!(m.chain_index(), 200);
        assert_eq!(m.ratchet_key().to_bytes(), [7; 32]);
        assert_eq!(m.ciphertext(), &[0xaa; 32]);
        assert_eq!(m.mac(), &[0x55; 8]);
        assert_eq!(m.authenticated_bytes(), &bytes[..bytes.len() - 8]);
    }

    // spec/olm.md OLM-MSG-2: every strictness rule has a failing input.
    #[test]
    fn strict_decoding() {
        let good = sample();
        let mut v = good.clone();
        v[0] = 2;
        assert_eq!(
            NormalMessage::from_bytes(v),
            Err(MessageError::UnsupportedVersion { got: 2 })
        );
        assert!(matches!(
            NormalMessage::from_bytes(good[..20].to_vec()),
            Err(MessageError::TooShort { .. })
        ));
        let mut v = good.clone();
        v[1] = 0x12;
        assert!(matches!(
            NormalMessage::from_bytes(v),
            Err(MessageError::UnexpectedTag { .. })
        ));
        let mut v = good.clone();
        v[2] = 31;
        assert!(NormalMessage::from_bytes(v).is_err());
        let mut v = good.clone();
        v.push(0); // one byte too many: the "MAC" shifts and a byte trails the ciphertext
        assert!(matches!(
            NormalMessage::from_bytes(v),
            Err(MessageError::TrailingBytes { .. })
        ));
        // Ciphertext of 31 bytes (length byte changed, one byte dropped).
        let mut v = good.clone();
        v[1 + 34 + 3 + 1] = 31;
        v.remove(50);
        assert_eq!(
            NormalMessage::from_bytes(v),
            Err(MessageError::InvalidCiphertextLength { got: 31 })
        );
        // Over-long varint for the index: 0xc8 0x81 0x00.
        let mut v = good.clone();
        v.splice(36..38, [0xc8, 0x81, 0x00]);
        assert!(matches!(
            NormalMessage::from_bytes(v),
            Err(MessageError::InvalidVarint { .. })
        ));
    }
}
