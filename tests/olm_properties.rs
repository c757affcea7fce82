//! Property tests of protee's Olm session state machine (spec/olm.md §7 and §9).
//!
//! A protee↔protee session is driven through a random schedule of turns. In each turn one side
//! sends a few messages (optionally after encrypting and dropping a run of them, to open a
//! gap); each message is dropped, delivered after a random delay (reordered within and across
//! turns and chains), and possibly delivered twice. Bad messages are injected along the way: a
//! copy of a message with one byte changed anywhere, or a message of another session.
//!
//! Every decryption is checked against a small reference model of the receiving rules
//! (OLM-RECV-1 … OLM-RECV-5, limits OLM-LIMIT-1), written from the spec: which messages must
//! decrypt, with which error the others must fail, and what the session must look like
//! afterwards. Every failed decryption must leave the session observably unchanged
//! (OLM-RECV-5): same id, same `has_received_message`, `next_message_type` and
//! `encrypt_random_length`, same `Debug` summary, and its next encryption (with the same random
//! bytes) equals that of a clone taken before the bad message arrived.
//!
//! Two generators: one whose schedules stay within the limits (gap ≤ 2000, ≤ 5 receiver chains,
//! ≤ 40 skipped keys), where every delivered message must decrypt exactly once; one whose
//! schedules exceed them, where the failures must be exactly the model's. Deterministic tests at
//! the end pin each limit at its boundary.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use common::TestRng;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use protee::DecryptionError;
use protee::olm::{Account, MessageType, OlmMessage, Session};

/// OLM-LIMIT-1.
const MAX_RECEIVER_CHAINS: usize = 5;
const MAX_SKIPPED_MESSAGE_KEYS: usize = 40;
const MAX_MESSAGE_GAP: u32 = 2000;

const ALICE: usize = 0;
const BOB: usize = 1;

fn other(side: usize) -> usize {
    1 - side
}

// ---------------------------------------------------------------------------------------------
// Reference model of one side's session.

#[derive(Clone, Debug, Default)]
struct Model {
    /// (chain id, next index) of our sender chain, `None` when the next encrypt ratchets
    /// (OLM-SEND-2).
    sending: Option<(u32, u32)>,
    /// OLM-SEND-1.
    received: bool,
    /// Receiver chains, newest first: (chain id, next index) (OLM-RECV-1).
    chains: Vec<(u32, u32)>,
    /// Every chain id ever received, to tell an evicted chain from a new one.
    seen: HashSet<u32>,
    /// Skipped message keys, newest first: (chain id, index) (OLM-RECV-5).
    skipped: Vec<(u32, u32)>,
}

impl Model {
    /// Pushes the keys `from..to` of `chain` to the front, newest first, keeping 40 in all.
    fn skip(&mut self, chain: u32, from: u32, to: u32) {
        for index in from..to {
            self.skipped.insert(0, (chain, index));
        }
        self.skipped.truncate(MAX_SKIPPED_MESSAGE_KEYS);
    }

    /// Receives message `index` of `chain`; on success the model is updated.
    fn receive(&mut self, chain: u32, index: u32) -> Result<(), DecryptionError> {
        if let Some(position) = self.chains.iter().position(|c| c.0 == chain) {
            let next = self.chains[position].1;
            if index < next {
                // OLM-RECV-3: a stored skipped key, or a duplicate / too old.
                let k = self
                    .skipped
                    .iter()
                    .position(|s| *s == (chain, index))
                    .ok_or(DecryptionError::MissingMessageKey { index })?;
                self.skipped.remove(k);
            } else {
                // OLM-RECV-4: a gap of exactly 2000 is accepted.
                let gap = index - next;
                if gap > MAX_MESSAGE_GAP {
                    return Err(DecryptionError::TooBigMessageGap {
                        gap,
                        max: MAX_MESSAGE_GAP,
                    });
                }
                self.chains[position].1 = index + 1;
                self.skip(chain, next, index);
            }
        } else {
            // OLM-RECV-2.
            if self.sending.is_none() {
                return Err(DecryptionError::UnexpectedRatchetKey);
            }
            if index > MAX_MESSAGE_GAP {
                return Err(DecryptionError::TooBigMessageGap {
                    gap: index,
                    max: MAX_MESSAGE_GAP,
                });
            }
            if self.seen.contains(&chain) {
                // OLM-RECV-1: an evicted chain is taken for a new one, ratcheted with the wrong
                // keys, and fails its MAC.
                return Err(DecryptionError::InvalidMac);
            }
            self.seen.insert(chain);
            self.chains.insert(0, (chain, index + 1));
            self.chains.truncate(MAX_RECEIVER_CHAINS);
            self.sending = None;
            self.skip(chain, 0, index);
        }
        self.received = true;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Schedules.

#[derive(Clone, Copy, Debug)]
enum Fate {
    Drop,
    /// Delivered at the end of turn `t + delay` (`HOLD`: at the very end), in `order` among
    /// that turn's deliveries; `duplicate` delivers it again `extra` turns later.
    Deliver {
        delay: usize,
        order: u16,
        duplicate: Option<(usize, u16)>,
    },
}

const HOLD: usize = 1 << 20;

#[derive(Clone, Copy, Debug)]
enum Injection {
    /// A copy of a message sent to `to`, with byte `position` (mod length) XORed with `xor`.
    Corrupt {
        to: usize,
        pick: usize,
        position: usize,
        xor: u8,
    },
    /// A message of another session.
    Foreign { to: usize, pick: usize },
}

#[derive(Clone, Debug)]
struct Turn {
    /// Whether the sender differs from the previous turn's (the handshake was Alice's).
    switch: bool,
    /// Messages encrypted and dropped before this turn's messages (a gap).
    skip_ahead: u32,
    fates: Vec<Fate>,
    inject: Option<Injection>,
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Send { from: usize },
    Deliver { message: usize },
    Inject(Injection),
}

/// Flattens a schedule into the events both the model and the real run execute.
fn events(turns: &[Turn]) -> Vec<Event> {
    let mut out = Vec::new();
    let mut slots: BTreeMap<(usize, u16, usize), usize> = BTreeMap::new();
    let mut id = 0;
    let mut sender = ALICE;
    for (t, turn) in turns.iter().enumerate() {
        if turn.switch {
            sender = other(sender);
        }
        for _ in 0..turn.skip_ahead {
            out.push(Event::Send { from: sender });
            id += 1;
        }
        for fate in &turn.fates {
            out.push(Event::Send { from: sender });
            if let Fate::Deliver {
                delay,
                order,
                duplicate,
            } = *fate
            {
                let slot = t.saturating_add(delay);
                slots.insert((slot, order, slots.len()), id);
                if let Some((extra, order)) = duplicate {
                    slots.insert((slot.saturating_add(extra), order, slots.len()), id);
                }
            }
            id += 1;
        }
        if let Some(injection) = turn.inject {
            out.push(Event::Inject(injection));
        }
        while let Some(entry) = slots.first_entry() {
            if entry.key().0 > t {
                break;
            }
            out.push(Event::Deliver {
                message: entry.remove(),
            });
        }
    }
    out.extend(
        slots
            .into_values()
            .map(|message| Event::Deliver { message }),
    );
    out
}

// ---------------------------------------------------------------------------------------------
// The world: both models, and (unless simulating) both protee sessions.

struct Party {
    session: Session,
    rng: TestRng,
}

struct Sent {
    from: usize,
    chain: u32,
    index: u32,
    plaintext: Vec<u8>,
    wire: Option<(usize, String)>,
}

#[derive(Default)]
struct Tally {
    /// Failures of messages never decrypted before, by kind.
    too_big_gap: usize,
    missing_key: usize,
    evicted_chain: usize,
    duplicates: usize,
    injected: usize,
}

struct World {
    models: [Model; 2],
    parties: Option<[Party; 2]>,
    next_chain: u32,
    sent: Vec<Sent>,
    decrypted: Vec<u32>,
    delivered: Vec<bool>,
    tally: Tally,
}

fn plaintext(id: usize) -> Vec<u8> {
    // Lengths 0..=40: empty, below, at and above AES block boundaries.
    format!("{id:05}-")
        .into_bytes()
        .into_iter()
        .cycle()
        .take(id * 7 % 41)
        .collect()
}

/// A conversation of another pair of accounts: pre-key and normal messages, both directions.
fn foreign_messages() -> &'static [(usize, String)] {
    static POOL: OnceLock<Vec<(usize, String)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (mut carol, mut dave) = pair(0xCA201);
        let mut rng = TestRng::new(0xDA7E);
        let mut pool = Vec::new();
        for _ in 0..2 {
            pool.push(carol.encrypt(b"carol", &mut rng).to_parts());
        }
        let reply = dave.encrypt(b"dave", &mut rng);
        pool.push(reply.to_parts());
        carol.decrypt(&reply).unwrap();
        pool.push(carol.encrypt(b"carol again", &mut rng).to_parts());
        pool.push(dave.encrypt(b"dave again", &mut rng).to_parts());
        pool
    })
}

/// Alice's outbound session and Bob's inbound session, after Alice's first message.
fn pair(seed: u64) -> (Session, Session) {
    let mut rng = TestRng::new(seed);
    let alice = Account::new_with_rng(&mut rng);
    let mut bob = Account::new_with_rng(&mut rng);
    bob.generate_one_time_keys(1, &mut rng);
    let (_, otk) = bob.one_time_keys()[0];
    let mut alice_session = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(first) = alice_session.encrypt(b"hello", &mut rng) else {
        panic!("the first message is a pre-key message (OLM-SEND-1)")
    };
    let created = bob
        .create_inbound_session(Some(&alice.curve25519_key()), &first)
        .unwrap();
    assert_eq!(created.plaintext, b"hello");
    (alice_session, created.session)
}

fn chain_index(message: &OlmMessage) -> u32 {
    match message {
        OlmMessage::PreKey(m) => m.message().chain_index(),
        OlmMessage::Normal(m) => m.chain_index(),
    }
}

/// OLM-RECV-5: `after` (which just failed to decrypt something) is indistinguishable from
/// `before`, including the next ciphertext it produces from the same random bytes.
fn check_unchanged(before: &Session, after: &Session) -> Result<(), TestCaseError> {
    prop_assert_eq!(before.session_id(), after.session_id());
    prop_assert_eq!(before.has_received_message(), after.has_received_message());
    prop_assert_eq!(before.next_message_type(), after.next_message_type());
    prop_assert_eq!(
        before.encrypt_random_length(),
        after.encrypt_random_length()
    );
    prop_assert_eq!(format!("{before:?}"), format!("{after:?}"));
    let (mut b, mut a) = (before.clone(), after.clone());
    let from_before = b.encrypt(b"probe", &mut TestRng::new(0x5EED));
    let from_after = a.encrypt(b"probe", &mut TestRng::new(0x5EED));
    prop_assert_eq!(from_before.to_parts(), from_after.to_parts());
    Ok(())
}

impl World {
    fn new(seed: u64, with_sessions: bool) -> Self {
        let parties = with_sessions.then(|| {
            let (alice, bob) = pair(seed);
            [
                Party {
                    session: alice,
                    rng: TestRng::new(seed ^ 0xA11CE),
                },
                Party {
                    session: bob,
                    rng: TestRng::new(seed ^ 0xB0B),
                },
            ]
        });
        // After the handshake: Alice has sent index 0 of chain 0 and received nothing; Bob has
        // received it (chain 0 at index 1) and must ratchet before sending (OLM-SESSION-1).
        let alice = Model {
            sending: Some((0, 1)),
            ..Model::default()
        };
        let bob = Model {
            received: true,
            chains: vec![(0, 1)],
            seen: HashSet::from([0]),
            ..Model::default()
        };
        Self {
            models: [alice, bob],
            parties,
            next_chain: 1,
            sent: Vec::new(),
            decrypted: Vec::new(),
            delivered: Vec::new(),
            tally: Tally::default(),
        }
    }

    fn apply(&mut self, event: Event) -> Result<(), TestCaseError> {
        match event {
            Event::Send { from } => self.send(from),
            Event::Deliver { message } => self.deliver(message),
            Event::Inject(injection) => self.inject(injection),
        }
    }

    fn send(&mut self, from: usize) -> Result<(), TestCaseError> {
        let id = self.sent.len();
        let model = &mut self.models[from];
        let ratchets = model.sending.is_none();
        let (chain, index) = model.sending.unwrap_or_else(|| {
            self.next_chain += 1;
            (self.next_chain - 1, 0)
        });
        model.sending = Some((chain, index + 1));
        let plaintext = plaintext(id);
        let mut wire = None;
        if let Some(parties) = &mut self.parties {
            let party = &mut parties[from];
            // OLM-SEND-2: 32 random bytes exactly when a new ratchet key is needed.
            prop_assert_eq!(
                party.session.encrypt_random_length(),
                if ratchets { 32 } else { 0 }
            );
            let message = party.session.encrypt(&plaintext, &mut party.rng);
            // OLM-SEND-1: pre-key until something was received.
            let expected = if self.models[from].received {
                MessageType::Normal
            } else {
                MessageType::PreKey
            };
            prop_assert_eq!(message.message_type(), expected);
            prop_assert_eq!(chain_index(&message), index);
            prop_assert_eq!(party.session.encrypt_random_length(), 0);
            wire = Some(message.to_parts());
        }
        self.sent.push(Sent {
            from,
            chain,
            index,
            plaintext,
            wire,
        });
        self.decrypted.push(0);
        self.delivered.push(false);
        Ok(())
    }

    fn deliver(&mut self, id: usize) -> Result<(), TestCaseError> {
        let sent = &self.sent[id];
        let to = other(sent.from);
        let mut model = self.models[to].clone();
        let predicted = model.receive(sent.chain, sent.index);
        if let Some(parties) = &mut self.parties {
            let session = &mut parties[to].session;
            let (message_type, body) = sent.wire.as_ref().unwrap();
            let message = OlmMessage::from_parts(*message_type, body).unwrap();
            let before = session.clone();
            match session.decrypt(&message) {
                Ok(plaintext) => {
                    prop_assert_eq!(predicted, Ok(()), "message {} decrypted", id);
                    prop_assert_eq!(&plaintext, &sent.plaintext);
                }
                Err(error) => {
                    prop_assert_eq!(predicted, Err(error), "message {}", id);
                    check_unchanged(&before, session)?;
                }
            }
        }
        match predicted {
            Ok(()) => {
                self.models[to] = model;
                self.decrypted[id] += 1;
                // Exactly once: a second success would be a replay.
                prop_assert_eq!(self.decrypted[id], 1);
            }
            Err(_) if self.decrypted[id] > 0 => self.tally.duplicates += 1,
            Err(DecryptionError::TooBigMessageGap { .. }) => self.tally.too_big_gap += 1,
            Err(DecryptionError::MissingMessageKey { .. }) => self.tally.missing_key += 1,
            // OLM-RECV-1: a message on an evicted chain (refused outright while we have no
            // sender chain, OLM-RECV-2).
            Err(DecryptionError::InvalidMac | DecryptionError::UnexpectedRatchetKey) => {
                self.tally.evicted_chain += 1
            }
            Err(e) => prop_assert!(false, "unexpected predicted error {:?}", e),
        }
        self.delivered[id] = true;
        self.check_observables(to)
    }

    /// The session's public state agrees with the model.
    fn check_observables(&self, side: usize) -> Result<(), TestCaseError> {
        if let Some(parties) = &self.parties {
            let session = &parties[side].session;
            let model = &self.models[side];
            prop_assert_eq!(session.has_received_message(), model.received);
            prop_assert_eq!(
                session.encrypt_random_length(),
                if model.sending.is_none() { 32 } else { 0 }
            );
        }
        Ok(())
    }

    fn inject(&mut self, injection: Injection) -> Result<(), TestCaseError> {
        let Some(parties) = &mut self.parties else {
            return Ok(());
        };
        let (to, bytes, original) = match injection {
            Injection::Corrupt {
                to,
                pick,
                position,
                xor,
            } => {
                let candidates: Vec<&Sent> = self.sent.iter().filter(|s| s.from != to).collect();
                if candidates.is_empty() {
                    return Ok(());
                }
                let (message_type, body) =
                    candidates[pick % candidates.len()].wire.clone().unwrap();
                let original = OlmMessage::from_parts(message_type, &body).unwrap();
                let mut bytes = original.as_bytes().to_vec();
                let position = position % bytes.len();
                bytes[position] ^= xor;
                (to, (message_type, bytes), Some(original))
            }
            Injection::Foreign { to, pick } => {
                let pool = foreign_messages();
                let (message_type, body) = &pool[pick % pool.len()];
                let message = OlmMessage::from_parts(*message_type, body).unwrap();
                (to, (*message_type, message.as_bytes().to_vec()), None)
            }
        };
        let Ok(message) = OlmMessage::from_type_and_bytes(bytes.0, bytes.1) else {
            // Refused by the decoder (OLM-MSG-2, OLM-PREKEY-2); the session never saw it.
            return Ok(());
        };
        let session = &mut parties[to].session;
        if let (Some(original), OlmMessage::PreKey(bad)) = (&original, &message)
            && let OlmMessage::PreKey(good) = original
            && bad.message() == good.message()
        {
            // Only the outer keys of a pre-key message changed. OLM-RECV-7: an existing
            // session decrypts the inner message and ignores them, so it behaves exactly as
            // with the original (checked on clones: the schedule decides the real delivery).
            prop_assert_eq!(
                session.clone().decrypt(&message),
                session.clone().decrypt(original)
            );
            return Ok(());
        }
        let before = session.clone();
        let result = session.decrypt(&message);
        prop_assert!(result.is_err(), "injected {:?} decrypted", injection);
        check_unchanged(&before, session)?;
        self.tally.injected += 1;
        Ok(())
    }

    /// Runs the events, then a last exchange in both directions, which must get through when
    /// `must_recover` (beyond the limits a direction can be cut for good, e.g. by a gap over
    /// 2000 on the sender's current chain: then the model says how it fails).
    fn run(&mut self, events: &[Event], must_recover: bool) -> Result<(), TestCaseError> {
        for event in events {
            self.apply(*event)?;
        }
        for from in [ALICE, BOB, ALICE] {
            self.send(from)?;
            let id = self.sent.len() - 1;
            self.deliver(id)?;
            if must_recover {
                prop_assert_eq!(self.decrypted[id], 1, "the conversation goes on");
            }
        }
        Ok(())
    }

    /// Delivered messages that never decrypted (excluding the final exchange).
    fn lost(&self) -> usize {
        (0..self.sent.len())
            .filter(|&i| self.delivered[i] && self.decrypted[i] == 0)
            .count()
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies.

struct Shape {
    turns: std::ops::RangeInclusive<usize>,
    messages: std::ops::RangeInclusive<usize>,
    max_delay: usize,
    switch_probability: f64,
    drop_weight: u32,
    hold_weight: u32,
    small_skip: std::ops::RangeInclusive<u32>,
    big_skip: std::ops::RangeInclusive<u32>,
    /// Out of 100 turns.
    big_skip_weight: u32,
}

fn injection() -> impl Strategy<Value = Injection> {
    prop_oneof![
        3 => (0..2usize, any::<usize>(), any::<usize>(), 1..=255u8)
            .prop_map(|(to, pick, position, xor)| Injection::Corrupt { to, pick, position, xor }),
        1 => (0..2usize, any::<usize>()).prop_map(|(to, pick)| Injection::Foreign { to, pick }),
    ]
}

fn schedule(shape: Shape) -> impl Strategy<Value = Vec<Turn>> {
    let deliver = (
        0..=shape.max_delay,
        any::<u16>(),
        proptest::option::weighted(0.15, (0..=2usize, any::<u16>())),
    )
        .prop_map(|(delay, order, duplicate)| Fate::Deliver {
            delay,
            order,
            duplicate,
        });
    let hold = (
        any::<u16>(),
        proptest::option::weighted(0.15, (0..=2usize, any::<u16>())),
    )
        .prop_map(|(order, duplicate)| Fate::Deliver {
            delay: HOLD,
            order,
            duplicate,
        });
    let fate = prop_oneof![
        shape.drop_weight => Just(Fate::Drop),
        shape.hold_weight => hold,
        20 => deliver,
    ];
    let skip = prop_oneof![
        (80 - shape.big_skip_weight) => Just(0u32),
        20 => shape.small_skip,
        shape.big_skip_weight => shape.big_skip,
    ];
    let turn = (
        proptest::bool::weighted(shape.switch_probability),
        skip,
        proptest::collection::vec(fate, shape.messages),
        proptest::option::weighted(0.25, injection()),
    )
        .prop_map(|(switch, skip_ahead, fates, inject)| Turn {
            switch,
            skip_ahead,
            fates,
            inject,
        });
    proptest::collection::vec(turn, shape.turns)
}

fn simulate(turns: &[Turn]) -> World {
    let mut world = World::new(0, false);
    for event in events(turns) {
        world.apply(event).unwrap();
    }
    world
}

// ---------------------------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(Config { cases: 64, max_global_rejects: 4096, ..Config::default() })]

    /// Within the limits (OLM-LIMIT-1), with reordering within and across chains (OLM-RECV-3,
    /// OLM-RECV-4), drops, duplicates and ratchet turns in both directions (OLM-RECV-2,
    /// OLM-SEND-2): every delivered message decrypts exactly once to its plaintext, every
    /// duplicate is refused (OLM-RECV-3), every injected bad message is refused and changes
    /// nothing (OLM-RECV-5).
    #[test]
    fn within_the_limits_every_delivered_message_decrypts_exactly_once(
        turns in schedule(Shape {
            turns: 1..=10,
            messages: 1..=5,
            max_delay: 2,
            switch_probability: 0.6,
            drop_weight: 2,
            hold_weight: 0,
            small_skip: 1..=10,
            big_skip: 1900..=1960,
            big_skip_weight: 2,
        }),
        seed in any::<u64>(),
    ) {
        prop_assume!(simulate(&turns).lost() == 0, "the schedule exceeds a limit");
        let mut world = World::new(seed, true);
        world.run(&events(&turns), true)?;
        for id in 0..world.sent.len() {
            prop_assert_eq!(world.decrypted[id], u32::from(world.delivered[id]), "message {}", id);
        }
    }
}

/// Beyond the limits: messages held across more than 5 new chains of their sender (OLM-RECV-1),
/// more than 40 skipped keys (OLM-RECV-5) and gaps over 2000 (OLM-RECV-2, OLM-RECV-4). protee
/// must fail exactly the messages the model fails, with the model's error, and each failure must
/// change nothing; the rest still decrypt exactly once.
#[test]
fn beyond_the_limits_exactly_the_models_messages_fail_and_nothing_else_changes() {
    let mut runner = TestRunner::new(Config {
        cases: 64,
        max_global_rejects: 4096,
        ..Config::default()
    });
    let strategy = (
        schedule(Shape {
            turns: 10..=24,
            messages: 1..=6,
            max_delay: 1,
            switch_probability: 0.85,
            drop_weight: 4,
            hold_weight: 2,
            small_skip: 1..=45,
            big_skip: 1995..=2100,
            big_skip_weight: 2,
        }),
        any::<u64>(),
    );
    let tally = std::sync::Mutex::new(Tally::default());
    runner
        .run(&strategy, |(turns, seed)| {
            prop_assume!(
                simulate(&turns).lost() > 0,
                "the schedule stays within the limits"
            );
            let mut world = World::new(seed, true);
            world.run(&events(&turns), false)?;
            let mut total = tally.lock().unwrap();
            total.too_big_gap += world.tally.too_big_gap;
            total.missing_key += world.tally.missing_key;
            total.evicted_chain += world.tally.evicted_chain;
            total.duplicates += world.tally.duplicates;
            total.injected += world.tally.injected;
            Ok(())
        })
        .unwrap();
    // The generator does reach every limit.
    let total = tally.into_inner().unwrap();
    eprintln!(
        "beyond the limits: {} gaps > 2000, {} evicted skipped keys, {} evicted chains, {} duplicates, {} injected",
        total.too_big_gap, total.missing_key, total.evicted_chain, total.duplicates, total.injected
    );
    assert!(total.too_big_gap > 0, "no gap over 2000 was generated");
    assert!(total.missing_key > 0, "no skipped key was evicted");
    assert!(total.evicted_chain > 0, "no receiver chain was evicted");
    assert!(total.duplicates > 0 && total.injected > 0);
}

// ---------------------------------------------------------------------------------------------
// Each limit at its boundary (OLM-LIMIT-1).

fn encrypt_many(session: &mut Session, count: usize, rng: &mut TestRng) -> Vec<OlmMessage> {
    (0..count)
        .map(|i| session.encrypt(format!("{i}").as_bytes(), rng))
        .collect()
}

/// Decrypting `message` must fail with `error` and change nothing (OLM-RECV-5).
fn refuses(session: &mut Session, message: &OlmMessage, error: DecryptionError) {
    let before = session.clone();
    assert_eq!(session.decrypt(message), Err(error));
    check_unchanged(&before, session).unwrap();
}

#[test]
fn a_gap_of_2000_on_a_known_chain_is_accepted_and_2001_is_not() {
    // OLM-RECV-4: Bob's chain for Alice's first ratchet key is at index 1 after the handshake.
    let (mut alice, mut bob) = pair(1);
    let mut rng = TestRng::new(1);
    let m = encrypt_many(&mut alice, 2002, &mut rng); // indices 1..=2002
    refuses(
        &mut bob,
        &m[2001],
        DecryptionError::TooBigMessageGap {
            gap: 2001,
            max: 2000,
        },
    );
    assert_eq!(bob.decrypt(&m[2000]).unwrap(), b"2000");
    assert_eq!(bob.decrypt(&m[2001]).unwrap(), b"2001");
    // OLM-RECV-5: of the 2000 keys skipped, only the newest 40 (indices 1961..=2000) are kept.
    assert_eq!(bob.decrypt(&m[1960]).unwrap(), b"1960");
    refuses(
        &mut bob,
        &m[1959],
        DecryptionError::MissingMessageKey { index: 1960 },
    );
}

#[test]
fn a_new_chain_may_start_at_index_2000_but_not_2001() {
    // OLM-RECV-2.
    let (mut alice, mut bob) = pair(2);
    let mut rng = TestRng::new(2);
    let m = encrypt_many(&mut bob, 2002, &mut rng); // Bob ratchets: a new chain, 0..=2001
    refuses(
        &mut alice,
        &m[2001],
        DecryptionError::TooBigMessageGap {
            gap: 2001,
            max: 2000,
        },
    );
    assert!(!alice.has_received_message());
    assert_eq!(alice.decrypt(&m[2000]).unwrap(), b"2000");
    assert!(alice.has_received_message());
    assert_eq!(alice.decrypt(&m[1960]).unwrap(), b"1960");
    refuses(
        &mut alice,
        &m[1959],
        DecryptionError::MissingMessageKey { index: 1959 },
    );
}

#[test]
fn at_most_40_skipped_keys_are_kept_per_session_across_chains() {
    // OLM-RECV-5: the limit is per session (libolm), not per chain (vodozemac keeps 40 per
    // chain, so vodozemac would still decrypt the oldest ten below).
    let (mut alice, mut bob) = pair(3);
    let mut rng = TestRng::new(3);
    let a0 = encrypt_many(&mut alice, 31, &mut rng); // indices 1..=31 of chain A0
    bob.decrypt(&a0[30]).unwrap(); // skips 1..=30: 30 keys
    let reply = bob.encrypt(b"reply", &mut rng);
    alice.decrypt(&reply).unwrap();
    let a2 = encrypt_many(&mut alice, 21, &mut rng); // chain A2, indices 0..=20
    bob.decrypt(&a2[20]).unwrap(); // skips 0..=19: 20 more, so the 10 oldest of A0 go
    for m in &a0[..10] {
        let index = chain_index(m);
        refuses(&mut bob, m, DecryptionError::MissingMessageKey { index });
    }
    for (i, m) in a0[10..30].iter().enumerate() {
        assert_eq!(bob.decrypt(m).unwrap(), format!("{}", i + 10).as_bytes());
    }
    for (i, m) in a2[..20].iter().enumerate() {
        assert_eq!(bob.decrypt(m).unwrap(), format!("{i}").as_bytes());
    }
}

#[test]
fn a_sixth_receiver_chain_evicts_the_oldest() {
    // OLM-RECV-1: Bob keeps Alice's 5 newest chains. A message held back on Alice's first
    // chain decrypts while that chain is among them, and not once a sixth chain arrives.
    let (mut alice, mut bob) = pair(4);
    let mut rng = TestRng::new(4);
    let held = alice.encrypt(b"held", &mut rng);
    for turn in 1..=5 {
        // A clone of Bob with only `turn` chains still decrypts it (skipped or not).
        assert_eq!(bob.clone().decrypt(&held).unwrap(), b"held", "turn {turn}");
        let m = bob.encrypt(b"ping", &mut rng);
        alice.decrypt(&m).unwrap();
        let m = alice.encrypt(b"pong", &mut rng);
        bob.decrypt(&m).unwrap();
    }
    // Bob's chain for it is gone, so it looks like a new chain: before Bob has answered the
    // newest one, that is refused outright; after, it is ratcheted with the wrong keys and
    // fails its MAC.
    refuses(&mut bob, &held, DecryptionError::UnexpectedRatchetKey);
    let m = bob.encrypt(b"ping", &mut rng);
    alice.decrypt(&m).unwrap();
    refuses(&mut bob, &held, DecryptionError::InvalidMac);
}

#[test]
fn a_new_ratchet_key_before_our_first_message_is_refused() {
    // OLM-RECV-2: Bob has not sent yet, so a chain he has not seen cannot be an answer to his.
    let (_, mut bob) = pair(5);
    let (mut carol, _) = pair(6);
    let foreign = carol.encrypt(b"x", &mut TestRng::new(6));
    refuses(&mut bob, &foreign, DecryptionError::UnexpectedRatchetKey);
}
