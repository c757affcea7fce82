//! libolm's session pickle: read versions 1 and `0x80000001`, write version 1
//! (spec/pickle.md PICKLE-LIBOLM-SESSION-1).

use alloc::string::String;
use alloc::vec::Vec;

use super::{load, read_unchecked_curve25519_pair, store, write_curve25519_pair};
use crate::error::PickleError;
use crate::limits::{MAX_RECEIVER_CHAINS, MAX_SKIPPED_MESSAGE_KEYS};
use crate::olm::session::{
    ChainKey, MessageKey, PendingRatchetKey, RatchetKey, ReceiverChain, RemoteRatchetKey, RootKey,
    SenderChain, SendingState, Session, SessionKeys, SkippedMessageKey,
};
use crate::types::Curve25519PublicKey;

/// The version libolm writes.
const VERSION: u32 = 1;
/// The version of libolm's old logging branch: version 1 plus one trailing u32.
const LOGGING_VERSION: u32 = 0x8000_0001;

impl Session {
    /// spec/pickle.md PICKLE-LIBOLM-SESSION-1: loads a session pickled by libolm (version 1,
    /// or `0x80000001` whose trailing u32 is ignored) under `pickle_key`.
    ///
    /// Stricter than libolm: at most one sender chain, five receiver chains and 40 skipped
    /// keys (libolm overwrites its last slot), the sender chain's public key must match its
    /// private key, and a session needs at least one chain (libolm would encrypt against an
    /// empty receiver slot).
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, PickleError> {
        load(pickle, pickle_key, |r| {
            let version = r.u32()?;
            if version != VERSION && version != LOGGING_VERSION {
                return Err(PickleError::UnknownVersion { found: version });
            }
            let received_message = r.bool()?;
            let keys = SessionKeys {
                identity_key: Curve25519PublicKey::from_bytes(r.array()?),
                base_key: Curve25519PublicKey::from_bytes(r.array()?),
                one_time_key: Curve25519PublicKey::from_bytes(r.array()?),
            };
            let root_key = RootKey::from_bytes(*r.secret::<32>()?);
            let sender = match r.count(1)? {
                0 => None,
                _ => {
                    // spec/pickle.md PICKLE-LIBOLM-SESSION-1: the ratchet key pair as stored.
                    let ratchet_key = RatchetKey::new(read_unchecked_curve25519_pair(r)?);
                    let key = r.secret::<32>()?;
                    let chain_key = ChainKey::new(*key, r.u32()?);
                    Some(SenderChain {
                        ratchet_key,
                        chain_key,
                    })
                }
            };
            let count = r.count(MAX_RECEIVER_CHAINS)?;
            let mut receiver_chains = Vec::with_capacity(count);
            for _ in 0..count {
                let ratchet_key = RemoteRatchetKey(Curve25519PublicKey::from_bytes(r.array()?));
                let key = r.secret::<32>()?;
                let chain_key = ChainKey::new(*key, r.u32()?);
                receiver_chains.push(ReceiverChain {
                    ratchet_key,
                    chain_key,
                });
            }
            let count = r.count(MAX_SKIPPED_MESSAGE_KEYS)?;
            let mut skipped_keys = Vec::with_capacity(count);
            for _ in 0..count {
                let ratchet_key = RemoteRatchetKey(Curve25519PublicKey::from_bytes(r.array()?));
                let key = r.secret::<32>()?;
                let message_key = MessageKey::new(*key, r.u32()?);
                skipped_keys.push(SkippedMessageKey {
                    ratchet_key,
                    message_key,
                });
            }
            if version == LOGGING_VERSION {
                r.u32()?;
            }
            // spec/olm.md OLM-SEND-2: without a sender chain, the next message ratchets
            // against the newest receiver chain's key.
            let sending = match (sender, receiver_chains.first()) {
                (Some(chain), _) => SendingState::Chain(chain),
                (None, Some(newest)) => {
                    SendingState::NeedsRatchet(PendingRatchetKey::new(newest.ratchet_key))
                }
                (None, None) => return Err(PickleError::InvalidSession),
            };
            Ok(Session {
                keys,
                received_message,
                root_key,
                sending,
                receiver_chains,
                skipped_keys,
            })
        })
    }

    /// spec/pickle.md PICKLE-LIBOLM-SESSION-2: the version-1 pickle libolm writes for this
    /// state under `pickle_key`, byte for byte. Every session protee builds fits (its limits
    /// are libolm's); [`PickleError::Unsupported`] is returned only for a state libolm cannot
    /// express, a pending ratchet against a key that is not the newest receiver chain's.
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, PickleError> {
        let chains = self.receiver_chains.len().saturating_mul(68);
        let capacity = chains.saturating_add(4 + 1 + 128 + 4 + 100 + 4 + 4 + 68 * 40);
        store(pickle_key, capacity, |w| {
            w.u32(VERSION);
            w.bool(self.received_message);
            w.bytes(self.keys.identity_key.as_bytes());
            w.bytes(self.keys.base_key.as_bytes());
            w.bytes(self.keys.one_time_key.as_bytes());
            w.bytes(self.root_key.as_bytes());
            match &self.sending {
                SendingState::Chain(chain) => {
                    w.u32(1);
                    write_curve25519_pair(w, chain.ratchet_key.secret());
                    w.bytes(chain.chain_key.as_bytes());
                    w.u32(chain.chain_key.index());
                }
                SendingState::NeedsRatchet(theirs) => {
                    if self.receiver_chains.first().map(|c| c.ratchet_key) != Some(theirs.remote())
                    {
                        return Err(PickleError::Unsupported);
                    }
                    w.u32(0);
                }
            }
            w.count(self.receiver_chains.len())?;
            for chain in &self.receiver_chains {
                w.bytes(chain.ratchet_key.0.as_bytes());
                w.bytes(chain.chain_key.as_bytes());
                w.u32(chain.chain_key.index());
            }
            w.count(self.skipped_keys.len())?;
            for skipped in &self.skipped_keys {
                w.bytes(skipped.ratchet_key.0.as_bytes());
                w.bytes(skipped.message_key.as_bytes());
                w.u32(skipped.message_key.index());
            }
            Ok(())
        })
    }
}
