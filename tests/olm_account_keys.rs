//! Bob's one-time and fallback keys as his homeserver sees them: what the key JSON lists, how
//! many keys he keeps, and what publishing marks (spec/olm.md §2).

mod common;

use common::TestRng;
use protee::limits::MAX_ONE_TIME_KEYS;
use protee::olm::{Account, OlmMessage};
use protee::{Curve25519PublicKey, KeyId, SessionCreationError};

const NO_KEYS: &str = r#"{"curve25519":{}}"#;

fn bob() -> Account {
    Account::new_with_rng(&mut TestRng::new(0xB0B))
}

fn ids(keys: &[(KeyId, Curve25519PublicKey)]) -> Vec<KeyId> {
    keys.iter().map(|(id, _)| *id).collect()
}

/// The key JSON written out by hand, in the order given.
fn json(keys: &[(KeyId, Curve25519PublicKey)]) -> String {
    let entries: Vec<String> = keys
        .iter()
        .map(|(id, key)| format!(r#""{}":"{}""#, id.to_base64(), key.to_base64()))
        .collect();
    format!(r#"{{"curve25519":{{{}}}}}"#, entries.join(","))
}

/// Bob's one-time key with this id, while it is still listed.
fn listed_key(bob: &Account, id: KeyId) -> Curve25519PublicKey {
    let keys = bob.one_time_keys();
    keys.iter()
        .find(|(listed, _)| *listed == id)
        .map(|(_, key)| *key)
        .expect("the key is listed")
}

// spec/olm.md OLM-OTK-3: only unpublished one-time keys, newest first, no whitespace, and
// `{"curve25519":{}}` when there are none; fallback keys never appear in it.
#[test]
fn the_key_json_lists_only_unpublished_one_time_keys_newest_first() {
    let mut rng = TestRng::new(1);
    let mut bob = bob();
    assert_eq!(bob.one_time_keys_json(), NO_KEYS);

    let first = bob.generate_one_time_keys(2, &mut rng);
    let listed = bob.one_time_keys();
    assert_eq!(ids(&listed), [first[1], first[0]]);
    assert_eq!(bob.one_time_keys_json(), json(&listed));
    assert!(
        bob.one_time_keys_json()
            .starts_with(r#"{"curve25519":{"AAAAAg":""#)
    );

    bob.mark_keys_as_published();
    assert_eq!(bob.one_time_keys_json(), NO_KEYS);

    let second = bob.generate_one_time_keys(1, &mut rng);
    bob.generate_fallback_key(&mut rng);
    let listed = bob.one_time_keys();
    assert_eq!(ids(&listed), second);
    assert_eq!(bob.one_time_keys_json(), json(&listed));
}

// spec/olm.md OLM-OTK-4: at most 100 one-time keys; the 101st pushes out the oldest.
#[test]
fn the_hundred_and_first_key_pushes_out_the_oldest() {
    assert_eq!(MAX_ONE_TIME_KEYS, 100);
    let mut rng = TestRng::new(2);
    let mut bob = bob();
    assert_eq!(bob.max_number_of_one_time_keys(), MAX_ONE_TIME_KEYS);
    let hundred = bob.generate_one_time_keys(100, &mut rng);
    let oldest = listed_key(&bob, hundred[0]);

    let newest = bob.generate_one_time_keys(1, &mut rng)[0];
    assert_eq!(bob.stored_one_time_key_count(), 100);
    let expected: Vec<KeyId> = std::iter::once(newest)
        .chain(hundred[1..].iter().rev().copied())
        .collect();
    assert_eq!(ids(&bob.one_time_keys()), expected);
    assert_eq!(bob.remove_one_time_key(&oldest), None);
}

// spec/olm.md OLM-OTK-4: the oldest key goes even when it is published, so a session Alice
// starts with it is refused; the next oldest still works.
#[test]
fn a_published_key_pushed_out_by_new_keys_can_no_longer_start_a_session() {
    let mut rng = TestRng::new(3);
    let mut bob = bob();
    let hundred = bob.generate_one_time_keys(100, &mut rng);
    let oldest = listed_key(&bob, hundred[0]);
    let second_oldest = listed_key(&bob, hundred[1]);
    assert_eq!(bob.mark_keys_as_published(), 100);

    let newest = bob.generate_one_time_keys(1, &mut rng);
    assert_eq!(bob.stored_one_time_key_count(), 100);
    assert_eq!(ids(&bob.one_time_keys()), newest);

    let alice = Account::new_with_rng(&mut TestRng::new(0xA11CE));
    let first_message = |one_time_key: &Curve25519PublicKey, rng: &mut TestRng| {
        let mut session = alice
            .create_outbound_session(&bob.curve25519_key(), one_time_key, rng)
            .unwrap();
        match session.encrypt(b"Hello, Bob", rng) {
            OlmMessage::PreKey(message) => message,
            OlmMessage::Normal(_) => panic!("a first message is a pre-key message"),
        }
    };
    let to_oldest = first_message(&oldest, &mut rng);
    let to_second_oldest = first_message(&second_oldest, &mut rng);
    assert_eq!(
        bob.create_inbound_session(None, &to_oldest).unwrap_err(),
        SessionCreationError::UnknownOneTimeKey
    );
    let created = bob.create_inbound_session(None, &to_second_oldest).unwrap();
    assert_eq!(created.plaintext, b"Hello, Bob");
    assert_eq!(bob.stored_one_time_key_count(), 99);
}

// spec/olm.md OLM-OTK-5: publishing marks every one-time key and the current fallback key.
// Published keys stay usable; only the JSON for the server changes. (The previous fallback
// key's flag, which publishing leaves alone, shows only in a pickle.)
#[test]
fn publishing_marks_the_one_time_keys_and_the_current_fallback_key() {
    let mut rng = TestRng::new(4);
    let mut bob = bob();
    bob.generate_one_time_keys(3, &mut rng);
    bob.generate_fallback_key(&mut rng);
    let current = bob.generate_fallback_key(&mut rng);
    assert_eq!(
        bob.unpublished_fallback_key().map(|(id, _)| id),
        Some(current)
    );

    assert_eq!(bob.mark_keys_as_published(), 3);
    assert_eq!(bob.one_time_keys_json(), NO_KEYS);
    assert_eq!(bob.unpublished_fallback_key(), None);
    assert_eq!(bob.unpublished_fallback_key_json(), NO_KEYS);
    assert_eq!(bob.stored_one_time_key_count(), 3);
    let (id, key) = bob
        .fallback_key()
        .expect("the current fallback key is kept");
    assert_eq!(id, current);
    assert_eq!(bob.fallback_key_json(), json(&[(id, key)]));

    assert_eq!(bob.mark_keys_as_published(), 0);
    let newer = bob.generate_one_time_keys(1, &mut rng);
    assert_eq!(ids(&bob.one_time_keys()), newer);
    assert_eq!(bob.mark_keys_as_published(), 1);
}
