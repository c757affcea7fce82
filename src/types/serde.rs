//! `serde` support for public keys (feature `serde`): each key is its 43-character unpadded
//! base64 string, decoded strictly (spec/olm.md OLM-B64-2), so `"curve25519": "<43 chars>"`
//! in JSON maps straight to a key.

use core::fmt;

use ::serde::de::{Error, Visitor};
use ::serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Curve25519PublicKey, Ed25519PublicKey};
use crate::error::DecodeError;

impl Serialize for Curve25519PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl Serialize for Ed25519PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

/// Reads a string (borrowed or not) and decodes it with `decode`.
struct Base64Key<T> {
    what: &'static str,
    decode: fn(&str) -> Result<T, DecodeError>,
}

impl<T> Visitor<'_> for Base64Key<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as 43 characters of unpadded base64", self.what)
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<T, E> {
        (self.decode)(text).map_err(|e| E::custom(format_args!("invalid {}: {e}", self.what)))
    }
}

impl<'de> Deserialize<'de> for Curve25519PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Base64Key {
            what: "Curve25519 public key",
            decode: Curve25519PublicKey::from_base64,
        })
    }
}

impl<'de> Deserialize<'de> for Ed25519PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Base64Key {
            what: "Ed25519 public key",
            decode: Ed25519PublicKey::from_base64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn keys_are_unpadded_base64_strings() {
        let curve = Curve25519PublicKey::from_bytes([5; 32]);
        let json = serde_json::to_string(&curve).unwrap();
        assert_eq!(json, alloc::format!("\"{}\"", curve.to_base64()));
        assert_eq!(
            serde_json::from_str::<Curve25519PublicKey>(&json).unwrap(),
            curve
        );

        let ed = crate::Ed25519SecretKey::from_seed(&[1; 32]).public_key();
        let json = serde_json::to_string(&ed).unwrap();
        assert_eq!(json, alloc::format!("\"{}\"", ed.to_base64()));
        assert_eq!(serde_json::from_str::<Ed25519PublicKey>(&json).unwrap(), ed);
    }

    #[test]
    fn decoding_is_strict() {
        let text = Curve25519PublicKey::from_bytes([5; 32]).to_base64();
        for bad in [
            alloc::format!("\"{text}=\""),
            alloc::format!("\"{}\"", &text[..42]),
            "\"\"".to_string(),
            "42".to_string(),
        ] {
            assert!(
                serde_json::from_str::<Curve25519PublicKey>(&bad).is_err(),
                "{bad}"
            );
            assert!(
                serde_json::from_str::<Ed25519PublicKey>(&bad).is_err(),
                "{bad}"
            );
        }
        // Non-canonical trailing bits.
        let mut trailing = text.clone();
        trailing.replace_range(42..43, "B");
        let json = alloc::format!("\"{trailing}\"");
        assert!(serde_json::from_str::<Curve25519PublicKey>(&json).is_err());
        // 32 bytes that are not a canonical Ed25519 point (y = p + 1).
        let mut y = [0xff_u8; 32];
        y[0] = 0xee;
        y[31] = 0x7f;
        let json = alloc::format!("\"{}\"", crate::types::base64::encode(&y));
        let error = serde_json::from_str::<Ed25519PublicKey>(&json).unwrap_err();
        assert!(error.to_string().contains("Ed25519"), "{error}");
    }
}
