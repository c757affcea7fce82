//! Fixed accounts, sessions and messages, built deterministically (the seed-corpus generator
//! builds exactly the same ones, so its seeds are valid messages for the targets' sessions).

use std::sync::OnceLock;

use protee::Curve25519PublicKey;
use protee::megolm::{GroupSession, InboundGroupSession, MegolmMessage, SessionKey};
use protee::olm::{Account, OlmMessage, Session};

use crate::rng::SeedRng;

/// The libolm vectors' pickle key (test-vectors/libolm/*.json `pickle_key`).
pub const PICKLE_KEY: &[u8] = b"protee fixed pickle key v1";

/// A 32-byte key for native pickles.
pub const NATIVE_KEY: [u8; 32] = *b"protee fuzz native pickle key 32";

/// Alice: an account with no one-time keys.
pub fn alice() -> &'static Account {
    static ALICE: OnceLock<Account> = OnceLock::new();
    ALICE.get_or_init(|| Account::new_with_rng(&mut SeedRng::labelled("alice", 0)))
}

/// Bob: an account with one published one-time key and one published fallback key.
pub fn bob() -> &'static Account {
    &bob_and_key().0
}

fn bob_and_key() -> &'static (Account, Curve25519PublicKey) {
    static BOB: OnceLock<(Account, Curve25519PublicKey)> = OnceLock::new();
    BOB.get_or_init(|| {
        let mut rng = SeedRng::labelled("bob", 0);
        let mut bob = Account::new_with_rng(&mut rng);
        bob.generate_one_time_keys(1, &mut rng);
        let one_time_key = bob.one_time_keys()[0].1;
        bob.generate_fallback_key(&mut rng);
        bob.mark_keys_as_published();
        (bob, one_time_key)
    })
}

/// Bob's one-time key.
pub fn bob_one_time_key() -> Curve25519PublicKey {
    bob_and_key().1
}

/// Bob's fallback key.
pub fn bob_fallback_key() -> Curve25519PublicKey {
    bob().fallback_key().expect("a fallback key").1
}

/// Who receives a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Alice,
    Bob,
}

/// A message of the fixed conversation.
#[derive(Clone, Debug)]
pub struct Sent {
    pub to: Party,
    pub message_type: usize,
    pub bytes: Vec<u8>,
    pub plaintext: Vec<u8>,
    /// Whether the receiver has already decrypted it in the fixed state.
    pub delivered: bool,
}

/// A conversation in a state with a bit of everything: both sides have sender and receiver
/// chains, both hold skipped message keys, and messages are in flight both ways.
pub struct Conversation {
    pub alice: Session,
    pub bob: Session,
    /// Bob's account before the session was created (with its one-time key).
    pub bob_account: Account,
    pub messages: Vec<Sent>,
}

fn parts(m: &OlmMessage) -> (usize, Vec<u8>) {
    (m.message_type().as_usize(), m.as_bytes().to_vec())
}

/// The fixed conversation (see [`Conversation`]).
pub fn conversation() -> &'static Conversation {
    static CONVERSATION: OnceLock<Conversation> = OnceLock::new();
    CONVERSATION.get_or_init(|| {
        let mut rng = SeedRng::labelled("conversation", 0);
        let bob_account = bob().clone();
        let mut bob_acc = bob_account.clone();
        let alice_key = alice().curve25519_key();
        let mut alice = self::alice()
            .create_outbound_session(&bob().curve25519_key(), &bob_one_time_key(), &mut rng)
            .expect("outbound session");
        let mut messages = Vec::new();
        let send = |session: &mut Session, to: Party, text: &str, rng: &mut SeedRng| {
            let m = session.encrypt(text.as_bytes(), rng);
            let (message_type, bytes) = parts(&m);
            (
                m,
                Sent {
                    to,
                    message_type,
                    bytes,
                    plaintext: text.as_bytes().to_vec(),
                    delivered: false,
                },
            )
        };
        let (_, a0) = send(&mut alice, Party::Bob, "a0: hello Bob", &mut rng);
        let (_, a1) = send(&mut alice, Party::Bob, "a1: are you there?", &mut rng);
        let (m2, a2) = send(
            &mut alice,
            Party::Bob,
            "a2: third pre-key message",
            &mut rng,
        );
        let OlmMessage::PreKey(pre_key) = m2 else {
            panic!("a pre-key message")
        };
        let created = bob_acc
            .create_inbound_session(Some(&alice_key), &pre_key)
            .expect("Bob creates the session");
        let mut bob = created.session;
        let a0_message =
            OlmMessage::from_type_and_bytes(a0.message_type, a0.bytes.clone()).unwrap();
        assert_eq!(bob.decrypt(&a0_message).unwrap(), a0.plaintext);
        let (_, b0) = send(&mut bob, Party::Alice, "b0: hi Alice", &mut rng);
        let (m, b1) = send(
            &mut bob,
            Party::Alice,
            "b1: a longer reply, two AES blocks",
            &mut rng,
        );
        assert_eq!(alice.decrypt(&m).unwrap(), b1.plaintext);
        let (_, a3) = send(&mut alice, Party::Bob, "a3: on a new chain", &mut rng);
        messages.push(Sent {
            delivered: true,
            ..a0
        });
        messages.push(a1);
        messages.push(Sent {
            delivered: true,
            ..a2
        });
        messages.push(b0);
        messages.push(Sent {
            delivered: true,
            ..b1
        });
        messages.push(a3);
        Conversation {
            alice,
            bob,
            bob_account,
            messages,
        }
    })
}

/// A Megolm session, an inbound session from its key at index 0 that has decrypted message 2,
/// and messages 0..6 with their plaintexts.
pub struct GroupConversation {
    pub outbound: GroupSession,
    pub inbound: InboundGroupSession,
    pub messages: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The fixed group conversation.
pub fn group_conversation() -> &'static GroupConversation {
    static GROUP: OnceLock<GroupConversation> = OnceLock::new();
    GROUP.get_or_init(|| {
        let mut outbound = GroupSession::new_with_rng(&mut SeedRng::labelled("megolm", 0));
        let key: SessionKey = outbound.session_key();
        let mut inbound = InboundGroupSession::new(&key).expect("own session key");
        let mut messages = Vec::new();
        for i in 0..6 {
            let plaintext = format!("megolm message {i}: {}", "x".repeat(i * 7)).into_bytes();
            let m: MegolmMessage = outbound.encrypt(&plaintext);
            messages.push((m.as_bytes().to_vec(), plaintext));
        }
        let m2 = MegolmMessage::from_bytes(messages[2].0.clone()).unwrap();
        inbound.decrypt(&m2).expect("message 2 decrypts");
        GroupConversation {
            outbound,
            inbound,
            messages,
        }
    })
}
