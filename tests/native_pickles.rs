//! protee's native pickles (spec/pickle.md §3): every object survives a round trip with its
//! behaviour intact, hostile pickles give typed errors and never a panic or an object, a native
//! pickle is at most 64 characters longer than libolm's, and the committed v1 fixtures in
//! `tests/pickles/v1/` keep loading.

mod common;

use common::TestRng;
use protee::megolm::{GroupSession, InboundGroupSession, SessionOrigin};
use protee::olm::{Account, OlmMessage, Session};
use protee::pk::{PkDecryption, PkEncryption};
use protee::types::base64;
use protee::{Curve25519PublicKey, PickleError};
use sha2::{Digest, Sha256};

const KEY: [u8; 32] = [0x5a; 32];
const OTHER_KEY: [u8; 32] = [0x5b; 32];

// ---------------------------------------------------------------------------------------------
// States to pickle
// ---------------------------------------------------------------------------------------------

/// An account with `count` one-time keys (the older half published) and both fallback keys.
fn account_with(count: usize, rng: &mut TestRng) -> Account {
    account_with_fallbacks(count, rng).0
}

/// [`account_with`], and the public half of its previous fallback key.
fn account_with_fallbacks(count: usize, rng: &mut TestRng) -> (Account, Curve25519PublicKey) {
    let mut account = Account::new_with_rng(rng);
    account.generate_one_time_keys(count / 2, rng);
    account.generate_fallback_key(rng);
    let previous = account.fallback_key().unwrap().1;
    account.mark_keys_as_published();
    account.generate_one_time_keys(count - count / 2, rng);
    account.generate_fallback_key(rng);
    (account, previous)
}

/// Alice's and Bob's sessions after `rounds` exchanges in which Bob replies once and Alice
/// then sends `burst` messages of which Bob receives only the last: each round gives Bob a new
/// receiver chain and `burst − 1` skipped message keys. Bob ends waiting to ratchet.
fn conversation(rounds: usize, burst: usize, rng: &mut TestRng) -> (Session, Session) {
    let alice = Account::new_with_rng(rng);
    let mut bob = Account::new_with_rng(rng);
    bob.generate_one_time_keys(1, rng);
    let otk = bob.one_time_keys()[0].1;
    let mut alice_session = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, rng)
        .unwrap();
    let OlmMessage::PreKey(first) = alice_session.encrypt(b"hello", rng) else {
        panic!("the first message is a pre-key message")
    };
    let mut bob_session = bob
        .create_inbound_session(Some(&alice.curve25519_key()), &first)
        .unwrap()
        .session;
    for round in 0..rounds {
        let reply = bob_session.encrypt(format!("reply {round}").as_bytes(), rng);
        alice_session.decrypt(&reply).unwrap();
        let mut last = None;
        for i in 0..burst {
            last = Some(alice_session.encrypt(format!("{round}.{i}").as_bytes(), rng));
        }
        bob_session.decrypt(&last.unwrap()).unwrap();
    }
    (alice_session, bob_session)
}

/// An outbound session at index 3 and an inbound session made from its key at index 0.
fn megolm_pair(rng: &mut TestRng) -> (GroupSession, InboundGroupSession) {
    let mut outbound = GroupSession::new_with_rng(rng);
    let inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
    for i in 0..3 {
        outbound.encrypt(format!("{i}").as_bytes());
    }
    (outbound, inbound)
}

fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

// spec/pickle.md PICKLE-NATIVE-ACCOUNT-1: every key, flag and counter comes back; the account
// signs, publishes and makes sessions as before.
#[test]
fn an_unpickled_account_is_the_same_account() {
    let mut rng = TestRng::new(1);
    let (account, previous) = account_with_fallbacks(50, &mut rng);
    let loaded = Account::from_pickle(&account.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();

    assert_eq!(loaded.identity_keys(), account.identity_keys());
    assert_eq!(loaded.sign(b"message"), account.sign(b"message"));
    assert_eq!(loaded.one_time_keys(), account.one_time_keys());
    assert_eq!(loaded.one_time_keys_json(), account.one_time_keys_json());
    assert_eq!(loaded.stored_one_time_key_count(), 50);
    assert_eq!(loaded.fallback_key(), account.fallback_key());
    assert_eq!(
        loaded.unpublished_fallback_key(),
        account.unpublished_fallback_key()
    );
    // libolm's pickle is deterministic: equal pickles, equal state (the seed aside).
    assert_eq!(
        loaded.to_libolm_pickle(b"k").unwrap(),
        account.to_libolm_pickle(b"k").unwrap()
    );
    // The key-id counter continues.
    let (mut a, mut b) = (account.clone(), loaded.clone());
    assert_eq!(
        a.generate_one_time_keys(1, &mut TestRng::new(9)),
        b.generate_one_time_keys(1, &mut TestRng::new(9))
    );
    // The previous fallback key is still there to forget.
    let mut forgetful = loaded.clone();
    assert!(forgetful.forget_old_fallback_key());

    // The loaded account answers a session made to one of its unpublished one-time keys...
    let alice = Account::new_with_rng(&mut rng);
    let otk = loaded.one_time_keys()[0].1;
    let mut outbound = alice
        .create_outbound_session(&loaded.curve25519_key(), &otk, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(first) = outbound.encrypt(b"to the loaded account", &mut rng) else {
        panic!("pre-key expected")
    };
    let mut bob = loaded.clone();
    let created = bob.create_inbound_session(None, &first).unwrap();
    assert_eq!(created.plaintext, b"to the loaded account");
    assert_eq!(bob.stored_one_time_key_count(), 49);
    // ... to its previous fallback key, and starts sessions of its own.
    let mut to_fallback = bob.clone();
    let mut outbound = alice
        .create_outbound_session(&loaded.curve25519_key(), &previous, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(first) = outbound.encrypt(b"fallback", &mut rng) else {
        panic!("pre-key expected")
    };
    assert_eq!(
        to_fallback
            .create_inbound_session(None, &first)
            .unwrap()
            .plaintext,
        b"fallback"
    );
    let mut alice_for_bob = Account::new_with_rng(&mut rng);
    alice_for_bob.generate_one_time_keys(1, &mut rng);
    let their_otk = alice_for_bob.one_time_keys()[0].1;
    let mut session = loaded
        .create_outbound_session(&alice_for_bob.curve25519_key(), &their_otk, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(first) = session.encrypt(b"from the loaded account", &mut rng) else {
        panic!("pre-key expected")
    };
    assert_eq!(
        alice_for_bob
            .create_inbound_session(Some(&loaded.curve25519_key()), &first)
            .unwrap()
            .plaintext,
        b"from the loaded account"
    );
}

// spec/pickle.md PICKLE-NATIVE-6: an account imported from libolm has no seed; its expanded
// key is kept and it signs as libolm did.
#[test]
fn an_account_from_libolm_keeps_its_expanded_key() {
    let mut rng = TestRng::new(2);
    let account = account_with(4, &mut rng);
    let imported =
        Account::from_libolm_pickle(&account.to_libolm_pickle(b"").unwrap(), b"").unwrap();
    let loaded = Account::from_pickle(&imported.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    assert_eq!(loaded.identity_keys(), account.identity_keys());
    assert_eq!(loaded.sign(b"m"), account.sign(b"m"));
    assert_eq!(
        loaded.to_libolm_pickle(b"").unwrap(),
        account.to_libolm_pickle(b"").unwrap()
    );
}

// spec/pickle.md PICKLE-NATIVE-SESSION-1: both sides, pickled mid-conversation with skipped
// keys and several chains, carry on as if nothing happened.
#[test]
fn unpickled_sessions_continue_the_conversation() {
    let mut rng = TestRng::new(3);
    let (mut alice, mut bob) = conversation(6, 11, &mut rng);
    // Messages Bob has not received yet, on Alice's current chain.
    let skipped: Vec<OlmMessage> = (0..3)
        .map(|i| alice.encrypt(format!("late {i}").as_bytes(), &mut rng))
        .collect();
    let newest = alice.encrypt(b"newest", &mut rng);
    assert_eq!(bob.decrypt(&newest).unwrap(), b"newest");

    for (name, session) in [("alice", &alice), ("bob", &bob)] {
        let loaded = Session::from_pickle(&session.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
        assert_eq!(loaded.session_id(), session.session_id(), "{name}");
        assert_eq!(loaded.session_keys(), session.session_keys(), "{name}");
        assert_eq!(
            loaded.has_received_message(),
            session.has_received_message()
        );
        assert_eq!(
            loaded.encrypt_random_length(),
            session.encrypt_random_length(),
            "{name}"
        );
        assert_eq!(
            loaded.to_libolm_pickle(b"").unwrap(),
            session.to_libolm_pickle(b"").unwrap(),
            "{name}"
        );
    }

    let mut alice = Session::from_pickle(&alice.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    let mut bob = Session::from_pickle(&bob.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    // Bob's skipped keys survived.
    for (i, message) in skipped.iter().enumerate().rev() {
        assert_eq!(
            bob.decrypt(message).unwrap(),
            format!("late {i}").as_bytes()
        );
    }
    // Both directions, with ratchet steps, after another round of pickling.
    for round in 0..3 {
        let reply = bob.encrypt(format!("bob {round}").as_bytes(), &mut rng);
        bob = Session::from_pickle(&bob.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
        assert_eq!(
            alice.decrypt(&reply).unwrap(),
            format!("bob {round}").as_bytes()
        );
        alice = Session::from_pickle(&alice.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
        let message = alice.encrypt(format!("alice {round}").as_bytes(), &mut rng);
        assert_eq!(
            bob.decrypt(&message).unwrap(),
            format!("alice {round}").as_bytes()
        );
    }
}

// spec/pickle.md PICKLE-NATIVE-SESSION-1: the two sessions of a fresh handshake (Alice with a
// sender chain and no receiver chain, Bob waiting to ratchet) load and talk.
#[test]
fn fresh_sessions_round_trip() {
    let mut rng = TestRng::new(4);
    let (alice, bob) = conversation(0, 0, &mut rng);
    let mut alice = Session::from_pickle(&alice.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    let mut bob = Session::from_pickle(&bob.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    assert!(!alice.has_received_message());
    assert_eq!(alice.encrypt_random_length(), 0);
    assert!(bob.has_received_message());
    assert_eq!(bob.encrypt_random_length(), 32);
    let reply = bob.encrypt(b"first reply", &mut rng);
    assert_eq!(alice.decrypt(&reply).unwrap(), b"first reply");
}

// spec/pickle.md PICKLE-NATIVE-GROUP-1, PICKLE-NATIVE-INBOUND-1: an outbound session goes on
// encrypting the very same bytes; inbound sessions keep their ratchets, origin and flag.
#[test]
fn unpickled_megolm_sessions_behave_identically() {
    let mut rng = TestRng::new(5);
    let (mut outbound, inbound) = megolm_pair(&mut rng);
    let mut loaded_out =
        GroupSession::from_pickle(&outbound.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    assert_eq!(loaded_out.session_id(), outbound.session_id());
    assert_eq!(loaded_out.message_index(), 3);
    assert_eq!(
        loaded_out.session_key().to_base64(),
        outbound.session_key().to_base64()
    );
    let message = outbound.encrypt(b"same bytes");
    assert_eq!(
        loaded_out.encrypt(b"same bytes").to_base64(),
        message.to_base64()
    );

    // A session key gives a signed origin; an export gives an imported one.
    let mut signed = inbound;
    signed.decrypt(&message).unwrap();
    let mut imported = InboundGroupSession::import(&signed.export_at_first_known_index()).unwrap();
    assert!(imported.advance_to(2));
    for session in [&signed, &imported] {
        let loaded =
            InboundGroupSession::from_pickle(&session.pickle_with_rng(&KEY, &mut rng), &KEY)
                .unwrap();
        assert_eq!(loaded.session_id(), session.session_id());
        assert_eq!(loaded.signing_key(), session.signing_key());
        assert_eq!(loaded.first_known_index(), session.first_known_index());
        assert_eq!(loaded.origin(), session.origin());
        assert_eq!(loaded.libolm_is_verified(), session.libolm_is_verified());
        assert_eq!(
            loaded.export_at_first_known_index().to_base64(),
            session.export_at_first_known_index().to_base64()
        );
        assert_eq!(
            loaded.to_libolm_pickle(b""),
            session.to_libolm_pickle(b""),
            "both ratchets and the flag"
        );
        let mut loaded = loaded;
        let decrypted = loaded.decrypt(&message).unwrap();
        assert_eq!(decrypted.plaintext, b"same bytes");
        assert_eq!(decrypted.message_index, 3);
    }
    assert_eq!(signed.origin(), SessionOrigin::SignedSessionKey);
    assert_eq!(imported.origin(), SessionOrigin::Imported);

    // An outbound session imported from libolm (expanded key, no seed) signs the same.
    let mut from_libolm =
        GroupSession::from_libolm_pickle(&outbound.to_libolm_pickle(b""), b"").unwrap();
    let mut loaded =
        GroupSession::from_pickle(&from_libolm.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    assert_eq!(
        loaded.encrypt(b"x").to_base64(),
        from_libolm.encrypt(b"x").to_base64()
    );
}

// spec/pickle.md PICKLE-NATIVE-PK-1, PICKLE-NATIVE-5: the key pair record gives back the same
// public key, and the secret half decrypts.
#[test]
fn an_unpickled_pk_key_decrypts() {
    let mut rng = TestRng::new(6);
    let backup = PkDecryption::new_with_rng(&mut rng);
    let loaded = PkDecryption::from_pickle(&backup.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
    assert_eq!(loaded.public_key(), backup.public_key());
    assert_eq!(*loaded.to_bytes(), *backup.to_bytes());
    let message = PkEncryption::from_key(backup.public_key())
        .unwrap()
        .encrypt(b"room key", &mut rng);
    assert_eq!(loaded.decrypt(&message).unwrap(), b"room key");
}

// spec/pickle.md PICKLE-NATIVE-2: the OS-RNG entry points give loadable pickles too.
#[cfg(feature = "os-rng")]
#[test]
fn os_rng_pickles_load() {
    let mut rng = TestRng::new(7);
    let account = account_with(2, &mut rng);
    let loaded = Account::from_pickle(&account.pickle(&KEY).unwrap(), &KEY).unwrap();
    assert_eq!(loaded.identity_keys(), account.identity_keys());
    let (alice, _) = conversation(0, 0, &mut rng);
    let loaded = Session::from_pickle(&alice.pickle(&KEY).unwrap(), &KEY).unwrap();
    assert_eq!(loaded.session_id(), alice.session_id());
    let (outbound, inbound) = megolm_pair(&mut rng);
    let loaded = GroupSession::from_pickle(&outbound.pickle(&KEY).unwrap(), &KEY).unwrap();
    assert_eq!(loaded.session_id(), outbound.session_id());
    let loaded = InboundGroupSession::from_pickle(&inbound.pickle(&KEY).unwrap(), &KEY).unwrap();
    assert_eq!(loaded.session_id(), inbound.session_id());
    let backup = PkDecryption::new_with_rng(&mut rng);
    let loaded = PkDecryption::from_pickle(&backup.pickle(&KEY).unwrap(), &KEY).unwrap();
    assert_eq!(loaded.public_key(), backup.public_key());
}

// spec/pickle.md PICKLE-NATIVE-2: a fresh nonce every time, so the same state never gives
// the same pickle; both load.
#[test]
fn two_pickles_of_the_same_object_differ_and_both_load() {
    let mut rng = TestRng::new(8);
    let account = account_with(2, &mut rng);
    let first = account.pickle_with_rng(&KEY, &mut rng);
    let second = account.pickle_with_rng(&KEY, &mut rng);
    assert_ne!(first, second);
    assert_eq!(first.len(), second.len());
    // Same header, different nonce, different ciphertext all along.
    assert_eq!(first[..2], second[..2]);
    let (a, b) = (raw(&first), raw(&second));
    assert_eq!(a[..2], b[..2]);
    assert_ne!(a[2..26], b[2..26]);
    assert!(
        a[26..].iter().zip(&b[26..]).filter(|(x, y)| x == y).count() < a.len() / 8,
        "the ciphertexts share no structure"
    );
    for pickle in [&first, &second] {
        assert_eq!(
            Account::from_pickle(pickle, &KEY).unwrap().identity_keys(),
            account.identity_keys()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile pickles
// ---------------------------------------------------------------------------------------------

fn raw(pickle: &str) -> Vec<u8> {
    base64::decode(pickle).unwrap()
}

fn encode(bytes: &[u8]) -> String {
    base64::encode(bytes)
}

/// One object of each type, its type byte, and a loader that reports only the error.
struct Subject {
    name: &'static str,
    type_byte: u8,
    pickle: String,
    load: fn(&str, &[u8; 32]) -> Result<(), PickleError>,
}

fn subjects() -> Vec<Subject> {
    let mut rng = TestRng::new(10);
    let account = account_with(2, &mut rng);
    let (alice, _) = conversation(1, 2, &mut rng);
    let (outbound, inbound) = megolm_pair(&mut rng);
    let backup = PkDecryption::new_with_rng(&mut rng);
    vec![
        Subject {
            name: "account",
            type_byte: 1,
            pickle: account.pickle_with_rng(&KEY, &mut rng),
            load: |p, k| Account::from_pickle(p, k).map(drop),
        },
        Subject {
            name: "session",
            type_byte: 2,
            pickle: alice.pickle_with_rng(&KEY, &mut rng),
            load: |p, k| Session::from_pickle(p, k).map(drop),
        },
        Subject {
            name: "group session",
            type_byte: 3,
            pickle: outbound.pickle_with_rng(&KEY, &mut rng),
            load: |p, k| GroupSession::from_pickle(p, k).map(drop),
        },
        Subject {
            name: "inbound group session",
            type_byte: 4,
            pickle: inbound.pickle_with_rng(&KEY, &mut rng),
            load: |p, k| InboundGroupSession::from_pickle(p, k).map(drop),
        },
        Subject {
            name: "pk decryption",
            type_byte: 5,
            pickle: backup.pickle_with_rng(&KEY, &mut rng),
            load: |p, k| PkDecryption::from_pickle(p, k).map(drop),
        },
    ]
}

// spec/pickle.md PICKLE-NATIVE-1, PICKLE-NATIVE-3, PICKLE-ERR-1: every bit of every pickle
// matters. A flip in the version or type byte is an unknown version; anywhere else the tag
// fails. Each refusal is a typed error and no object.
#[test]
fn a_flipped_bit_anywhere_is_refused() {
    for subject in subjects() {
        (subject.load)(&subject.pickle, &KEY).unwrap();
        let bytes = raw(&subject.pickle);
        for position in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[position] ^= 1 << bit;
                let expected = match position {
                    0 | 1 => PickleError::UnknownVersion {
                        found: u32::from(flipped[position]),
                    },
                    _ => PickleError::InvalidMac,
                };
                assert_eq!(
                    (subject.load)(&encode(&flipped), &KEY),
                    Err(expected),
                    "{}: byte {position}, bit {bit}",
                    subject.name
                );
            }
        }
    }
}

// spec/pickle.md PICKLE-NATIVE-3: every truncation and every extension is refused.
#[test]
fn truncated_or_extended_pickles_are_refused() {
    for subject in subjects() {
        let bytes = raw(&subject.pickle);
        for length in 0..bytes.len() {
            let expected = match length {
                0 | 1 => PickleError::InvalidLength,
                _ if length < 42 => PickleError::InvalidLength,
                _ => PickleError::InvalidMac,
            };
            assert_eq!(
                (subject.load)(&encode(&bytes[..length]), &KEY),
                Err(expected),
                "{}: {length} of {} bytes",
                subject.name,
                bytes.len()
            );
        }
        for extra in [0u8, 0xff] {
            let mut longer = bytes.clone();
            longer.push(extra);
            assert_eq!(
                (subject.load)(&encode(&longer), &KEY),
                Err(PickleError::InvalidMac),
                "{}: one byte longer",
                subject.name
            );
        }
        // Cut or extended as text: never a panic, always an error.
        for length in 0..subject.pickle.len() {
            assert!((subject.load)(&subject.pickle[..length], &KEY).is_err());
        }
        for suffix in ["A", "AA", "=", " ", "\n"] {
            let longer = format!("{}{suffix}", subject.pickle);
            assert!((subject.load)(&longer, &KEY).is_err(), "{suffix:?}");
        }
    }
}

// spec/pickle.md PICKLE-NATIVE-1, PICKLE-NATIVE-3: wrong key, wrong object type, unknown
// version, too long, not base64.
#[test]
fn wrong_key_type_version_and_length_are_refused() {
    let subjects = subjects();
    for subject in &subjects {
        assert_eq!(
            (subject.load)(&subject.pickle, &OTHER_KEY),
            Err(PickleError::InvalidMac),
            "{}",
            subject.name
        );
        for other in &subjects {
            if other.type_byte != subject.type_byte {
                assert_eq!(
                    (other.load)(&subject.pickle, &KEY),
                    Err(PickleError::UnknownVersion {
                        found: u32::from(subject.type_byte)
                    }),
                    "{} loaded as {}",
                    subject.name,
                    other.name
                );
            }
        }
        let mut newer = raw(&subject.pickle);
        newer[0] = 2;
        assert_eq!(
            (subject.load)(&encode(&newer), &KEY),
            Err(PickleError::UnknownVersion { found: 2 })
        );
        newer[0] = 0;
        assert_eq!(
            (subject.load)(&encode(&newer), &KEY),
            Err(PickleError::UnknownVersion { found: 0 })
        );
        let too_long = "A".repeat(protee::limits::MAX_PICKLE_LENGTH + 1);
        assert_eq!(
            (subject.load)(&too_long, &KEY),
            Err(PickleError::TooLong {
                got: protee::limits::MAX_PICKLE_LENGTH + 1
            })
        );
        let padded = format!("{}==", &subject.pickle[..subject.pickle.len() / 4 * 4]);
        assert_eq!(
            (subject.load)(&padded, &KEY),
            Err(PickleError::InvalidBase64)
        );
        assert_eq!(
            (subject.load)("not base64!", &KEY),
            Err(PickleError::InvalidBase64)
        );
    }
}

// A libolm pickle is not a native pickle, and the reverse.
#[test]
fn formats_are_not_confused() {
    let mut rng = TestRng::new(11);
    let account = account_with(2, &mut rng);
    let libolm = account.to_libolm_pickle(&KEY).unwrap();
    assert!(Account::from_pickle(&libolm, &KEY).is_err());
    let native = account.pickle_with_rng(&KEY, &mut rng);
    assert!(Account::from_libolm_pickle(&native, &KEY).is_err());
}

// ---------------------------------------------------------------------------------------------
// Size (spec/pickle.md PICKLE-NATIVE-SIZE-1)
// ---------------------------------------------------------------------------------------------

/// The bound itself: at most 64 characters more than libolm's pickle of the same state.
fn check_size(name: &str, native: &str, libolm: &str) {
    let (n, l) = (native.len(), libolm.len());
    eprintln!(
        "{name:<44} native {n:>5}  libolm {l:>5}  difference {:>4}",
        n as i64 - l as i64
    );
    assert!(n <= l + 64, "{name}: native {n} > libolm {l} + 64");
}

#[test]
fn a_native_pickle_is_at_most_64_characters_longer_than_libolms() {
    let mut rng = TestRng::new(12);
    for count in [0, 1, 50, 100] {
        let account = account_with(count, &mut rng);
        check_size(
            &format!("account, {count} one-time keys, 2 fallback keys"),
            &account.pickle_with_rng(&KEY, &mut rng),
            &account.to_libolm_pickle(&KEY).unwrap(),
        );
        let imported =
            Account::from_libolm_pickle(&account.to_libolm_pickle(b"").unwrap(), b"").unwrap();
        check_size(
            &format!("account from libolm, {count} one-time keys"),
            &imported.pickle_with_rng(&KEY, &mut rng),
            &imported.to_libolm_pickle(&KEY).unwrap(),
        );
    }
    let mut fresh = Account::new_with_rng(&mut rng);
    check_size(
        "account, no keys",
        &fresh.pickle_with_rng(&KEY, &mut rng),
        &fresh.to_libolm_pickle(&KEY).unwrap(),
    );
    fresh.generate_one_time_keys(100, &mut rng);
    check_size(
        "account, 100 one-time keys, no fallback key",
        &fresh.pickle_with_rng(&KEY, &mut rng),
        &fresh.to_libolm_pickle(&KEY).unwrap(),
    );

    let (alice, bob) = conversation(0, 0, &mut rng);
    for (name, session) in [
        ("session, fresh outbound", &alice),
        ("session, fresh inbound", &bob),
    ] {
        check_size(
            name,
            &session.pickle_with_rng(&KEY, &mut rng),
            &session.to_libolm_pickle(&KEY).unwrap(),
        );
    }
    let (alice, mut bob) = conversation(6, 11, &mut rng);
    let shown = format!("{bob:?}");
    assert!(
        shown.contains("receiver_chains: 5") && shown.contains("skipped_message_keys: 40"),
        "{shown}"
    );
    check_size(
        "session, 5 receiver chains, 40 skipped keys",
        &bob.pickle_with_rng(&KEY, &mut rng),
        &bob.to_libolm_pickle(&KEY).unwrap(),
    );
    bob.encrypt(b"now with a sender chain", &mut rng);
    check_size(
        "session, sender chain, 5 + 40",
        &bob.pickle_with_rng(&KEY, &mut rng),
        &bob.to_libolm_pickle(&KEY).unwrap(),
    );
    check_size(
        "session, sender chain, 5 receiver chains",
        &alice.pickle_with_rng(&KEY, &mut rng),
        &alice.to_libolm_pickle(&KEY).unwrap(),
    );

    let (outbound, inbound) = megolm_pair(&mut rng);
    check_size(
        "group session",
        &outbound.pickle_with_rng(&KEY, &mut rng),
        &outbound.to_libolm_pickle(&KEY),
    );
    let from_libolm =
        GroupSession::from_libolm_pickle(&outbound.to_libolm_pickle(b""), b"").unwrap();
    check_size(
        "group session from libolm",
        &from_libolm.pickle_with_rng(&KEY, &mut rng),
        &from_libolm.to_libolm_pickle(&KEY),
    );
    check_size(
        "inbound group session",
        &inbound.pickle_with_rng(&KEY, &mut rng),
        &inbound.to_libolm_pickle(&KEY),
    );
    let backup = PkDecryption::new_with_rng(&mut rng);
    check_size(
        "pk decryption",
        &backup.pickle_with_rng(&KEY, &mut rng),
        &backup.to_libolm_pickle(&KEY),
    );
}

// ---------------------------------------------------------------------------------------------
// Format stability (spec/pickle.md PICKLE-NATIVE-STABLE-1): the v1 fixtures
// ---------------------------------------------------------------------------------------------

/// The key of every fixture pickle.
const FIXTURE_KEY: [u8; 32] = *b"protee native pickle fixture v1!";

/// The fixture files and their contents, from fixed states and fixed nonces: the same on every
/// run of every protee that writes format v1.
fn fixture_pickles() -> Vec<(&'static str, String)> {
    let mut rng = TestRng::new(0xF1);
    // Account: one-time keys 1–5 and fallback key 6 published, then one-time keys 7 and 8 and
    // fallback key 9, unpublished.
    let mut account = Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(5, &mut rng);
    account.generate_fallback_key(&mut rng);
    account.mark_keys_as_published();
    account.generate_one_time_keys(2, &mut rng);
    account.generate_fallback_key(&mut rng);
    let account_libolm =
        Account::from_libolm_pickle(&account.to_libolm_pickle(b"").unwrap(), b"").unwrap();

    // Olm: a handshake, a reply, then Alice sends three messages of which Bob receives the
    // third only. Alice has a sender chain; Bob has two receiver chains, two skipped keys and
    // waits to ratchet.
    let (alice, bob) = conversation(1, 3, &mut rng);

    // Megolm: an outbound session at index 3; inbound sessions from its session key at index 0
    // (signed, after decrypting message 1) and from an export advanced to index 2.
    let mut outbound = GroupSession::new_with_rng(&mut rng);
    let mut signed = InboundGroupSession::new(&outbound.session_key()).unwrap();
    let mut messages = Vec::new();
    for i in 0..3 {
        messages.push(outbound.encrypt(format!("message {i}").as_bytes()));
    }
    signed.decrypt(&messages[1]).unwrap();
    let mut imported = InboundGroupSession::import(&signed.export_at_first_known_index()).unwrap();
    assert!(imported.advance_to(2));

    let backup = PkDecryption::new_with_rng(&mut rng);

    let mut nonces = TestRng::new(0xF2);
    let key = &FIXTURE_KEY;
    vec![
        ("account.txt", account.pickle_with_rng(key, &mut nonces)),
        (
            "account_libolm.txt",
            account_libolm.pickle_with_rng(key, &mut nonces),
        ),
        ("session_alice.txt", alice.pickle_with_rng(key, &mut nonces)),
        ("session_bob.txt", bob.pickle_with_rng(key, &mut nonces)),
        (
            "group_session.txt",
            outbound.pickle_with_rng(key, &mut nonces),
        ),
        (
            "inbound_group_session.txt",
            signed.pickle_with_rng(key, &mut nonces),
        ),
        (
            "inbound_group_session_imported.txt",
            imported.pickle_with_rng(key, &mut nonces),
        ),
        (
            "pk_decryption.txt",
            backup.pickle_with_rng(key, &mut nonces),
        ),
    ]
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pickles/v1")
}

/// Writes the fixtures. Run only to create a new format version's fixtures, never to "fix"
/// v1's: `cargo test --test native_pickles -- --ignored write_v1_fixtures`.
#[test]
#[ignore = "writes tests/pickles/v1/"]
fn write_v1_fixtures() {
    let dir = fixture_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, pickle) in fixture_pickles() {
        std::fs::write(dir.join(name), format!("{pickle}\n")).unwrap();
    }
}

fn fixture(name: &str) -> String {
    let path = fixture_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.trim_end().to_owned()
}

/// SHA-256 (hex) of the loaded object's libolm pickle under the empty key: libolm's format is
/// deterministic and holds every secret (all but the Ed25519 seed and the Megolm origin,
/// checked separately), so an equal digest means an equal state, bit for bit.
const ACCOUNT_STATE: &str = "823a104298d20b4d61bfd179563894e2756efd7e0700f47249725d2c658fd94d";
const ALICE_STATE: &str = "dab644cf96315d16f933222ac010a48125dd0c419cb7bbae326337a27622414a";
const BOB_STATE: &str = "7c961852cf9266c1111fbf8c39e938ffe77841cea24afb217692e12a07ae1bf4";
const GROUP_STATE: &str = "823f1df6c4678900e89b22d88cfc051187aa12fff345923008146732528decb1";
const INBOUND_STATE: &str = "5e9e9a08cdf21ce5214f0a2e1b6247bc5313d76cbde407687244b779a6c8e932";
const IMPORTED_STATE: &str = "9b57d9c421f803cab9810d4bd2f76e3eb7051a9624cb874f98b42d2fa21cbcb5";
const PK_STATE: &str = "2bb2412bbc92a453cf45698bba1a07ac0d11a654326504ad34aec2ef985d3222";

// spec/pickle.md PICKLE-NATIVE-STABLE-1: the v1 accounts, with a seed (account.txt) and with
// libolm's expanded key (account_libolm.txt), load to the state they were written from.
#[test]
fn v1_account_fixtures_load() {
    for name in ["account.txt", "account_libolm.txt"] {
        let mut account = Account::from_pickle(&fixture(name), &FIXTURE_KEY).unwrap();
        assert_eq!(
            account.curve25519_key().to_base64(),
            "6xZoJa1YpJce6aIV2w43XAGkd0cmcK43LFulLJnSMHs",
            "{name}"
        );
        assert_eq!(
            account.ed25519_key().to_base64(),
            "lkM8S6OzYzi/aCPwkBf1xFmVx56sI+rTzkLbP/X3YgY",
            "{name}"
        );
        let unpublished: Vec<(u32, String)> = account
            .one_time_keys()
            .iter()
            .map(|(id, key)| (id.value(), key.to_base64()))
            .collect();
        assert_eq!(
            unpublished,
            [
                (8, "1gHr1E8UriS07994gBC54OEYEqjsXMNI20c+V7XMnHc".to_owned()),
                (7, "sqDjXHlA0d1xU/bx1z8nFt3wfWjUWFijDyio5X10lXc".to_owned()),
            ],
            "{name}"
        );
        assert_eq!(account.stored_one_time_key_count(), 7, "{name}");
        let (id, key) = account.unpublished_fallback_key().unwrap();
        assert_eq!(
            (id.value(), key.to_base64().as_str()),
            (9, "/iwsQvOVf7dberJsgADTMHi3MjUNKlPtCLS1Pu/Rv0M"),
            "{name}"
        );
        assert_eq!(
            account.sign(b"protee fixture").to_base64(),
            "G6rCdJDhT6cS4zckn88Tw/Az0iE0Vl6EB8xmulJSwmYLx1nw8huwuaXLyPL0CowoGey88ayZjzwOrJrq79iPBw",
            "{name}"
        );
        assert_eq!(
            digest(&account.to_libolm_pickle(b"").unwrap()),
            ACCOUNT_STATE,
            "{name}"
        );
        let next = account.generate_one_time_keys(1, &mut TestRng::new(1));
        assert_eq!(next[0].value(), 10, "{name}: the key-id counter");
        assert!(account.forget_old_fallback_key(), "{name}: fallback key 6");
    }
}

// spec/pickle.md PICKLE-NATIVE-STABLE-1: the v1 Olm sessions load and talk to each other.
#[test]
fn v1_session_fixtures_load() {
    let mut alice = Session::from_pickle(&fixture("session_alice.txt"), &FIXTURE_KEY).unwrap();
    let mut bob = Session::from_pickle(&fixture("session_bob.txt"), &FIXTURE_KEY).unwrap();
    for (session, state) in [(&alice, ALICE_STATE), (&bob, BOB_STATE)] {
        assert_eq!(
            session.session_id(),
            "/Q7+s7pKtJr/R/KOkhx1Ew4K0QVAGM62CeHdu8EruWY"
        );
        assert!(session.has_received_message());
        assert_eq!(digest(&session.to_libolm_pickle(b"").unwrap()), state);
    }
    assert_eq!(alice.encrypt_random_length(), 0, "Alice has a sender chain");
    assert_eq!(bob.encrypt_random_length(), 32, "Bob waits to ratchet");
    let mut rng = TestRng::new(0xF3);
    let message = alice.encrypt(b"to bob", &mut rng);
    assert_eq!(bob.decrypt(&message).unwrap(), b"to bob");
    let reply = bob.encrypt(b"to alice", &mut rng);
    assert_eq!(alice.decrypt(&reply).unwrap(), b"to alice");
}

// spec/pickle.md PICKLE-NATIVE-STABLE-1: the v1 Megolm sessions load; both inbound sessions
// decrypt the outbound session's next message.
#[test]
fn v1_megolm_fixtures_load() {
    const SESSION_ID: &str = "SyF9XYrlHNT5vjhlGTnsJuq8BUmZLQR89J38ib9+Joo";
    let mut outbound =
        GroupSession::from_pickle(&fixture("group_session.txt"), &FIXTURE_KEY).unwrap();
    assert_eq!(outbound.session_id(), SESSION_ID);
    assert_eq!(outbound.message_index(), 3);
    assert_eq!(digest(&outbound.to_libolm_pickle(b"")), GROUP_STATE);
    let message = outbound.encrypt(b"fixture");
    for (name, first_known_index, origin, verified, state) in [
        (
            "inbound_group_session.txt",
            0,
            SessionOrigin::SignedSessionKey,
            true,
            INBOUND_STATE,
        ),
        (
            "inbound_group_session_imported.txt",
            2,
            SessionOrigin::Imported,
            false,
            IMPORTED_STATE,
        ),
    ] {
        let mut inbound = InboundGroupSession::from_pickle(&fixture(name), &FIXTURE_KEY).unwrap();
        assert_eq!(inbound.session_id(), SESSION_ID, "{name}");
        assert_eq!(inbound.first_known_index(), first_known_index, "{name}");
        assert_eq!(inbound.origin(), origin, "{name}");
        assert_eq!(inbound.libolm_is_verified(), verified, "{name}");
        assert_eq!(digest(&inbound.to_libolm_pickle(b"")), state, "{name}");
        let decrypted = inbound.decrypt(&message).unwrap();
        assert_eq!(decrypted.plaintext, b"fixture", "{name}");
        assert_eq!(decrypted.message_index, 3, "{name}");
    }
}

// spec/pickle.md PICKLE-NATIVE-STABLE-1: the v1 PK key loads and decrypts.
#[test]
fn v1_pk_fixture_loads() {
    let backup = PkDecryption::from_pickle(&fixture("pk_decryption.txt"), &FIXTURE_KEY).unwrap();
    let public_key = backup.public_key();
    assert_eq!(
        public_key.to_base64(),
        "3B5UFH9bRXgTGG/xLz8EYykNXczZQLcpD7mzThiKLwQ"
    );
    assert_eq!(digest(&backup.to_libolm_pickle(b"")), PK_STATE);
    let message = PkEncryption::from_key(public_key)
        .unwrap()
        .encrypt(b"fixture", &mut TestRng::new(0xF4));
    assert_eq!(backup.decrypt(&message).unwrap(), b"fixture");
}

// The committed fixtures are exactly what `write_v1_fixtures` writes: the generator above
// documents them, and protee still writes format v1 byte for byte.
#[test]
fn v1_fixtures_are_what_the_generator_writes() {
    for (name, pickle) in fixture_pickles() {
        assert_eq!(fixture(name), pickle, "{name}");
    }
}
