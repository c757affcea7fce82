//! The receiving half of the ratchet: the peer's ratchet keys, their chain keys, and the
//! message keys kept for messages that have not arrived yet.

use super::chain_key::{ChainKey, MessageKey};
use super::ratchet::RemoteRatchetKey;

/// A chain the peer sends on: their ratchet key T_i and the chain key for the next index.
#[derive(Clone)]
pub(crate) struct ReceiverChain {
    pub(crate) ratchet_key: RemoteRatchetKey,
    pub(crate) chain_key: ChainKey,
}

/// A message key kept for a message that was skipped over.
#[derive(Clone)]
pub(crate) struct SkippedMessageKey {
    pub(crate) ratchet_key: RemoteRatchetKey,
    pub(crate) message_key: MessageKey,
}
