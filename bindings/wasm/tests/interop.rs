//! Values made by native protee (`fixtures/native.json`, see `tests/native_interop.rs`) are
//! read by the bindings in headless Chromium and in Node, and what the bindings compute from
//! them is byte for byte what native protee computed.

#![cfg(target_arch = "wasm32")]

mod common;

use common::fixtures::NativeFixtures;
use common::js::{bytes, number, olm_message, string};
use js_sys::Uint8Array;
use protee_wasm::{
    Account, GroupSession, InboundGroupSession, PkDecryption, PkSigning, Session, ed25519_verify,
};
use wasm_bindgen::JsValue;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn fixtures() -> NativeFixtures {
    serde_json::from_str(include_str!("fixtures/native.json")).unwrap()
}

fn native_key(fixtures: &NativeFixtures) -> Uint8Array {
    bytes(&protee::types::base64::decode(&fixtures.native_pickle_key).unwrap())
}

fn libolm_key(fixtures: &NativeFixtures) -> JsValue {
    JsValue::from_str(&fixtures.libolm_pickle_key)
}

#[wasm_bindgen_test]
fn native_accounts_load_and_sign_the_same_bytes() {
    let fixtures = fixtures();
    for expected in [&fixtures.alice, &fixtures.bob] {
        let from_libolm =
            Account::from_libolm_pickle(&expected.libolm_pickle, libolm_key(&fixtures)).unwrap();
        let from_native =
            Account::from_pickle(&expected.native_pickle, &native_key(&fixtures)).unwrap();
        for account in [&from_libolm, &from_native] {
            assert_eq!(account.curve25519_key(), expected.curve25519);
            assert_eq!(account.ed25519_key(), expected.ed25519);
            assert_eq!(account.sign(&expected.signed_message), expected.signature);
        }
        // libolm pickles are deterministic: the bindings write the very same pickle.
        assert_eq!(
            from_native.to_libolm_pickle(libolm_key(&fixtures)).unwrap(),
            expected.libolm_pickle
        );
        ed25519_verify(
            &expected.ed25519,
            &expected.signed_message,
            &expected.signature,
        )
        .unwrap();
    }
}

#[wasm_bindgen_test]
fn bob_in_the_browser_reads_alice_natively_made_messages() {
    let fixtures = fixtures();
    let mut bob =
        Account::from_libolm_pickle(&fixtures.bob.libolm_pickle, libolm_key(&fixtures)).unwrap();
    let (first, rest) = fixtures.olm.messages.split_first().unwrap();
    let created = bob
        .create_inbound_session(
            olm_message(first.message_type, &first.body),
            Some(fixtures.alice.curve25519.clone()),
        )
        .unwrap();
    assert_eq!(string(&created, "plaintext"), first.plaintext);
    let mut session =
        Session::try_from_js_value(js_sys::Reflect::get(&created, &"session".into()).unwrap())
            .unwrap();
    assert_eq!(session.session_id(), fixtures.olm.session_id);
    for message in rest.iter().chain([&fixtures.olm.next]) {
        assert_eq!(
            session
                .decrypt(olm_message(message.message_type, &message.body))
                .unwrap(),
            message.plaintext
        );
    }

    // Bob answers; Alice's natively pickled session, loaded in the browser, reads it.
    let mut alice = Session::from_libolm_pickle(
        &fixtures.olm.alice_session_libolm_pickle,
        libolm_key(&fixtures),
    )
    .unwrap();
    let reply = session.encrypt("Hello Alice, from the browser").unwrap();
    assert_eq!(number(&reply, "type"), 1.0);
    // Alice's pickle was taken before she sent `next`; Bob's reply is on a new chain.
    assert_eq!(
        alice.decrypt(reply).unwrap(),
        "Hello Alice, from the browser"
    );
}

#[wasm_bindgen_test]
fn alice_natively_pickled_session_encrypts_the_same_bytes_in_the_browser() {
    let fixtures = fixtures();
    for mut alice in [
        Session::from_libolm_pickle(
            &fixtures.olm.alice_session_libolm_pickle,
            libolm_key(&fixtures),
        )
        .unwrap(),
        Session::from_pickle(
            &fixtures.olm.alice_session_native_pickle,
            &native_key(&fixtures),
        )
        .unwrap(),
    ] {
        assert_eq!(alice.session_id(), fixtures.olm.session_id);
        let next = alice.encrypt(&fixtures.olm.next.plaintext).unwrap();
        assert_eq!(
            number(&next, "type"),
            f64::from(fixtures.olm.next.message_type)
        );
        assert_eq!(string(&next, "body"), fixtures.olm.next.body);
    }
}

#[wasm_bindgen_test]
fn megolm_natively_made_decrypts_and_continues_byte_for_byte() {
    let fixtures = fixtures();
    let megolm = &fixtures.megolm;
    let mut inbound = InboundGroupSession::new(&megolm.session_key).unwrap();
    assert_eq!(inbound.session_id(), megolm.session_id);
    for message in megolm.messages.iter().chain([&megolm.next]) {
        let decrypted = inbound.decrypt(&message.ciphertext).unwrap();
        assert_eq!(string(&decrypted, "plaintext"), message.plaintext);
        assert_eq!(number(&decrypted, "messageIndex"), f64::from(message.index));
    }
    assert_eq!(inbound.export_at(1).unwrap(), megolm.exported_at_1);
    let mut imported = InboundGroupSession::import_session(&megolm.exported_at_1).unwrap();
    assert_eq!(imported.first_known_index(), 1);
    assert_eq!(
        string(
            &imported.decrypt(&megolm.messages[1].ciphertext).unwrap(),
            "plaintext"
        ),
        megolm.messages[1].plaintext
    );

    for mut outbound in [
        GroupSession::from_libolm_pickle(&megolm.group_libolm_pickle, libolm_key(&fixtures))
            .unwrap(),
        GroupSession::from_pickle(&megolm.group_native_pickle, &native_key(&fixtures)).unwrap(),
    ] {
        assert_eq!(outbound.session_id(), megolm.session_id);
        assert_eq!(outbound.message_index(), megolm.next.index);
        assert_eq!(
            outbound.encrypt(&megolm.next.plaintext),
            megolm.next.ciphertext
        );
    }
}

#[wasm_bindgen_test]
fn pk_natively_made_decrypts_and_signs_the_same_bytes() {
    let fixtures = fixtures();
    let pk = &fixtures.pk;
    for decryption in [
        PkDecryption::from_libolm_pickle(&pk.decryption_libolm_pickle, libolm_key(&fixtures))
            .unwrap(),
        PkDecryption::from_pickle(&pk.decryption_native_pickle, &native_key(&fixtures)).unwrap(),
    ] {
        assert_eq!(decryption.public_key(), pk.public_key);
        let message = js_sys::Object::new();
        for (name, value) in [
            ("ciphertext", &pk.message.ciphertext),
            ("mac", &pk.message.mac),
            ("ephemeralKey", &pk.message.ephemeral_key),
        ] {
            js_sys::Reflect::set(&message, &name.into(), &JsValue::from_str(value)).unwrap();
        }
        assert_eq!(decryption.decrypt(message.into()).unwrap(), pk.plaintext);
    }
    let seed = protee::types::base64::decode(&pk.signing_seed).unwrap();
    let signing = PkSigning::from_seed(&bytes(&seed)).unwrap();
    assert_eq!(signing.public_key(), pk.signing_public_key);
    assert_eq!(signing.sign(&pk.signed_message), pk.signature);
}
