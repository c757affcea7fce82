//! An RNG that hands out recorded bytes, so protee consumes exactly libolm's randomness.

use core::convert::Infallible;
use rand_core::{TryCryptoRng, TryRng};

/// Yields the given bytes in order. Asking for more than were recorded is a test failure
/// (recorded in `overdrawn`), never silently padded with anything that could pass.
pub struct ReplayRng {
    bytes: Vec<u8>,
    position: usize,
    pub overdrawn: bool,
}

impl ReplayRng {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            position: 0,
            overdrawn: false,
        }
    }

    /// Bytes handed out so far.
    pub fn consumed(&self) -> usize {
        self.position
    }

    /// Whether every recorded byte was used and no more.
    pub fn exactly_consumed(&self) -> bool {
        !self.overdrawn && self.position == self.bytes.len()
    }
}

impl TryRng for ReplayRng {
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
            match self.bytes.get(self.position) {
                Some(b) => *byte = *b,
                None => {
                    self.overdrawn = true;
                    *byte = 0;
                }
            }
            self.position += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng {}
