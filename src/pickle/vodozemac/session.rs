//! vodozemac's Olm session pickle (spec/pickle.md PICKLE-VODOZEMAC-4).

use alloc::vec::Vec;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{Bytes, Config, check_config, item_count, load_json, to_u32};
use crate::crypto::Curve25519SecretKey;
use crate::error::PickleError;
use crate::limits::{MAX_RECEIVER_CHAINS, MAX_SKIPPED_MESSAGE_KEYS};
use crate::olm::session::{
    ChainKey, MessageKey, PendingRatchetKey, RatchetKey, ReceiverChain, RemoteRatchetKey, RootKey,
    SenderChain, SendingState, Session, SessionKeys, SkippedMessageKey,
};
use crate::types::Curve25519PublicKey;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionPickle {
    session_keys: SessionKeysPickle,
    sending_ratchet: SendingRatchet,
    receiving_chains: ChainStore,
    config: Option<Config>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionKeysPickle {
    identity_key: Bytes<32>,
    base_key: Bytes<32>,
    one_time_key: Bytes<32>,
}

/// vodozemac's `DoubleRatchet`, an enum tagged by `"type"`. Read as one flat record (serde's
/// tagged enums buffer their content in memory that is not zeroized) and checked by hand.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendingRatchet {
    #[serde(rename = "type")]
    kind: RatchetKind,
    // "active": our ratchet key pair, the root key and our sending chain.
    active_ratchet: Option<ActiveRatchet>,
    symmetric_key_ratchet: Option<ChainKeyPickle>,
    // "inactive": the root key and their newest ratchet key.
    root_key: Option<RemoteRootKey>,
    ratchet_key: Option<Bytes<32>>,
    // Diagnostics vodozemac keeps and protee does not.
    parent_ratchet_key: Option<IgnoredAny>,
    #[serde(rename = "ratchet_count")]
    _ratchet_count: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RatchetKind {
    Active,
    Inactive,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActiveRatchet {
    root_key: Bytes<32>,
    ratchet_key: Bytes<32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteRootKey {
    key: Bytes<32>,
}

/// A chain key or a message key: 32 bytes and an index.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainKeyPickle {
    key: Bytes<32>,
    index: u64,
}

/// Receiving chains, oldest first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainStore {
    inner: Vec<ReceivingChain>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceivingChain {
    ratchet_key: Bytes<32>,
    hkdf_ratchet: ChainKeyPickle,
    skipped_message_keys: SkippedKeys,
    #[serde(rename = "ratchet_count")]
    _ratchet_count: Option<IgnoredAny>,
}

/// A chain's skipped message keys, oldest first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SkippedKeys {
    inner: Vec<ChainKeyPickle>,
}

fn public_key(bytes: &Bytes<32>) -> Curve25519PublicKey {
    Curve25519PublicKey::from_bytes(*bytes.0)
}

impl Session {
    /// spec/pickle.md PICKLE-VODOZEMAC-4: loads an Olm session pickled by vodozemac
    /// (`SessionPickle::encrypt`) under its 32-byte `pickle_key`.
    ///
    /// - vodozemac's `sending_ratchet` is `active` when it holds our ratchet key pair and
    ///   sending chain: protee's sending state is that chain. It is `inactive` after a message
    ///   on a new chain: it holds the root key and their ratchet key, and protee's next encrypt
    ///   ratchets against that key (which must not be of small order).
    /// - Receiving chains (at most five, oldest first in vodozemac) become protee's, newest
    ///   first. `has_received_message` is what vodozemac derives: whether any chain exists.
    /// - vodozemac keeps up to 40 skipped message keys per chain, protee 40 per session: the
    ///   keys are taken newest chain first, each chain's newest first, and the first 40 kept.
    /// - Chain indices must fit in a u32; `ratchet_count` and `parent_ratchet_key` are
    ///   diagnostics and are ignored.
    pub fn from_vodozemac_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        let pickle: SessionPickle = load_json(pickle, pickle_key)?;
        check_config(pickle.config)?;
        let keys = SessionKeys {
            identity_key: public_key(&pickle.session_keys.identity_key),
            base_key: public_key(&pickle.session_keys.base_key),
            one_time_key: public_key(&pickle.session_keys.one_time_key),
        };

        let chains = pickle.receiving_chains.inner;
        if chains.len() > MAX_RECEIVER_CHAINS {
            return Err(PickleError::TooManyItems {
                got: item_count(chains.len()),
                max: MAX_RECEIVER_CHAINS,
            });
        }
        let mut receiver_chains = Vec::with_capacity(chains.len());
        let mut skipped_keys = Vec::new();
        for chain in chains.iter().rev() {
            let ratchet_key = RemoteRatchetKey(public_key(&chain.ratchet_key));
            let skipped = &chain.skipped_message_keys.inner;
            if skipped.len() > MAX_SKIPPED_MESSAGE_KEYS {
                return Err(PickleError::TooManyItems {
                    got: item_count(skipped.len()),
                    max: MAX_SKIPPED_MESSAGE_KEYS,
                });
            }
            for key in skipped.iter().rev() {
                skipped_keys.push(SkippedMessageKey {
                    ratchet_key,
                    message_key: MessageKey::new(*key.key.0, to_u32(key.index)?),
                });
            }
            let hkdf = &chain.hkdf_ratchet;
            receiver_chains.push(ReceiverChain {
                ratchet_key,
                chain_key: ChainKey::new(*hkdf.key.0, to_u32(hkdf.index)?),
            });
        }
        skipped_keys.truncate(MAX_SKIPPED_MESSAGE_KEYS);

        let (root_key, sending) = sending_state(pickle.sending_ratchet)?;
        Ok(Session {
            keys,
            received_message: !receiver_chains.is_empty(),
            root_key,
            sending,
            receiver_chains,
            skipped_keys,
        })
    }
}

/// The root key and the sending state of an `active` or `inactive` ratchet; the fields of
/// the other kind must be absent.
fn sending_state(ratchet: SendingRatchet) -> Result<(RootKey, SendingState), PickleError> {
    match ratchet {
        SendingRatchet {
            kind: RatchetKind::Active,
            active_ratchet: Some(active),
            symmetric_key_ratchet: Some(chain),
            root_key: None,
            ratchet_key: None,
            ..
        } => {
            let chain = SenderChain {
                ratchet_key: RatchetKey::new(Curve25519SecretKey::from_bytes(
                    *active.ratchet_key.0,
                )),
                chain_key: ChainKey::new(*chain.key.0, to_u32(chain.index)?),
            };
            Ok((
                RootKey::from_bytes(*active.root_key.0),
                SendingState::Chain(chain),
            ))
        }
        SendingRatchet {
            kind: RatchetKind::Inactive,
            active_ratchet: None,
            symmetric_key_ratchet: None,
            root_key: Some(root_key),
            ratchet_key: Some(theirs),
            parent_ratchet_key: None,
            ..
        } => {
            let theirs = public_key(&theirs);
            // spec/olm.md OLM-DH-1: the next encrypt uses this key unchecked; refuse it here.
            if theirs.is_low_order() {
                return Err(PickleError::InvalidField);
            }
            Ok((
                RootKey::from_bytes(*root_key.key.0),
                SendingState::NeedsRatchet(PendingRatchetKey::new(RemoteRatchetKey(theirs))),
            ))
        }
        _ => Err(PickleError::InvalidField),
    }
}
