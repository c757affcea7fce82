//! The sending half of the ratchet: our ratchet key pair and its chain key.

use super::chain_key::{ChainKey, MessageKey};
use super::ratchet::RatchetKey;

/// Our current ratchet key T_i and the chain key for the next message we send.
#[derive(Clone)]
pub(crate) struct SenderChain {
    pub(crate) ratchet_key: RatchetKey,
    pub(crate) chain_key: ChainKey,
}

impl SenderChain {
    /// spec/olm.md OLM-SEND-2: the message key for the next message, then advance the chain.
    /// The index wraps at 2^32 as libolm's does (no session sends 2^32 messages on one chain).
    pub(crate) fn next_message_key(&mut self) -> MessageKey {
        self.chain_key.take_message_key_wrapping()
    }
}
