//! Chain keys C_i,j and message keys M_i,j.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::cipher::CipherKeys;
use crate::crypto::kdf::{HmacKey, MacScratch, hmac_sha256};
use crate::error::DecryptionError;

/// HKDF info for message keys.
const MESSAGE_KEYS_INFO: &[u8] = b"OLM_KEYS";

/// A chain key and its index j.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct ChainKey {
    key: [u8; 32],
    index: u32,
}

impl ChainKey {
    pub(crate) fn new(key: [u8; 32], index: u32) -> Self {
        Self { key, index }
    }

    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// spec/olm.md OLM-CHAIN-1: `C[i,j+1] = HMAC-SHA256(C[i,j], 0x02)`.
    ///
    /// Fails only when the index would pass `u32::MAX` (spec/olm.md OLM-LIMIT-2); the key is
    /// then left unchanged.
    pub(crate) fn advance(&mut self) -> Result<(), DecryptionError> {
        let next = self
            .index
            .checked_add(1)
            .ok_or(DecryptionError::ChainIndexOverflow)?;
        self.key = hmac_sha256(&self.key, &[0x02]);
        self.index = next;
        Ok(())
    }
}

impl ChainKey {
    /// spec/olm.md OLM-MSGKEY-1 then OLM-CHAIN-1: returns `M[i,j] = HMAC-SHA256(C[i,j], 0x01)`
    /// and advances to `C[i,j+1] = HMAC-SHA256(C[i,j], 0x02)`, both HMACs under one prepared
    /// key (its pad blocks compressed once, not twice).
    ///
    /// Fails only when the index would pass `u32::MAX` (spec/olm.md OLM-LIMIT-2); the key is
    /// then left unchanged.
    pub(crate) fn take_message_key(&mut self) -> Result<MessageKey, DecryptionError> {
        let next = self
            .index
            .checked_add(1)
            .ok_or(DecryptionError::ChainIndexOverflow)?;
        Ok(self.step(next))
    }

    /// [`ChainKey::take_message_key`] for the sending side, where the index wraps like
    /// libolm's (spec/olm.md OLM-LIMIT-2).
    pub(crate) fn take_message_key_wrapping(&mut self) -> MessageKey {
        self.step(self.index.wrapping_add(1))
    }

    fn step(&mut self, next: u32) -> MessageKey {
        let hmac = HmacKey::new(&self.key);
        let mut scratch = MacScratch::new();
        let message_key = MessageKey {
            key: hmac.mac_with(&mut scratch, &[&[0x01]]),
            index: self.index,
        };
        self.key = hmac.mac_with(&mut scratch, &[&[0x02]]);
        self.index = next;
        message_key
    }
}

/// A single-use message key and the chain index it belongs to.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct MessageKey {
    key: [u8; 32],
    index: u32,
}

impl MessageKey {
    pub(crate) fn new(key: [u8; 32], index: u32) -> Self {
        Self { key, index }
    }
    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// spec/olm.md OLM-CIPHER-1: `HKDF(0^32, M, "OLM_KEYS", 80)` → AES key | MAC key | IV.
    pub(crate) fn cipher_keys(&self) -> CipherKeys {
        CipherKeys::derive(&self.key, MESSAGE_KEYS_INFO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::kdf::hmac_sha256;

    // spec/olm.md OLM-CHAIN-1, OLM-MSGKEY-1.
    #[test]
    fn chain_and_message_keys_follow_the_formulas() {
        let mut ck = ChainKey::new([3; 32], 0);
        let mk = ck.take_message_key().unwrap();
        assert_eq!(mk.as_bytes(), &hmac_sha256(&[3; 32], &[1]));
        assert_eq!(mk.index(), 0);
        assert_eq!(ck.as_bytes(), &hmac_sha256(&[3; 32], &[2]));
        assert_eq!(ck.index(), 1);
        let mut sending = ChainKey::new([3; 32], 0);
        let same = sending.take_message_key_wrapping();
        assert_eq!(same.as_bytes(), mk.as_bytes());
        assert_eq!(sending.as_bytes(), ck.as_bytes());
        ck.advance().unwrap();
        assert_eq!(
            ck.as_bytes(),
            &hmac_sha256(&hmac_sha256(&[3; 32], &[2]), &[2])
        );
        assert_eq!(ck.index(), 2);
    }

    // spec/olm.md OLM-LIMIT-2: receiving refuses to pass u32::MAX (key unchanged); sending wraps.
    #[test]
    fn advance_refuses_to_overflow() {
        let mut ck = ChainKey::new([3; 32], u32::MAX);
        assert_eq!(ck.advance(), Err(DecryptionError::ChainIndexOverflow));
        assert!(ck.take_message_key().is_err());
        assert_eq!(ck.as_bytes(), &[3; 32]);
        let mk = ck.take_message_key_wrapping();
        assert_eq!(mk.index(), u32::MAX);
        assert_eq!(ck.index(), 0);
    }
}
