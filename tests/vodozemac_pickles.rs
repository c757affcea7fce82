//! vodozemac 0.11's encrypted pickles imported into protee (spec/pickle.md PICKLE-VODOZEMAC-1 …
//! PICKLE-VODOZEMAC-6). Every object is made and driven by vodozemac with real traffic, pickled
//! by vodozemac, loaded by protee, and then shown to be the same object: equal keys and ids,
//! byte-identical output where the protocol is deterministic, and a conversation that
//! continues with the vodozemac peer in both directions.
#![cfg(feature = "vodozemac-migration")]

mod common;

use common::TestRng;
use protee::PickleError;
use serde_json::{Value, json};
use vodozemac::megolm::SessionConfig as MegolmConfig;
use vodozemac::olm::SessionConfig;

const KEY: [u8; 32] = [0x5a; 32];

// ---------------------------------------------------------------------------------------------
// Conversions between the two libraries, through what travels between clients.

fn to_protee_key(key: vodozemac::Curve25519PublicKey) -> protee::Curve25519PublicKey {
    protee::Curve25519PublicKey::from_base64(&key.to_base64()).unwrap()
}

fn to_protee_message(message: &vodozemac::olm::OlmMessage) -> protee::olm::OlmMessage {
    let (message_type, bytes) = message.to_parts();
    protee::olm::OlmMessage::from_type_and_bytes(message_type, bytes).unwrap()
}

fn to_vodozemac_message(message: &protee::olm::OlmMessage) -> vodozemac::olm::OlmMessage {
    vodozemac::olm::OlmMessage::from_parts(message.to_parts().0, message.as_bytes()).unwrap()
}

fn to_protee_megolm(message: &vodozemac::megolm::MegolmMessage) -> protee::megolm::MegolmMessage {
    protee::megolm::MegolmMessage::from_base64(&message.to_base64()).unwrap()
}

fn to_vodozemac_megolm(
    message: &protee::megolm::MegolmMessage,
) -> vodozemac::megolm::MegolmMessage {
    vodozemac::megolm::MegolmMessage::from_base64(&message.to_base64()).unwrap()
}

/// vodozemac's u64 key id, read back from its base64 form (8 bytes, big-endian).
fn key_id(id: vodozemac::KeyId) -> u64 {
    let bytes = protee::types::base64::decode(&id.to_base64()).unwrap();
    u64::from_be_bytes(bytes.try_into().unwrap())
}

/// `(id, key)` pairs of a vodozemac key map, sorted by id.
fn vodozemac_keys(
    keys: std::collections::HashMap<vodozemac::KeyId, vodozemac::Curve25519PublicKey>,
) -> Vec<(u64, String)> {
    let mut keys: Vec<_> = keys
        .into_iter()
        .map(|(id, key)| (key_id(id), key.to_base64()))
        .collect();
    keys.sort();
    keys
}

fn protee_keys(
    keys: impl IntoIterator<Item = (protee::KeyId, protee::Curve25519PublicKey)>,
) -> Vec<(u64, String)> {
    let mut keys: Vec<_> = keys
        .into_iter()
        .map(|(id, key)| (u64::from(id.value()), key.to_base64()))
        .collect();
    keys.sort();
    keys
}

/// libolm's (and vodozemac's) pickle envelope written independently, with vodozemac's
/// one-byte salt: used to seal hand-made JSON bodies.
fn seal_like_vodozemac(json: &[u8], key: &[u8; 32]) -> String {
    use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
    use hmac::{KeyInit, Mac};
    let mut okm = [0u8; 80];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&[0]), key)
        .expand(b"Pickle", &mut okm)
        .unwrap();
    let (aes_key, rest) = okm.split_at(32);
    let (mac_key, iv) = rest.split_at(32);
    let mut out = vec![0u8; (json.len() / 16 + 1) * 16];
    cbc::Encryptor::<aes::Aes256>::new_from_slices(aes_key, iv)
        .unwrap()
        .encrypt_padded_b2b::<Pkcs7>(json, &mut out)
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(mac_key).unwrap();
    mac.update(&out);
    out.extend_from_slice(&mac.finalize().into_bytes()[..8]);
    protee::types::base64::encode(&out)
}

fn json_of<T: serde::Serialize>(pickle: &T) -> Value {
    serde_json::to_value(pickle).unwrap()
}

fn seal_value(value: &Value) -> String {
    seal_like_vodozemac(value.to_string().as_bytes(), &KEY)
}

// ---------------------------------------------------------------------------------------------
// Accounts

/// Bob (vodozemac) starts a session with `their_key` of `account` (protee), which must accept
/// it; the two then exchange a message each way.
fn bob_talks_to(
    account: &mut protee::olm::Account,
    their_key: protee::Curve25519PublicKey,
    rng: &mut TestRng,
) {
    let bob = vodozemac::olm::Account::new();
    let their_key = vodozemac::Curve25519PublicKey::from_base64(&their_key.to_base64()).unwrap();
    let identity =
        vodozemac::Curve25519PublicKey::from_base64(&account.curve25519_key().to_base64()).unwrap();
    let mut bob_session = bob
        .create_outbound_session(SessionConfig::version_1(), identity, their_key)
        .unwrap();
    let first = to_protee_message(&bob_session.encrypt("hello").unwrap());
    let protee::olm::OlmMessage::PreKey(pre_key) = &first else {
        panic!("a pre-key message")
    };
    let created = account
        .create_inbound_session(Some(&to_protee_key(bob.curve25519_key())), pre_key)
        .unwrap();
    assert_eq!(created.plaintext, b"hello");
    let mut session = created.session;
    let reply = session.encrypt(b"hi bob", rng);
    assert_eq!(
        bob_session.decrypt(&to_vodozemac_message(&reply)).unwrap(),
        b"hi bob"
    );
    let again = bob_session.encrypt("again").unwrap();
    assert_eq!(
        session.decrypt(&to_protee_message(&again)).unwrap(),
        b"again"
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-3: identity keys, one-time and fallback keys with their ids
// and published flags, and the key counter.
#[test]
fn an_account_moves_from_vodozemac_to_protee_with_every_key() {
    let mut rng = TestRng::new(1);
    let mut alice = vodozemac::olm::Account::new();
    alice.generate_one_time_keys(3);
    let published = vodozemac_keys(alice.one_time_keys());
    alice.generate_fallback_key();
    let old_fallback = vodozemac_keys(alice.fallback_key());
    alice.mark_keys_as_published();
    alice.generate_one_time_keys(2);
    alice.generate_fallback_key();
    let unpublished = vodozemac_keys(alice.one_time_keys());
    let new_fallback = vodozemac_keys(alice.fallback_key());

    let pickle = alice.pickle().encrypt(&KEY);
    let mut imported = protee::olm::Account::from_vodozemac_pickle(&pickle, &KEY).unwrap();

    let keys = imported.identity_keys();
    assert_eq!(
        keys.curve25519.to_base64(),
        alice.curve25519_key().to_base64()
    );
    assert_eq!(keys.ed25519.to_base64(), alice.ed25519_key().to_base64());
    // Ed25519 signatures are deterministic: equal signatures, equal secret key.
    assert_eq!(
        imported.sign(b"device keys").to_base64(),
        alice.sign("device keys").to_base64()
    );
    assert_eq!(
        imported.stored_one_time_key_count(),
        alice.stored_one_time_key_count()
    );
    assert_eq!(protee_keys(imported.one_time_keys()), unpublished);
    assert_eq!(
        protee_keys(imported.unpublished_fallback_key()),
        new_fallback
    );
    assert_eq!(protee_keys(imported.fallback_key()), new_fallback);

    // The next one-time key gets the same id in both libraries.
    let created = alice.generate_one_time_keys(1).created[0];
    let vodozemac_id = vodozemac_keys(alice.one_time_keys())
        .into_iter()
        .find(|(_, key)| *key == created.to_base64())
        .unwrap()
        .0;
    let protee_id = imported.generate_one_time_keys(1, &mut rng)[0];
    assert_eq!(u64::from(protee_id.value()), vodozemac_id);

    // Every key of the old account opens a session with protee: published and unpublished
    // one-time keys, the current and the previous fallback key.
    for (_, key) in published
        .iter()
        .chain(&unpublished)
        .chain(&old_fallback)
        .chain(&new_fallback)
    {
        let key = protee::Curve25519PublicKey::from_base64(key).unwrap();
        bob_talks_to(&mut imported, key, &mut rng);
    }
    // One-time keys are used up; fallback keys stay.
    assert_eq!(imported.stored_one_time_key_count(), 1);
}

// spec/pickle.md PICKLE-VODOZEMAC-2, PICKLE-VODOZEMAC-3: an `Expanded` signing key, and libolm's
// counter through vodozemac.
#[test]
fn an_account_vodozemac_loaded_from_libolm_keeps_its_expanded_key() {
    let mut rng = TestRng::new(2);
    let mut original = protee::olm::Account::new_with_rng(&mut rng);
    original.generate_one_time_keys(3, &mut rng);
    let libolm = original.to_libolm_pickle(&KEY).unwrap();
    let vodozemac = vodozemac::olm::Account::from_libolm_pickle(&libolm, &KEY).unwrap();
    let pickle = vodozemac.pickle();
    assert!(json_of(&pickle)["signing_key"]["Expanded"].is_array());

    let mut imported =
        protee::olm::Account::from_vodozemac_pickle(&pickle.encrypt(&KEY), &KEY).unwrap();
    assert_eq!(imported.identity_keys(), original.identity_keys());
    assert_eq!(
        imported.sign(b"m").to_base64(),
        original.sign(b"m").to_base64()
    );
    assert_eq!(imported.one_time_keys(), original.one_time_keys());
    // libolm → vodozemac → protee keeps libolm's counter (vodozemac stores last + 1).
    assert_eq!(
        imported.generate_one_time_keys(1, &mut rng),
        original.generate_one_time_keys(1, &mut rng)
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-3: above protee's 100 one-time keys the newest are kept, as
// protee itself drops the oldest.
#[test]
fn an_account_with_more_one_time_keys_than_protee_keeps_the_newest() {
    let mut rng = TestRng::new(3);
    let mut alice = vodozemac::olm::Account::new();
    alice.generate_one_time_keys(120);
    let all_published = vodozemac_keys(alice.one_time_keys());
    alice.mark_keys_as_published();
    alice.generate_one_time_keys(10);
    let unpublished = vodozemac_keys(alice.one_time_keys());
    assert_eq!(alice.stored_one_time_key_count(), 130);

    let pickle = alice.pickle().encrypt(&KEY);
    let mut imported = protee::olm::Account::from_vodozemac_pickle(&pickle, &KEY).unwrap();
    assert_eq!(imported.stored_one_time_key_count(), 100);
    assert_eq!(protee_keys(imported.one_time_keys()), unpublished);

    // Ids 0..29 are gone, 30.. are kept.
    let bob = vodozemac::olm::Account::new();
    let identity =
        vodozemac::Curve25519PublicKey::from_base64(&imported.curve25519_key().to_base64())
            .unwrap();
    let (_, oldest) = &all_published[29];
    let mut session = bob
        .create_outbound_session(
            SessionConfig::version_1(),
            identity,
            vodozemac::Curve25519PublicKey::from_base64(oldest).unwrap(),
        )
        .unwrap();
    let protee::olm::OlmMessage::PreKey(pre_key) =
        to_protee_message(&session.encrypt("lost").unwrap())
    else {
        panic!()
    };
    assert_eq!(
        imported.create_inbound_session(None, &pre_key).unwrap_err(),
        protee::SessionCreationError::UnknownOneTimeKey
    );
    let (_, kept) = &all_published[30];
    bob_talks_to(
        &mut imported,
        protee::Curve25519PublicKey::from_base64(kept).unwrap(),
        &mut rng,
    );
    assert_eq!(imported.generate_one_time_keys(1, &mut rng)[0].value(), 130);
}

// ---------------------------------------------------------------------------------------------
// Olm sessions

struct Pair {
    alice: vodozemac::olm::Session,
    bob: vodozemac::olm::Session,
}

/// Alice and Bob, both vodozemac; Alice has sent one pre-key message, which Bob has read.
fn vodozemac_pair() -> Pair {
    let alice_account = vodozemac::olm::Account::new();
    let mut bob_account = vodozemac::olm::Account::new();
    bob_account.generate_one_time_keys(1);
    let otk = *bob_account.one_time_keys().values().next().unwrap();
    let mut alice = alice_account
        .create_outbound_session(
            SessionConfig::version_1(),
            bob_account.curve25519_key(),
            otk,
        )
        .unwrap();
    let vodozemac::olm::OlmMessage::PreKey(first) = alice.encrypt("first").unwrap() else {
        panic!()
    };
    let bob = bob_account
        .create_inbound_session(
            SessionConfig::version_1(),
            alice_account.curve25519_key(),
            &first,
        )
        .unwrap()
        .session;
    Pair { alice, bob }
}

/// A session pickled by vodozemac, loaded by protee and (as the control) by vodozemac.
fn take_over(session: &vodozemac::olm::Session) -> (protee::olm::Session, vodozemac::olm::Session) {
    let pickle = session.pickle().encrypt(&KEY);
    let imported = protee::olm::Session::from_vodozemac_pickle(&pickle, &KEY).unwrap();
    assert_eq!(imported.session_id(), session.session_id());
    assert_eq!(
        imported.has_received_message(),
        session.has_received_message()
    );
    let control = vodozemac::olm::Session::from_pickle(
        vodozemac::olm::SessionPickle::from_encrypted(&pickle, &KEY).unwrap(),
    );
    (imported, control)
}

/// On an active sending chain encryption is deterministic: protee and vodozemac must send the
/// same bytes.
fn both_send_the_same(
    protee: &mut protee::olm::Session,
    control: &mut vodozemac::olm::Session,
    rng: &mut TestRng,
) -> protee::olm::OlmMessage {
    let ours = protee.encrypt(b"same state, same bytes", rng);
    let theirs = control.encrypt("same state, same bytes").unwrap();
    assert_eq!(ours.to_parts().0, theirs.to_parts().0);
    assert_eq!(ours.as_bytes(), theirs.to_parts().1.as_slice());
    ours
}

// spec/pickle.md PICKLE-VODOZEMAC-4: an `active` ratchet with no receiving chain.
#[test]
fn a_fresh_outbound_session_moves_to_protee_and_sends_the_pre_key_messages() {
    let mut rng = TestRng::new(4);
    let alice_account = vodozemac::olm::Account::new();
    let mut bob_account = vodozemac::olm::Account::new();
    bob_account.generate_one_time_keys(1);
    let otk = *bob_account.one_time_keys().values().next().unwrap();
    let alice = alice_account
        .create_outbound_session(
            SessionConfig::version_1(),
            bob_account.curve25519_key(),
            otk,
        )
        .unwrap();

    let (mut imported, mut control) = take_over(&alice);
    assert!(!imported.has_received_message());
    let first = both_send_the_same(&mut imported, &mut control, &mut rng);
    let vodozemac::olm::OlmMessage::PreKey(pre_key) = to_vodozemac_message(&first) else {
        panic!("a pre-key message")
    };
    let mut bob = bob_account
        .create_inbound_session(
            SessionConfig::version_1(),
            alice_account.curve25519_key(),
            &pre_key,
        )
        .unwrap();
    assert_eq!(bob.plaintext, b"same state, same bytes");
    let reply = bob.session.encrypt("reply").unwrap();
    assert_eq!(
        imported.decrypt(&to_protee_message(&reply)).unwrap(),
        b"reply"
    );
    assert!(imported.has_received_message());
    let next = imported.encrypt(b"normal now", &mut rng);
    assert!(matches!(next, protee::olm::OlmMessage::Normal(_)));
    assert_eq!(
        bob.session.decrypt(&to_vodozemac_message(&next)).unwrap(),
        b"normal now"
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-4: vodozemac's `inactive` sending ratchet: protee's first
// encrypt ratchets against their key.
#[test]
fn an_inbound_session_that_has_not_replied_moves_to_protee() {
    let mut rng = TestRng::new(5);
    let mut pair = vodozemac_pair();
    let (mut imported, _) = take_over(&pair.bob);
    assert!(imported.has_received_message());
    assert_eq!(imported.encrypt_random_length(), 32);

    let second = pair.alice.encrypt("second").unwrap();
    assert_eq!(
        imported.decrypt(&to_protee_message(&second)).unwrap(),
        b"second"
    );
    let reply = imported.encrypt(b"reply from protee", &mut rng);
    assert!(matches!(reply, protee::olm::OlmMessage::Normal(_)));
    assert_eq!(
        pair.alice.decrypt(&to_vodozemac_message(&reply)).unwrap(),
        b"reply from protee"
    );
    let back = pair.alice.encrypt("back").unwrap();
    assert_eq!(
        imported.decrypt(&to_protee_message(&back)).unwrap(),
        b"back"
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-4: skipped message keys on two receiving chains, taken over
// with the session.
#[test]
fn a_session_with_skipped_keys_on_two_chains_moves_to_protee() {
    let mut rng = TestRng::new(6);
    let mut pair = vodozemac_pair();
    let first_chain: Vec<_> = (0..4)
        .map(|i| pair.bob.encrypt(format!("b{i}")).unwrap())
        .collect();
    pair.alice.decrypt(&first_chain[3]).unwrap();
    let _ = pair
        .bob
        .decrypt(&pair.alice.encrypt("ratchet").unwrap())
        .unwrap();
    let second_chain: Vec<_> = (0..3)
        .map(|i| pair.bob.encrypt(format!("c{i}")).unwrap())
        .collect();
    pair.alice.decrypt(&second_chain[2]).unwrap();
    pair.alice.decrypt(&first_chain[1]).unwrap();

    let (mut imported, mut control) = take_over(&pair.alice);
    for (message, text) in [
        (&first_chain[0], "b0"),
        (&first_chain[2], "b2"),
        (&second_chain[0], "c0"),
        (&second_chain[1], "c1"),
    ] {
        assert_eq!(
            imported.decrypt(&to_protee_message(message)).unwrap(),
            text.as_bytes()
        );
        assert_eq!(control.decrypt(message).unwrap(), text.as_bytes());
    }
    // Used, and never stored: refused by both.
    assert!(
        imported
            .decrypt(&to_protee_message(&first_chain[1]))
            .is_err()
    );
    assert!(
        imported
            .decrypt(&to_protee_message(&first_chain[3]))
            .is_err()
    );

    let reply = imported.encrypt(b"after the move", &mut rng);
    assert_eq!(
        pair.bob.decrypt(&to_vodozemac_message(&reply)).unwrap(),
        b"after the move"
    );
    let back = pair.bob.encrypt("welcome").unwrap();
    assert_eq!(
        imported.decrypt(&to_protee_message(&back)).unwrap(),
        b"welcome"
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-4: vodozemac keeps 40 skipped keys per chain, protee 40 per
// session: the newest chain's keys come first, each chain's newest first.
#[test]
fn skipped_keys_beyond_protees_forty_keep_the_newest() {
    let mut pair = vodozemac_pair();
    let older: Vec<_> = (0..30)
        .map(|i| pair.bob.encrypt(format!("old {i}")).unwrap())
        .collect();
    pair.alice.decrypt(&older[29]).unwrap();
    let _ = pair
        .bob
        .decrypt(&pair.alice.encrypt("ratchet").unwrap())
        .unwrap();
    let newer: Vec<_> = (0..30)
        .map(|i| pair.bob.encrypt(format!("new {i}")).unwrap())
        .collect();
    pair.alice.decrypt(&newer[29]).unwrap();

    let (mut imported, mut control) = take_over(&pair.alice);
    for (i, message) in newer.iter().enumerate().take(29) {
        assert_eq!(
            imported.decrypt(&to_protee_message(message)).unwrap(),
            format!("new {i}").as_bytes()
        );
    }
    // 40 − 29 = 11 keys of the older chain: indices 18..=28.
    for (i, message) in older.iter().enumerate().take(29) {
        let got = imported.decrypt(&to_protee_message(message));
        if i >= 18 {
            assert_eq!(got.unwrap(), format!("old {i}").as_bytes());
        } else {
            assert_eq!(
                got,
                Err(protee::DecryptionError::MissingMessageKey { index: i as u32 })
            );
        }
        // vodozemac kept them all.
        assert_eq!(
            control.decrypt(message).unwrap(),
            format!("old {i}").as_bytes()
        );
    }
}

// spec/pickle.md PICKLE-VODOZEMAC-4: after every step of a long conversation (more chains than
// either keeps, messages held back on every chain), a protee copy of Alice's session behaves
// exactly like vodozemac's.
#[test]
fn protee_takes_over_at_every_step_of_a_conversation() {
    let mut rng = TestRng::new(7);
    let mut pair = vodozemac_pair();
    for round in 0..8 {
        let sent: Vec<_> = (0..3)
            .map(|i| pair.bob.encrypt(format!("{round}.{i}")).unwrap())
            .collect();
        pair.alice.decrypt(&sent[2]).unwrap();
        pair.alice.decrypt(&sent[0]).unwrap();

        // Inactive: Alice must ratchet; both copies read the held-back message.
        let (mut imported, mut control) = take_over(&pair.alice);
        assert_eq!(imported.encrypt_random_length(), 32);
        let held = &sent[1];
        assert_eq!(
            imported.decrypt(&to_protee_message(held)).unwrap(),
            control.decrypt(held).unwrap()
        );

        for i in 0..2 {
            let message = pair.alice.encrypt(format!("a{round}.{i}")).unwrap();
            pair.bob.decrypt(&message).unwrap();
        }
        // Active: the next message is the same bytes from both, and Bob reads it.
        let (mut imported, mut control) = take_over(&pair.alice);
        assert_eq!(imported.encrypt_random_length(), 0);
        let next = both_send_the_same(&mut imported, &mut control, &mut rng);
        assert_eq!(
            pair.bob.decrypt(&to_vodozemac_message(&next)).unwrap(),
            b"same state, same bytes"
        );
        let later = pair.bob.encrypt("later").unwrap();
        assert_eq!(
            imported.decrypt(&to_protee_message(&later)).unwrap(),
            b"later"
        );
        // The original keeps the held-back key: skipped keys pile up across chains.
        pair.alice.decrypt(&later).unwrap();
    }
}

// spec/pickle.md PICKLE-VODOZEMAC-4: a session vodozemac loaded from libolm (unknown ratchet
// counts, no parent key) comes back to protee as it was, in both ratchet states.
#[test]
fn a_session_vodozemac_loaded_from_libolm_comes_back_to_protee_unchanged() {
    let mut rng = TestRng::new(10);
    let alice = protee::olm::Account::new_with_rng(&mut rng);
    let mut bob = protee::olm::Account::new_with_rng(&mut rng);
    bob.generate_one_time_keys(1, &mut rng);
    let (_, otk) = bob.one_time_keys()[0];
    let mut alice_session = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
        .unwrap();
    let protee::olm::OlmMessage::PreKey(first) = alice_session.encrypt(b"first", &mut rng) else {
        panic!()
    };
    let mut bob_session = bob.create_inbound_session(None, &first).unwrap().session;
    let skipped = bob_session.encrypt(b"skipped", &mut rng);
    let reply = bob_session.encrypt(b"reply", &mut rng);
    alice_session.decrypt(&reply).unwrap();

    for step in ["inactive", "active"] {
        let libolm = alice_session.to_libolm_pickle(&KEY).unwrap();
        let vodozemac = vodozemac::olm::Session::from_libolm_pickle(&libolm, &KEY).unwrap();
        let json = json_of(&vodozemac.pickle());
        assert_eq!(json["sending_ratchet"]["type"], step);
        let mut back =
            protee::olm::Session::from_vodozemac_pickle(&vodozemac.pickle().encrypt(&KEY), &KEY)
                .unwrap();
        assert_eq!(back.to_libolm_pickle(&KEY).unwrap(), libolm, "{step}");
        assert_eq!(back.decrypt(&skipped).unwrap(), b"skipped");
        if step == "inactive" {
            let message = alice_session.encrypt(b"ratchet", &mut rng);
            bob_session.decrypt(&message).unwrap();
        } else {
            let ours = back.encrypt(b"same", &mut rng);
            assert_eq!(
                ours.as_bytes(),
                alice_session.encrypt(b"same", &mut rng).as_bytes()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Megolm

// spec/pickle.md PICKLE-VODOZEMAC-5: ratchet, counter and seed.
#[test]
fn a_group_session_moves_to_protee_and_keeps_encrypting() {
    let mut outbound = vodozemac::megolm::GroupSession::new(MegolmConfig::version_1());
    let mut receiver = vodozemac::megolm::InboundGroupSession::new(
        &outbound.session_key(),
        MegolmConfig::version_1(),
    );
    for i in 0..3 {
        let message = outbound.encrypt(format!("m{i}"));
        receiver.decrypt(&message).unwrap();
    }
    let pickle = outbound.pickle().encrypt(&KEY);
    let mut imported = protee::megolm::GroupSession::from_vodozemac_pickle(&pickle, &KEY).unwrap();
    assert_eq!(imported.session_id(), outbound.session_id());
    assert_eq!(imported.message_index(), outbound.message_index());
    assert_eq!(
        imported.session_key().to_base64(),
        outbound.session_key().to_base64()
    );

    // Megolm encryption is deterministic: same state, same bytes (ratchet and signing key).
    let ours = imported.encrypt(b"from protee");
    let theirs = outbound.encrypt("from protee");
    assert_eq!(ours.to_base64(), theirs.to_base64());
    let read = receiver.decrypt(&to_vodozemac_megolm(&ours)).unwrap();
    assert_eq!(
        (read.plaintext.as_slice(), read.message_index),
        (&b"from protee"[..], 3)
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-2, PICKLE-VODOZEMAC-5: an `Expanded` signing key.
#[test]
fn a_group_session_vodozemac_loaded_from_libolm_keeps_its_expanded_key() {
    let mut rng = TestRng::new(8);
    let mut original = protee::megolm::GroupSession::new_with_rng(&mut rng);
    original.encrypt(b"one");
    let libolm = original.to_libolm_pickle(&KEY);
    let vodozemac = vodozemac::megolm::GroupSession::from_libolm_pickle(&libolm, &KEY).unwrap();
    let pickle = vodozemac.pickle();
    assert!(json_of(&pickle)["signing_key"]["Expanded"].is_array());
    let mut imported =
        protee::megolm::GroupSession::from_vodozemac_pickle(&pickle.encrypt(&KEY), &KEY).unwrap();
    assert_eq!(
        imported.encrypt(b"two").to_base64(),
        original.encrypt(b"two").to_base64()
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-6: latest = initial ratchet; verified flag and origin.
#[test]
fn inbound_group_sessions_move_to_protee_with_their_origin() {
    let mut rng = TestRng::new(9);
    let mut outbound = vodozemac::megolm::GroupSession::new(MegolmConfig::version_1());
    let session_key = outbound.session_key();
    let messages: Vec<_> = (0..5).map(|i| outbound.encrypt(format!("m{i}"))).collect();

    // From a signed session key, after decrypting (vodozemac does not pickle its latest ratchet).
    let mut signed =
        vodozemac::megolm::InboundGroupSession::new(&session_key, MegolmConfig::version_1());
    signed.decrypt(&messages[4]).unwrap();
    let pickle = signed.pickle().encrypt(&KEY);
    let mut imported =
        protee::megolm::InboundGroupSession::from_vodozemac_pickle(&pickle, &KEY).unwrap();
    assert_eq!(imported.session_id(), signed.session_id());
    assert_eq!(imported.first_known_index(), 0);
    assert_eq!(
        imported.origin(),
        protee::megolm::SessionOrigin::SignedSessionKey
    );
    assert!(imported.libolm_is_verified());
    assert_eq!(
        imported.export_at_first_known_index().to_base64(),
        signed.export_at_first_known_index().to_base64()
    );
    for (i, message) in messages.iter().enumerate() {
        let read = imported.decrypt(&to_protee_megolm(message)).unwrap();
        assert_eq!(read.plaintext, format!("m{i}").as_bytes());
        assert_eq!(read.message_index, i as u32);
    }

    // From an export at index 2.
    let exported = signed.export_at(2).unwrap();
    let forwarded =
        vodozemac::megolm::InboundGroupSession::import(&exported, MegolmConfig::version_1());
    let pickle = forwarded.pickle().encrypt(&KEY);
    let mut imported_forwarded =
        protee::megolm::InboundGroupSession::from_vodozemac_pickle(&pickle, &KEY).unwrap();
    assert_eq!(
        imported_forwarded.origin(),
        protee::megolm::SessionOrigin::Imported
    );
    assert!(!imported_forwarded.libolm_is_verified());
    assert_eq!(imported_forwarded.first_known_index(), 2);
    assert_eq!(
        imported_forwarded
            .decrypt(&to_protee_megolm(&messages[1]))
            .unwrap_err(),
        protee::MegolmDecryptionError::UnknownMessageIndex {
            index: 1,
            first_known_index: 2
        }
    );
    assert_eq!(
        imported_forwarded
            .decrypt(&to_protee_megolm(&messages[3]))
            .unwrap()
            .plaintext,
        b"m3"
    );

    // A protee sender that took over the outbound session reaches both.
    let mut sender =
        protee::megolm::GroupSession::from_vodozemac_pickle(&outbound.pickle().encrypt(&KEY), &KEY)
            .unwrap();
    let next = sender.encrypt(b"m5");
    assert_eq!(imported.decrypt(&next).unwrap().message_index, 5);
    assert_eq!(imported_forwarded.decrypt(&next).unwrap().plaintext, b"m5");
    let _ = &mut rng;
}

// ---------------------------------------------------------------------------------------------
// The envelope and hostile input

// spec/pickle.md PICKLE-VODOZEMAC-1: libolm's envelope; a salt of one zero byte is 32 zero bytes.
#[test]
fn the_envelope_is_libolms_with_a_one_byte_salt() {
    let account = vodozemac::olm::Account::new();
    let pickle = account.pickle();
    let json = serde_json::to_vec(&pickle).unwrap();
    assert_eq!(seal_like_vodozemac(&json, &KEY), pickle.encrypt(&KEY));
}

fn sample_pickles() -> Vec<(&'static str, String)> {
    let mut pair = vodozemac_pair();
    let reply = pair.bob.encrypt("reply").unwrap();
    pair.alice.decrypt(&reply).unwrap();
    let mut account = vodozemac::olm::Account::new();
    account.generate_one_time_keys(2);
    account.generate_fallback_key();
    let group = vodozemac::megolm::GroupSession::new(MegolmConfig::version_1());
    let inbound = vodozemac::megolm::InboundGroupSession::new(
        &group.session_key(),
        MegolmConfig::version_1(),
    );
    vec![
        ("account", account.pickle().encrypt(&KEY)),
        ("session", pair.alice.pickle().encrypt(&KEY)),
        ("group", group.pickle().encrypt(&KEY)),
        ("inbound", inbound.pickle().encrypt(&KEY)),
    ]
}

fn load(kind: &str, pickle: &str, key: &[u8; 32]) -> Result<(), PickleError> {
    match kind {
        "account" => protee::olm::Account::from_vodozemac_pickle(pickle, key).map(drop),
        "session" => protee::olm::Session::from_vodozemac_pickle(pickle, key).map(drop),
        "group" => protee::megolm::GroupSession::from_vodozemac_pickle(pickle, key).map(drop),
        "inbound" => {
            protee::megolm::InboundGroupSession::from_vodozemac_pickle(pickle, key).map(drop)
        }
        _ => unreachable!(),
    }
}

// spec/pickle.md PICKLE-VODOZEMAC-1: wrong key, truncation, altered text.
#[test]
fn a_wrong_key_or_an_altered_pickle_is_refused() {
    for (kind, pickle) in sample_pickles() {
        assert_eq!(load(kind, &pickle, &KEY), Ok(()), "{kind}");
        assert_eq!(
            load(kind, &pickle, &[0x5b; 32]),
            Err(PickleError::InvalidMac),
            "{kind}"
        );
        // Every truncation is a typed error.
        for end in 0..pickle.len() {
            let got = load(kind, &pickle[..end], &KEY);
            assert!(
                matches!(
                    got,
                    Err(PickleError::InvalidBase64
                        | PickleError::InvalidLength
                        | PickleError::InvalidMac)
                ),
                "{kind} cut at {end}: {got:?}"
            );
        }
        // A changed character breaks the MAC (or the base64).
        let mut altered = pickle.clone().into_bytes();
        altered[pickle.len() / 2] = if altered[pickle.len() / 2] == b'A' {
            b'B'
        } else {
            b'A'
        };
        let got = load(kind, std::str::from_utf8(&altered).unwrap(), &KEY);
        assert!(
            matches!(
                got,
                Err(PickleError::InvalidMac | PickleError::InvalidBase64)
            ),
            "{kind}"
        );
    }
}

// spec/pickle.md PICKLE-VODOZEMAC-1: unknown fields are refused.
#[test]
fn a_pickle_of_one_kind_does_not_load_as_another() {
    let pickles = sample_pickles();
    for (kind, _) in &pickles {
        for (other, pickle) in &pickles {
            if kind != other {
                assert_eq!(
                    load(kind, pickle, &KEY),
                    Err(PickleError::InvalidField),
                    "{other} as {kind}"
                );
            }
        }
    }
}

// spec/pickle.md PICKLE-VODOZEMAC-1: JSON errors map to Truncated, ExtraData and InvalidField.
#[test]
fn malformed_json_is_a_typed_error() {
    for (body, expected) in [
        ("", PickleError::Truncated),
        ("{", PickleError::Truncated),
        ("null", PickleError::InvalidField),
        ("[]", PickleError::InvalidField),
        ("{}", PickleError::InvalidField),
        ("not json", PickleError::InvalidField),
    ] {
        for kind in ["account", "session", "group", "inbound"] {
            let pickle = seal_like_vodozemac(body.as_bytes(), &KEY);
            assert_eq!(load(kind, &pickle, &KEY), Err(expected), "{kind}: {body:?}");
        }
    }
    for (kind, pickle) in sample_pickles() {
        let json = json_inside(&pickle);
        // Every prefix of a real body ends early. serde_json reports the end of the input,
        // except inside a numeric map key (a one-time key id), where it sees a bad number.
        for end in 0..json.len() {
            let got = load(kind, &seal_like_vodozemac(&json[..end], &KEY), &KEY);
            let expected = if cut_inside_numeric_key(&json, end) {
                PickleError::InvalidField
            } else {
                PickleError::Truncated
            };
            assert_eq!(got, Err(expected), "{kind} body cut at {end}");
        }
        // Anything after the value is extra.
        for tail in [&b" x"[..], b"{}", b"0"] {
            let mut longer = json.clone();
            longer.extend_from_slice(tail);
            let got = load(kind, &seal_like_vodozemac(&longer, &KEY), &KEY);
            assert_eq!(got, Err(PickleError::ExtraData), "{kind}");
        }
        // Trailing whitespace is still JSON.
        let mut spaced = json.clone();
        spaced.extend_from_slice(b" \n");
        assert_eq!(
            load(kind, &seal_like_vodozemac(&spaced, &KEY), &KEY),
            Ok(()),
            "{kind}"
        );
    }
}

/// Whether `json[..end]` stops inside a map key made of digits (`{"12":` or `,"12":`).
fn cut_inside_numeric_key(json: &[u8], end: usize) -> bool {
    let (head, rest) = json.split_at(end);
    let digits_before = head.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let digits_after = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let before = &head[..end - digits_before];
    digits_before + digits_after > 0
        && (before.ends_with(b"{\"") || before.ends_with(b",\""))
        && rest[digits_after..].starts_with(b"\":")
}

/// The JSON inside a vodozemac pickle (via vodozemac's own decryption and serde_json).
fn json_inside(pickle: &str) -> Vec<u8> {
    if let Ok(p) = vodozemac::olm::AccountPickle::from_encrypted(pickle, &KEY) {
        return serde_json::to_vec(&p).unwrap();
    }
    if let Ok(p) = vodozemac::olm::SessionPickle::from_encrypted(pickle, &KEY) {
        return serde_json::to_vec(&p).unwrap();
    }
    if let Ok(p) = vodozemac::megolm::InboundGroupSessionPickle::from_encrypted(pickle, &KEY) {
        return serde_json::to_vec(&p).unwrap();
    }
    serde_json::to_vec(
        &vodozemac::megolm::GroupSessionPickle::from_encrypted(pickle, &KEY).unwrap(),
    )
    .unwrap()
}

/// A named change to a pickle's JSON and the result of loading it.
type Case = (
    &'static str,
    Box<dyn Fn(&mut Value)>,
    Result<(), PickleError>,
);

fn account_json() -> Value {
    let mut account = vodozemac::olm::Account::new();
    account.generate_one_time_keys(2);
    account.mark_keys_as_published();
    account.generate_one_time_keys(1);
    account.generate_fallback_key();
    json_of(&account.pickle())
}

fn session_json() -> Value {
    let mut pair = vodozemac_pair();
    let _ = pair.bob.encrypt("skipped").unwrap();
    let reply = pair.bob.encrypt("reply").unwrap();
    pair.alice.decrypt(&reply).unwrap();
    json_of(&pair.alice.pickle())
}

fn load_account(value: &Value) -> Result<protee::olm::Account, PickleError> {
    protee::olm::Account::from_vodozemac_pickle(&seal_value(value), &KEY)
}

fn load_session(value: &Value) -> Result<protee::olm::Session, PickleError> {
    protee::olm::Session::from_vodozemac_pickle(&seal_value(value), &KEY)
}

// spec/pickle.md PICKLE-VODOZEMAC-2, PICKLE-VODOZEMAC-3: byte arrays, u32 ids, unpublished keys.
#[test]
fn account_fields_are_checked() {
    let base = account_json();
    assert!(load_account(&base).is_ok());
    let cases: Vec<Case> = vec![
        (
            "the counter's name before vodozemac 0.4",
            Box::new(|v| {
                let n = v["one_time_keys"]["next_key_id"].take();
                v["one_time_keys"]
                    .as_object_mut()
                    .unwrap()
                    .remove("next_key_id");
                v["one_time_keys"]["key_id"] = n;
            }),
            Ok(()),
        ),
        (
            "a seed of 31 bytes",
            Box::new(|v| {
                v["signing_key"]["Normal"].as_array_mut().unwrap().pop();
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a seed of 33 bytes",
            Box::new(|v| {
                v["signing_key"]["Normal"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!(0));
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a byte of 256",
            Box::new(|v| v["diffie_hellman_key"][0] = json!(256)),
            Err(PickleError::InvalidField),
        ),
        (
            "a negative byte",
            Box::new(|v| v["diffie_hellman_key"][0] = json!(-1)),
            Err(PickleError::InvalidField),
        ),
        (
            "an unknown key kind",
            Box::new(|v| {
                v["signing_key"] = json!({"Other": vec![0u8; 32]});
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "an unknown field",
            Box::new(|v| v["extra"] = json!(1)),
            Err(PickleError::InvalidField),
        ),
        (
            "a missing field",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("fallback_keys");
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a counter past u32",
            Box::new(|v| {
                v["one_time_keys"]["next_key_id"] = json!(1u64 << 32 | 1);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a counter of exactly 2^32",
            Box::new(|v| {
                v["one_time_keys"]["next_key_id"] = json!(1u64 << 32);
            }),
            Ok(()),
        ),
        (
            "a key id past u32",
            Box::new(|v| {
                let keys = v["one_time_keys"]["private_keys"].as_object_mut().unwrap();
                let key = keys.remove("0").unwrap();
                keys.insert((1u64 << 32).to_string(), key);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a key id that is not a number",
            Box::new(|v| {
                let keys = v["one_time_keys"]["private_keys"].as_object_mut().unwrap();
                let key = keys.remove("0").unwrap();
                keys.insert("x".into(), key);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a fallback key id past u32",
            Box::new(|v| {
                v["fallback_keys"]["fallback_key"]["key_id"] = json!(1u64 << 32);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "an unpublished key without a secret",
            Box::new(|v| {
                v["one_time_keys"]["public_keys"]["77"] = json!(vec![9u8; 32]);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "an unpublished key that does not match its secret",
            Box::new(|v| {
                v["one_time_keys"]["public_keys"]["2"] = json!(vec![9u8; 32]);
            }),
            Err(PickleError::InvalidField),
        ),
    ];
    for (name, change, expected) in cases {
        let mut value = base.clone();
        change(&mut value);
        assert_eq!(load_account(&value).map(drop), expected, "{name}");
    }
}

// spec/pickle.md PICKLE-VODOZEMAC-2, PICKLE-VODOZEMAC-4: config, ratchet kinds, limits, indices.
#[test]
fn session_fields_are_checked() {
    let base = session_json();
    assert_eq!(base["sending_ratchet"]["type"], "inactive");
    assert!(load_session(&base).is_ok());
    let chain = base["receiving_chains"]["inner"][0].clone();
    let cases: Vec<Case> = vec![
        (
            "no config (older vodozemac)",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("config");
            }),
            Ok(()),
        ),
        (
            "no diagnostics (older vodozemac)",
            Box::new(|v| {
                v["sending_ratchet"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ratchet_count");
                v["receiving_chains"]["inner"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("ratchet_count");
            }),
            Ok(()),
        ),
        (
            "version 2 (full MACs)",
            Box::new(|v| v["config"]["version"] = json!("V2")),
            Err(PickleError::Unsupported),
        ),
        (
            "an unknown version",
            Box::new(|v| v["config"]["version"] = json!("V3")),
            Err(PickleError::InvalidField),
        ),
        (
            "an unknown ratchet type",
            Box::new(|v| v["sending_ratchet"]["type"] = json!("dormant")),
            Err(PickleError::InvalidField),
        ),
        (
            "an active ratchet with inactive fields",
            Box::new(|v| v["sending_ratchet"]["type"] = json!("active")),
            Err(PickleError::InvalidField),
        ),
        (
            "an inactive ratchet without their key",
            Box::new(|v| {
                v["sending_ratchet"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ratchet_key");
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "their ratchet key of small order",
            Box::new(|v| v["sending_ratchet"]["ratchet_key"] = json!(vec![0u8; 32])),
            Err(PickleError::InvalidField),
        ),
        (
            "a chain index past u32",
            Box::new(|v| {
                v["receiving_chains"]["inner"][0]["hkdf_ratchet"]["index"] = json!(1u64 << 32);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "a skipped key index past u32",
            Box::new(|v| {
                v["receiving_chains"]["inner"][0]["skipped_message_keys"]["inner"][0]["index"] =
                    json!(1u64 << 32);
            }),
            Err(PickleError::InvalidField),
        ),
        (
            "six receiving chains",
            Box::new(move |v| {
                v["receiving_chains"]["inner"] = json!(vec![chain.clone(); 6]);
            }),
            Err(PickleError::TooManyItems { got: 6, max: 5 }),
        ),
        (
            "41 skipped keys on a chain",
            Box::new(|v| {
                let skipped =
                    v["receiving_chains"]["inner"][0]["skipped_message_keys"]["inner"][0].clone();
                v["receiving_chains"]["inner"][0]["skipped_message_keys"]["inner"] =
                    json!(vec![skipped; 41]);
            }),
            Err(PickleError::TooManyItems { got: 41, max: 40 }),
        ),
        (
            "an unknown field in a chain",
            Box::new(|v| v["receiving_chains"]["inner"][0]["x"] = json!(0)),
            Err(PickleError::InvalidField),
        ),
    ];
    for (name, change, expected) in cases {
        let mut value = base.clone();
        change(&mut value);
        assert_eq!(load_session(&value).map(drop), expected, "{name}");
    }

    // An active ratchet: the parent key is a diagnostic; the inactive fields are not allowed.
    let mut pair = vodozemac_pair();
    let _ = pair.alice.encrypt("again").unwrap();
    let active = json_of(&pair.alice.pickle());
    assert_eq!(active["sending_ratchet"]["type"], "active");
    assert!(load_session(&active).is_ok());
    let mut with_parent = active.clone();
    with_parent["sending_ratchet"]["parent_ratchet_key"] = json!(vec![7u8; 32]);
    assert!(load_session(&with_parent).is_ok());
    let mut mixed = active.clone();
    mixed["sending_ratchet"]["root_key"] = json!({"key": vec![1u8; 32]});
    assert_eq!(
        load_session(&mixed).map(drop),
        Err(PickleError::InvalidField)
    );
    let mut past = active;
    past["sending_ratchet"]["symmetric_key_ratchet"]["index"] = json!(1u64 << 32);
    assert_eq!(
        load_session(&past).map(drop),
        Err(PickleError::InvalidField)
    );
}

// spec/pickle.md PICKLE-VODOZEMAC-2, PICKLE-VODOZEMAC-5, PICKLE-VODOZEMAC-6: config, ratchet,
// Ed25519 key.
#[test]
fn group_session_fields_are_checked() {
    let group = vodozemac::megolm::GroupSession::new(MegolmConfig::version_1());
    let inbound = vodozemac::megolm::InboundGroupSession::new(
        &group.session_key(),
        MegolmConfig::version_1(),
    );
    let load_group = |v: &Value| {
        protee::megolm::GroupSession::from_vodozemac_pickle(&seal_value(v), &KEY).map(drop)
    };
    let load_inbound = |v: &Value| {
        protee::megolm::InboundGroupSession::from_vodozemac_pickle(&seal_value(v), &KEY).map(drop)
    };

    let base = json_of(&group.pickle());
    let mut v = base.clone();
    v.as_object_mut().unwrap().remove("config");
    assert_eq!(load_group(&v), Ok(()));
    let mut v = base.clone();
    v["config"]["version"] = json!("V2");
    assert_eq!(load_group(&v), Err(PickleError::Unsupported));
    let mut v = base.clone();
    v["ratchet"]["inner"].as_array_mut().unwrap().pop();
    assert_eq!(load_group(&v), Err(PickleError::InvalidField));
    let mut v = base;
    v["ratchet"]["counter"] = json!(1u64 << 32);
    assert_eq!(load_group(&v), Err(PickleError::InvalidField));

    let base = json_of(&inbound.pickle());
    let mut v = base.clone();
    v["config"]["version"] = json!("V2");
    assert_eq!(load_inbound(&v), Err(PickleError::Unsupported));
    let not_a_point = (0..=255u8)
        .map(|b| [b; 32])
        .find(|bytes| protee::Ed25519PublicKey::from_slice(bytes).is_err())
        .unwrap();
    let mut v = base.clone();
    v["signing_key"] = json!(not_a_point);
    assert_eq!(load_inbound(&v), Err(PickleError::InvalidField));
    let mut v = base;
    v["signing_key_verified"] = json!(1);
    assert_eq!(load_inbound(&v), Err(PickleError::InvalidField));
}

// The pickle length bound is checked before anything else. A vodozemac account at its own
// one-time-key capacity (5,000) fits under it and imports, keeping protee's newest 100; a
// longer string is refused before decoding (spec/pickle.md PICKLE-VODOZEMAC-1).
#[test]
fn a_pickle_over_the_length_bound_is_refused_before_decoding() {
    let mut account = vodozemac::olm::Account::new();
    account.generate_one_time_keys(5000);
    account.mark_keys_as_published();
    let pickle = account.pickle().encrypt(&KEY);
    assert!(pickle.len() > protee::limits::MAX_PICKLE_LENGTH);
    assert!(pickle.len() <= protee::limits::MAX_VODOZEMAC_PICKLE_LENGTH);
    let imported = protee::olm::Account::from_vodozemac_pickle(&pickle, &KEY).unwrap();
    assert_eq!(
        imported.curve25519_key().to_base64(),
        account.curve25519_key().to_base64()
    );

    let too_long = "A".repeat(protee::limits::MAX_VODOZEMAC_PICKLE_LENGTH + 1);
    assert_eq!(
        protee::olm::Account::from_vodozemac_pickle(&too_long, &KEY).map(drop),
        Err(PickleError::TooLong {
            got: too_long.len()
        })
    );
}
