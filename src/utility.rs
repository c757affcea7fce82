//! The stand-alone helpers libolm exposes as `olm_sha256` and `olm_ed25519_verify`.

use alloc::string::String;

use crate::crypto::kdf::sha256 as sha256_bytes;
use crate::error::SignatureError;
use crate::types::{Ed25519PublicKey, Ed25519Signature, base64};

/// `olm_sha256`: the unpadded base64 of SHA-256(`input`) (43 characters).
pub fn sha256(input: &[u8]) -> String {
    base64::encode(&sha256_bytes(&[input]))
}

/// `olm_ed25519_verify`, strict (spec/olm.md OLM-SIG-1): `key` is 43 base64 characters,
/// `signature` 86. Any decoding or verification failure is [`SignatureError::Invalid`].
pub fn ed25519_verify(key: &str, message: &[u8], signature: &str) -> Result<(), SignatureError> {
    let key = Ed25519PublicKey::from_base64(key).map_err(|_| SignatureError::Invalid)?;
    let signature =
        Ed25519Signature::from_base64(signature).map_err(|_| SignatureError::Invalid)?;
    key.verify(message, &signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    // libolm test_olm_sha256.cpp.
    #[test]
    fn sha256_matches_libolm() {
        assert_eq!(
            sha256(b"Hello, World"),
            "A2daxT/5zRU1zMffzfosRYxSGDcfQY3BNvLRmsH76KU"
        );
    }

    #[test]
    fn verify_rejects_bad_inputs() {
        assert_eq!(ed25519_verify("", b"m", ""), Err(SignatureError::Invalid));
        let key = crate::Ed25519SecretKey::from_seed(&[1; 32]);
        let sig = key.sign(b"m").to_base64();
        let public = key.public_key().to_base64();
        assert_eq!(ed25519_verify(&public, b"m", &sig), Ok(()));
        assert_eq!(
            ed25519_verify(&public, b"n", &sig),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            ed25519_verify(&alloc::format!("{public}="), b"m", &sig),
            Err(SignatureError::Invalid)
        );
    }
}
