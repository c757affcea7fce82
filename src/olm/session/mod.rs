//! Olm sessions: the double ratchet between two devices.

mod chain_key;
mod ratchet;
mod receiver_chain;
mod root_key;
mod sender_chain;

use alloc::string::String;
use alloc::vec::Vec;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

pub(crate) use chain_key::{ChainKey, MessageKey};
pub(crate) use ratchet::{PendingRatchetKey, RatchetKey, RemoteRatchetKey};
pub(crate) use receiver_chain::{ReceiverChain, SkippedMessageKey};
pub(crate) use root_key::RootKey;
pub(crate) use sender_chain::SenderChain;

use crate::crypto::Curve25519SecretKey;
use crate::crypto::kdf::{HmacKey, hkdf_sha256_prepared, sha256};
use crate::crypto::x25519::diffie_hellman_many;
use crate::error::{DecryptionError, SessionCreationError};
use crate::limits::{MAX_MESSAGE_GAP, MAX_RECEIVER_CHAINS, MAX_SKIPPED_MESSAGE_KEYS};
use crate::olm::messages::{MessageType, NormalMessage, OlmMessage, PreKeyMessage};
use crate::types::{Curve25519PublicKey, base64};

/// HKDF info for the first root key.
const ROOT_INFO: &[u8] = b"OLM_ROOT";

/// The three public keys that identify a session, the same on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SessionKeys {
    /// I_A: the initiator's (Alice's) identity key.
    pub identity_key: Curve25519PublicKey,
    /// E_A: the initiator's base key.
    pub base_key: Curve25519PublicKey,
    /// E_B: the responder's (Bob's) one-time or fallback key.
    pub one_time_key: Curve25519PublicKey,
}

/// What the next `encrypt` sends on.
#[derive(Clone)]
pub(crate) enum SendingState {
    /// A sender chain exists: encrypt uses no randomness.
    Chain(SenderChain),
    /// We have received on a new chain (or never sent): the next encrypt takes 32 random bytes
    /// for a new ratchet key and ratchets against this key of theirs (spec/olm.md OLM-SEND-2).
    NeedsRatchet(PendingRatchetKey),
}

/// An Olm session.
#[derive(Clone)]
pub struct Session {
    pub(crate) keys: SessionKeys,
    pub(crate) received_message: bool,
    pub(crate) root_key: RootKey,
    pub(crate) sending: SendingState,
    /// Newest first, at most [`MAX_RECEIVER_CHAINS`].
    pub(crate) receiver_chains: Vec<ReceiverChain>,
    /// Newest first, at most [`MAX_SKIPPED_MESSAGE_KEYS`].
    pub(crate) skipped_keys: Vec<SkippedMessageKey>,
}

/// spec/olm.md OLM-SESSIONID-1: `base64(SHA-256(I_A || E_A || E_B))`.
pub(crate) fn session_id(
    identity_key: &Curve25519PublicKey,
    base_key: &Curve25519PublicKey,
    one_time_key: &Curve25519PublicKey,
) -> String {
    base64::encode(&sha256(&[
        identity_key.as_bytes(),
        base_key.as_bytes(),
        one_time_key.as_bytes(),
    ]))
}

/// spec/olm.md OLM-ROOT-1: `R_0 || C_0,0 = HKDF(0^32, S, "OLM_ROOT", 64)` over the 96-byte 3DH
/// secret S, each block refused if all zero (spec/olm.md OLM-DH-1).
fn derive_initial_keys(
    blocks: [(&Curve25519SecretKey, &Curve25519PublicKey); 3],
) -> Result<(RootKey, ChainKey), SessionCreationError> {
    let mut secret = Zeroizing::new([0u8; 96]);
    // spec/olm.md OLM-DH-3: the three X25519 products computed together.
    for (shared, out) in diffie_hellman_many(blocks)
        .into_iter()
        .zip(secret.chunks_exact_mut(32))
    {
        let shared = shared
            .contributory()
            .map_err(|_| SessionCreationError::NonContributoryKey)?;
        out.copy_from_slice(shared.as_bytes());
    }
    let mut okm = Zeroizing::new([0u8; 64]);
    hkdf_sha256_prepared(
        &HmacKey::ZERO,
        secret.as_slice(),
        ROOT_INFO,
        okm.as_mut_slice(),
    );
    Ok(root_key::split_root_and_chain(&okm))
}

impl Session {
    /// spec/olm.md OLM-3DH-1, OLM-SESSION-1: Alice's side. `random` is 64 bytes: base key
    /// E_A, then the first ratchet key T_0.
    pub(crate) fn new_outbound(
        our_identity: &Curve25519SecretKey,
        their_identity: &Curve25519PublicKey,
        their_one_time_key: &Curve25519PublicKey,
        random: &[u8; 64],
    ) -> Result<Self, SessionCreationError> {
        let (base, ratchet) = random.split_at(32);
        let mut base_bytes = Zeroizing::new([0u8; 32]);
        let mut ratchet_bytes = Zeroizing::new([0u8; 32]);
        base_bytes.copy_from_slice(base);
        ratchet_bytes.copy_from_slice(ratchet);
        let mut keys =
            Curve25519SecretKey::from_bytes_batch(alloc::vec![base_bytes, ratchet_bytes])
                .into_iter();
        let (Some(base_key), Some(ratchet_key)) = (keys.next(), keys.next()) else {
            return Err(SessionCreationError::NonContributoryKey);
        };
        let ratchet_key = RatchetKey::new(ratchet_key);

        let (root_key, chain_key) = derive_initial_keys([
            (our_identity, their_one_time_key),
            (&base_key, their_identity),
            (&base_key, their_one_time_key),
        ])?;
        Ok(Self {
            keys: SessionKeys {
                identity_key: our_identity.public_key(),
                base_key: base_key.public_key(),
                one_time_key: *their_one_time_key,
            },
            received_message: false,
            root_key,
            sending: SendingState::Chain(SenderChain {
                ratchet_key,
                chain_key,
            }),
            receiver_chains: Vec::new(),
            skipped_keys: Vec::new(),
        })
    }

    /// spec/olm.md OLM-3DH-2: Bob's side, from a pre-key message. Nothing is decrypted here;
    /// the caller decrypts the message on the new session before keeping it.
    pub(crate) fn new_inbound(
        our_identity: &Curve25519SecretKey,
        our_one_time_key: &Curve25519SecretKey,
        message: &PreKeyMessage,
    ) -> Result<Self, SessionCreationError> {
        let their_ratchet_key = message.message().ratchet_key();
        // spec/olm.md OLM-DH-1: T_0 is used only at our first encrypt; refuse it now.
        if their_ratchet_key.is_low_order() {
            return Err(SessionCreationError::NonContributoryKey);
        }
        let their_identity = message.identity_key();
        let their_base_key = message.base_key();
        let (root_key, chain_key) = derive_initial_keys([
            (our_one_time_key, &their_identity),
            (our_identity, &their_base_key),
            (our_one_time_key, &their_base_key),
        ])?;
        let remote = RemoteRatchetKey(their_ratchet_key);
        Ok(Self {
            keys: SessionKeys {
                identity_key: their_identity,
                base_key: their_base_key,
                one_time_key: our_one_time_key.public_key(),
            },
            received_message: false,
            root_key,
            sending: SendingState::NeedsRatchet(PendingRatchetKey::new(remote)),
            receiver_chains: alloc::vec![ReceiverChain {
                ratchet_key: remote,
                chain_key
            }],
            skipped_keys: Vec::new(),
        })
    }

    /// spec/olm.md OLM-SESSIONID-1: the session id (43 characters), equal on both sides.
    pub fn session_id(&self) -> String {
        session_id(
            &self.keys.identity_key,
            &self.keys.base_key,
            &self.keys.one_time_key,
        )
    }

    /// The three public keys of the handshake.
    pub fn session_keys(&self) -> SessionKeys {
        self.keys
    }

    /// Whether this session has decrypted at least one message.
    pub fn has_received_message(&self) -> bool {
        self.received_message
    }

    /// spec/olm.md OLM-SEND-1: pre-key until a message has been received, normal after.
    pub fn next_message_type(&self) -> MessageType {
        if self.received_message {
            MessageType::Normal
        } else {
            MessageType::PreKey
        }
    }

    /// spec/olm.md OLM-SEND-2: the random bytes the next `encrypt` will draw (0 or 32).
    pub fn encrypt_random_length(&self) -> usize {
        match self.sending {
            SendingState::Chain(_) => 0,
            SendingState::NeedsRatchet(_) => 32,
        }
    }

    /// Encrypts `plaintext`, drawing 32 bytes from `rng` only when a new ratchet key is needed
    /// (exactly when libolm asks for them).
    pub fn encrypt(&mut self, plaintext: &[u8], rng: &mut impl CryptoRng) -> OlmMessage {
        self.encrypt_with(plaintext, || crate::random::rng_bytes::<32>(rng))
    }

    /// [`Session::encrypt`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn encrypt_with_os_rng(
        &mut self,
        plaintext: &[u8],
    ) -> Result<OlmMessage, crate::RandomError> {
        let random = match self.sending {
            SendingState::Chain(_) => None,
            SendingState::NeedsRatchet(_) => Some(crate::random::os_bytes::<32>()?),
        };
        Ok(self.encrypt_with(plaintext, || random.unwrap_or_default()))
    }

    fn encrypt_with(
        &mut self,
        plaintext: &[u8],
        random: impl FnOnce() -> Zeroizing<[u8; 32]>,
    ) -> OlmMessage {
        let message = match &mut self.sending {
            SendingState::Chain(chain) => encrypt_on_chain(chain, plaintext),
            SendingState::NeedsRatchet(theirs) => {
                // spec/olm.md OLM-SEND-2 / OLM-RATCHET-1: a new ratchet key T_i.
                let (ours, shared) = RatchetKey::new_with_dh(*random(), theirs);
                let (root_key, chain_key) = self.root_key.advance(&shared);
                let mut chain = SenderChain {
                    ratchet_key: ours,
                    chain_key,
                };
                let message = encrypt_on_chain(&mut chain, plaintext);
                self.root_key = root_key;
                self.sending = SendingState::Chain(chain);
                message
            }
        };
        if self.received_message {
            OlmMessage::Normal(message)
        } else {
            OlmMessage::PreKey(PreKeyMessage::encode(
                &self.keys.one_time_key,
                &self.keys.base_key,
                &self.keys.identity_key,
                message,
            ))
        }
    }

    /// Decrypts a message (spec/olm.md OLM-RECV-1 … OLM-RECV-5). A pre-key message is decrypted
    /// through its inner message; its outer keys are not compared (spec/olm.md OLM-RECV-7).
    ///
    /// Transactional: every step works on copies and the session changes only once the MAC
    /// and the padding have been checked. On any error the session is exactly as before.
    pub fn decrypt(&mut self, message: &OlmMessage) -> Result<Vec<u8>, DecryptionError> {
        let message = message.normal();
        let theirs = RemoteRatchetKey(message.ratchet_key());
        let index = message.chain_index();
        // spec/olm.md OLM-RECV-1
        let chain_position = self
            .receiver_chains
            .iter()
            .position(|c| c.ratchet_key == theirs);
        let plaintext = match chain_position.and_then(|p| self.receiver_chains.get_mut(p)) {
            Some(chain) if index < chain.chain_key.index() => {
                // spec/olm.md OLM-RECV-3
                let position = self
                    .skipped_keys
                    .iter()
                    .position(|s| s.ratchet_key == theirs && s.message_key.index() == index)
                    .ok_or(DecryptionError::MissingMessageKey { index })?;
                let key = self
                    .skipped_keys
                    .get(position)
                    .ok_or(DecryptionError::MissingMessageKey { index })?;
                let plaintext = decrypt_with_key(&key.message_key, message)?;
                self.skipped_keys.remove(position);
                plaintext
            }
            Some(chain) => {
                // spec/olm.md OLM-RECV-4
                let gap = index.saturating_sub(chain.chain_key.index());
                if gap > MAX_MESSAGE_GAP {
                    return Err(DecryptionError::TooBigMessageGap {
                        gap,
                        max: MAX_MESSAGE_GAP,
                    });
                }
                let mut chain_key = chain.chain_key.clone();
                let skipped = advance_to(&mut chain_key, index, theirs)?;
                let message_key = chain_key.take_message_key()?;
                let plaintext = decrypt_with_key(&message_key, message)?;
                chain.chain_key = chain_key;
                insert_skipped(&mut self.skipped_keys, skipped);
                plaintext
            }
            None => {
                // spec/olm.md OLM-RECV-2
                let SendingState::Chain(sender) = &self.sending else {
                    return Err(DecryptionError::UnexpectedRatchetKey);
                };
                if index > MAX_MESSAGE_GAP {
                    return Err(DecryptionError::TooBigMessageGap {
                        gap: index,
                        max: MAX_MESSAGE_GAP,
                    });
                }
                // spec/olm.md OLM-DH-3: decoded once, used again by our next encrypt.
                let decoded = PendingRatchetKey::decoded(theirs);
                let shared = sender
                    .ratchet_key
                    .diffie_hellman(&decoded)
                    .map_err(|_| DecryptionError::NonContributoryKey)?;
                let (root_key, mut chain_key) = self.root_key.advance(&shared);
                let skipped = advance_to(&mut chain_key, index, theirs)?;
                let message_key = chain_key.take_message_key()?;
                let plaintext = decrypt_with_key(&message_key, message)?;
                // spec/olm.md OLM-RECV-5: commit.
                self.receiver_chains.insert(
                    0,
                    ReceiverChain {
                        ratchet_key: theirs,
                        chain_key,
                    },
                );
                self.receiver_chains.truncate(MAX_RECEIVER_CHAINS);
                self.root_key = root_key;
                self.sending = SendingState::NeedsRatchet(decoded);
                insert_skipped(&mut self.skipped_keys, skipped);
                plaintext
            }
        };
        self.received_message = true;
        Ok(plaintext)
    }

    /// spec/olm.md OLM-ROUTE-1: whether a pre-key message belongs to this session (its identity
    /// key, base key and one-time key equal the session's). No MAC is checked.
    pub fn matches_inbound_session(&self, message: &PreKeyMessage) -> bool {
        message.identity_key() == self.keys.identity_key
            && message.base_key() == self.keys.base_key
            && message.one_time_key() == self.keys.one_time_key
    }

    /// [`Session::matches_inbound_session`], also requiring the sender to be `their_identity_key`.
    pub fn matches_inbound_session_from(
        &self,
        their_identity_key: &Curve25519PublicKey,
        message: &PreKeyMessage,
    ) -> bool {
        *their_identity_key == self.keys.identity_key && self.matches_inbound_session(message)
    }
}

impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("session_id", &self.session_id())
            .field("has_received_message", &self.received_message)
            .field("receiver_chains", &self.receiver_chains.len())
            .field("skipped_message_keys", &self.skipped_keys.len())
            .finish_non_exhaustive()
    }
}

/// Encrypts on the sender chain: message key M from C, advance C, AES-CBC, MAC.
fn encrypt_on_chain(chain: &mut SenderChain, plaintext: &[u8]) -> NormalMessage {
    let message_key = chain.next_message_key();
    let keys = message_key.cipher_keys();
    NormalMessage::encode(
        &chain.ratchet_key.public_key(),
        message_key.index(),
        crate::crypto::cipher::CipherKeys::ciphertext_len(plaintext.len()),
        |out| keys.encrypt_into(plaintext, out),
        |body| keys.mac(body),
    )
}

/// spec/olm.md OLM-MAC-1, OLM-CIPHER-2: MAC over the bytes received first, then decrypt.
fn decrypt_with_key(key: &MessageKey, message: &NormalMessage) -> Result<Vec<u8>, DecryptionError> {
    let keys = key.cipher_keys();
    if !keys.verify_mac(message.authenticated_bytes(), message.mac()) {
        return Err(DecryptionError::InvalidMac);
    }
    keys.decrypt(message.ciphertext())
        .map_err(|_| DecryptionError::InvalidPadding)
}

/// Advances `chain_key` to `index`, returning the message keys skipped on the way, oldest
/// first. Only the newest [`MAX_SKIPPED_MESSAGE_KEYS`] are computed: older ones could not be
/// kept anyway (libolm computes and then drops them).
fn advance_to(
    chain_key: &mut ChainKey,
    index: u32,
    theirs: RemoteRatchetKey,
) -> Result<Vec<SkippedMessageKey>, DecryptionError> {
    let keep_from = index.saturating_sub(MAX_SKIPPED_MESSAGE_KEYS as u32);
    let mut skipped = Vec::new();
    while chain_key.index() < index {
        if chain_key.index() >= keep_from {
            skipped.push(SkippedMessageKey {
                ratchet_key: theirs,
                message_key: chain_key.take_message_key()?,
            });
        } else {
            chain_key.advance()?;
        }
    }
    Ok(skipped)
}

/// spec/olm.md OLM-RECV-5: skipped keys go in front, newest first; the oldest beyond
/// [`MAX_SKIPPED_MESSAGE_KEYS`] are dropped.
fn insert_skipped(list: &mut Vec<SkippedMessageKey>, oldest_first: Vec<SkippedMessageKey>) {
    let mut merged: Vec<SkippedMessageKey> = oldest_first.into_iter().rev().collect();
    merged.append(list);
    merged.truncate(MAX_SKIPPED_MESSAGE_KEYS);
    *list = merged;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::olm::account::Account;

    struct Counter(u8);
    impl rand_core::TryRng for Counter {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(0)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst.iter_mut() {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for Counter {}

    // spec/olm.md OLM-LIMIT-2: a message that would move a receiver chain past 2^32 − 1 is
    // refused with ChainIndexOverflow and changes nothing. Reaching that index honestly takes
    // 2^32 messages, so both chains are placed there directly.
    #[test]
    fn a_chain_at_the_top_of_the_index_space_refuses_to_overflow() {
        let mut rng = Counter(0);
        let alice = Account::new_with_rng(&mut rng);
        let mut bob = Account::new_with_rng(&mut rng);
        bob.generate_one_time_keys(1, &mut rng);
        let (_, otk) = bob.one_time_keys()[0];
        let mut alice_session = alice
            .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
            .unwrap();
        let first = alice_session.encrypt(b"hi", &mut rng);
        let OlmMessage::PreKey(pre_key) = &first else {
            panic!("pre-key expected")
        };
        let mut bob_session = bob.create_inbound_session(None, pre_key).unwrap().session;

        let SendingState::Chain(sender) = &mut alice_session.sending else {
            panic!()
        };
        let top = ChainKey::new([9; 32], u32::MAX);
        sender.chain_key = top.clone();
        bob_session.receiver_chains[0].chain_key = top;
        let message = alice_session.encrypt(b"at the top", &mut rng);
        assert_eq!(message.normal().chain_index(), u32::MAX);
        let before = bob_session.receiver_chains[0].chain_key.index();
        assert_eq!(
            bob_session.decrypt(&message),
            Err(DecryptionError::ChainIndexOverflow)
        );
        assert_eq!(bob_session.receiver_chains[0].chain_key.index(), before);
    }
}
