//! A model of one side of an Olm session at the level of chain indices, written from
//! spec/olm.md §7 (and libolm's behaviour), not from protee's code: which receiver chains and
//! skipped message keys it holds, and whether the next message will decrypt.
//!
//! The stateful target compares protee's real state (read from its libolm pickle) with this
//! model after every action, so a wrong decision in either direction (a message refused that
//! should decrypt, or accepted that should not, or state kept beyond the limits) is a crash.

use crate::wire::{KeyIndex, SessionState};

/// spec/olm.md OLM-LIMIT-1 (libolm's limits).
pub const MAX_RECEIVER_CHAINS: usize = 5;
pub const MAX_SKIPPED_MESSAGE_KEYS: usize = 40;
pub const MAX_MESSAGE_GAP: u32 = 2000;

/// One side of a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    pub received_message: bool,
    /// Our sender chain: its public ratchet key and the index of the next message we send.
    pub sender: Option<KeyIndex>,
    /// Receiver chains, newest first: their ratchet key and the next index expected.
    pub receiver_chains: Vec<KeyIndex>,
    /// Skipped message keys, newest first.
    pub skipped_keys: Vec<KeyIndex>,
}

impl Model {
    /// Alice right after `create_outbound_session`: a sender chain at index 0.
    pub fn outbound(ratchet_key: [u8; 32]) -> Self {
        Self {
            received_message: false,
            sender: Some((ratchet_key, 0)),
            receiver_chains: Vec::new(),
            skipped_keys: Vec::new(),
        }
    }

    /// Bob's new session from a pre-key message on Alice's chain `their_key`, before the
    /// pre-key message itself is decrypted.
    pub fn inbound(their_key: [u8; 32]) -> Self {
        Self {
            received_message: false,
            sender: None,
            receiver_chains: vec![(their_key, 0)],
            skipped_keys: Vec::new(),
        }
    }

    /// The model of what protee's libolm pickle records.
    pub fn state(&self) -> SessionState {
        SessionState {
            received_message: self.received_message,
            sender: self.sender,
            receiver_chains: self.receiver_chains.clone(),
            skipped_keys: self.skipped_keys.clone(),
        }
    }

    fn insert_skipped(&mut self, key: [u8; 32], from: u32, to: u32) {
        // The newest MAX_SKIPPED_MESSAGE_KEYS of the keys skipped on the way are kept; they go
        // in front, newest first, and the oldest of the list fall off the end.
        let from = from.max(to.saturating_sub(MAX_SKIPPED_MESSAGE_KEYS as u32));
        let mut merged: Vec<KeyIndex> = (from..to).rev().map(|i| (key, i)).collect();
        merged.append(&mut self.skipped_keys);
        merged.truncate(MAX_SKIPPED_MESSAGE_KEYS);
        self.skipped_keys = merged;
    }

    /// Whether a message on `key` at `index` from an honest peer decrypts; if it does, the
    /// state moves on. (Duplicates and messages whose key was dropped do not decrypt.)
    pub fn decrypt(&mut self, key: [u8; 32], index: u32) -> bool {
        if let Some(position) = self.receiver_chains.iter().position(|c| c.0 == key) {
            let next = self.receiver_chains[position].1;
            if index < next {
                let Some(at) = self.skipped_keys.iter().position(|s| *s == (key, index)) else {
                    return false;
                };
                self.skipped_keys.remove(at);
            } else {
                if index - next > MAX_MESSAGE_GAP || index == u32::MAX {
                    return false;
                }
                self.receiver_chains[position].1 = index + 1;
                self.insert_skipped(key, next, index);
            }
        } else {
            // A new chain: only while we have a sender chain of our own to ratchet with.
            if self.sender.is_none() || index > MAX_MESSAGE_GAP {
                return false;
            }
            self.receiver_chains.insert(0, (key, index + 1));
            self.receiver_chains.truncate(MAX_RECEIVER_CHAINS);
            self.insert_skipped(key, 0, index);
            self.sender = None;
        }
        self.received_message = true;
        true
    }

    /// Records a message we sent on `key` at `index`; panics if that is not where the model
    /// says the next message goes.
    pub fn sent(&mut self, key: [u8; 32], index: u32) {
        match self.sender {
            Some((ours, next)) => {
                assert_eq!(
                    (key, index),
                    (ours, next),
                    "message sent on the wrong chain or index"
                );
                self.sender = Some((ours, next.wrapping_add(1)));
            }
            None => {
                assert_eq!(index, 0, "a new sender chain starts at index 0");
                assert!(
                    self.receiver_chains.iter().all(|c| c.0 != key),
                    "a new ratchet key equals one of theirs"
                );
                self.sender = Some((key, 1));
            }
        }
    }
}
