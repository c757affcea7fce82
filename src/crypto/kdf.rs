//! HKDF-SHA-256, HMAC-SHA-256 and SHA-256, with the fixed-size outputs Olm uses.

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

type HmacSha256 = Hmac<Sha256>;

/// spec/olm.md OLM-CHAIN-1 / OLM-MSGKEY-1: `HMAC-SHA256(key, msg)`.
///
/// Keys longer than 64 bytes are hashed first, as RFC 2104 requires. The ratchets' case — a
/// 32-byte key and a message of at most 55 bytes — takes [`hmac_sha256_short`].
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    match <&[u8; 32]>::try_from(key) {
        Ok(key) if message.len() <= SHORT_MESSAGE_MAX => hmac_sha256_short(key, message),
        _ => hmac_sha256_parts(key, &[message]),
    }
}

/// The longest message whose inner hash fits in one block after the key block
/// (64 − 1 byte of 0x80 padding − 8 bytes of length).
const SHORT_MESSAGE_MAX: usize = 55;

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// RFC 2104 HMAC-SHA-256 for a 32-byte key and a message of at most 55 bytes, with scratch
/// space that is zeroized when this call returns.
fn hmac_sha256_short(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    HmacScratch::new().short(key, message)
}

/// Scratch space for HMAC-SHA-256 with a 32-byte key and a short message, written as the four
/// SHA-256 compressions it is: `H((K ⊕ opad) || H((K ⊕ ipad) || m))`, with no allocation.
/// Every key-dependent byte lives here, so a ratchet jump of a thousand HMACs keeps one
/// scratch and zeroizes it once, when it is dropped, instead of after every HMAC (the Olm chain
/// and the Megolm ratchet call this thousands of times per jump).
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct HmacScratch {
    blocks: [[u8; 64]; 2],
    state: [u32; 8],
    inner: [u8; 32],
}

impl HmacScratch {
    pub(crate) fn new() -> Self {
        Self {
            blocks: [[0; 64]; 2],
            state: [0; 8],
            inner: [0; 32],
        }
    }

    /// `HMAC-SHA256(key, message)` for a message of at most 55 bytes (longer ones are cut:
    /// callers pass one byte).
    pub(crate) fn short(&mut self, key: &[u8; 32], message: &[u8]) -> [u8; 32] {
        let mut inner = [0u8; 32];
        two_blocks(
            &mut self.blocks,
            &mut self.state,
            key,
            0x36,
            message,
            &mut inner,
        );
        self.inner = inner;
        inner.zeroize();
        let mut out = [0u8; 32];
        two_blocks(
            &mut self.blocks,
            &mut self.state,
            key,
            0x5c,
            &self.inner,
            &mut out,
        );
        out
    }
}

/// SHA-256 of `(key ⊕ pad) || tail` (64 + tail.len() bytes, one key block and one final block
/// holding `tail` and the padding), into `out`.
fn two_blocks(
    blocks: &mut [[u8; 64]; 2],
    state: &mut [u32; 8],
    key: &[u8; 32],
    pad: u8,
    tail: &[u8],
    out: &mut [u8; 32],
) {
    use sha2::block_api::compress256;

    let [key_block, last] = blocks;
    key_block.fill(pad);
    for (b, k) in key_block.iter_mut().zip(key.iter()) {
        *b ^= k;
    }
    last.fill(0);
    let n = tail.len().min(SHORT_MESSAGE_MAX);
    if let Some(dst) = last.get_mut(..n) {
        dst.copy_from_slice(tail.get(..n).unwrap_or_default());
    }
    if let Some(b) = last.get_mut(n) {
        *b = 0x80;
    }
    // reason: n <= SHORT_MESSAGE_MAX = 55, so the bit count is at most (64 + 55) * 8 = 952.
    #[allow(clippy::arithmetic_side_effects)]
    let bits = ((64 + n) as u64) * 8;
    if let Some(dst) = last.get_mut(56..) {
        dst.copy_from_slice(&bits.to_be_bytes());
    }
    *state = SHA256_IV;
    compress256(state, &*blocks);
    for (chunk, word) in out.chunks_exact_mut(4).zip(state.iter()) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
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

    // The specialised path equals the general HMAC for every length it takes.
    #[test]
    fn short_hmac_equals_general_hmac() {
        for len in 0..=SHORT_MESSAGE_MAX {
            let key: [u8; 32] = core::array::from_fn(|i| (i * 7 + len) as u8);
            let message: alloc::vec::Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
            assert_eq!(
                hmac_sha256_short(&key, &message),
                hmac_sha256_parts(&key, &[&message])
            );
            assert_eq!(
                hmac_sha256(&key, &message),
                hmac_sha256_parts(&key, &[&message])
            );
        }
    }

    // RFC 4231 test case 2 goes through the general path (4-byte key).
    #[test]
    fn hmac_rfc4231_case_2() {
        assert_eq!(
            hmac_sha256(b"Jefe", b"what do ya want for nothing?").to_vec(),
            hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
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
