//! Olm wire formats: normal messages (type 1) and pre-key messages (type 0).

mod normal;
mod pre_key;
pub(crate) mod varint;

use alloc::string::String;
use alloc::vec::Vec;

pub use normal::NormalMessage;
pub use pre_key::PreKeyMessage;

use crate::error::MessageError;
use crate::types::{Curve25519PublicKey, base64};

/// The protocol version byte of every Olm message.
pub(crate) const VERSION: u8 = 3;

/// The two kinds of Olm message, with the numbers Matrix uses for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// Type 0: carries the handshake keys; sent until the session has received a reply.
    PreKey = 0,
    /// Type 1: a message on an established session.
    Normal = 1,
}

impl MessageType {
    /// The number Matrix and libolm use for this type.
    pub const fn as_usize(self) -> usize {
        self as usize
    }
}

/// An Olm message of either type.
#[derive(Clone, PartialEq, Eq)]
pub enum OlmMessage {
    /// A pre-key message (type 0).
    PreKey(PreKeyMessage),
    /// A normal message (type 1).
    Normal(NormalMessage),
}

impl OlmMessage {
    /// spec/olm.md OLM-MSG-3: decodes a message from its Matrix type number and unpadded base64
    /// body.
    pub fn from_parts(message_type: usize, body: &str) -> Result<Self, MessageError> {
        let bytes = base64::decode(body).map_err(|_| MessageError::InvalidBase64)?;
        Self::from_type_and_bytes(message_type, bytes)
    }

    /// Decodes a message from its type number and raw bytes.
    pub fn from_type_and_bytes(message_type: usize, bytes: Vec<u8>) -> Result<Self, MessageError> {
        match message_type {
            0 => PreKeyMessage::from_bytes(bytes).map(Self::PreKey),
            1 => NormalMessage::from_bytes(bytes).map(Self::Normal),
            other => Err(MessageError::UnknownMessageType(other)),
        }
    }

    /// The message's type.
    pub fn message_type(&self) -> MessageType {
        match self {
            Self::PreKey(_) => MessageType::PreKey,
            Self::Normal(_) => MessageType::Normal,
        }
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::PreKey(m) => m.as_bytes(),
            Self::Normal(m) => m.as_bytes(),
        }
    }

    /// The unpadded base64 body, as sent in Matrix events.
    pub fn to_base64(&self) -> String {
        base64::encode(self.as_bytes())
    }

    /// The Matrix type number and base64 body.
    pub fn to_parts(&self) -> (usize, String) {
        (self.message_type().as_usize(), self.to_base64())
    }

    /// The normal message inside (for a pre-key message, the embedded one).
    pub(crate) fn normal(&self) -> &NormalMessage {
        match self {
            Self::PreKey(m) => m.message(),
            Self::Normal(m) => m,
        }
    }
}

impl core::fmt::Debug for OlmMessage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::PreKey(m) => m.fmt(f),
            Self::Normal(m) => m.fmt(f),
        }
    }
}

/// A strict, canonical reader over a message's bytes (spec/olm.md OLM-MSG-2).
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// Reads the version byte, which must be 3.
    pub(crate) fn version(&mut self) -> Result<(), MessageError> {
        match self.rest().first() {
            Some(&VERSION) => {
                self.pos = self.pos.saturating_add(1);
                Ok(())
            }
            Some(&got) => Err(MessageError::UnsupportedVersion { got }),
            None => Err(MessageError::TooShort { min: 1, got: 0 }),
        }
    }

    /// Reads exactly the tag `expected`.
    pub(crate) fn tag(&mut self, expected: u8) -> Result<(), MessageError> {
        let offset = self.pos;
        match self.rest().first() {
            Some(&t) if t == expected => {
                self.pos = self.pos.saturating_add(1);
                Ok(())
            }
            got => Err(MessageError::UnexpectedTag {
                offset,
                expected,
                got: got.copied(),
            }),
        }
    }

    /// Reads a canonical varint no larger than `u32::MAX`.
    pub(crate) fn varint(&mut self) -> Result<u32, MessageError> {
        let offset = self.pos;
        let (value, used) =
            varint::decode_u32(self.rest()).ok_or(MessageError::InvalidVarint { offset })?;
        self.pos = self.pos.saturating_add(used);
        Ok(value)
    }

    /// Reads a length-prefixed field and returns its byte range.
    pub(crate) fn length_delimited(&mut self) -> Result<core::ops::Range<usize>, MessageError> {
        let len = self.varint()? as usize;
        let start = self.pos;
        if len > self.remaining() {
            return Err(MessageError::FieldOverflow { offset: start });
        }
        self.pos = start.saturating_add(len);
        Ok(start..self.pos)
    }

    /// Reads `tag`, then a length-prefixed 32-byte key.
    pub(crate) fn key_field(&mut self, tag: u8) -> Result<Curve25519PublicKey, MessageError> {
        self.tag(tag)?;
        let range = self.length_delimited()?;
        let got = range.len();
        let bytes: [u8; 32] = self
            .bytes
            .get(range)
            .and_then(|b| b.try_into().ok())
            .ok_or(MessageError::InvalidKeyLength { tag, got })?;
        let key = Curve25519PublicKey::from_bytes(bytes);
        if !key.is_canonical() {
            return Err(MessageError::NonCanonicalKey { tag });
        }
        Ok(key)
    }
}

/// Appends `tag | varint(len) | bytes`.
pub(crate) fn write_bytes_field(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    varint::encode(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}
