//! HKDF-SHA-256, HMAC-SHA-256 and SHA-256, with the fixed-size outputs Olm uses.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

type HmacSha256 = Hmac<Sha256>;

/// spec/olm.md OLM-CHAIN-1 / OLM-MSGKEY-1: `HMAC-SHA256(key, msg)`.
///
/// A 32-byte key (every ratchet's case) takes [`HmacScratch`]; other lengths take the `hmac`
/// crate, which hashes keys longer than 64 bytes first, as RFC 2104 requires.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    match <&[u8; 32]>::try_from(key) {
        Ok(key) => HmacScratch::new().mac(key, message),
        Err(_) => hmac_sha256_parts(key, &[message]),
    }
}

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Scratch space for HMAC-SHA-256 under 32-byte keys that are each used once: the key's
/// [`HmacKey`] states and the [`MacScratch`], with no allocation. Every key-dependent byte
/// lives here, so a ratchet jump of a thousand HMACs keeps one scratch and zeroizes it once,
/// when it is dropped, instead of after every HMAC (the Megolm ratchet calls this thousands of
/// times per jump).
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct HmacScratch {
    key: HmacKey,
    mac: MacScratch,
}

impl HmacScratch {
    pub(crate) fn new() -> Self {
        Self {
            key: HmacKey {
                inner: [0; 8],
                outer: [0; 8],
            },
            mac: MacScratch::new(),
        }
    }

    /// `HMAC-SHA256(key, message)`: the key's pad blocks compressed here, then
    /// [`HmacKey::mac_with`].
    pub(crate) fn mac(&mut self, key: &[u8; 32], message: &[u8]) -> [u8; 32] {
        let Self { key: prepared, mac } = self;
        prepared.prepare(key, &mut mac.sha.block);
        prepared.mac_with(mac, &[message])
    }
}

/// spec/olm.md OLM-KDF-1: RFC 2104 HMAC-SHA-256 under a 32-byte key whose two pad blocks, `K ⊕ ipad` and
/// `K ⊕ opad`, have been compressed once: every MAC under the key then costs only the blocks
/// of its message plus one. The Olm chain derives two HMACs from each chain key
/// (spec/olm.md OLM-MSGKEY-1, OLM-CHAIN-1) and HKDF computes every output block under one key
/// (RFC 5869 §2.3), so each saves two compressions per extra HMAC; the all-zero HKDF salt's
/// states are constants ([`HmacKey::ZERO`]). The states are key material: zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// The states for the 32-byte all-zero key (libolm's "null" HKDF salt): SHA-256's state
    /// after one block of 0x36 bytes, and after one block of 0x5c bytes (a unit test
    /// recomputes them).
    pub(crate) const ZERO: HmacKey = HmacKey {
        inner: ZERO_KEY_INNER,
        outer: ZERO_KEY_OUTER,
    };

    /// Compresses `key ⊕ ipad` and `key ⊕ opad` (the key zero-padded to 64 bytes).
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut prepared = Self {
            inner: [0; 8],
            outer: [0; 8],
        };
        let mut block = [[0u8; 64]];
        prepared.prepare(key, &mut block);
        block.zeroize();
        prepared
    }

    /// Sets the states to `key`'s, in `block`, which is left holding key bytes for the caller
    /// to zeroize.
    fn prepare(&mut self, key: &[u8; 32], block: &mut [[u8; 64]; 1]) {
        for (state, pad) in [(&mut self.inner, 0x36u8), (&mut self.outer, 0x5c)] {
            let [b] = &mut *block;
            b.fill(pad);
            for (x, k) in b.iter_mut().zip(key.iter()) {
                *x ^= k;
            }
            *state = SHA256_IV;
            sha2::block_api::compress256(state, &*block);
        }
    }

    /// `HMAC-SHA256(key, parts[0] || parts[1] || ...)`.
    #[cfg(test)]
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.mac_with(&mut MacScratch::new(), parts)
    }

    /// [`HmacKey::mac`] in `scratch`, which the caller zeroizes (by dropping it) once after a
    /// run of MACs instead of after each: zeroizing is a volatile write per byte.
    pub(crate) fn mac_with(&self, scratch: &mut MacScratch, parts: &[&[u8]]) -> [u8; 32] {
        let MacScratch { sha, inner } = scratch;
        sha256_after_block(&self.inner, parts, sha, inner);
        let mut out = [0u8; 32];
        sha256_after_block(&self.outer, &[&inner[..]], sha, &mut out);
        out
    }
}

/// Scratch space of [`HmacKey::mac_with`]: the SHA-256 state and block, and the inner hash.
/// Holds key-dependent bytes; zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct MacScratch {
    sha: Sha256Scratch,
    inner: [u8; 32],
}

impl MacScratch {
    pub(crate) fn new() -> Self {
        Self {
            sha: Sha256Scratch {
                state: [0; 8],
                block: [[0; 64]],
            },
            inner: [0; 32],
        }
    }
}

/// The working state and the partial block of one SHA-256 computation.
#[derive(Zeroize)]
struct Sha256Scratch {
    state: [u32; 8],
    block: [[u8; 64]; 1],
}

/// See [`HmacKey::ZERO`].
const ZERO_KEY_INNER: [u32; 8] = [
    0xf454dead, 0x9725214f, 0x90daf2a0, 0xdf1228ea, 0x64e5750f, 0xa3924181, 0x824a932b, 0xf8e04e32,
];
/// See [`HmacKey::ZERO`].
const ZERO_KEY_OUTER: [u32; 8] = [
    0xd385480f, 0x7abb6477, 0x37c9c538, 0x5dd82467, 0x8e043a72, 0x753434b0, 0xdeb82818, 0x361d45a6,
];

/// SHA-256 of a message whose first 64-byte block is already compressed into `start`,
/// followed by `parts` (FIPS 180-4 §5.1.1 padding: 0x80, zeros, the bit length of the whole
/// message in 8 bytes big-endian), into `out`. Works in `scratch`, which the caller zeroizes.
fn sha256_after_block(
    start: &[u32; 8],
    parts: &[&[u8]],
    scratch: &mut Sha256Scratch,
    out: &mut [u8; 32],
) {
    use sha2::block_api::compress256;

    let Sha256Scratch { state, block } = scratch;
    *state = *start;
    let mut filled = 0usize;
    // Bytes hashed, counting the first block; SHA-256 counts modulo 2^64 bits.
    let mut length = 64u64;
    for part in parts {
        length = length.wrapping_add(part.len() as u64);
        let mut rest: &[u8] = part;
        if filled > 0 {
            let [b] = &mut *block;
            let take = rest.len().min(64usize.saturating_sub(filled));
            let (head, tail) = rest.split_at(take);
            if let Some(dst) = b.get_mut(filled..filled.saturating_add(take)) {
                dst.copy_from_slice(head);
            }
            filled = filled.saturating_add(take);
            rest = tail;
            if filled == 64 {
                compress256(state, &*block);
                filled = 0;
            }
        }
        if filled == 0 {
            let (whole, tail) = rest.as_chunks::<64>();
            compress256(state, whole);
            let [b] = &mut *block;
            if let Some(dst) = b.get_mut(..tail.len()) {
                dst.copy_from_slice(tail);
            }
            filled = tail.len();
        }
    }
    let [b] = &mut *block;
    if let Some(x) = b.get_mut(filled) {
        *x = 0x80;
    }
    if let Some(dst) = b.get_mut(filled.saturating_add(1)..) {
        dst.fill(0);
    }
    if filled >= 56 {
        compress256(state, &*block);
        let [b] = &mut *block;
        b.fill(0);
    }
    let [b] = &mut *block;
    if let Some(dst) = b.get_mut(56..) {
        dst.copy_from_slice(&length.wrapping_mul(8).to_be_bytes());
    }
    compress256(state, &*block);
    for (chunk, word) in out.chunks_exact_mut(4).zip(state.iter()) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

/// RFC 5869 HKDF-SHA-256 with a 32-byte salt given as its prepared HMAC key, filling `out`:
/// `PRK = HMAC(salt, IKM)`, `T(i) = HMAC(PRK, T(i−1) || info || i)`, `OKM = T(1) || T(2) || …`.
///
/// `out.len()` must be at most 255 × 32 = 8160 bytes (Olm asks for 64 or 80); a longer `out`
/// is filled with zeros.
pub(crate) fn hkdf_sha256_prepared(salt: &HmacKey, ikm: &[u8], info: &[u8], out: &mut [u8]) {
    if out.len() > HKDF_MAX_OUTPUT {
        out.fill(0);
        return;
    }
    let mut scratch = MacScratch::new();
    let mut prk = salt.mac_with(&mut scratch, &[ikm]);
    let prk_key = HmacKey::new(&prk);
    prk.zeroize();
    let mut previous = [0u8; 32];
    let mut counter = 0u8;
    for chunk in out.chunks_mut(32) {
        counter = counter.wrapping_add(1);
        let before: &[u8] = if counter == 1 { &[] } else { &previous };
        previous = prk_key.mac_with(&mut scratch, &[before, info, &[counter]]);
        if let Some(src) = previous.get(..chunk.len()) {
            chunk.copy_from_slice(src);
        }
    }
    previous.zeroize();
}

/// RFC 5869 §2.3: L ≤ 255 × HashLen.
const HKDF_MAX_OUTPUT: usize = 255 * 32;

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

/// The `hkdf` crate's HKDF-SHA-256 (RFC 5869), the reference [`hkdf_sha256_prepared`] is
/// tested against, filling `out` (zeros beyond 8160 bytes, as [`hkdf_sha256_prepared`]).
#[cfg(test)]
pub(crate) fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(salt), ikm);
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

/// The 32 zero bytes libolm uses as the HKDF salt when it passes a "null" salt
/// ([`HmacKey::ZERO`] holds its prepared states).
#[cfg(test)]
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

    // The scratch path equals the general HMAC for every length around the padding edges.
    #[test]
    fn scratch_hmac_equals_general_hmac() {
        let mut scratch = HmacScratch::new();
        for len in 0..=130 {
            let key: [u8; 32] = core::array::from_fn(|i| (i * 7 + len) as u8);
            let message: alloc::vec::Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
            assert_eq!(
                scratch.mac(&key, &message),
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

    // The constant states of the all-zero key are the ones its pad blocks give.
    #[test]
    fn zero_key_states_are_the_compressed_pad_blocks() {
        let computed = HmacKey::new(&ZERO_SALT);
        assert_eq!(computed.inner, HmacKey::ZERO.inner);
        assert_eq!(computed.outer, HmacKey::ZERO.outer);
    }

    // spec/olm.md OLM-KDF-1: a prepared key's MAC equals the hmac crate's for any key and any message, split into
    // parts anywhere (lengths around the 55/56/64-byte padding edges included); HKDF over a
    // prepared salt equals the hkdf crate's for any input, info and output length.
    proptest::proptest! {
        #[test]
        fn prepared_hmac_equals_the_hmac_crate(
            key in proptest::array::uniform32(proptest::num::u8::ANY),
            message in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            cuts in proptest::collection::vec(0usize..300, 0..4),
        ) {
            let mut cuts: alloc::vec::Vec<usize> =
                cuts.into_iter().map(|c| c.min(message.len())).collect();
            cuts.sort_unstable();
            let mut parts: alloc::vec::Vec<&[u8]> = alloc::vec::Vec::new();
            let mut start = 0;
            for cut in cuts {
                parts.push(&message[start..cut]);
                start = cut;
            }
            parts.push(&message[start..]);
            let expected = hmac_sha256_parts(&key, &[&message]);
            proptest::prop_assert_eq!(HmacKey::new(&key).mac(&parts), expected);
        }

        #[test]
        fn prepared_hkdf_equals_the_hkdf_crate(
            salt in proptest::array::uniform32(proptest::num::u8::ANY),
            zero_salt in proptest::bool::ANY,
            ikm in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            info in proptest::collection::vec(proptest::num::u8::ANY, 0..80),
            length in 0usize..400,
        ) {
            let salt = if zero_salt { ZERO_SALT } else { salt };
            let prepared = if zero_salt { HmacKey::ZERO } else { HmacKey::new(&salt) };
            let mut ours = alloc::vec![0xaau8; length];
            hkdf_sha256_prepared(&prepared, &ikm, &info, &mut ours);
            let mut theirs = alloc::vec![0u8; length];
            hkdf_sha256(&salt, &ikm, &info, &mut theirs);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    // Every message length from 0 to 200 bytes in one part (each padding case).
    #[test]
    fn prepared_hmac_every_length() {
        let key = [0x5a; 32];
        let prepared = HmacKey::new(&key);
        let message: alloc::vec::Vec<u8> = (0..200u8).collect();
        for len in 0..=message.len() {
            assert_eq!(
                prepared.mac(&[&message[..len]]),
                hmac_sha256_parts(&key, &[&message[..len]]),
                "{len}"
            );
        }
    }

    #[test]
    fn prepared_hkdf_too_long_output_is_zero() {
        let mut out = alloc::vec![1u8; HKDF_MAX_OUTPUT + 1];
        hkdf_sha256_prepared(&HmacKey::ZERO, b"ikm", b"info", &mut out);
        assert!(out.iter().all(|&b| b == 0));
        let mut max = alloc::vec![0u8; HKDF_MAX_OUTPUT];
        let mut reference = alloc::vec![0u8; HKDF_MAX_OUTPUT];
        hkdf_sha256_prepared(&HmacKey::ZERO, b"ikm", b"info", &mut max);
        hkdf_sha256(&ZERO_SALT, b"ikm", b"info", &mut reference);
        assert_eq!(max, reference);
    }

    #[test]
    fn sha256_empty() {
        assert_eq!(
            sha256(&[]).to_vec(),
            hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
    }
}
