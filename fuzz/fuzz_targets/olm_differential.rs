//! Olm, differential against vodozemac 0.11: Alice and Bob are protee sessions; before every
//! step, a vodozemac twin of the acting session is loaded from the protee session's libolm
//! pickle, so both libraries act from exactly the same state.
//!
//! - Sending: when the sender has a sender chain (no randomness involved), vodozemac's twin
//!   encrypts the same plaintext to exactly the same bytes as protee. When a new ratchet key is
//!   due, vodozemac's message (with its own random key) must be treated identically by both
//!   libraries on the receiving side.
//! - Receiving (the first pre-key message through each library's account, later messages
//!   through the sessions), honest or mutated: if protee accepts, vodozemac accepts with the
//!   same plaintext (and the same session id for a new session); an honest message delivered
//!   for the first time is accepted by both or by neither. vodozemac may accept where protee
//!   refuses only when protee refuses while *parsing* (a `MessageError`): the cases where protee
//!   is stricter, listed in fuzz/README.md ("Where protee is stricter than vodozemac").

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use protee::olm::{Account, NormalMessage, OlmMessage, Session};
use protee_fuzz::fixtures::{self, PICKLE_KEY};
use protee_fuzz::rng::SeedRng;
use protee_fuzz::wire;
use vodozemac::olm::SessionConfig;

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    None,
    FlipBit {
        at: u16,
        bit: u8,
    },
    Truncate {
        len: u16,
    },
    Append {
        byte: u8,
    },
    /// Bit 255 of an outer key of a pre-key message (X25519 ignores it: an alias of the key).
    OuterKeyHighBit {
        which: u8,
    },
    /// The inner message's chain index as a varint one byte longer than needed.
    LongVarint,
    /// An unknown protobuf field (field 5, varint 0) after the inner message's ciphertext.
    InnerUnknownField,
    /// An unknown protobuf field after the pre-key message's last field.
    OuterUnknownField,
    /// The pre-key message's one-time key and base key fields swapped in order.
    OuterReordered,
}

#[derive(Arbitrary, Debug)]
enum Action {
    Send {
        from_bob: bool,
        len: u8,
        via_vodozemac: bool,
    },
    Deliver {
        pick: u16,
        mutation: Mutation,
    },
    Drop {
        pick: u16,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    use_fallback_key: bool,
    actions: Vec<Action>,
}

struct Flight {
    to_bob: bool,
    message_type: usize,
    bytes: Vec<u8>,
    delivered: bool,
}

fn inner_message(message_type: usize, bytes: &[u8]) -> NormalMessage {
    match OlmMessage::from_type_and_bytes(message_type, bytes.to_vec()).unwrap() {
        OlmMessage::Normal(n) => n,
        OlmMessage::PreKey(p) => p.message().clone(),
    }
}

fn encode_inner(n: &NormalMessage, mutation: Mutation) -> Vec<u8> {
    let mut out = vec![3, 0x0a, 0x20];
    out.extend_from_slice(n.ratchet_key().as_bytes());
    out.push(0x10);
    let mut index = Vec::new();
    wire::varint(u64::from(n.chain_index()), &mut index);
    if mutation == Mutation::LongVarint {
        let last = index.len() - 1;
        index[last] |= 0x80;
        index.push(0);
    }
    out.extend_from_slice(&index);
    out.push(0x22);
    wire::varint(n.ciphertext().len() as u64, &mut out);
    out.extend_from_slice(n.ciphertext());
    if mutation == Mutation::InnerUnknownField {
        out.extend_from_slice(&[0x28, 0x00]);
    }
    out.extend_from_slice(n.mac());
    out
}

/// The message bytes after `mutation` (structured mutations keep the MAC as it was).
fn mutate(message_type: usize, bytes: &[u8], mutation: Mutation) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match mutation {
        Mutation::None => {}
        Mutation::FlipBit { at, bit } => {
            let at = usize::from(at) % out.len();
            out[at] ^= 1 << (bit % 8);
        }
        Mutation::Truncate { len } => out.truncate(usize::from(len) % out.len()),
        Mutation::Append { byte } => out.push(byte),
        Mutation::LongVarint | Mutation::InnerUnknownField => {
            let inner = encode_inner(&inner_message(message_type, bytes), mutation);
            out = if message_type == 0 {
                wire::pre_key_message(
                    bytes[3..35].try_into().unwrap(),
                    bytes[37..69].try_into().unwrap(),
                    bytes[71..103].try_into().unwrap(),
                    &inner,
                )
            } else {
                inner
            };
        }
        Mutation::OuterKeyHighBit { which } if message_type == 0 => {
            out[wire::PRE_KEY_OUTER_KEYS[usize::from(which) % 3].end - 1] |= 0x80;
        }
        Mutation::OuterUnknownField if message_type == 0 => out.extend_from_slice(&[0x28, 0x00]),
        Mutation::OuterReordered if message_type == 0 => {
            out[1..35].copy_from_slice(&bytes[35..69]);
            out[35..69].copy_from_slice(&bytes[1..35]);
        }
        Mutation::OuterKeyHighBit { .. }
        | Mutation::OuterUnknownField
        | Mutation::OuterReordered => {}
    }
    out
}

/// What one library made of a message.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// protee refused it while parsing (vodozemac: while decoding).
    Unparsed(String),
    Refused(String),
    Accepted(Vec<u8>),
}

struct World {
    rng: SeedRng,
    alice: Session,
    bob: Option<Session>,
    bob_account: Account,
    sent: Vec<Flight>,
    counter: u64,
}

fn vodozemac_twin(session: &Session) -> vodozemac::olm::Session {
    let pickle = session.to_libolm_pickle(PICKLE_KEY).unwrap();
    vodozemac::olm::Session::from_libolm_pickle(&pickle, PICKLE_KEY)
        .expect("vodozemac loads protee's libolm session pickle")
}

fn vodozemac_decrypt(
    twin: Option<&mut vodozemac::olm::Session>,
    account_pickle: &str,
    message_type: usize,
    bytes: &[u8],
) -> (Outcome, Option<String>) {
    let message = match vodozemac::olm::OlmMessage::from_parts(message_type, bytes) {
        Ok(m) => m,
        Err(e) => return (Outcome::Unparsed(format!("{e:?}")), None),
    };
    match twin {
        Some(session) => match session.decrypt(&message) {
            Ok(p) => (Outcome::Accepted(p), None),
            Err(e) => (Outcome::Refused(format!("{e:?}")), None),
        },
        None => {
            let vodozemac::olm::OlmMessage::PreKey(pre_key) = &message else {
                return (Outcome::Refused("not a pre-key message".into()), None);
            };
            let mut account =
                vodozemac::olm::Account::from_libolm_pickle(account_pickle, PICKLE_KEY)
                    .expect("vodozemac loads protee's libolm account pickle");
            let alice = vodozemac::Curve25519PublicKey::from_bytes(
                fixtures::alice().curve25519_key().to_bytes(),
            );
            match account.create_inbound_session(SessionConfig::version_1(), alice, pre_key) {
                Ok(created) => (
                    Outcome::Accepted(created.plaintext),
                    Some(created.session.session_id()),
                ),
                Err(e) => (Outcome::Refused(format!("{e:?}")), None),
            }
        }
    }
}

impl World {
    fn receive(
        &mut self,
        to_bob: bool,
        message_type: usize,
        bytes: &[u8],
    ) -> (Outcome, Option<String>) {
        let message = match OlmMessage::from_type_and_bytes(message_type, bytes.to_vec()) {
            Ok(m) => m,
            Err(e) => return (Outcome::Unparsed(format!("{e:?}")), None),
        };
        if to_bob && self.bob.is_none() {
            let OlmMessage::PreKey(pre_key) = &message else {
                return (Outcome::Refused("not a pre-key message".into()), None);
            };
            let alice = fixtures::alice().curve25519_key();
            return match self
                .bob_account
                .create_inbound_session(Some(&alice), pre_key)
            {
                Ok(created) => {
                    let id = created.session.session_id();
                    self.bob = Some(created.session);
                    (Outcome::Accepted(created.plaintext), Some(id))
                }
                Err(e) => (Outcome::Refused(format!("{e:?}")), None),
            };
        }
        let session = if to_bob {
            self.bob.as_mut().unwrap()
        } else {
            &mut self.alice
        };
        match session.decrypt(&message) {
            Ok(p) => (Outcome::Accepted(p), None),
            Err(e) => (Outcome::Refused(format!("{e:?}")), None),
        }
    }

    /// Both libraries receive `bytes`; protee's result is kept (when `commit`).
    fn deliver(
        &mut self,
        to_bob: bool,
        message_type: usize,
        bytes: &[u8],
        honest_first: bool,
        mutated: bool,
        commit: bool,
    ) -> bool {
        let receiver = if to_bob {
            self.bob.as_ref()
        } else {
            Some(&self.alice)
        };
        let mut twin = receiver.map(vodozemac_twin);
        let account_pickle = self.bob_account.to_libolm_pickle(PICKLE_KEY).unwrap();
        let (theirs, their_id) =
            vodozemac_decrypt(twin.as_mut(), &account_pickle, message_type, bytes);
        let saved = (!commit).then(|| {
            (
                self.alice.clone(),
                self.bob.clone(),
                self.bob_account.clone(),
            )
        });
        let (ours, our_id) = self.receive(to_bob, message_type, bytes);
        if let Some((alice, bob, account)) = saved {
            (self.alice, self.bob, self.bob_account) = (alice, bob, account);
        }
        match (&ours, &theirs) {
            (Outcome::Accepted(a), Outcome::Accepted(b)) => {
                assert_eq!(a, b, "the libraries decrypted to different plaintexts");
                assert_eq!(our_id, their_id, "the new sessions have different ids");
            }
            (Outcome::Accepted(_), _) => {
                panic!("protee accepted what vodozemac refuses: {theirs:?} (mutated: {mutated})")
            }
            (Outcome::Unparsed(_), Outcome::Accepted(_)) => {
                assert!(mutated, "protee cannot parse an honest message: {ours:?}");
            }
            (Outcome::Refused(e), Outcome::Accepted(_)) => {
                panic!("vodozemac accepts what protee parsed and refused ({e}); mutated: {mutated}")
            }
            _ => {}
        }
        if honest_first {
            assert_eq!(
                matches!(ours, Outcome::Accepted(_)),
                matches!(theirs, Outcome::Accepted(_)),
                "an honest message: protee {ours:?}, vodozemac {theirs:?}"
            );
        }
        matches!(ours, Outcome::Accepted(_))
    }

    fn send(&mut self, from_bob: bool, len: usize, via_vodozemac: bool) {
        let Some(sender) = (if from_bob {
            self.bob.as_mut()
        } else {
            Some(&mut self.alice)
        }) else {
            return;
        };
        self.counter += 1;
        let mut plaintext =
            format!("{}{}:", if from_bob { 'b' } else { 'a' }, self.counter).into_bytes();
        plaintext.resize(plaintext.len().max(len), b'.');
        let mut twin = vodozemac_twin(sender);
        let deterministic = sender.encrypt_random_length() == 0;
        let message = sender.encrypt(&plaintext, &mut self.rng);
        let (message_type, bytes) = (
            message.message_type().as_usize(),
            message.as_bytes().to_vec(),
        );
        if via_vodozemac {
            let theirs = twin.encrypt(&plaintext).expect("vodozemac encrypts");
            let (their_type, their_bytes) = theirs.to_parts();
            assert_eq!(
                their_type, message_type,
                "the libraries chose different message types"
            );
            if deterministic {
                assert_eq!(
                    their_bytes, bytes,
                    "same state, same plaintext, different bytes"
                );
            } else {
                // vodozemac's own new ratchet key: both receivers must agree on it (not kept).
                self.deliver(!from_bob, their_type, &their_bytes, false, false, false);
            }
        }
        self.sent.push(Flight {
            to_bob: !from_bob,
            message_type,
            bytes,
            delivered: false,
        });
    }

    fn act(&mut self, action: &Action) {
        match *action {
            Action::Send {
                from_bob,
                len,
                via_vodozemac,
            } => self.send(from_bob, usize::from(len), via_vodozemac),
            Action::Drop { pick } => {
                if !self.sent.is_empty() {
                    self.sent.remove(usize::from(pick) % self.sent.len());
                }
            }
            Action::Deliver { pick, mutation } => {
                if self.sent.is_empty() {
                    return;
                }
                let i = usize::from(pick) % self.sent.len();
                let flight = &self.sent[i];
                let bytes = mutate(flight.message_type, &flight.bytes, mutation);
                let mutated = bytes != flight.bytes;
                let honest_first = !mutated && !flight.delivered;
                let (to_bob, message_type) = (flight.to_bob, flight.message_type);
                let before = self.bob.as_ref().map(|s| s.session_id());
                let accepted =
                    self.deliver(to_bob, message_type, &bytes, honest_first, mutated, true);
                if accepted && !mutated {
                    self.sent[i].delivered = true;
                }
                if accepted && to_bob && before.is_none() {
                    assert_eq!(
                        self.bob.as_ref().unwrap().session_id(),
                        self.alice.session_id()
                    );
                }
            }
        }
    }
}

fuzz_target!(|input: Input| {
    let mut rng = SeedRng::labelled("olm_differential", input.seed);
    let bob = fixtures::bob();
    let their_key = if input.use_fallback_key {
        fixtures::bob_fallback_key()
    } else {
        fixtures::bob_one_time_key()
    };
    let alice = fixtures::alice()
        .create_outbound_session(&bob.curve25519_key(), &their_key, &mut rng)
        .unwrap();
    let mut world = World {
        rng,
        alice,
        bob: None,
        bob_account: bob.clone(),
        sent: Vec::new(),
        counter: 0,
    };
    for action in input.actions.iter().take(100) {
        world.act(action);
    }
});
