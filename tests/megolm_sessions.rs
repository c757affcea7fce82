//! Megolm group sessions as a client uses them: sharing a room key, out-of-order and replayed
//! messages, late joiners, the index window, tampering, and merging duplicate sessions.

mod common;

use common::TestRng;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
    SessionOrdering, SessionOrigin,
};
use protee::{MegolmDecryptionError, MessageError, SessionKeyError};

fn room() -> (GroupSession, InboundGroupSession) {
    let outbound = GroupSession::new_with_rng(&mut TestRng::new(7));
    let key = SessionKey::from_base64(&outbound.session_key().to_base64()).unwrap();
    let inbound = InboundGroupSession::new(&key).unwrap();
    (outbound, inbound)
}

// spec/megolm.md MEGOLM-OUT-2, MEGOLM-IN-3, MEGOLM-IN-4.
#[test]
fn bob_reads_the_room_out_of_order_and_sees_replays() {
    let (mut alice, mut bob) = room();
    assert_eq!(alice.session_id(), bob.session_id());
    let messages: Vec<_> = (0..20)
        .map(|i| alice.encrypt(format!("m{i}").as_bytes()))
        .collect();
    for i in [5usize, 0, 19, 3, 3, 18, 1] {
        let d = bob.decrypt(&messages[i]).unwrap();
        assert_eq!(d.plaintext, format!("m{i}").as_bytes());
        assert_eq!(d.message_index, i as u32);
    }
}

// spec/megolm.md MEGOLM-KEY-2, MEGOLM-AUTH-1.
#[test]
fn a_late_joiner_with_a_forwarded_key_cannot_read_history() {
    let (mut alice, mut bob) = room();
    let old = alice.encrypt(b"before");
    let new = alice.encrypt(b"after");
    let export = bob.export_at(1).unwrap();
    let mut carol =
        InboundGroupSession::import(&ExportedSessionKey::from_base64(&export.to_base64()).unwrap())
            .unwrap();
    assert_eq!(carol.origin(), SessionOrigin::Imported);
    assert_eq!(bob.origin(), SessionOrigin::SignedSessionKey);
    assert_eq!(
        carol.decrypt(&old),
        Err(MegolmDecryptionError::UnknownMessageIndex {
            index: 0,
            first_known_index: 1
        })
    );
    assert_eq!(carol.decrypt(&new).unwrap().plaintext, b"after");
    assert_eq!(
        carol.export_at(0).err(),
        Some(MegolmDecryptionError::UnknownMessageIndex {
            index: 0,
            first_known_index: 1
        })
    );
}

// spec/megolm.md MEGOLM-IN-3: every corrupted byte is refused and changes nothing.
#[test]
fn every_corrupted_byte_is_refused_and_changes_nothing() {
    let (mut alice, mut bob) = room();
    let message = alice.encrypt(b"the quick brown fox");
    let bytes = message.as_bytes().to_vec();
    let fresh = bob.export_at_first_known_index().to_base64();
    for position in 0..bytes.len() {
        let mut corrupted = bytes.clone();
        corrupted[position] ^= 0x01;
        match MegolmMessage::from_bytes(corrupted) {
            Err(_) => {}
            Ok(m) => assert!(bob.decrypt(&m).is_err(), "byte {position} accepted"),
        }
        assert_eq!(bob.export_at_first_known_index().to_base64(), fresh);
    }
    assert_eq!(
        bob.decrypt(&message).unwrap().plaintext,
        b"the quick brown fox"
    );
}

// spec/megolm.md MEGOLM-IN-2: libolm's window, at the extremes of the u32 index space.
#[test]
fn the_index_window_follows_libolm() {
    let (_alice, mut bob) = room();
    assert!(bob.export_at((1 << 31) - 1).is_ok());
    // After an export at 2^31 - 1 the cached latest ratchet is there, so these now work.
    assert!(bob.export_at(1 << 31).is_ok());
    assert!(bob.export_at(u32::MAX).is_ok());
    let (_alice, mut fresh) = room();
    assert_eq!(
        fresh.export_at(1 << 31).err(),
        Some(MegolmDecryptionError::UnknownMessageIndex {
            index: 1 << 31,
            first_known_index: 0
        })
    );
    assert!(fresh.export_at(u32::MAX).is_err());
}

// spec/megolm.md MEGOLM-IN-5.
#[test]
fn duplicate_sessions_are_compared_and_merged() {
    let (mut alice, mut bob) = room();
    alice.encrypt(b"x");
    let later = InboundGroupSession::import(&bob.export_at(3).unwrap()).unwrap();
    assert_eq!(bob.compare(&later), SessionOrdering::Better);
    assert_eq!(later.compare(&bob), SessionOrdering::Worse);
    assert_eq!(bob.compare(&bob.clone()), SessionOrdering::Equal);
    let merged = later.merge(&bob).unwrap();
    assert_eq!(merged.first_known_index(), 0);
    assert_eq!(merged.origin(), SessionOrigin::SignedSessionKey);

    let (_other, stranger) = {
        let o = GroupSession::new_with_rng(&mut TestRng::new(8));
        let i = InboundGroupSession::new(&o.session_key()).unwrap();
        (o, i)
    };
    assert_eq!(bob.compare(&stranger), SessionOrdering::Unconnected);
    assert!(bob.merge(&stranger).is_none());

    // Same signing key but a ratchet that does not derive from ours: unconnected.
    let mut forged = bob.export_at(5).unwrap().to_base64().into_bytes();
    forged[20] = if forged[20] == b'A' { b'B' } else { b'A' };
    let forged = ExportedSessionKey::from_base64(std::str::from_utf8(&forged).unwrap()).unwrap();
    let forged = InboundGroupSession::import(&forged).unwrap();
    assert!(!bob.connected(&forged));
}

// spec/megolm.md MEGOLM-IN-6.
#[test]
fn advancing_forgets_earlier_messages() {
    let (mut alice, mut bob) = room();
    let first = alice.encrypt(b"first");
    let second = alice.encrypt(b"second");
    assert!(bob.advance_to(1));
    assert!(!bob.advance_to(1));
    assert!(!bob.advance_to(0));
    assert!(matches!(
        bob.decrypt(&first),
        Err(MegolmDecryptionError::UnknownMessageIndex { .. })
    ));
    assert_eq!(bob.decrypt(&second).unwrap().plaintext, b"second");
}

#[test]
fn hostile_session_keys_and_messages_are_typed_errors() {
    let (alice, _) = room();
    let key = alice.session_key().to_base64();
    assert_eq!(
        SessionKey::from_base64(&key[..305]).err(),
        Some(SessionKeyError::InvalidLength {
            expected: 306,
            got: 305
        })
    );
    assert_eq!(
        SessionKey::from_base64(&"!".repeat(306)).err(),
        Some(SessionKeyError::InvalidBase64)
    );
    // An exported key is not a session key: wrong length.
    assert!(matches!(
        SessionKey::from_base64(&"A".repeat(220)),
        Err(SessionKeyError::InvalidLength { .. })
    ));
    // Version byte 1 in a 229-byte key.
    let mut raw = protee::types::base64::decode(&key).unwrap();
    raw[0] = 1;
    assert_eq!(
        SessionKey::from_base64(&protee::types::base64::encode(&raw)).err(),
        Some(SessionKeyError::UnsupportedVersion {
            expected: 2,
            got: Some(1)
        })
    );
    // A flipped ratchet byte breaks the signature.
    let mut raw = protee::types::base64::decode(&key).unwrap();
    raw[40] ^= 1;
    let tampered = SessionKey::from_base64(&protee::types::base64::encode(&raw)).unwrap();
    assert_eq!(
        InboundGroupSession::new(&tampered).err(),
        Some(SessionKeyError::InvalidSignature)
    );
    // Messages.
    assert_eq!(
        MegolmMessage::from_base64("AwgA"),
        Err(MessageError::TooShort { min: 93, got: 3 })
    );
    assert_eq!(
        MegolmMessage::from_base64("*"),
        Err(MessageError::InvalidBase64)
    );
    assert_eq!(
        MegolmMessage::from_bytes(vec![4; 100]),
        Err(MessageError::UnsupportedVersion { got: 4 })
    );
    assert!(format!("{:?}", alice.session_key()).contains("redacted"));
}
