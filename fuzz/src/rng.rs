//! A deterministic `CryptoRng` for fuzzing: SHA-256 in counter mode over a seed, so a run is
//! reproducible from its input alone.

use core::convert::Infallible;
use rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

/// SHA-256(seed-hash || counter) blocks, consumed byte by byte.
pub struct SeedRng {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl SeedRng {
    /// An RNG whose whole output is determined by `seed`.
    pub fn new(seed: &[u8]) -> Self {
        Self {
            key: Sha256::digest(seed).into(),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    /// An RNG seeded by a label and a number.
    pub fn labelled(label: &str, n: u64) -> Self {
        let mut seed = label.as_bytes().to_vec();
        seed.push(0);
        seed.extend_from_slice(&n.to_le_bytes());
        Self::new(&seed)
    }

    fn refill(&mut self) {
        let mut hasher = Sha256::new();
        hasher.update(self.key);
        hasher.update(self.counter.to_le_bytes());
        self.block = hasher.finalize().into();
        self.counter += 1;
        self.used = 0;
    }

    /// `N` bytes.
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let Ok(()) = self.try_fill_bytes(&mut out);
        out
    }
}

impl TryRng for SeedRng {
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
        for byte in dst.iter_mut() {
            if self.used == 32 {
                self.refill();
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for SeedRng {}

/// An RNG that returns exactly the given bytes, then zeros: re-pickling a native pickle with
/// the nonce it was sealed with must give the same string.
pub struct FixedRng(pub Vec<u8>);

impl TryRng for FixedRng {
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
        let n = dst.len().min(self.0.len());
        dst[..n].copy_from_slice(&self.0[..n]);
        dst[n..].fill(0);
        self.0.drain(..n);
        Ok(())
    }
}

impl TryCryptoRng for FixedRng {}
