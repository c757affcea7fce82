//! spec/olm.md OLM-B64-1: unpadded standard base64, constant-time (`base64ct`) and strict.

use alloc::string::String;
use alloc::vec::Vec;
use base64ct::{Base64Unpadded, Encoding};

use crate::error::DecodeError;

/// Encodes bytes as unpadded standard base64 (what libolm prints).
pub fn encode(bytes: &[u8]) -> String {
    Base64Unpadded::encode_string(bytes)
}

/// Decodes unpadded standard base64 of any length.
///
/// Strict where libolm is lenient: characters outside the alphabet, `=` padding and
/// non-canonical trailing bits are errors.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    Base64Unpadded::decode_vec(text).map_err(|_| DecodeError::InvalidBase64)
}

/// Number of base64 characters for `n` bytes, unpadded: 4 per whole group of 3 bytes, then 2
/// or 3 for a last group of 1 or 2 bytes. Saturates at `usize::MAX` (no text is that long).
pub const fn encoded_len(n: usize) -> usize {
    let last = match n % 3 {
        0 => 0,
        1 => 2,
        _ => 3,
    };
    (n / 3).saturating_mul(4).saturating_add(last)
}

/// spec/olm.md OLM-B64-2: decodes exactly `N` bytes. The text length is checked before any
/// decoding, so a 44-character key is a typed error, not a panic.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], DecodeError> {
    let expected = encoded_len(N);
    if text.len() != expected {
        return Err(DecodeError::InvalidLength {
            expected,
            got: text.len(),
        });
    }
    let mut out = [0u8; N];
    match Base64Unpadded::decode(text, &mut out) {
        Ok(decoded) if decoded.len() == N => Ok(out),
        _ => Err(DecodeError::InvalidBase64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // libolm test_base64.cpp.
    #[test]
    fn hello_world() {
        assert_eq!(encode(b"Hello World"), "SGVsbG8gV29ybGQ");
        assert_eq!(decode("SGVsbG8gV29ybGQ").unwrap(), b"Hello World");
    }

    #[test]
    fn encoded_lengths_match_libolm() {
        for (n, chars) in [(32, 43), (64, 86), (165, 220), (229, 306), (4, 6), (0, 0)] {
            assert_eq!(encoded_len(n), chars);
            assert_eq!(encode(&alloc::vec![0u8; n]).len(), chars);
        }
    }

    // spec/olm.md OLM-B64-1: strictness.
    #[test]
    fn rejects_padding_garbage_and_bad_lengths() {
        assert_eq!(decode("SGVsbG8gV29ybGQ="), Err(DecodeError::InvalidBase64));
        assert_eq!(decode("SGVsb*8gV29ybGQ"), Err(DecodeError::InvalidBase64));
        assert_eq!(decode("A"), Err(DecodeError::InvalidBase64)); // length 1 mod 4
        assert_eq!(decode("AB"), Err(DecodeError::InvalidBase64)); // non-zero trailing bits
        assert_eq!(decode("AA").unwrap(), [0u8]);
    }

    // spec/olm.md OLM-B64-2: fixed-length decoding never panics.
    #[test]
    fn fixed_length_decoding() {
        let key = encode(&[5u8; 32]);
        assert_eq!(decode_array::<32>(&key).unwrap(), [5u8; 32]);
        let padded = alloc::format!("{key}=");
        assert_eq!(
            decode_array::<32>(&padded),
            Err(DecodeError::InvalidLength {
                expected: 43,
                got: 44
            })
        );
        assert_eq!(
            decode_array::<32>(""),
            Err(DecodeError::InvalidLength {
                expected: 43,
                got: 0
            })
        );
        let mut bad = key.clone();
        bad.replace_range(42..43, "B"); // non-canonical trailing bits
        assert_eq!(decode_array::<32>(&bad), Err(DecodeError::InvalidBase64));
        let multibyte = "é".repeat(21) + "A"; // 43 bytes, not ASCII
        assert_eq!(
            decode_array::<32>(&multibyte),
            Err(DecodeError::InvalidBase64)
        );
    }
}
