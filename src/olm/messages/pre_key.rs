//! Pre-key Olm messages (type 0).

use alloc::vec::Vec;

use super::{NormalMessage, Reader, VERSION, varint, write_bytes_field};
use crate::error::MessageError;
use crate::types::Curve25519PublicKey;

const ONE_TIME_KEY_TAG: u8 = 0x0a;
const BASE_KEY_TAG: u8 = 0x12;
const IDENTITY_KEY_TAG: u8 = 0x1a;
const MESSAGE_TAG: u8 = 0x22;

/// spec/olm.md OLM-PREKEY-1:
/// `03 | 0A 20 <one-time key E_B> | 12 20 <base key E_A> | 1A 20 <identity key I_A> |
///  22 <varint len> <normal message>`. The outer message has no MAC of its own.
#[derive(Clone, PartialEq, Eq)]
pub struct PreKeyMessage {
    bytes: Vec<u8>,
    one_time_key: Curve25519PublicKey,
    base_key: Curve25519PublicKey,
    identity_key: Curve25519PublicKey,
    message: NormalMessage,
}

impl PreKeyMessage {
    /// spec/olm.md OLM-PREKEY-2: strict decoding. The outer version must be 3 (libolm ignores
    /// it), the identity key is required (libolm crashes without it when no sender key is
    /// given), all three keys are 32 bytes, fields come once each in libolm's order, and the
    /// embedded message must itself be a valid normal message ending the input.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, MessageError> {
        let mut reader = Reader::new(&bytes);
        reader.version()?;
        let one_time_key = reader.key_field(ONE_TIME_KEY_TAG)?;
        let base_key = reader.key_field(BASE_KEY_TAG)?;
        let identity_key = reader.key_field(IDENTITY_KEY_TAG)?;
        reader.tag(MESSAGE_TAG)?;
        let inner = reader.length_delimited()?;
        if reader.remaining() != 0 {
            return Err(MessageError::TrailingBytes {
                count: reader.remaining(),
            });
        }
        let inner_bytes = bytes.get(inner).unwrap_or_default().to_vec();
        let message = NormalMessage::from_bytes(inner_bytes)?;
        Ok(Self {
            bytes,
            one_time_key,
            base_key,
            identity_key,
            message,
        })
    }

    /// Wraps `message` with the handshake keys.
    pub(crate) fn encode(
        one_time_key: &Curve25519PublicKey,
        base_key: &Curve25519PublicKey,
        identity_key: &Curve25519PublicKey,
        message: NormalMessage,
    ) -> Self {
        let inner = message.as_bytes();
        // Message, its length, then version, three key fields and message tag; saturating: a
        // length that large could not be allocated anyway.
        let capacity = inner
            .len()
            .saturating_add(varint::encoded_len(inner.len() as u64))
            .saturating_add(1 + 3 * 34 + 1);
        let mut bytes = Vec::with_capacity(capacity);
        bytes.push(VERSION);
        write_bytes_field(&mut bytes, ONE_TIME_KEY_TAG, one_time_key.as_bytes());
        write_bytes_field(&mut bytes, BASE_KEY_TAG, base_key.as_bytes());
        write_bytes_field(&mut bytes, IDENTITY_KEY_TAG, identity_key.as_bytes());
        write_bytes_field(&mut bytes, MESSAGE_TAG, inner);
        Self {
            bytes,
            one_time_key: *one_time_key,
            base_key: *base_key,
            identity_key: *identity_key,
            message,
        }
    }

    /// Bob's one-time (or fallback) key E_B that the sender used.
    pub fn one_time_key(&self) -> Curve25519PublicKey {
        self.one_time_key
    }

    /// The sender's base key E_A.
    pub fn base_key(&self) -> Curve25519PublicKey {
        self.base_key
    }

    /// The sender's identity key I_A.
    pub fn identity_key(&self) -> Curve25519PublicKey {
        self.identity_key
    }

    /// The embedded normal message.
    pub fn message(&self) -> &NormalMessage {
        &self.message
    }

    /// spec/olm.md OLM-SESSIONID-1: the id of the session this message would create.
    pub fn session_id(&self) -> alloc::string::String {
        crate::olm::session::session_id(&self.identity_key, &self.base_key, &self.one_time_key)
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

impl core::fmt::Debug for PreKeyMessage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PreKeyMessage")
            .field("one_time_key", &self.one_time_key)
            .field("base_key", &self.base_key)
            .field("identity_key", &self.identity_key)
            .field("message", &self.message)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner() -> NormalMessage {
        NormalMessage::encode(
            &Curve25519PublicKey::from_bytes([7; 32]),
            0,
            16,
            |out| out.extend_from_slice(&[0xaa; 16]),
            |_| [0x55; 32],
        )
    }

    // Worked size from the spec: a 12-byte plaintext gives a 63-byte inner message and a
    // 168-byte pre-key message.
    #[test]
    fn sizes_and_round_trip() {
        let inner = inner();
        assert_eq!(inner.as_bytes().len(), 63);
        let k = |b| Curve25519PublicKey::from_bytes([b; 32]);
        let m = PreKeyMessage::encode(&k(1), &k(2), &k(3), inner.clone());
        assert_eq!(m.as_bytes().len(), 168);
        let d = PreKeyMessage::from_bytes(m.as_bytes().to_vec()).unwrap();
        assert_eq!(d, m);
        assert_eq!(d.one_time_key(), k(1));
        assert_eq!(d.base_key(), k(2));
        assert_eq!(d.identity_key(), k(3));
        assert_eq!(d.message(), &inner);
    }

    // spec/olm.md OLM-PREKEY-2.
    #[test]
    fn strict_outer_decoding() {
        let k = |b| Curve25519PublicKey::from_bytes([b; 32]);
        let good = PreKeyMessage::encode(&k(1), &k(2), &k(3), inner())
            .as_bytes()
            .to_vec();
        let mut v = good.clone();
        v[0] = 4; // libolm ignores the outer version; protee does not
        assert_eq!(
            PreKeyMessage::from_bytes(v),
            Err(MessageError::UnsupportedVersion { got: 4 })
        );
        // Missing identity key: drop the 1A field.
        let mut v = good.clone();
        v.drain(69..103);
        assert!(matches!(
            PreKeyMessage::from_bytes(v),
            Err(MessageError::UnexpectedTag { expected: 0x1a, .. })
        ));
        let mut v = good.clone();
        v.push(0);
        assert!(PreKeyMessage::from_bytes(v).is_err());
        assert!(PreKeyMessage::from_bytes(Vec::new()).is_err());
    }
}
