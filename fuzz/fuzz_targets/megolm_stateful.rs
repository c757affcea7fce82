//! Megolm, stateful: one outbound group session and up to four inbound sessions driven by
//! `(seed, action stream)`: encrypt, encrypt a burst, deliver any message to any inbound session
//! (any order, any number of times), deliver a corrupted or truncated copy, create inbound
//! sessions from the session key, from exports at later indices and from pickles, advance a
//! session's first known index, compare and merge sessions, pickle and reload (libolm or
//! native).
//!
//! After every action:
//! - a delivered message decrypts to exactly its plaintext if its index is at or after the
//!   session's first known index, every time it is delivered (Megolm allows replays; the
//!   application detects them), and fails otherwise;
//! - a corrupted or truncated message fails;
//! - a failed decryption leaves the session's libolm pickle byte-identical;
//! - an inbound session's pickle keeps its fixed size (its state cannot grow), and
//!   `compare` orders sessions by first known index.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
    SessionOrdering,
};
use protee_fuzz::fixtures::{NATIVE_KEY, PICKLE_KEY};
use protee_fuzz::rng::SeedRng;

#[derive(Arbitrary, Debug)]
enum Action {
    Encrypt { len: u8 },
    EncryptBurst { count: u8 },
    NewFromSessionKey,
    NewFromExport { from: u8, offset: u8 },
    Deliver { pick: u16, to: u8 },
    Corrupt { pick: u16, to: u8, at: u16, xor: u8 },
    Truncate { pick: u16, to: u8, len: u16 },
    AdvanceTo { which: u8, offset: u32 },
    Compare { a: u8, b: u8 },
    PickleInbound { which: u8, native: bool },
    PickleOutbound { native: bool },
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    actions: Vec<Action>,
}

struct Inbound {
    session: InboundGroupSession,
    first_known: u32,
}

const WINDOW: u32 = 1 << 31;

struct World {
    rng: SeedRng,
    outbound: GroupSession,
    inbound: Vec<Inbound>,
    sent: Vec<(u32, Vec<u8>, Vec<u8>)>,
    pickle_length: Option<usize>,
}

impl World {
    fn inbound_index(&self, which: u8) -> Option<usize> {
        (!self.inbound.is_empty()).then(|| usize::from(which) % self.inbound.len())
    }

    fn add(&mut self, session: InboundGroupSession, first_known: u32) {
        assert_eq!(session.first_known_index(), first_known);
        assert_eq!(session.session_id(), self.outbound.session_id());
        if self.inbound.len() == 4 {
            self.inbound.remove(0);
        }
        self.inbound.push(Inbound {
            session,
            first_known,
        });
    }

    fn deliver(&mut self, pick: usize, to: usize, bytes: Vec<u8>, honest: bool) {
        let (index, _, ref plaintext) = self.sent[pick];
        let plaintext = plaintext.clone();
        let Ok(message) = MegolmMessage::from_bytes(bytes) else {
            assert!(!honest, "an honest message does not parse");
            return;
        };
        let inbound = &mut self.inbound[to];
        let expected = honest && index.wrapping_sub(inbound.first_known) < WINDOW;
        let before = inbound.session.to_libolm_pickle(PICKLE_KEY);
        match inbound.session.decrypt(&message) {
            Ok(decrypted) => {
                assert!(expected, "decrypted a message that should fail");
                assert_eq!(decrypted.plaintext, plaintext);
                assert_eq!(decrypted.message_index, index);
                assert!(inbound.session.libolm_is_verified());
            }
            Err(e) => {
                assert!(!expected, "an honest message was refused: {e:?}");
                assert_eq!(
                    inbound.session.to_libolm_pickle(PICKLE_KEY),
                    before,
                    "a failed decryption changed the session"
                );
            }
        }
    }

    fn pick(&self, pick: u16) -> Option<usize> {
        (!self.sent.is_empty()).then(|| usize::from(pick) % self.sent.len())
    }

    fn encrypt(&mut self, len: usize, keep: bool) {
        let index = self.outbound.message_index();
        let mut plaintext = format!("{index}:").into_bytes();
        plaintext.resize(plaintext.len().max(len), b'.');
        let message = self.outbound.encrypt(&plaintext);
        assert_eq!(message.message_index(), index);
        assert_eq!(self.outbound.message_index(), index.wrapping_add(1));
        if keep {
            self.sent
                .push((index, message.as_bytes().to_vec(), plaintext));
        }
    }

    fn act(&mut self, action: &Action, burst_budget: &mut u32) {
        match *action {
            Action::Encrypt { len } => self.encrypt(usize::from(len), true),
            Action::EncryptBurst { count } => {
                let count = u32::from(count) + 1;
                if count > *burst_budget {
                    return;
                }
                *burst_budget -= count;
                for i in 0..count {
                    self.encrypt(0, i + 1 == count);
                }
            }
            Action::NewFromSessionKey => {
                let key = self.outbound.session_key();
                let key = SessionKey::from_base64(&key.to_base64()).unwrap();
                let session = InboundGroupSession::new(&key).expect("own session key");
                let index = self.outbound.message_index();
                self.add(session, index);
            }
            Action::NewFromExport { from, offset } => {
                let Some(k) = self.inbound_index(from) else {
                    return;
                };
                let index = self.inbound[k].first_known.wrapping_add(u32::from(offset));
                let export = self.inbound[k]
                    .session
                    .export_at(index)
                    .expect("a later index");
                let export = ExportedSessionKey::from_base64(&export.to_base64()).unwrap();
                let session = InboundGroupSession::import(&export).expect("own export");
                assert!(!session.libolm_is_verified());
                self.add(session, index);
            }
            Action::Deliver { pick, to } => {
                let (Some(i), Some(to)) = (self.pick(pick), self.inbound_index(to)) else {
                    return;
                };
                self.deliver(i, to, self.sent[i].1.clone(), true);
            }
            Action::Corrupt { pick, to, at, xor } => {
                let (Some(i), Some(to)) = (self.pick(pick), self.inbound_index(to)) else {
                    return;
                };
                let mut bytes = self.sent[i].1.clone();
                let at = usize::from(at) % bytes.len();
                bytes[at] ^= xor.max(1);
                self.deliver(i, to, bytes, false);
            }
            Action::Truncate { pick, to, len } => {
                let (Some(i), Some(to)) = (self.pick(pick), self.inbound_index(to)) else {
                    return;
                };
                let bytes = &self.sent[i].1;
                let cut = bytes[..usize::from(len) % bytes.len()].to_vec();
                self.deliver(i, to, cut, false);
            }
            Action::AdvanceTo { which, offset } => {
                let Some(k) = self.inbound_index(which) else {
                    return;
                };
                let inbound = &mut self.inbound[k];
                let offset = offset % 5000;
                let index = inbound.first_known.wrapping_add(offset);
                let moved = inbound.session.advance_to(index);
                assert_eq!(moved, offset != 0);
                if moved {
                    inbound.first_known = index;
                }
                assert_eq!(inbound.session.first_known_index(), inbound.first_known);
            }
            Action::Compare { a, b } => {
                let (Some(a), Some(b)) = (self.inbound_index(a), self.inbound_index(b)) else {
                    return;
                };
                let (x, y) = (&self.inbound[a], &self.inbound[b]);
                let expected = match x.first_known.cmp(&y.first_known) {
                    core::cmp::Ordering::Less => SessionOrdering::Better,
                    core::cmp::Ordering::Equal => SessionOrdering::Equal,
                    core::cmp::Ordering::Greater => SessionOrdering::Worse,
                };
                assert_eq!(x.session.compare(&y.session), expected);
                let merged = x
                    .session
                    .merge(&y.session)
                    .expect("connected sessions merge");
                assert_eq!(merged.first_known_index(), x.first_known.min(y.first_known));
            }
            Action::PickleInbound { which, native } => {
                let Some(k) = self.inbound_index(which) else {
                    return;
                };
                let session = &self.inbound[k].session;
                let pickle = session.to_libolm_pickle(PICKLE_KEY);
                let loaded = if native {
                    let native = session.pickle_with_rng(&NATIVE_KEY, &mut self.rng);
                    let loaded = InboundGroupSession::from_pickle(&native, &NATIVE_KEY).unwrap();
                    assert_eq!(loaded.origin(), session.origin());
                    loaded
                } else {
                    InboundGroupSession::from_libolm_pickle(&pickle, PICKLE_KEY).unwrap()
                };
                assert_eq!(loaded.to_libolm_pickle(PICKLE_KEY), pickle);
                self.inbound[k].session = loaded;
            }
            Action::PickleOutbound { native } => {
                let pickle = self.outbound.to_libolm_pickle(PICKLE_KEY);
                let loaded = if native {
                    let native = self.outbound.pickle_with_rng(&NATIVE_KEY, &mut self.rng);
                    GroupSession::from_pickle(&native, &NATIVE_KEY).unwrap()
                } else {
                    GroupSession::from_libolm_pickle(&pickle, PICKLE_KEY).unwrap()
                };
                assert_eq!(loaded.to_libolm_pickle(PICKLE_KEY), pickle);
                assert_eq!(
                    loaded.session_key().to_base64(),
                    self.outbound.session_key().to_base64()
                );
                self.outbound = loaded;
            }
        }
    }

    fn check(&mut self) {
        for inbound in &self.inbound {
            assert_eq!(inbound.session.first_known_index(), inbound.first_known);
            let length = inbound.session.to_libolm_pickle(PICKLE_KEY).len();
            assert_eq!(
                *self.pickle_length.get_or_insert(length),
                length,
                "state grew"
            );
        }
    }
}

fuzz_target!(|input: Input| {
    let mut rng = SeedRng::labelled("megolm_stateful", input.seed);
    let outbound = GroupSession::new_with_rng(&mut rng);
    let mut world = World {
        rng,
        outbound,
        inbound: Vec::new(),
        sent: Vec::new(),
        pickle_length: None,
    };
    let mut burst_budget = 600;
    for action in input.actions.iter().take(200) {
        world.act(action, &mut burst_budget);
        world.check();
    }
});
