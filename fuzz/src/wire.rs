//! Canonical encoders for the wire formats (spec/olm.md §6, spec/megolm.md), written from the
//! spec and not from protee's code, and a decoder for libolm's session pickle body.
//!
//! A parse target checks that re-encoding the fields protee returned gives back exactly the
//! input: protee accepts one canonical layout per message and nothing else.

/// Protobuf varint (LEB128), shortest form.
pub fn varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn field(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// `03 | 0a 20 <ratchet key> | 10 <varint index> | 22 <varint len> <ciphertext> | MAC(8)`.
pub fn normal_message(
    ratchet_key: &[u8; 32],
    index: u32,
    ciphertext: &[u8],
    mac: &[u8],
) -> Vec<u8> {
    let mut out = vec![3];
    field(&mut out, 0x0a, ratchet_key);
    out.push(0x10);
    varint(u64::from(index), &mut out);
    field(&mut out, 0x22, ciphertext);
    out.extend_from_slice(mac);
    out
}

/// `03 | 0a 20 <one-time key> | 12 20 <base key> | 1a 20 <identity key> | 22 <len> <message>`.
pub fn pre_key_message(
    one_time_key: &[u8; 32],
    base_key: &[u8; 32],
    identity_key: &[u8; 32],
    inner: &[u8],
) -> Vec<u8> {
    let mut out = vec![3];
    field(&mut out, 0x0a, one_time_key);
    field(&mut out, 0x12, base_key);
    field(&mut out, 0x1a, identity_key);
    field(&mut out, 0x22, inner);
    out
}

/// `03 | 08 <varint index> | 12 <varint len> <ciphertext> | MAC(8) | signature(64)`.
pub fn megolm_message(index: u32, ciphertext: &[u8], mac: &[u8], signature: &[u8; 64]) -> Vec<u8> {
    let mut out = vec![3, 0x08];
    varint(u64::from(index), &mut out);
    field(&mut out, 0x12, ciphertext);
    out.extend_from_slice(mac);
    out.extend_from_slice(signature);
    out
}

/// Byte ranges of the three outer keys of a canonical pre-key message: the only bytes of a
/// pre-key message no MAC covers.
pub const PRE_KEY_OUTER_KEYS: [core::ops::Range<usize>; 3] = [3..35, 37..69, 71..103];

/// The ratchet key of a canonical normal message.
pub fn normal_ratchet_key(bytes: &[u8]) -> [u8; 32] {
    bytes[3..35].try_into().unwrap()
}

/// The inner normal message of a canonical pre-key message.
pub fn pre_key_inner(bytes: &[u8]) -> &[u8] {
    // 03 | 3 × 34 key fields | 22 | varint len | inner: the varint is one or two bytes.
    let len_start = 104;
    let (len, used) = if bytes[len_start] & 0x80 == 0 {
        (usize::from(bytes[len_start]), 1)
    } else {
        (
            usize::from(bytes[len_start] & 0x7f) | (usize::from(bytes[len_start + 1]) << 7),
            2,
        )
    };
    &bytes[len_start + used..len_start + used + len]
}

/// A receiver chain or skipped key, as read from a libolm session pickle: ratchet key, index.
pub type KeyIndex = ([u8; 32], u32);

/// The state of a session as libolm's pickle body (version 1) records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionState {
    pub received_message: bool,
    /// The sender chain's public ratchet key and index, if there is one.
    pub sender: Option<KeyIndex>,
    /// Newest first.
    pub receiver_chains: Vec<KeyIndex>,
    /// Newest first.
    pub skipped_keys: Vec<KeyIndex>,
}

struct Body<'a>(&'a [u8]);

impl Body<'_> {
    fn bytes(&mut self, n: usize) -> &[u8] {
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.bytes(4).try_into().unwrap())
    }
    fn key(&mut self) -> [u8; 32] {
        self.bytes(32).try_into().unwrap()
    }
}

/// Decodes a version-1 libolm session pickle body (as protee writes it). Panics on anything
/// else: protee's own output must always decode.
pub fn session_state(body: &[u8]) -> SessionState {
    let mut b = Body(body);
    assert_eq!(b.u32(), 1, "session pickle version");
    let received_message = match b.bytes(1)[0] {
        0 => false,
        1 => true,
        other => panic!("received flag {other}"),
    };
    b.bytes(32 * 3 + 32); // identity, base, one-time keys; root key
    let sender = match b.u32() {
        0 => None,
        1 => {
            let public = b.key();
            b.bytes(32 + 32); // private ratchet key, chain key
            Some((public, b.u32()))
        }
        n => panic!("{n} sender chains"),
    };
    let mut receiver_chains = Vec::new();
    for _ in 0..b.u32() {
        let key = b.key();
        b.bytes(32);
        receiver_chains.push((key, b.u32()));
    }
    let mut skipped_keys = Vec::new();
    for _ in 0..b.u32() {
        let key = b.key();
        b.bytes(32);
        skipped_keys.push((key, b.u32()));
    }
    assert!(b.0.is_empty(), "trailing bytes in protee's session pickle");
    SessionState {
        received_message,
        sender,
        receiver_chains,
        skipped_keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        let mut out = Vec::new();
        varint(0, &mut out);
        varint(127, &mut out);
        varint(128, &mut out);
        varint(300, &mut out);
        assert_eq!(out, [0, 127, 0x80, 1, 0xac, 2]);
    }
}
