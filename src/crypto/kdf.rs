//! HKDF-SHA-256, HMAC-SHA-256 and SHA-256, with the fixed-size outputs Olm uses.

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// spec/olm.md OLM-CHAIN-1 / OLM-MSGKEY-1: `HMAC-SHA256(key, msg)`.
///
/// Keys longer than 64 bytes are hashed first, as RFC 2104 requires.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    hmac_sha256_parts(key, &[message])
}

/// `HMAC-SHA256(key, parts[0] || parts[1] || ...)` without concatenating.
pub(crate) fn hmac_sha256_parts(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length: new_from_slice cannot fail for HMAC.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0u8; 32], // unreachable: HMAC takes any key length
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// HKDF-SHA-256 (RFC 5869) with a 32-byte salt (Olm's "null" salt is 32 zero bytes),
/// filling `out` completely.
///
/// `out.len()` must be at most 255 × 32 = 8160 bytes: Olm and Megolm use fixed lengths of at
/// most 80, SAS checks its requested length first, so expansion cannot fail.
pub(crate) fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    if hk.expand(info, out).is_err() {
        // Only possible for out.len() > 8160, which no caller asks for.
        out.iter_mut().for_each(|b| *b = 0);
    }
}

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

/// The 32 zero bytes libolm uses as the HKDF salt when it passes a "null" salt.
pub(crate) const ZERO_SALT: [u8; 32] = [0u8; 32];

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> alloc::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 5869 test case 1 (also in libolm's test_crypto.cpp).
    #[test]
    fn hkdf_rfc5869_case_1() {
        let ikm = [0x0b; 22];
        let salt = hex("000102030405060708090a0b0c");
        let info = hex("f0f1f2f3f4f5f6f7f8f9");
        let mut okm = [0u8; 42];
        hkdf_sha256(&salt, &ikm, &info, &mut okm);
        assert_eq!(
            okm.to_vec(),
            hex(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
            )
        );
    }

    // libolm test_crypto.cpp: HMAC with empty key over the empty message.
    #[test]
    fn hmac_empty_key_empty_message() {
        assert_eq!(
            hmac_sha256(b"", b"").to_vec(),
            hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        );
    }

    #[test]
    fn hmac_parts_equal_concatenation() {
        assert_eq!(
            hmac_sha256_parts(b"k", &[b"ab", b"cd"]),
            hmac_sha256(b"k", b"abcd")
        );
    }

    #[test]
    fn sha256_empty() {
        assert_eq!(
            sha256(&[]).to_vec(),
            hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }
}
