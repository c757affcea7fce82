//! Property tests of protee's inbound Megolm sessions (spec/megolm.md §7).
//!
//! One outbound session writes a stream of `STREAM_LEN` messages once (it crosses the R_2
//! boundary at 256, MEGOLM-RATCHET-2); every case then builds inbound sessions from its session
//! key or from exports of it and checks, against what the spec says must happen:
//!
//! - any multiset of stream indices, in any order, decrypts to the right plaintext and index
//!   (MEGOLM-IN-2, MEGOLM-IN-3, MEGOLM-IN-4: no replay protection, so repeats decrypt again);
//! - an export at i imports into a session that decrypts exactly the messages at or after i,
//!   and reports `UnknownMessageIndex` for the others (MEGOLM-KEY-2, MEGOLM-IN-2);
//! - `compare` is antisymmetric and orders connected sessions by first known index, `merge` is
//!   commutative on connected sessions and never loses a message either side could decrypt
//!   (MEGOLM-IN-5);
//! - a failed decrypt (a corrupted byte, another session's message, a validly signed message
//!   whose MAC fails, an index before the first known one) leaves the session's exports at every
//!   probed index, and which indices it can export at all, unchanged (MEGOLM-IN-3: transactional).
//!
//! Case counts and decrypts per case are modest: every decrypt verifies an Ed25519 signature, which
//! takes milliseconds if the dependencies are built without optimization, so the file runs in
//! seconds either way (well under one with Cargo.toml's optimized dependencies).

mod common;

use std::sync::OnceLock;

use common::TestRng;
use proptest::prelude::*;
use protee::MegolmDecryptionError;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
    SessionOrdering, SessionOrigin,
};
use protee::types::base64;

/// Messages in the shared stream.
const STREAM_LEN: u32 = 300;
/// Half the u32 index space: libolm's window (MEGOLM-IN-2).
const WINDOW: u32 = 1 << 31;

struct Stream {
    /// The session key at index 0 (MEGOLM-KEY-1).
    session_key: SessionKey,
    messages: Vec<MegolmMessage>,
    /// Messages of an unrelated session, at indices 0.. (MEGOLM-ID-1: another signing key).
    stranger_key: SessionKey,
    stranger_messages: Vec<MegolmMessage>,
}

fn plaintext(index: u32) -> Vec<u8> {
    // Lengths 0..=40 so that the ciphertext is 1, 2 or 3 blocks.
    let len = (index as usize * 7) % 41;
    (0..len)
        .map(|j| (index as u8).wrapping_mul(31).wrapping_add(j as u8))
        .collect()
}

fn stream() -> &'static Stream {
    static STREAM: OnceLock<Stream> = OnceLock::new();
    STREAM.get_or_init(|| {
        let mut alice = GroupSession::new_with_rng(&mut TestRng::new(0x5eed));
        let session_key = alice.session_key();
        let messages = (0..STREAM_LEN)
            .map(|i| alice.encrypt(&plaintext(i)))
            .collect();
        let mut mallory = GroupSession::new_with_rng(&mut TestRng::new(0xbad));
        let stranger_key = mallory.session_key();
        let stranger_messages = (0..8).map(|i| mallory.encrypt(&plaintext(i))).collect();
        Stream {
            session_key,
            messages,
            stranger_key,
            stranger_messages,
        }
    })
}

fn message(index: u32) -> &'static MegolmMessage {
    &stream().messages[index as usize]
}

/// A session made from the signed session key at 0 (origin `SignedSessionKey`). Made once and
/// cloned, to save its signature check.
fn signed_session() -> InboundGroupSession {
    static SIGNED: OnceLock<InboundGroupSession> = OnceLock::new();
    SIGNED
        .get_or_init(|| InboundGroupSession::new(&stream().session_key).unwrap())
        .clone()
}

/// An export of the stream at `index`, through its base64 form.
fn export(index: u32) -> ExportedSessionKey {
    let exported = signed_session().export_at(index).unwrap();
    ExportedSessionKey::from_base64(&exported.to_base64()).unwrap()
}

/// An export at `index` with the same signing key but one byte of R_0 flipped. R_0 only ever
/// moves by H_0(R_0) (MEGOLM-RATCHET-2), so the flip never washes out: the forged ratchets form
/// their own family, connected to one another but never to the stream's (MEGOLM-IN-5).
fn forged_export(index: u32) -> ExportedSessionKey {
    let mut raw = base64::decode(&export(index).to_base64()).unwrap();
    raw[5 + 17] ^= 0x40;
    ExportedSessionKey::from_base64(&base64::encode(&raw)).unwrap()
}

/// The exports of a session at each probe, each taken on a fresh clone (an export may move
/// the latest cache, MEGOLM-KEY-2, and so change which later probes are reachable).
fn exports(session: &InboundGroupSession, probes: &[u32]) -> Vec<Option<String>> {
    probes
        .iter()
        .map(|&i| session.clone().export_at(i).ok().map(|e| e.to_base64()))
        .collect()
}

/// Which family a session belongs to: sessions are connected exactly within a family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Stream,
    Forged,
    Stranger,
}

#[derive(Clone, Debug)]
enum Spec {
    /// `new` from the session key at 0.
    Signed,
    /// `import` of the stream's export at this index.
    Imported(u32),
    /// `import` of a forged export at this index.
    Forged(u32),
    /// `new` from another session's key.
    Stranger,
}

impl Spec {
    fn family(&self) -> Family {
        match self {
            Spec::Signed | Spec::Imported(_) => Family::Stream,
            Spec::Forged(_) => Family::Forged,
            Spec::Stranger => Family::Stranger,
        }
    }

    fn build(&self) -> InboundGroupSession {
        match *self {
            Spec::Signed => signed_session(),
            Spec::Imported(i) => InboundGroupSession::import(&export(i)).unwrap(),
            Spec::Forged(i) => InboundGroupSession::import(&forged_export(i)).unwrap(),
            Spec::Stranger => InboundGroupSession::new(&stream().stranger_key).unwrap(),
        }
    }
}

fn index() -> impl Strategy<Value = u32> {
    0..STREAM_LEN
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        2 => Just(Spec::Signed),
        5 => index().prop_map(Spec::Imported),
        2 => index().prop_map(Spec::Forged),
        1 => Just(Spec::Stranger),
    ]
}

/// A session from `spec`, then a few (possibly failing) decrypts of stream messages to move
/// its latest cache, then possibly `advance_to` (MEGOLM-IN-6). Returns the session and its
/// family.
fn prepared(spec: &Spec, history: &[u32], advance: Option<u32>) -> (InboundGroupSession, Family) {
    let mut session = spec.build();
    for &i in history {
        let _ = session.decrypt(message(i));
    }
    if let Some(target) = advance {
        session.advance_to(target);
    }
    (session, spec.family())
}

fn mirror(ordering: SessionOrdering) -> SessionOrdering {
    match ordering {
        SessionOrdering::Better => SessionOrdering::Worse,
        SessionOrdering::Worse => SessionOrdering::Better,
        other => other,
    }
}

/// The stream indices a session decrypts, among `sample`.
fn decryptable(session: &InboundGroupSession, sample: &[u32]) -> Vec<u32> {
    let mut session = session.clone();
    sample
        .iter()
        .copied()
        .filter(|&i| session.decrypt(message(i)).is_ok())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    // MEGOLM-IN-2, MEGOLM-IN-3, MEGOLM-IN-4: any order, repeats allowed; each decrypt gives the
    // plaintext and index the sender used. Starting from an export at `start` adds the cases
    // where the initial ratchet is not at 0.
    #[test]
    fn any_order_with_repeats_decrypts(
        start in prop_oneof![Just(0u32), index()],
        picks in prop::collection::vec(index(), 1..20),
    ) {
        let mut session = if start == 0 {
            signed_session()
        } else {
            InboundGroupSession::import(&export(start)).unwrap()
        };
        prop_assert_eq!(session.first_known_index(), start);
        for i in picks {
            let result = session.decrypt(message(i));
            if i >= start {
                let decrypted = result.unwrap();
                prop_assert_eq!(decrypted.message_index, i);
                prop_assert_eq!(decrypted.plaintext, plaintext(i));
            } else {
                prop_assert_eq!(
                    result.err(),
                    Some(MegolmDecryptionError::UnknownMessageIndex {
                        index: i,
                        first_known_index: start
                    })
                );
            }
        }
    }

    // MEGOLM-KEY-2: an export at i (taken after some decrypts moved the exporter's cache)
    // imports as `Imported` with first known index i and decrypts exactly the messages at or
    // after i; earlier ones fail with `UnknownMessageIndex` (MEGOLM-IN-2), before and after
    // the later ones moved the importer's cache.
    #[test]
    fn an_export_decrypts_exactly_from_its_index(
        at in index(),
        exporter_history in prop::collection::vec(index(), 0..4),
        picks in prop::collection::vec(index(), 1..20),
    ) {
        let mut exporter = signed_session();
        for &i in &exporter_history {
            exporter.decrypt(message(i)).unwrap();
        }
        let exported = exporter.export_at(at).unwrap();
        let exported = ExportedSessionKey::from_base64(&exported.to_base64()).unwrap();
        let mut importer = InboundGroupSession::import(&exported).unwrap();
        prop_assert_eq!(importer.first_known_index(), at);
        prop_assert_eq!(importer.origin(), SessionOrigin::Imported);
        prop_assert_eq!(importer.session_id(), exporter.session_id());
        // Exported at its own first index, it gives back the same export.
        prop_assert_eq!(
            importer.export_at_first_known_index().to_base64(),
            exported.to_base64()
        );
        for i in picks {
            match importer.decrypt(message(i)) {
                Ok(decrypted) => {
                    prop_assert!(i >= at, "index {} decrypted by an export at {}", i, at);
                    prop_assert_eq!(decrypted.message_index, i);
                    prop_assert_eq!(decrypted.plaintext, plaintext(i));
                }
                Err(error) => {
                    prop_assert!(i < at, "index {} refused by an export at {}: {:?}", i, at, error);
                    prop_assert_eq!(
                        error,
                        MegolmDecryptionError::UnknownMessageIndex { index: i, first_known_index: at }
                    );
                }
            }
        }
    }

    // MEGOLM-IN-5: compare is antisymmetric (Better ↔ Worse, Equal ↔ Equal, Unconnected ↔
    // Unconnected) and orders connected sessions by first known index; sessions are connected
    // exactly within a family. merge is commutative on connected sessions (same first known
    // index, same exports either way), keeps the lower first known index and never loses a
    // message either session could decrypt; it is `None` both ways on unconnected ones.
    #[test]
    fn compare_and_merge_laws(
        a in spec(),
        b in spec(),
        a_history in prop::collection::vec(index(), 0..4),
        b_history in prop::collection::vec(index(), 0..4),
        a_advance in prop::option::weighted(0.3, index()),
        b_advance in prop::option::weighted(0.3, index()),
        sample in prop::collection::vec(index(), 1..8),
    ) {
        let (a, a_family) = prepared(&a, &a_history, a_advance);
        let (b, b_family) = prepared(&b, &b_history, b_advance);
        let (fa, fb) = (a.first_known_index(), b.first_known_index());

        let ab = a.compare(&b);
        let ba = b.compare(&a);
        prop_assert_eq!(ab, mirror(ba));
        prop_assert_eq!(a.connected(&b), b.connected(&a));
        prop_assert_eq!(a.compare(&a.clone()), SessionOrdering::Equal);

        let expected = if a_family != b_family {
            SessionOrdering::Unconnected
        } else {
            match fa.cmp(&fb) {
                std::cmp::Ordering::Less => SessionOrdering::Better,
                std::cmp::Ordering::Equal => SessionOrdering::Equal,
                std::cmp::Ordering::Greater => SessionOrdering::Worse,
            }
        };
        prop_assert_eq!(ab, expected);

        match (a.merge(&b), b.merge(&a)) {
            (None, None) => prop_assert_eq!(ab, SessionOrdering::Unconnected),
            (Some(m1), Some(m2)) => {
                prop_assert!(ab != SessionOrdering::Unconnected);
                prop_assert_eq!(m1.first_known_index(), fa.min(fb));
                prop_assert_eq!(m2.first_known_index(), fa.min(fb));
                prop_assert_eq!(m1.session_id(), a.session_id());
                let mut probes = sample.clone();
                probes.extend([fa, fb, STREAM_LEN + 1000]);
                prop_assert_eq!(exports(&m1, &probes), exports(&m2, &probes));
                prop_assert_eq!(
                    m1.export_at_first_known_index().to_base64(),
                    m2.export_at_first_known_index().to_base64()
                );
                // Never lowers what either could decrypt.
                let merged = decryptable(&m1, &sample);
                for i in decryptable(&a, &sample).into_iter().chain(decryptable(&b, &sample)) {
                    prop_assert!(merged.contains(&i), "merge lost index {}", i);
                }
                // Merging never upgrades an origin (MEGOLM-AUTH-1): the result is one of the two.
                prop_assert!(m1.origin() == a.origin() || m1.origin() == b.origin());
            }
            (m1, m2) => prop_assert!(
                false,
                "merge is not symmetric: {:?} vs {:?}",
                m1.is_some(),
                m2.is_some()
            ),
        }
    }
}

/// The ways a decrypt can fail.
#[derive(Clone, Debug)]
enum Bad {
    /// A stream message with `mask` xored into the byte at `position` (mod its length).
    Corrupted {
        index: u32,
        position: usize,
        mask: u8,
    },
    /// A message of another session.
    Stranger(usize),
    /// A genuine stream message, offered to a session whose ratchet is forged: the signature
    /// verifies but the MAC does not. This is the case where libolm would already have moved
    /// its latest cache (MEGOLM-IN-3, divergence).
    ToForged(u32),
    /// A genuine stream message before the session's first known index.
    TooEarly(u32),
}

fn bad() -> impl Strategy<Value = Bad> {
    prop_oneof![
        4 => (index(), any::<usize>(), 1..=255u8).prop_map(|(index, position, mask)| {
            Bad::Corrupted { index, position, mask }
        }),
        1 => (0..8usize).prop_map(Bad::Stranger),
        2 => index().prop_map(Bad::ToForged),
        1 => index().prop_map(Bad::TooEarly),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // MEGOLM-IN-3: decryption is transactional. After any failed decrypt the session exports
    // the same keys at every probe, and the same probes are (un)reachable. With h the latest
    // index decrypted, h + 2^31 − 1 is reachable and h + 2^31 is not; a latest cache that moved
    // forward would make h + 2^31 reachable, one that moved back would lose h + 2^31 − 1
    // (MEGOLM-IN-2). The session still decrypts the genuine message afterwards when its index
    // is known.
    #[test]
    fn a_failed_decrypt_changes_nothing(
        start in index(),
        history in prop::collection::vec(index(), 0..4),
        bads in prop::collection::vec(bad(), 1..3),
    ) {
        let mut genuine = InboundGroupSession::import(&export(start)).unwrap();
        let mut highest = start;
        for &i in history.iter().filter(|&&i| i >= start) {
            genuine.decrypt(message(i)).unwrap();
            highest = highest.max(i);
        }
        let forged = InboundGroupSession::import(&forged_export(start)).unwrap();
        for bad in bads {
            let (mut session, latest) = match bad {
                Bad::ToForged(_) => (forged.clone(), start),
                _ => (genuine.clone(), highest),
            };
            let (offered, genuine_index) = match bad {
                Bad::Corrupted { index, position, mask } => {
                    let mut bytes = message(index).as_bytes().to_vec();
                    let position = position % bytes.len();
                    bytes[position] ^= mask;
                    match MegolmMessage::from_bytes(bytes) {
                        Ok(m) => (m, Some(index)),
                        // Refused by the decoder (MEGOLM-MSG-2): nothing reaches the session.
                        Err(_) => continue,
                    }
                }
                Bad::Stranger(i) => (stream().stranger_messages[i].clone(), None),
                Bad::ToForged(i) => (message(i).clone(), None),
                Bad::TooEarly(i) => {
                    if start == 0 {
                        continue;
                    }
                    (message(i % start).clone(), None)
                }
            };
            let offered_index = offered.message_index();
            let probes = [
                start,
                latest,
                offered_index,
                STREAM_LEN - 1,
                latest.wrapping_add(WINDOW - 1),
                latest.wrapping_add(WINDOW),
            ];
            let before = exports(&session, &probes);
            prop_assert!(before[4].is_some() && before[5].is_none());
            let first_before = session.export_at_first_known_index().to_base64();
            let verified_before = session.libolm_is_verified();

            let result = session.decrypt(&offered);
            prop_assert!(result.is_err(), "{:?} was accepted", bad);
            let error = result.err();
            match bad {
                Bad::Stranger(_) => {
                    prop_assert_eq!(error, Some(MegolmDecryptionError::InvalidSignature));
                }
                // Validly signed: an index before the forged start is unknown, any other
                // fails its MAC.
                Bad::ToForged(_) if offered_index < start => prop_assert_eq!(
                    error,
                    Some(MegolmDecryptionError::UnknownMessageIndex {
                        index: offered_index,
                        first_known_index: start
                    })
                ),
                Bad::ToForged(_) => prop_assert_eq!(error, Some(MegolmDecryptionError::InvalidMac)),
                Bad::TooEarly(_) => prop_assert_eq!(
                    error,
                    Some(MegolmDecryptionError::UnknownMessageIndex {
                        index: offered_index,
                        first_known_index: start
                    })
                ),
                Bad::Corrupted { .. } => {}
            }

            prop_assert_eq!(exports(&session, &probes), before);
            prop_assert_eq!(session.export_at_first_known_index().to_base64(), first_before);
            prop_assert_eq!(session.first_known_index(), start);
            prop_assert_eq!(session.libolm_is_verified(), verified_before);
            if let Some(i) = genuine_index
                && i >= start
            {
                prop_assert_eq!(session.decrypt(message(i)).unwrap().plaintext, plaintext(i));
            }
        }
    }
}

// MEGOLM-IN-5, deterministic: the three families and the forged family's own connectedness.
#[test]
fn families_are_connected_exactly_within_themselves() {
    let stream_low = InboundGroupSession::import(&export(3)).unwrap();
    let stream_high = InboundGroupSession::import(&export(290)).unwrap();
    let forged_low = InboundGroupSession::import(&forged_export(3)).unwrap();
    let forged_high = InboundGroupSession::import(&forged_export(290)).unwrap();
    let stranger = Spec::Stranger.build();
    assert_eq!(stream_low.compare(&stream_high), SessionOrdering::Better);
    assert_eq!(forged_low.compare(&forged_high), SessionOrdering::Better);
    for (x, y) in [
        (&stream_low, &forged_low),
        (&stream_low, &forged_high),
        (&stream_high, &forged_low),
        (&stream_low, &stranger),
        (&forged_low, &stranger),
    ] {
        assert_eq!(x.compare(y), SessionOrdering::Unconnected);
        assert_eq!(y.compare(x), SessionOrdering::Unconnected);
    }
}
