//! Public key types, signatures, key ids and their base64 forms.

pub mod base64;
pub(crate) mod base64_vartime;
mod key_id;
#[cfg(feature = "serde")]
mod serde;

use alloc::string::String;

use crate::crypto::ed25519::Ed25519Problem;
pub use crate::crypto::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature};
use crate::error::{DecodeError, SignatureError};
pub use key_id::KeyId;

impl Curve25519PublicKey {
    /// Decodes a 43-character unpadded base64 key (spec/olm.md OLM-B64-2).
    pub fn from_base64(text: &str) -> Result<Self, DecodeError> {
        base64::decode_array::<32>(text).map(Self::from_bytes)
    }

    /// The 43-character unpadded base64 form.
    pub fn to_base64(&self) -> String {
        base64::encode(self.as_bytes())
    }
}

impl Ed25519PublicKey {
    /// Decodes a 43-character unpadded base64 key and checks it is a canonical curve point.
    pub fn from_base64(text: &str) -> Result<Self, DecodeError> {
        let bytes = base64::decode_array::<32>(text)?;
        Self::from_slice(&bytes)
    }

    /// Decodes 32 raw bytes and checks they are a canonical curve point.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let array: &[u8; 32] = bytes.try_into().map_err(|_| DecodeError::InvalidLength {
            expected: 32,
            got: bytes.len(),
        })?;
        Self::from_bytes(array).map_err(|_| DecodeError::InvalidEd25519Key)
    }

    /// The 43-character unpadded base64 form.
    pub fn to_base64(&self) -> String {
        base64::encode(self.as_bytes())
    }

    /// Verifies `signature` over `message` strictly (spec/olm.md OLM-SIG-1).
    pub fn verify(
        &self,
        message: &[u8],
        signature: &Ed25519Signature,
    ) -> Result<(), SignatureError> {
        self.verify_strict(message, signature).map_err(|e| match e {
            Ed25519Problem::NotAPoint | Ed25519Problem::BadSignature => SignatureError::Invalid,
        })
    }
}

impl Ed25519Signature {
    /// Decodes an 86-character unpadded base64 signature.
    pub fn from_base64(text: &str) -> Result<Self, DecodeError> {
        base64::decode_array::<64>(text).map(Self::from_bytes)
    }

    /// Wraps a 64-byte slice.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let array: [u8; 64] = bytes.try_into().map_err(|_| DecodeError::InvalidLength {
            expected: 64,
            got: bytes.len(),
        })?;
        Ok(Self::from_bytes(array))
    }

    /// The 86-character unpadded base64 form.
    pub fn to_base64(&self) -> String {
        base64::encode(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // spec/olm.md OLM-B64-2: vodozemac panics on a 44-character Ed25519 key; protee refuses it.
    #[test]
    fn forty_four_character_ed25519_key_is_an_error() {
        let text = "OfRjBf2SJfVkaURpFX6Iltf3Kozh2qcL636eF2VoQ54A";
        assert_eq!(
            Ed25519PublicKey::from_base64(text),
            Err(DecodeError::InvalidLength {
                expected: 43,
                got: 44
            })
        );
        assert_eq!(
            Curve25519PublicKey::from_base64(text),
            Err(DecodeError::InvalidLength {
                expected: 43,
                got: 44
            })
        );
        assert!(Ed25519PublicKey::from_base64(&text[..43]).is_ok());
    }

    #[test]
    fn signature_lengths() {
        assert_eq!(
            Ed25519Signature::from_base64("AAAA"),
            Err(DecodeError::InvalidLength {
                expected: 86,
                got: 4
            })
        );
        assert_eq!(
            Ed25519Signature::from_slice(&[0u8; 63]),
            Err(DecodeError::InvalidLength {
                expected: 64,
                got: 63
            })
        );
    }
}
