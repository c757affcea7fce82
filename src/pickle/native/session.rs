//! The native Olm session pickle (spec/pickle.md PICKLE-NATIVE-SESSION-1).

use alloc::string::String;
use alloc::vec::Vec;

use super::{ObjectType, load, read_curve25519_pair, store, write_count, write_curve25519_pair};
use crate::error::PickleError;
use crate::limits::{MAX_RECEIVER_CHAINS, MAX_SKIPPED_MESSAGE_KEYS};
use crate::olm::session::{
    ChainKey, MessageKey, PendingRatchetKey, RatchetKey, ReceiverChain, RemoteRatchetKey, RootKey,
    SenderChain, SendingState, Session, SessionKeys, SkippedMessageKey,
};
use crate::pickle::codec::{Reader, Writer};
use crate::types::Curve25519PublicKey;

/// spec/pickle.md PICKLE-NATIVE-SESSION-1: the sending-state byte.
const SENDER_CHAIN: u8 = 0;
/// The next message ratchets against the newest receiver chain's key (the only pending ratchet
/// a session reaches; stored without repeating the key, spec/pickle.md PICKLE-NATIVE-SIZE-1).
const RATCHET_AGAINST_NEWEST: u8 = 1;
/// The next message ratchets against the key that follows.
const RATCHET_AGAINST_KEY: u8 = 2;

/// A chain or skipped-key record: ratchet key 32 | key 32 | u32 index (68 bytes).
const CHAIN_RECORD_LENGTH: usize = 68;

fn read_remote_key(r: &mut Reader<'_>) -> Result<RemoteRatchetKey, PickleError> {
    Ok(RemoteRatchetKey(Curve25519PublicKey::from_bytes(
        r.array()?,
    )))
}

fn read_chain_key(r: &mut Reader<'_>) -> Result<ChainKey, PickleError> {
    let key = r.secret::<32>()?;
    Ok(ChainKey::new(*key, r.u32()?))
}

/// What the sending-state byte announced; a pending ratchet against the newest receiver
/// chain is resolved once the chains have been read.
#[allow(
    clippy::large_enum_variant,
    reason = "a short-lived value on the stack while one pickle is read"
)]
enum PendingSending {
    Resolved(SendingState),
    AgainstNewest,
}

/// spec/pickle.md PICKLE-NATIVE-SESSION-1: bool received | I_A 32 | E_A 32 | E_B 32 | root key
/// 32 | sending state | u32 r | r receiver chains | u32 s | s skipped message keys (chains and
/// skipped keys newest first).
fn read_session(r: &mut Reader<'_>) -> Result<Session, PickleError> {
    let received_message = r.bool()?;
    let keys = SessionKeys {
        identity_key: Curve25519PublicKey::from_bytes(r.array()?),
        base_key: Curve25519PublicKey::from_bytes(r.array()?),
        one_time_key: Curve25519PublicKey::from_bytes(r.array()?),
    };
    let root_key = RootKey::from_bytes(*r.secret::<32>()?);
    let sending = match r.u8()? {
        SENDER_CHAIN => {
            let ratchet_key = RatchetKey::new(read_curve25519_pair(r)?);
            let chain_key = read_chain_key(r)?;
            PendingSending::Resolved(SendingState::Chain(SenderChain {
                ratchet_key,
                chain_key,
            }))
        }
        RATCHET_AGAINST_NEWEST => PendingSending::AgainstNewest,
        RATCHET_AGAINST_KEY => PendingSending::Resolved(SendingState::NeedsRatchet(
            PendingRatchetKey::new(read_remote_key(r)?),
        )),
        _ => return Err(PickleError::InvalidField),
    };
    let count = r.count(MAX_RECEIVER_CHAINS)?;
    let mut receiver_chains = Vec::with_capacity(count);
    for _ in 0..count {
        let ratchet_key = read_remote_key(r)?;
        let chain_key = read_chain_key(r)?;
        receiver_chains.push(ReceiverChain {
            ratchet_key,
            chain_key,
        });
    }
    let count = r.count(MAX_SKIPPED_MESSAGE_KEYS)?;
    let mut skipped_keys = Vec::with_capacity(count);
    for _ in 0..count {
        let ratchet_key = read_remote_key(r)?;
        let key = r.secret::<32>()?;
        let message_key = MessageKey::new(*key, r.u32()?);
        skipped_keys.push(SkippedMessageKey {
            ratchet_key,
            message_key,
        });
    }
    let sending = match sending {
        PendingSending::Resolved(state) => state,
        PendingSending::AgainstNewest => match receiver_chains.first() {
            Some(newest) => SendingState::NeedsRatchet(PendingRatchetKey::new(newest.ratchet_key)),
            None => return Err(PickleError::InvalidSession),
        },
    };
    Ok(Session {
        keys,
        received_message,
        root_key,
        sending,
        receiver_chains,
        skipped_keys,
    })
}

impl Session {
    /// spec/pickle.md PICKLE-NATIVE-SESSION-1: this session in protee's native format,
    /// encrypted under `pickle_key` with a nonce of 24 bytes from `rng`. Everything is kept:
    /// the sending state, every receiver chain and skipped message key, and whether a message
    /// has been received.
    pub fn pickle_with_rng(
        &self,
        pickle_key: &[u8; 32],
        rng: &mut impl rand_core::CryptoRng,
    ) -> String {
        store(
            ObjectType::Session,
            pickle_key,
            rng,
            self.body_capacity(),
            |w| self.write_body(w),
        )
    }

    /// [`Session::pickle_with_rng`] with the operating system's RNG. Fails only if that RNG fails.
    #[cfg(feature = "os-rng")]
    pub fn pickle(&self, pickle_key: &[u8; 32]) -> Result<String, crate::RandomError> {
        super::store_with_os_rng(ObjectType::Session, pickle_key, self.body_capacity(), |w| {
            self.write_body(w)
        })
    }

    /// spec/pickle.md PICKLE-NATIVE-3, PICKLE-NATIVE-SESSION-1: loads a session pickled by
    /// [`Session::pickle_with_rng`] under `pickle_key`, without any scalar multiplication.
    pub fn from_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        load(ObjectType::Session, pickle, pickle_key, read_session)
    }

    /// The largest body this session can have (with a sender chain), so that the zeroizing
    /// buffer never reallocates and leaves a copy behind.
    fn body_capacity(&self) -> usize {
        let records = self
            .receiver_chains
            .len()
            .saturating_add(self.skipped_keys.len());
        records
            .saturating_mul(CHAIN_RECORD_LENGTH)
            .saturating_add(1 + 96 + 32 + 101 + 8)
    }

    fn write_body(&self, w: &mut Writer) {
        w.bool(self.received_message);
        w.bytes(self.keys.identity_key.as_bytes());
        w.bytes(self.keys.base_key.as_bytes());
        w.bytes(self.keys.one_time_key.as_bytes());
        w.bytes(self.root_key.as_bytes());
        match &self.sending {
            SendingState::Chain(chain) => {
                w.u8(SENDER_CHAIN);
                write_curve25519_pair(w, chain.ratchet_key.secret());
                w.bytes(chain.chain_key.as_bytes());
                w.u32(chain.chain_key.index());
            }
            SendingState::NeedsRatchet(theirs) => {
                if self.receiver_chains.first().map(|c| c.ratchet_key) == Some(theirs.remote()) {
                    w.u8(RATCHET_AGAINST_NEWEST);
                } else {
                    w.u8(RATCHET_AGAINST_KEY);
                    w.bytes(theirs.remote().0.as_bytes());
                }
            }
        }
        write_count(w, self.receiver_chains.len());
        for chain in &self.receiver_chains {
            w.bytes(chain.ratchet_key.0.as_bytes());
            w.bytes(chain.chain_key.as_bytes());
            w.u32(chain.chain_key.index());
        }
        write_count(w, self.skipped_keys.len());
        for skipped in &self.skipped_keys {
            w.bytes(skipped.ratchet_key.0.as_bytes());
            w.bytes(skipped.message_key.as_bytes());
            w.u32(skipped.message_key.index());
        }
    }
}
