//! Conversations through the bindings, run in headless Chromium and in Node
//! (`wasm-bindgen-test-runner`, see ci.sh): Olm both ways, a Megolm room, SAS, PK, pickles.

#![cfg(target_arch = "wasm32")]

mod common;

use common::js::{key, number, olm_message, string};
use protee_wasm::{
    Account, GroupSession, InboundGroupSession, PkDecryption, PkEncryption, PkSigning, Sas,
    Session, ed25519_verify, sha256,
};
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// Alice's outbound session to Bob and Bob's inbound one, after Alice's first message.
fn alice_and_bob() -> (Account, Account, Session, Session) {
    let alice = Account::new().unwrap();
    let mut bob = Account::new().unwrap();
    bob.generate_one_time_keys(1).unwrap();
    let one_time_keys: js_sys::Object = bob.one_time_keys().unchecked_into();
    let values = js_sys::Object::values(&one_time_keys);
    assert_eq!(values.length(), 1);
    let one_time_key = values.get(0).as_string().unwrap();
    assert_eq!(bob.mark_keys_as_published(), 1);

    let mut alice_session = alice
        .create_outbound_session(&bob.curve25519_key(), &one_time_key)
        .unwrap();
    let first = alice_session.encrypt("Hello Bob").unwrap();
    assert_eq!(number(&first, "type"), 0.0);
    let created = bob
        .create_inbound_session(first, Some(alice.curve25519_key()))
        .unwrap();
    assert_eq!(string(&created, "plaintext"), "Hello Bob");
    let bob_session = session_of(&created);
    assert_eq!(bob_session.session_id(), alice_session.session_id());
    (alice, bob, alice_session, bob_session)
}

/// The `Session` of `{ session, plaintext }` (a class instance handed to JavaScript).
fn session_of(created: &JsValue) -> Session {
    let session = js_sys::Reflect::get(created, &"session".into()).unwrap();
    Session::try_from_js_value(session).unwrap()
}

#[wasm_bindgen_test]
fn alice_and_bob_talk_both_ways() {
    let (_alice, _bob, mut alice_session, mut bob_session) = alice_and_bob();
    assert!(!alice_session.has_received_message());
    assert!(bob_session.has_received_message());

    for round in 0..3 {
        let reply = bob_session.encrypt(&format!("Bob, round {round}")).unwrap();
        assert_eq!(number(&reply, "type"), 1.0);
        assert_eq!(
            alice_session.decrypt(reply).unwrap(),
            format!("Bob, round {round}")
        );
        let answer = alice_session
            .encrypt(&format!("Alice, round {round}"))
            .unwrap();
        assert_eq!(number(&answer, "type"), 1.0);
        assert_eq!(
            bob_session.decrypt(answer).unwrap(),
            format!("Alice, round {round}")
        );
    }
    assert!(alice_session.has_received_message());
}

#[wasm_bindgen_test]
fn messages_arrive_out_of_order() {
    let (_alice, _bob, mut alice_session, mut bob_session) = alice_and_bob();
    let reply = bob_session.encrypt("ratchet").unwrap();
    alice_session.decrypt(reply).unwrap();
    let first = alice_session.encrypt("one").unwrap();
    let second = alice_session.encrypt("two").unwrap();
    assert_eq!(bob_session.decrypt(second).unwrap(), "two");
    assert_eq!(bob_session.decrypt(first).unwrap(), "one");
}

#[wasm_bindgen_test]
fn a_pre_key_message_matches_only_its_session() {
    let alice = Account::new().unwrap();
    let mut bob = Account::new().unwrap();
    bob.generate_fallback_key().unwrap();
    let fallback: js_sys::Object = bob.unpublished_fallback_key().unchecked_into();
    let fallback_key = js_sys::Object::values(&fallback)
        .get(0)
        .as_string()
        .unwrap();
    bob.mark_keys_as_published();
    let fallback: js_sys::Object = bob.unpublished_fallback_key().unchecked_into();
    assert_eq!(js_sys::Object::keys(&fallback).length(), 0);

    let mut session = alice
        .create_outbound_session(&bob.curve25519_key(), &fallback_key)
        .unwrap();
    let message = session.encrypt("via the fallback key").unwrap();
    let body = string(&message, "body");
    let created = bob.create_inbound_session(message, None).unwrap();
    let bob_session = session_of(&created);
    assert!(
        bob_session
            .matches_inbound_session(olm_message(0, &body), Some(alice.curve25519_key()))
            .unwrap()
    );
    assert!(
        !bob_session
            .matches_inbound_session(olm_message(0, &body), Some(bob.curve25519_key()))
            .unwrap()
    );
    // A fallback key is not used up: a second session on it works.
    let mut again = Account::new()
        .unwrap()
        .create_outbound_session(&bob.curve25519_key(), &fallback_key)
        .unwrap();
    let second = again.encrypt("again").unwrap();
    assert!(
        !bob_session
            .matches_inbound_session(second.clone(), None)
            .unwrap()
    );
    assert_eq!(
        string(
            &bob.create_inbound_session(second, None).unwrap(),
            "plaintext"
        ),
        "again"
    );
}

#[wasm_bindgen_test]
fn a_room_of_three_shares_a_megolm_session() {
    let mut outbound = GroupSession::new().unwrap();
    let session_key = outbound.session_key();
    let mut bob = InboundGroupSession::new(&session_key).unwrap();
    let mut carol = InboundGroupSession::new(&session_key).unwrap();
    assert_eq!(bob.session_id(), outbound.session_id());
    assert_eq!(bob.first_known_index(), 0);

    for (index, text) in ["Hi both", "How are you?", "Lunch at noon"]
        .iter()
        .enumerate()
    {
        assert_eq!(outbound.message_index(), index as u32);
        let ciphertext = outbound.encrypt(text);
        for member in [&mut bob, &mut carol] {
            let decrypted = member.decrypt(&ciphertext).unwrap();
            assert_eq!(string(&decrypted, "plaintext"), *text);
            assert_eq!(number(&decrypted, "messageIndex"), index as f64);
        }
    }

    // Dave joins later with an exported key: he reads from index 2 on, not before.
    let exported = bob.export_at(2).unwrap();
    let mut dave = InboundGroupSession::import_session(&exported).unwrap();
    assert_eq!(dave.first_known_index(), 2);
    let later = outbound.encrypt("Dave, welcome");
    assert_eq!(
        string(&dave.decrypt(&later).unwrap(), "plaintext"),
        "Dave, welcome"
    );
    assert_eq!(
        InboundGroupSession::import_session(&bob.export_at_first_known_index())
            .unwrap()
            .first_known_index(),
        0
    );
}

#[wasm_bindgen_test]
fn every_object_survives_both_pickles() {
    let native_key = key(42);
    let libolm_key = JsValue::from_str("a libolm pickle key");
    let (alice, _bob, mut alice_session, mut bob_session) = alice_and_bob();

    let account = Account::from_pickle(&alice.pickle(&native_key).unwrap(), &native_key).unwrap();
    assert_eq!(account.curve25519_key(), alice.curve25519_key());
    assert_eq!(account.ed25519_key(), alice.ed25519_key());
    let libolm = alice.to_libolm_pickle(libolm_key.clone()).unwrap();
    let account = Account::from_libolm_pickle(&libolm, libolm_key.clone()).unwrap();
    assert_eq!(account.sign("x"), alice.sign("x"));
    // A libolm pickle key may also be bytes: the string's UTF-8 is the same key.
    let as_bytes = common::js::bytes(b"a libolm pickle key");
    assert_eq!(
        Account::from_libolm_pickle(&libolm, as_bytes.into())
            .unwrap()
            .curve25519_key(),
        alice.curve25519_key()
    );

    // Two pickles of the same state differ (random nonce) but load to the same session.
    let first = bob_session.pickle(&native_key).unwrap();
    assert_ne!(first, bob_session.pickle(&native_key).unwrap());
    let mut restored = Session::from_pickle(&first, &native_key).unwrap();
    let mut from_libolm = Session::from_libolm_pickle(
        &bob_session.to_libolm_pickle(libolm_key.clone()).unwrap(),
        libolm_key.clone(),
    )
    .unwrap();
    // Alice's second message (still on her first chain) reaches all three copies of Bob's.
    let to_all = alice_session.encrypt("to every copy").unwrap();
    for bob in [&mut restored, &mut from_libolm, &mut bob_session] {
        assert_eq!(bob.decrypt(to_all.clone()).unwrap(), "to every copy");
    }
    let reply = restored.encrypt("from the restored session").unwrap();
    assert_eq!(
        alice_session.decrypt(reply).unwrap(),
        "from the restored session"
    );

    let outbound = GroupSession::new().unwrap();
    let inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
    let outbound =
        GroupSession::from_pickle(&outbound.pickle(&native_key).unwrap(), &native_key).unwrap();
    let mut outbound = GroupSession::from_libolm_pickle(
        &outbound.to_libolm_pickle(libolm_key.clone()).unwrap(),
        libolm_key.clone(),
    )
    .unwrap();
    let ciphertext = outbound.encrypt("after two pickles");
    let inbound =
        InboundGroupSession::from_pickle(&inbound.pickle(&native_key).unwrap(), &native_key)
            .unwrap();
    let mut inbound = InboundGroupSession::from_libolm_pickle(
        &inbound.to_libolm_pickle(libolm_key.clone()).unwrap(),
        libolm_key.clone(),
    )
    .unwrap();
    assert_eq!(
        string(&inbound.decrypt(&ciphertext).unwrap(), "plaintext"),
        "after two pickles"
    );

    let backup = PkDecryption::new().unwrap();
    let restored =
        PkDecryption::from_pickle(&backup.pickle(&native_key).unwrap(), &native_key).unwrap();
    let from_libolm = PkDecryption::from_libolm_pickle(
        &backup.to_libolm_pickle(libolm_key.clone()).unwrap(),
        libolm_key,
    )
    .unwrap();
    assert_eq!(restored.public_key(), backup.public_key());
    assert_eq!(from_libolm.private_key(), backup.private_key());
}

#[wasm_bindgen_test]
fn two_devices_verify_each_other_with_sas() {
    let alice = Sas::new().unwrap();
    let bob = Sas::new().unwrap();
    let (alice_key, bob_key) = (alice.public_key(), bob.public_key());
    let alice = alice.diffie_hellman(&bob_key).unwrap();
    let bob = bob.diffie_hellman(&alice_key).unwrap();
    assert_eq!(alice.their_public_key(), bob.our_public_key());
    let info = "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICE|...";
    assert_eq!(alice.emoji_indices(info), bob.emoji_indices(info));
    assert_eq!(alice.decimals(info), bob.decimals(info));
    assert_eq!(alice.bytes(info, 6).unwrap(), bob.bytes(info, 6).unwrap());
    assert!(alice.emoji_indices(info).iter().all(|&index| index < 64));
    assert!(
        alice
            .decimals(info)
            .iter()
            .all(|&n| (1000..=9191).contains(&n))
    );

    let mac = alice.calculate_mac("ed25519:ALICE", "MAC info");
    bob.verify_mac("ed25519:ALICE", "MAC info", &mac).unwrap();
    let legacy = alice.calculate_mac_invalid_base64("key", "info");
    bob.verify_mac_invalid_base64("key", "info", &legacy)
        .unwrap();
    let long = alice.calculate_mac_long_kdf("key", "info");
    bob.verify_mac_long_kdf("key", "info", &long).unwrap();
}

#[wasm_bindgen_test]
fn a_key_backup_round_trip_and_signatures() {
    let backup = PkDecryption::new().unwrap();
    let encryption = PkEncryption::new(&backup.public_key()).unwrap();
    let message = encryption.encrypt("{\"session_key\":\"…\"}").unwrap();
    assert_eq!(backup.decrypt(message).unwrap(), "{\"session_key\":\"…\"}");
    let same = PkDecryption::from_private_key(&common::js::bytes(&backup.private_key())).unwrap();
    assert_eq!(same.public_key(), backup.public_key());

    let signing = PkSigning::new().unwrap();
    let signature = signing.sign("{\"usage\":[\"master\"]}");
    ed25519_verify(
        &signing.public_key(),
        "{\"usage\":[\"master\"]}",
        &signature,
    )
    .unwrap();
    let account = Account::new().unwrap();
    ed25519_verify(
        &account.ed25519_key(),
        "device keys",
        &account.sign("device keys"),
    )
    .unwrap();
    assert_eq!(
        sha256("Hello, World"),
        "A2daxT/5zRU1zMffzfosRYxSGDcfQY3BNvLRmsH76KU"
    );
}

#[wasm_bindgen_test]
fn identity_keys_and_one_time_keys_are_plain_objects() {
    let mut account = Account::new().unwrap();
    let keys = account.identity_keys();
    assert_eq!(string(&keys, "curve25519"), account.curve25519_key());
    assert_eq!(string(&keys, "ed25519"), account.ed25519_key());
    assert_eq!(account.max_number_of_one_time_keys(), 100);
    account.generate_one_time_keys(3).unwrap();
    let ids = js_sys::Object::keys(&account.one_time_keys().unchecked_into::<js_sys::Object>());
    let ids: Vec<String> = ids.iter().map(|id| id.as_string().unwrap()).collect();
    assert_eq!(ids, ["AAAAAw", "AAAAAg", "AAAAAQ"]);
    assert_eq!(account.mark_keys_as_published(), 3);
    assert_eq!(
        js_sys::Object::keys(&account.one_time_keys().unchecked_into::<js_sys::Object>()).length(),
        0
    );
    account.generate_fallback_key().unwrap();
    account.generate_fallback_key().unwrap();
    assert!(account.forget_old_fallback_key());
    assert!(!account.forget_old_fallback_key());
    let fallback = js_sys::Object::keys(&account.fallback_key().unchecked_into::<js_sys::Object>());
    assert_eq!(fallback.get(0).as_string().unwrap(), "AAAABQ");
}
