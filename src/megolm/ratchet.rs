//! The Megolm ratchet: four 32-byte parts R0..R3 and a 32-bit counter.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::cipher::CipherKeys;
use crate::crypto::kdf::HmacScratch;

/// HKDF info for Megolm message keys.
const MEGOLM_KEYS_INFO: &[u8] = b"MEGOLM_KEYS";

/// Size of the ratchet value in bytes.
pub(crate) const RATCHET_LENGTH: usize = 128;

/// A Megolm ratchet state. Secret: zeroized on drop, never printed (spec/megolm.md MEGOLM-ZERO-1).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct MegolmRatchet {
    parts: [[u8; 32]; 4],
    counter: u32,
}

/// spec/megolm.md MEGOLM-RATCHET-1: `H_k(A) = HMAC-SHA256(key = A, msg = k)`, k = 0..3.
fn rehash(scratch: &mut HmacScratch, from: &[u8; 32], k: u8) -> [u8; 32] {
    scratch.mac(from, &[k])
}

impl MegolmRatchet {
    /// A ratchet from its 128-byte value R0 || R1 || R2 || R3 and its counter.
    pub(crate) fn from_bytes(bytes: &[u8; RATCHET_LENGTH], counter: u32) -> Self {
        let mut parts = [[0u8; 32]; 4];
        for (part, chunk) in parts.iter_mut().zip(bytes.chunks_exact(32)) {
            part.copy_from_slice(chunk);
        }
        Self { parts, counter }
    }

    /// The 128-byte value R0 || R1 || R2 || R3.
    pub(crate) fn to_bytes(&self) -> zeroize::Zeroizing<[u8; RATCHET_LENGTH]> {
        let mut out = zeroize::Zeroizing::new([0u8; RATCHET_LENGTH]);
        for (chunk, part) in out.chunks_exact_mut(32).zip(self.parts.iter()) {
            chunk.copy_from_slice(part);
        }
        out
    }

    pub(crate) fn counter(&self) -> u32 {
        self.counter
    }

    /// Rehashes parts `from..=3` from part `from`, highest first, so that part `from` itself is
    /// rehashed last and every other part is derived from its old value.
    fn rehash_from(&mut self, scratch: &mut HmacScratch, from: usize) {
        let mut source = self.parts.get(from).copied().unwrap_or_default();
        for k in (from..4).rev() {
            if let Some(part) = self.parts.get_mut(k) {
                *part = rehash(scratch, &source, k as u8);
            }
        }
        source.zeroize();
    }

    /// spec/megolm.md MEGOLM-RATCHET-2: one step. The counter increments (wrapping at 2^32);
    /// h = 0 if the low 24 bits are now zero, else 1 if the low 16 are, else 2 if the low 8
    /// are, else 3; then `R_k = H_k(R_h)` for k = 3 down to h.
    pub(crate) fn advance(&mut self) {
        self.counter = self.counter.wrapping_add(1);
        let h = if self.counter & 0x00ff_ffff == 0 {
            0
        } else if self.counter & 0xffff == 0 {
            1
        } else if self.counter & 0xff == 0 {
            2
        } else {
            3
        };
        self.rehash_from(&mut HmacScratch::new(), h);
    }

    /// spec/megolm.md MEGOLM-RATCHET-3: jumps to `target` in at most 4 × 256 + 2 HMACs,
    /// giving the same state as repeated single steps. Moving "backwards" wraps through 2^32,
    /// exactly as libolm's `megolm_advance_to`.
    pub(crate) fn advance_to(&mut self, target: u32) {
        let mut scratch = HmacScratch::new();
        // R_j follows the counter's byte j from the top: bits 24.. for R_0, down to 0.. for R_3.
        for (j, shift) in [24u32, 16, 8, 0].into_iter().enumerate() {
            let mask = u32::MAX.checked_shl(shift).unwrap_or(0);
            let mut steps = (target >> shift).wrapping_sub(self.counter >> shift) & 0xff;
            if steps == 0 {
                if target < self.counter {
                    steps = 0x100;
                } else {
                    continue;
                }
            }
            // steps - 1 self-rehashes of R_j, then R_k = H_k(R_j) for k = 3 down to j.
            for _ in 1..steps {
                if let Some(part) = self.parts.get_mut(j) {
                    *part = rehash(&mut scratch, part, j as u8);
                }
            }
            self.rehash_from(&mut scratch, j);
            self.counter = target & mask;
        }
    }

    /// spec/megolm.md MEGOLM-CIPHER-1: `HKDF(0^32, R0||R1||R2||R3, "MEGOLM_KEYS", 80)`.
    pub(crate) fn cipher_keys(&self) -> CipherKeys {
        CipherKeys::derive(self.to_bytes().as_slice(), MEGOLM_KEYS_INFO)
    }

    /// Constant-time equality of value and counter.
    pub(crate) fn ct_eq(&self, other: &Self) -> subtle::Choice {
        use subtle::ConstantTimeEq;
        self.to_bytes()
            .as_slice()
            .ct_eq(other.to_bytes().as_slice())
            & self.counter.ct_eq(&other.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn initial() -> MegolmRatchet {
        let data: [u8; 128] = b"0123456789ABCDEF".repeat(8).try_into().unwrap();
        MegolmRatchet::from_bytes(&data, 0)
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // libolm test_megolm.cpp (fact sheet §9.1).
    #[test]
    fn libolm_single_step_vector() {
        let mut r = initial();
        let before = r.to_bytes();
        r.advance();
        let after = r.to_bytes();
        assert_eq!(&after[..96], &before[..96]);
        assert_eq!(
            after[96..].to_vec(),
            hex("ba9cd955741d1c162323ec825e7c5ce889bbb423a18f23828fb2090d6e2af86a")
        );
        let mut jumped = initial();
        jumped.advance_to(1);
        assert!(bool::from(jumped.ct_eq(&r)));
    }

    #[test]
    fn libolm_jump_vectors() {
        let mut r = initial();
        r.advance_to(0x100_0000);
        assert_eq!(
            r.to_bytes().to_vec(),
            hex(
                "54022d7dc0298e1637e21c97153092f933c056ff74fe1b922d971f2482c2859c7004c01ee49bd6efe0073525af9b1632c5be726d12349cc5bd472bdc2df6540f3112591194fda617e568c683101eaecd7eddd6de1fbc0767ae34da1a09a54eabba9cd955741d1c162323ec825e7c5ce889bbb423a18f23828fb2090d6e2af86a"
            )
        );
        r.advance_to(0x104_1506);
        assert_eq!(
            r.to_bytes().to_vec(),
            hex(
                "54022d7dc0298e1637e21c97153092f933c056ff74fe1b922d971f2482c2859c55588df5b7a48878428927868164589f3663447b51edc3595b036ca604c46dcd5c54850bfa98a1fd79a9df1cbe8fc5681937d30c85c8c31f7bb828816cf9ff3b956cbf807e65126a49558d45c84a2e4cd56f03e24416b98e1cfd97c206aa907a"
            )
        );
        assert_eq!(r.counter(), 0x104_1506);
    }

    // libolm test_megolm.cpp: equivalences across the 2^32 wrap.
    #[test]
    fn wrap_around_matches_both_ways() {
        let data: [u8; 128] = b"0123456789ABCDEF".repeat(8).try_into().unwrap();
        let mut from_top = MegolmRatchet::from_bytes(&data, 0xffff_ffff);
        from_top.advance_to(0x100_0000);
        let mut from_zero = MegolmRatchet::from_bytes(&data, 0);
        from_zero.advance_to(0x200_0000);
        // The two values agree (libolm's test compares the values only).
        assert_eq!(from_top.to_bytes().to_vec(), from_zero.to_bytes().to_vec());

        let mut a = MegolmRatchet::from_bytes(&data, 0xffff_ffff);
        a.advance();
        let mut b = MegolmRatchet::from_bytes(&data, 0xffff_ffff);
        b.advance_to(0);
        assert!(bool::from(a.ct_eq(&b)));
        assert_eq!(a.counter(), 0);
    }

    // spec/megolm.md MEGOLM-RATCHET-3: the jump equals repeated single steps.
    #[test]
    fn jump_equals_single_steps() {
        for (start, target) in [
            (0u32, 300u32),
            (250, 700),
            (0xfff0, 0x1_0010),
            (5, 5 + 256 * 3),
        ] {
            let data = [7u8; 128];
            let mut stepped = MegolmRatchet::from_bytes(&data, start);
            for _ in start..target {
                stepped.advance();
            }
            let mut jumped = MegolmRatchet::from_bytes(&data, start);
            jumped.advance_to(target);
            assert!(bool::from(stepped.ct_eq(&jumped)), "{start} -> {target}");
        }
    }
}
