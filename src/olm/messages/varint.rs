//! Protobuf-style varints (little-endian groups of 7 bits, high bit = "more follows").

use alloc::vec::Vec;

/// Appends `value` as a varint.
pub(crate) fn encode(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Number of bytes `encode` writes for `value`: one per value `encode` sees in its loop.
pub(crate) fn encoded_len(value: u64) -> usize {
    core::iter::successors(Some(value), |&v| (v >= 0x80).then_some(v >> 7)).count()
}

/// spec/olm.md OLM-MSG-2: strict decoding into a `u32`. Refuses truncated input, more than
/// 5 bytes, values above `u32::MAX` (libolm silently drops the high bits) and non-canonical
/// encodings (a final group of zero after the first byte). Returns the value and bytes read.
pub(crate) fn decode_u32(input: &[u8]) -> Option<(u32, usize)> {
    let mut value: u64 = 0;
    // At most 5 bytes: the shift of each byte's 7 bits, and the bytes read up to it.
    let groups = [(0u32, 1usize), (7, 2), (14, 3), (21, 4), (28, 5)];
    for (&byte, (shift, read)) in input.iter().zip(groups) {
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            if byte == 0 && read > 1 {
                return None; // over-long encoding
            }
            let value = u32::try_from(value).ok()?;
            return Some((value, read));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_edges() {
        for v in [0u32, 1, 127, 128, 200, 16383, 16384, u32::MAX] {
            let mut out = Vec::new();
            encode(u64::from(v), &mut out);
            assert_eq!(out.len(), encoded_len(u64::from(v)));
            assert_eq!(decode_u32(&out), Some((v, out.len())));
        }
        let mut out = Vec::new();
        encode(200, &mut out);
        assert_eq!(out, [0xc8, 0x01]); // libolm test_message.cpp: index 200
    }

    #[test]
    fn rejects_bad_varints() {
        assert_eq!(decode_u32(&[]), None);
        assert_eq!(decode_u32(&[0x80]), None); // truncated
        assert_eq!(decode_u32(&[0x80, 0x00]), None); // over-long zero
        assert_eq!(decode_u32(&[0xff, 0xff, 0xff, 0xff, 0x1f]), None); // 2^35 - 1 > u32
        assert_eq!(decode_u32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), None); // 6 bytes
        assert_eq!(
            decode_u32(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
            Some((u32::MAX, 5))
        );
    }
}
