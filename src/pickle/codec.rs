//! The binary body of pickles: big-endian u32s, single-byte booleans, fixed-size byte arrays
//! and counted lists (spec/pickle.md PICKLE-CODEC-1). libolm, vodozemac's `matrix-pickle` and
//! protee's native format all share these encodings.
//!
//! The reader is strict where libolm is lenient: a boolean must be 0 or 1, a list count may not
//! exceed the object's limit, and nothing may follow the last field.

use alloc::vec::Vec;
use zeroize::Zeroizing;

use crate::error::PickleError;

/// Reads fields in order from a decrypted body. The body is borrowed; its owner zeroizes it.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The next `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], PickleError> {
        if self.rest.len() < n {
            return Err(PickleError::Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// A fixed-size array. Secret arrays are wrapped in [`Zeroizing`] by the caller.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], PickleError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    /// A secret fixed-size array, zeroized when dropped.
    pub(crate) fn secret<const N: usize>(&mut self) -> Result<Zeroizing<[u8; N]>, PickleError> {
        let mut out = Zeroizing::new([0u8; N]);
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, PickleError> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, PickleError> {
        Ok(u32::from_be_bytes(self.array::<4>()?))
    }

    /// A boolean: exactly 0 or 1 (libolm reads any non-zero byte as true, but writes only 1).
    pub(crate) fn bool(&mut self) -> Result<bool, PickleError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(PickleError::InvalidField),
        }
    }

    /// A list count, refused above `max` (libolm silently overwrites its last slot instead).
    pub(crate) fn count(&mut self, max: usize) -> Result<usize, PickleError> {
        let got = self.u32()?;
        match usize::try_from(got) {
            Ok(n) if n <= max => Ok(n),
            _ => Err(PickleError::TooManyItems { got, max }),
        }
    }

    /// Ends reading: any byte left over is an error.
    pub(crate) fn finish(self) -> Result<(), PickleError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(PickleError::ExtraData)
        }
    }
}

/// Writes fields in order into a buffer that is zeroized when dropped.
pub(crate) struct Writer {
    out: Zeroizing<Vec<u8>>,
}

impl Writer {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            out: Zeroizing::new(Vec::with_capacity(capacity)),
        }
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.out.push(value);
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.bytes(&value.to_be_bytes());
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    /// A list count; every list protee writes is bounded far below 2^32 by crate::limits.
    pub(crate) fn count(&mut self, n: usize) -> Result<(), PickleError> {
        let n = u32::try_from(n).map_err(|_| PickleError::Unsupported)?;
        self.u32(n);
        Ok(())
    }

    pub(crate) fn into_bytes(self) -> Zeroizing<Vec<u8>> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strictness() {
        let mut w = Writer::with_capacity(16);
        w.u32(0x0102_0304);
        w.bool(true);
        w.count(2).unwrap();
        w.bytes(&[9, 9]);
        let body = w.into_bytes();
        assert_eq!(body.as_slice(), &[1, 2, 3, 4, 1, 0, 0, 0, 2, 9, 9]);

        let mut r = Reader::new(&body);
        assert_eq!(r.u32().unwrap(), 0x0102_0304);
        assert!(r.bool().unwrap());
        assert_eq!(
            r.count(1),
            Err(PickleError::TooManyItems { got: 2, max: 1 })
        );

        let mut r = Reader::new(&body);
        r.bytes(9).unwrap();
        assert_eq!(r.array::<2>().unwrap(), [9, 9]);
        assert_eq!(r.u8(), Err(PickleError::Truncated));
        assert_eq!(r.finish(), Ok(()));

        let mut r = Reader::new(&[2]);
        assert_eq!(r.bool(), Err(PickleError::InvalidField));
        assert_eq!(Reader::new(&[0]).finish(), Err(PickleError::ExtraData));
    }
}
