//! Typed errors. Every variant says what was wrong with the input; none carries secret bytes.

use core::fmt;

/// A base64 value (key, signature, key id) could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not unpadded standard base64: a character outside `A–Z a–z 0–9 + /`, padding `=`,
    /// non-zero trailing bits, or a length of 1 mod 4.
    InvalidBase64,
    /// The input has the wrong length for this kind of value: in characters for base64 text,
    /// in bytes for raw slices (`from_slice`).
    InvalidLength {
        /// Length expected.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// The 32 bytes are not the canonical encoding of an Ed25519 curve point.
    InvalidEd25519Key,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBase64 => f.write_str("invalid unpadded base64"),
            Self::InvalidLength { expected, got } => {
                write!(f, "wrong length: expected {expected}, got {got}")
            }
            Self::InvalidEd25519Key => f.write_str("not a canonical Ed25519 public key"),
        }
    }
}

impl core::error::Error for DecodeError {}

/// An Ed25519 signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature is malformed, non-canonical, or was not made by this key over this message.
    Invalid,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the Ed25519 signature does not verify")
    }
}

impl core::error::Error for SignatureError {}

/// An Olm message could not be decoded (spec/olm.md OLM-MSG-2, OLM-PREKEY-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageError {
    /// The message type is neither 0 (pre-key) nor 1 (normal).
    UnknownMessageType(usize),
    /// The base64 text is not valid unpadded base64.
    InvalidBase64,
    /// The message is shorter than the smallest valid message.
    TooShort {
        /// Minimum number of bytes.
        min: usize,
        /// Bytes given.
        got: usize,
    },
    /// The version byte is not 3.
    UnsupportedVersion {
        /// The version byte found.
        got: u8,
    },
    /// A field tag is missing, unknown, repeated or out of the canonical order.
    UnexpectedTag {
        /// Byte offset of the tag.
        offset: usize,
        /// The tag protee expected there.
        expected: u8,
        /// The byte found (`None` at the end of the input).
        got: Option<u8>,
    },
    /// A varint is truncated, over-long, non-canonical or larger than 32 bits.
    InvalidVarint {
        /// Byte offset of the varint.
        offset: usize,
    },
    /// A field's declared length runs past the end of the message.
    FieldOverflow {
        /// Byte offset of the field's content.
        offset: usize,
    },
    /// A key field does not hold exactly 32 bytes.
    InvalidKeyLength {
        /// The field's tag.
        tag: u8,
        /// Its length.
        got: usize,
    },
    /// A key field is not the canonical encoding of a Curve25519 key (bit 255 set, or
    /// u ≥ 2^255 − 19). X25519 would treat it as another key, letting anyone alter the
    /// unauthenticated keys of a pre-key message without breaking it.
    NonCanonicalKey {
        /// The field's tag.
        tag: u8,
    },
    /// The ciphertext is empty or not a multiple of 16 bytes.
    InvalidCiphertextLength {
        /// Its length.
        got: usize,
    },
    /// Bytes remain after the last field (a normal message must end with its 8-byte MAC).
    TrailingBytes {
        /// How many bytes are left over.
        count: usize,
    },
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownMessageType(t) => {
                write!(f, "unknown Olm message type {t} (expected 0 or 1)")
            }
            Self::InvalidBase64 => f.write_str("message is not valid unpadded base64"),
            Self::TooShort { min, got } => {
                write!(
                    f,
                    "message too short: at least {min} bytes expected, got {got}"
                )
            }
            Self::UnsupportedVersion { got } => {
                write!(f, "unsupported message version {got} (expected 3)")
            }
            Self::UnexpectedTag {
                offset,
                expected,
                got: Some(g),
            } => {
                write!(
                    f,
                    "at byte {offset}: expected field tag 0x{expected:02x}, got 0x{g:02x}"
                )
            }
            Self::UnexpectedTag {
                offset,
                expected,
                got: None,
            } => {
                write!(
                    f,
                    "at byte {offset}: expected field tag 0x{expected:02x}, got end of input"
                )
            }
            Self::InvalidVarint { offset } => write!(f, "at byte {offset}: invalid varint"),
            Self::FieldOverflow { offset } => {
                write!(
                    f,
                    "at byte {offset}: field length runs past the end of the message"
                )
            }
            Self::InvalidKeyLength { tag, got } => {
                write!(f, "key field 0x{tag:02x}: expected 32 bytes, got {got}")
            }
            Self::NonCanonicalKey { tag } => {
                write!(f, "key field 0x{tag:02x} is not a canonical Curve25519 key")
            }
            Self::InvalidCiphertextLength { got } => {
                write!(
                    f,
                    "ciphertext of {got} bytes is not a non-zero multiple of 16"
                )
            }
            Self::TrailingBytes { count } => {
                write!(f, "{count} unexpected bytes after the message")
            }
        }
    }
}

impl core::error::Error for MessageError {}

/// An Olm message could not be decrypted. The session is unchanged (spec/olm.md OLM-RECV-5).
/// One variant per cause (spec/olm.md OLM-RECV-6), where libolm says `BAD_MESSAGE_MAC` for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecryptionError {
    /// The MAC does not match: the message was altered, or belongs to another session.
    InvalidMac,
    /// The MAC matched but the PKCS#7 padding is malformed.
    InvalidPadding,
    /// The message key is gone: a duplicate, or a skipped message older than the keys kept.
    MissingMessageKey {
        /// The message's chain index.
        index: u32,
    },
    /// The message is too far ahead of its chain (spec/olm.md OLM-RECV-2, OLM-RECV-4).
    TooBigMessageGap {
        /// How many message keys would have to be skipped.
        gap: u32,
        /// The largest gap allowed.
        max: u32,
    },
    /// The message starts a new ratchet chain before this session has sent anything, which an
    /// honest peer never does.
    UnexpectedRatchetKey,
    /// The message's ratchet key gives an all-zero X25519 output (spec/olm.md OLM-DH-1).
    NonContributoryKey,
    /// A chain index would pass 2^32 − 1.
    ChainIndexOverflow,
}

impl fmt::Display for DecryptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidMac => f.write_str("the message MAC does not verify"),
            Self::InvalidPadding => f.write_str("the decrypted message has invalid padding"),
            Self::MissingMessageKey { index } => write!(
                f,
                "no message key for index {index}: already decrypted, or older than the keys kept"
            ),
            Self::TooBigMessageGap { gap, max } => {
                write!(f, "message gap of {gap} exceeds the maximum of {max}")
            }
            Self::UnexpectedRatchetKey => {
                f.write_str("new ratchet key received before this session sent a message")
            }
            Self::NonContributoryKey => f.write_str("the ratchet key is of small order"),
            Self::ChainIndexOverflow => f.write_str("the chain index would overflow"),
        }
    }
}

impl core::error::Error for DecryptionError {}

/// An Olm session could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionCreationError {
    /// The pre-key message names a one-time key this account does not have (unknown, already
    /// used, or a forgotten fallback key).
    UnknownOneTimeKey,
    /// The sender identity key given by the caller differs from the one in the message.
    IdentityKeyMismatch,
    /// A key in the handshake gives an all-zero X25519 output (spec/olm.md OLM-DH-1).
    NonContributoryKey,
    /// The first message did not decrypt; the account is unchanged.
    Decryption(DecryptionError),
    /// The operating system's random number generator failed.
    RandomUnavailable,
}

impl fmt::Display for SessionCreationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOneTimeKey => f.write_str("the message uses an unknown one-time key"),
            Self::IdentityKeyMismatch => {
                f.write_str("the message's identity key differs from the expected sender's")
            }
            Self::NonContributoryKey => f.write_str("a handshake key is of small order"),
            Self::Decryption(e) => write!(f, "the pre-key message did not decrypt: {e}"),
            Self::RandomUnavailable => {
                f.write_str("the operating system's random number generator failed")
            }
        }
    }
}

impl core::error::Error for SessionCreationError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Decryption(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DecryptionError> for SessionCreationError {
    fn from(e: DecryptionError) -> Self {
        Self::Decryption(e)
    }
}

/// The operating system's random number generator failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RandomError {
    /// `getrandom` reported an error.
    Unavailable,
}

impl fmt::Display for RandomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the operating system's random number generator failed")
    }
}

impl core::error::Error for RandomError {}

/// A Megolm session key or exported session key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionKeyError {
    /// Not valid unpadded base64.
    InvalidBase64,
    /// The base64 text has the wrong length (306 characters for a session key, 220 for an
    /// exported key).
    InvalidLength {
        /// Characters expected.
        expected: usize,
        /// Characters given.
        got: usize,
    },
    /// The version byte is wrong (2 for a session key, 1 for an exported key).
    UnsupportedVersion {
        /// The version expected.
        expected: u8,
        /// The version found.
        got: Option<u8>,
    },
    /// The embedded Ed25519 key is not a canonical curve point.
    InvalidEd25519Key,
    /// The session key's signature does not verify (strict Ed25519).
    InvalidSignature,
}

impl fmt::Display for SessionKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBase64 => f.write_str("session key is not valid unpadded base64"),
            Self::InvalidLength { expected, got } => {
                write!(
                    f,
                    "session key length: expected {expected} characters, got {got}"
                )
            }
            Self::UnsupportedVersion {
                expected,
                got: Some(g),
            } => {
                write!(f, "session key version {g}, expected {expected}")
            }
            Self::UnsupportedVersion {
                expected,
                got: None,
            } => {
                write!(f, "empty session key, expected version {expected}")
            }
            Self::InvalidEd25519Key => f.write_str("session key holds an invalid Ed25519 key"),
            Self::InvalidSignature => f.write_str("session key signature does not verify"),
        }
    }
}

impl core::error::Error for SessionKeyError {}

/// A Megolm message could not be decrypted. The session is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MegolmDecryptionError {
    /// The message is not signed by the session's Ed25519 key (strict verification).
    InvalidSignature,
    /// The index is before the first known index (outside libolm's 2^31 window).
    UnknownMessageIndex {
        /// The message's index.
        index: u32,
        /// The session's first known index.
        first_known_index: u32,
    },
    /// The MAC does not match.
    InvalidMac,
    /// The MAC matched but the PKCS#7 padding is malformed.
    InvalidPadding,
}

impl fmt::Display for MegolmDecryptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidSignature => f.write_str("the message signature does not verify"),
            Self::UnknownMessageIndex {
                index,
                first_known_index,
            } => write!(
                f,
                "message index {index} is not known (first known index {first_known_index})"
            ),
            Self::InvalidMac => f.write_str("the message MAC does not verify"),
            Self::InvalidPadding => f.write_str("the decrypted message has invalid padding"),
        }
    }
}

impl core::error::Error for MegolmDecryptionError {}

/// A SAS verification step was refused (spec/sas-pk.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SasError {
    /// The other device's public key is not 43 characters of unpadded base64.
    InvalidPublicKey(DecodeError),
    /// The other device's public key is of small order: the shared secret would be all zero.
    NonContributoryKey,
    /// More SAS bytes were asked for than HKDF-SHA-256 can derive.
    InvalidByteCount {
        /// Bytes asked for.
        requested: usize,
        /// The most that can be derived (255 × 32).
        max: usize,
    },
    /// The MAC is not 43 characters (of strict unpadded base64, for `hkdf-hmac-sha256.v2`).
    InvalidMacEncoding(DecodeError),
    /// The MAC does not match: another input, another info string, or another shared secret.
    InvalidMac,
}

impl fmt::Display for SasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPublicKey(e) => write!(f, "invalid SAS public key: {e}"),
            Self::NonContributoryKey => f.write_str("the SAS public key is of small order"),
            Self::InvalidByteCount { requested, max } => {
                write!(
                    f,
                    "{requested} SAS bytes requested, at most {max} can be derived"
                )
            }
            Self::InvalidMacEncoding(e) => write!(f, "invalid SAS MAC: {e}"),
            Self::InvalidMac => f.write_str("the SAS MAC does not verify"),
        }
    }
}

impl core::error::Error for SasError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::InvalidPublicKey(e) | Self::InvalidMacEncoding(e) => Some(e),
            _ => None,
        }
    }
}

/// A PK (`m.megolm_backup.v1.curve25519-aes-sha2`) message or key was refused
/// (spec/sas-pk.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkError {
    /// The ciphertext is not valid unpadded base64.
    InvalidCiphertextEncoding(DecodeError),
    /// The MAC is not 11 characters of unpadded base64 (8 bytes).
    InvalidMacEncoding(DecodeError),
    /// The ephemeral key is not 43 characters of unpadded base64.
    InvalidEphemeralKeyEncoding(DecodeError),
    /// The ciphertext is empty or not a multiple of 16 bytes.
    InvalidCiphertextLength {
        /// Its length in bytes.
        got: usize,
    },
    /// A key (the recipient's, or the message's ephemeral key) is of small order: the shared
    /// secret would be all zero.
    NonContributoryKey,
    /// The MAC does not match: the message was made for another key.
    InvalidMac,
    /// The MAC matched but the PKCS#7 padding is malformed.
    InvalidPadding,
}

impl fmt::Display for PkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCiphertextEncoding(e) => write!(f, "invalid PK ciphertext: {e}"),
            Self::InvalidMacEncoding(e) => write!(f, "invalid PK MAC: {e}"),
            Self::InvalidEphemeralKeyEncoding(e) => write!(f, "invalid PK ephemeral key: {e}"),
            Self::InvalidCiphertextLength { got } => {
                write!(
                    f,
                    "PK ciphertext of {got} bytes is not a non-zero multiple of 16"
                )
            }
            Self::NonContributoryKey => f.write_str("the PK key is of small order"),
            Self::InvalidMac => f.write_str("the PK MAC does not verify"),
            Self::InvalidPadding => f.write_str("the decrypted PK message has invalid padding"),
        }
    }
}

impl core::error::Error for PkError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::InvalidCiphertextEncoding(e)
            | Self::InvalidMacEncoding(e)
            | Self::InvalidEphemeralKeyEncoding(e) => Some(e),
            _ => None,
        }
    }
}

/// A pickle could not be loaded or written (spec/pickle.md PICKLE-ERR-1). Loading is
/// all-or-nothing: on any of these errors no object is returned and every decrypted buffer has
/// been zeroized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PickleError {
    /// The pickle is not unpadded standard base64.
    InvalidBase64,
    /// The pickle is longer than [`crate::limits::MAX_PICKLE_LENGTH`] characters.
    TooLong {
        /// Characters given.
        got: usize,
    },
    /// The decoded pickle cannot be one of this format: shorter than its envelope (header,
    /// nonce, tag or MAC) or, for libolm's, a ciphertext that is not whole AES blocks.
    InvalidLength,
    /// The MAC or tag does not match: wrong pickle key, or the pickle was modified. libolm
    /// reports this as `BAD_ACCOUNT_KEY` for every object type.
    InvalidMac,
    /// The MAC matched but the decrypted padding is malformed.
    InvalidPadding,
    /// The pickle is of a format version this build does not know (a newer protee wrote it,
    /// or it is not this kind of object).
    UnknownVersion {
        /// The version read.
        found: u32,
    },
    /// A libolm account pickle of version 1, whose Ed25519 key cannot be recovered (libolm:
    /// `BAD_LEGACY_ACCOUNT_PICKLE`).
    LegacyAccount,
    /// The body ended before every field was read.
    Truncated,
    /// Bytes remain after the last field.
    ExtraData,
    /// A list holds more items than the object may keep.
    TooManyItems {
        /// Items announced.
        got: u32,
        /// Most allowed.
        max: usize,
    },
    /// A field holds a value the object cannot have: a boolean other than 0 or 1, a public key
    /// that does not match its private key, an invalid Ed25519 point, an unknown tag.
    InvalidField,
    /// A session with neither a sending nor a receiving chain.
    InvalidSession,
    /// The state cannot be written in this format (for example a libolm account pickle of a
    /// key made from a seed, for a dehydrated device: the seed is needed and libolm keys have
    /// none).
    Unsupported,
    /// The operating system's random number generator failed while writing a pickle that
    /// needs a fresh nonce.
    RandomUnavailable,
}

impl fmt::Display for PickleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBase64 => f.write_str("the pickle is not valid unpadded base64"),
            Self::TooLong { got } => write!(f, "the pickle is too long ({got} characters)"),
            Self::InvalidLength => f.write_str("the pickle has an impossible length"),
            Self::InvalidMac => f.write_str("wrong pickle key, or the pickle was modified"),
            Self::InvalidPadding => f.write_str("the decrypted pickle has invalid padding"),
            Self::UnknownVersion { found } => write!(f, "unknown pickle version {found}"),
            Self::LegacyAccount => f.write_str("libolm account pickle v1 is not supported"),
            Self::Truncated => f.write_str("the pickle ends too early"),
            Self::ExtraData => f.write_str("the pickle has trailing data"),
            Self::TooManyItems { got, max } => {
                write!(f, "the pickle lists {got} items, at most {max} are allowed")
            }
            Self::InvalidField => f.write_str("the pickle holds an invalid value"),
            Self::InvalidSession => f.write_str("the session has no chain"),
            Self::Unsupported => f.write_str("this state cannot be written in this format"),
            Self::RandomUnavailable => {
                f.write_str("the operating system's random number generator failed")
            }
        }
    }
}

impl core::error::Error for PickleError {}
