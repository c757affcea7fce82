//! spec/olm.md OLM-B64-3: a table-driven base64 decoder for text that carries no secret, such
//! as an encrypted pickle (its characters are ciphertext and an authentication tag). It runs
//! in time that depends on the characters, which leaks nothing there, and is several times
//! faster than the constant-time decoder (`base64ct`) that every secret must go through. It
//! accepts exactly what [`super::base64::decode`] accepts: unpadded standard base64, no `=`,
//! no other character, zero trailing bits, a length not 1 mod 4.

use alloc::vec::Vec;

use crate::error::DecodeError;

/// Marks a byte outside the alphabet; every sextet is below 64, so its top bit is clear.
const INVALID: u8 = 0x80;

/// Sextet value of each byte, or [`INVALID`].
static SEXTETS: [u8; 256] = sextet_table();

const fn sextet_table() -> [u8; 256] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [INVALID; 256];
    let mut value = 0u8;
    // reason: evaluated at compile time; `value` runs over 0..64, the alphabet's indices.
    #[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
    while value < 64 {
        table[ALPHABET[value as usize] as usize] = value;
        value += 1;
    }
    table
}

fn sextet(byte: u8) -> u32 {
    u32::from(SEXTETS.get(usize::from(byte)).copied().unwrap_or(INVALID))
}

/// Decodes unpadded standard base64 (not for secrets: see the module documentation).
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = text.as_bytes();
    let quads = bytes.chunks_exact(4);
    let tail = quads.remainder();
    let mut out = Vec::with_capacity(bytes.len().div_ceil(4).saturating_mul(3));
    for quad in quads {
        let &[a, b, c, d] = quad else {
            return Err(DecodeError::InvalidBase64);
        };
        let (a, b, c, d) = (sextet(a), sextet(b), sextet(c), sextet(d));
        // An invalid character sets bit 7 in its sextet: one test per four characters.
        if (a | b | c | d) & u32::from(INVALID) != 0 {
            return Err(DecodeError::InvalidBase64);
        }
        let v = (a << 18) | (b << 12) | (c << 6) | d;
        out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
    }
    match *tail {
        [] => {}
        [a, b] => {
            let (a, b) = (sextet(a), sextet(b));
            let v = (a << 6) | b;
            // Two characters carry one byte and four bits that must be zero.
            if (a | b) & u32::from(INVALID) != 0 || v & !0xff0 != 0 {
                return Err(DecodeError::InvalidBase64);
            }
            out.push((v >> 4) as u8);
        }
        [a, b, c] => {
            let (a, b, c) = (sextet(a), sextet(b), sextet(c));
            let v = (a << 12) | (b << 6) | c;
            // Three characters carry two bytes and two bits that must be zero.
            if (a | b | c) & u32::from(INVALID) != 0 || v & !0x3fffc != 0 {
                return Err(DecodeError::InvalidBase64);
            }
            out.extend_from_slice(&[(v >> 10) as u8, (v >> 2) as u8]);
        }
        _ => return Err(DecodeError::InvalidBase64),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::base64;

    // spec/olm.md OLM-B64-3: accepts and refuses exactly what the constant-time decoder does,
    // with the same bytes out, for any string over the alphabet plus `=`, whitespace, `-`, `_`
    // and non-ASCII characters, of any length (so every tail length and trailing-bit pattern).
    proptest::proptest! {
        #[test]
        fn agrees_with_the_constant_time_decoder(
            text in "[A-Za-z0-9+/]{0,40}[A-Za-z0-9+/=\\-_ \n\u{e9}]{0,3}[A-Za-z0-9+/]{0,2}"
        ) {
            proptest::prop_assert_eq!(decode(&text), base64::decode(&text));
        }

        #[test]
        fn decodes_what_the_encoder_writes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            proptest::prop_assert_eq!(decode(&base64::encode(&bytes)), Ok(bytes));
        }
    }

    #[test]
    fn refuses_each_kind_of_bad_input() {
        for bad in [
            "A",
            "AAAAA",
            "A=A",
            "AA=",
            "A\u{e9}",
            "AAAAA-A",
            "AB",
            "ABC",
            "AA==",
            "AAA=",
            "A A ",
            "-AAA",
            "AAA_",
            "AAA\u{e9}",
        ] {
            assert_eq!(decode(bad), Err(DecodeError::InvalidBase64), "{bad:?}");
            assert_eq!(
                base64::decode(bad),
                Err(DecodeError::InvalidBase64),
                "{bad:?}"
            );
        }
        assert_eq!(decode("AA").unwrap(), [0]);
        assert_eq!(decode("AAA").unwrap(), [0, 0]);
        assert_eq!(decode("SGVsbG8gV29ybGQ").unwrap(), b"Hello World");
    }
}
