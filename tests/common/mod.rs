//! Helpers shared by the integration tests.
#![allow(dead_code)]

use core::convert::Infallible;
use rand_core::{TryCryptoRng, TryRng};

/// libolm's `MockRandom(tag, start)` from its test suite: each 32-byte chunk is
/// `[tag] + [cur] * 31`, then `cur` increments; a short final chunk is cut from the same pattern.
pub struct MockRandom {
    tag: u8,
    current: u8,
}

impl MockRandom {
    pub fn new(tag: u8, start: u8) -> Self {
        Self {
            tag,
            current: start,
        }
    }
}

impl TryRng for MockRandom {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(32) {
            chunk.fill(self.current);
            chunk[0] = self.tag;
            self.current = self.current.wrapping_add(1);
        }
        Ok(())
    }
}

impl TryCryptoRng for MockRandom {}

/// A deterministic CSPRNG for tests: SHA-256 in counter mode over a seed.
pub struct TestRng {
    seed: [u8; 32],
    counter: u64,
    buffer: Vec<u8>,
}

impl TestRng {
    pub fn new(seed: u64) -> Self {
        let mut s = [0u8; 32];
        s[..8].copy_from_slice(&seed.to_le_bytes());
        Self {
            seed: s,
            counter: 0,
            buffer: Vec::new(),
        }
    }
}

impl TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        use sha2::Digest;
        for byte in dst.iter_mut() {
            if self.buffer.is_empty() {
                let mut h = sha2::Sha256::new();
                h.update(self.seed);
                h.update(self.counter.to_le_bytes());
                self.counter += 1;
                self.buffer = h.finalize().to_vec();
            }
            *byte = self.buffer.remove(0);
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

/// An RNG that hands out exactly the given bytes, in order, and panics when they run out
/// (so a test sees precisely how many random bytes an operation drew).
pub struct FixedBytes {
    bytes: Vec<u8>,
    position: usize,
}

impl FixedBytes {
    pub fn new(bytes: &[u8]) -> Self {
        Self {
            bytes: bytes.to_vec(),
            position: 0,
        }
    }

    /// How many bytes have been drawn so far.
    pub fn drawn(&self) -> usize {
        self.position
    }
}

impl TryRng for FixedBytes {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let end = self.position + dst.len();
        assert!(
            end <= self.bytes.len(),
            "FixedBytes: {end} bytes drawn, only {} given",
            self.bytes.len()
        );
        dst.copy_from_slice(&self.bytes[self.position..end]);
        self.position = end;
        Ok(())
    }
}

impl TryCryptoRng for FixedBytes {}
