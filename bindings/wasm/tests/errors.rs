//! Bad input through the bindings gives a typed exception (`name`, `code`, a message), never a
//! panic, and leaves the object unchanged. Run in headless Chromium and in Node.

#![cfg(target_arch = "wasm32")]

mod common;

use common::js::{bytes, key, olm_message, string, thrown};
use protee_wasm::{
    Account, GroupSession, InboundGroupSession, PkDecryption, PkEncryption, PkSigning, Sas,
    Session, ed25519_verify,
};
use wasm_bindgen::JsValue;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn pair(name: &str, code: &str) -> (String, String) {
    (name.to_owned(), code.to_owned())
}

/// Bob's published one-time key and a fresh outbound session to it from a new account.
fn session_to(bob: &mut Account) -> (Account, Session) {
    bob.generate_one_time_keys(1).unwrap();
    let keys: js_sys::Object = wasm_bindgen::JsCast::unchecked_into(bob.one_time_keys());
    let one_time_key = js_sys::Object::values(&keys).get(0).as_string().unwrap();
    bob.mark_keys_as_published();
    let alice = Account::new().unwrap();
    let session = alice
        .create_outbound_session(&bob.curve25519_key(), &one_time_key)
        .unwrap();
    (alice, session)
}

#[wasm_bindgen_test]
fn bad_base64_is_a_decode_error() {
    let account = Account::new().unwrap();
    let valid = account.curve25519_key();
    let padded = format!("{valid}=");
    let outside_alphabet = format!("{}!", &valid[..42]);
    let short = valid[..42].to_owned();
    for (bad, code) in [
        (padded, "InvalidLength"),
        (outside_alphabet, "InvalidBase64"),
        (short, "InvalidLength"),
    ] {
        assert_eq!(
            thrown(account.create_outbound_session(&bad, &valid)),
            pair("DecodeError", code),
            "{bad}"
        );
        assert_eq!(
            thrown(account.create_outbound_session(&valid, &bad)),
            pair("DecodeError", code),
            "{bad}"
        );
    }
    assert_eq!(
        thrown(InboundGroupSession::new(&format!(
            "!{}",
            &GroupSession::new().unwrap().session_key()[1..]
        ))),
        pair("SessionKeyError", "InvalidBase64")
    );
    assert_eq!(
        thrown(InboundGroupSession::new("not a session key")),
        pair("SessionKeyError", "InvalidLength")
    );
    assert_eq!(
        thrown(PkEncryption::new("AAAA")),
        pair("DecodeError", "InvalidLength")
    );
    assert_eq!(
        thrown(Sas::new().unwrap().diffie_hellman("%%%")),
        pair("SasError", "InvalidPublicKey")
    );
    assert_eq!(
        thrown(ed25519_verify("xyz", "message", "sig")),
        pair("SignatureError", "Invalid")
    );
}

#[wasm_bindgen_test]
fn a_wrong_pickle_key_is_a_pickle_error() {
    let account = Account::new().unwrap();
    let pickle = account.pickle(&key(1)).unwrap();
    assert_eq!(
        thrown(Account::from_pickle(&pickle, &key(2))),
        pair("PickleError", "InvalidMac")
    );
    let libolm = account.to_libolm_pickle("right".into()).unwrap();
    assert_eq!(
        thrown(Account::from_libolm_pickle(&libolm, "wrong".into())),
        pair("PickleError", "InvalidMac")
    );
    // A pickle of one object type is not another's.
    let group = GroupSession::new().unwrap().pickle(&key(1)).unwrap();
    assert_eq!(
        thrown(Account::from_pickle(&group, &key(1))).0,
        "PickleError"
    );
    assert_eq!(
        thrown(Account::from_pickle("%%%", &key(1))),
        pair("PickleError", "InvalidBase64")
    );
    // Arguments of the wrong shape.
    assert_eq!(
        thrown(account.pickle(&bytes(&[0; 16]))),
        pair("ArgumentError", "InvalidPickleKeyLength")
    );
    assert_eq!(
        thrown(account.to_libolm_pickle(JsValue::from(7))),
        pair("ArgumentError", "InvalidPickleKeyType")
    );
    assert_eq!(
        thrown(PkSigning::from_seed(&bytes(&[1; 31]))),
        pair("ArgumentError", "InvalidKeyLength")
    );
}

#[wasm_bindgen_test]
fn a_tampered_olm_message_is_refused_and_changes_nothing() {
    let mut bob = Account::new().unwrap();
    let (alice, mut session) = session_to(&mut bob);
    let message = session.encrypt("authentic").unwrap();
    let body = string(&message, "body");
    // Flip one bit of the MAC (the last byte): the MAC no longer verifies.
    let mut raw = protee::types::base64::decode(&body).unwrap();
    *raw.last_mut().unwrap() ^= 1;
    let tampered = protee::types::base64::encode(&raw);
    assert_eq!(
        thrown(bob.create_inbound_session(olm_message(0, &tampered), Some(alice.curve25519_key()))),
        pair("SessionCreationError", "Decryption")
    );
    // The one-time key was not used up: the real message still works.
    let created = bob
        .create_inbound_session(olm_message(0, &body), Some(alice.curve25519_key()))
        .unwrap();
    assert_eq!(string(&created, "plaintext"), "authentic");

    let mut bob_session =
        Session::try_from_js_value(js_sys::Reflect::get(&created, &"session".into()).unwrap())
            .unwrap();
    let reply = bob_session.encrypt("reply").unwrap();
    let mut raw = protee::types::base64::decode(&string(&reply, "body")).unwrap();
    raw[5] ^= 0x80;
    let tampered = protee::types::base64::encode(&raw);
    let (name, _) = thrown(session.decrypt(olm_message(1, &tampered)));
    assert!(
        name == "DecryptionError" || name == "MessageError",
        "a tampered message gave {name}"
    );
    assert_eq!(session.decrypt(reply.clone()).unwrap(), "reply");
    assert_eq!(
        thrown(session.decrypt(reply)),
        pair("DecryptionError", "MissingMessageKey")
    );
    // Wrong sender, wrong types, wrong shapes.
    assert_eq!(
        thrown(session.decrypt(olm_message(1, "AwogAAAA"))).0,
        "MessageError"
    );
    assert_eq!(
        thrown(session.decrypt(JsValue::from_str("not an object"))),
        pair("ArgumentError", "InvalidMessage")
    );
    assert_eq!(
        thrown(bob.create_inbound_session(bob_session.encrypt("normal").unwrap(), None)),
        pair("ArgumentError", "NotAPreKeyMessage")
    );
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"type".into(), &JsValue::from(2)).unwrap();
    js_sys::Reflect::set(&message, &"body".into(), &JsValue::from_str(&body)).unwrap();
    assert_eq!(
        thrown(session.decrypt(message.into())),
        pair("MessageError", "UnknownMessageType")
    );
}

#[wasm_bindgen_test]
fn a_pre_key_message_from_someone_else_is_refused() {
    let mut bob = Account::new().unwrap();
    let (_alice, mut session) = session_to(&mut bob);
    let mallory = Account::new().unwrap();
    let message = session.encrypt("hi").unwrap();
    assert_eq!(
        thrown(bob.create_inbound_session(message.clone(), Some(mallory.curve25519_key()))),
        pair("SessionCreationError", "IdentityKeyMismatch")
    );
    let stranger = Account::new().unwrap().pickle(&key(0)).unwrap();
    let mut other = Account::from_pickle(&stranger, &key(0)).unwrap();
    assert_eq!(
        thrown(other.create_inbound_session(message, None)),
        pair("SessionCreationError", "UnknownOneTimeKey")
    );
}

#[wasm_bindgen_test]
fn a_tampered_megolm_message_is_refused_and_changes_nothing() {
    let mut outbound = GroupSession::new().unwrap();
    let mut inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
    let ciphertext = outbound.encrypt("room message");
    let mut raw = protee::types::base64::decode(&ciphertext).unwrap();
    raw[10] ^= 1;
    let tampered = protee::types::base64::encode(&raw);
    assert_eq!(
        thrown(inbound.decrypt(&tampered)),
        pair("MegolmDecryptionError", "InvalidSignature")
    );
    assert_eq!(
        string(&inbound.decrypt(&ciphertext).unwrap(), "plaintext"),
        "room message"
    );
    assert_eq!(thrown(inbound.decrypt("AAAA")).0, "MessageError");

    let later = InboundGroupSession::import_session(&inbound.export_at(1).unwrap()).unwrap();
    let mut later = later;
    assert_eq!(
        thrown(later.decrypt(&ciphertext)),
        pair("MegolmDecryptionError", "UnknownMessageIndex")
    );
}

#[wasm_bindgen_test]
fn pk_and_sas_errors_are_typed() {
    let backup = PkDecryption::new().unwrap();
    let other = PkDecryption::new().unwrap();
    let message = PkEncryption::new(&backup.public_key())
        .unwrap()
        .encrypt("secret")
        .unwrap();
    assert_eq!(
        thrown(other.decrypt(message)),
        pair("PkError", "InvalidMac")
    );
    assert_eq!(
        thrown(backup.decrypt(JsValue::NULL)),
        pair("ArgumentError", "InvalidMessage")
    );

    let alice = Sas::new().unwrap();
    let bob = Sas::new().unwrap();
    let bob_key = bob.public_key();
    let alice = alice.diffie_hellman(&bob_key).unwrap();
    assert_eq!(
        thrown(alice.verify_mac("input", "info", &alice.calculate_mac("other", "info"))),
        pair("SasError", "InvalidMac")
    );
    assert_eq!(
        thrown(alice.bytes("info", 255 * 32 + 1)),
        pair("SasError", "InvalidByteCount")
    );
}

#[wasm_bindgen_test]
fn too_many_one_time_keys_at_once_is_an_argument_error() {
    let mut account = Account::new().unwrap();
    assert_eq!(
        thrown(account.generate_one_time_keys(101)),
        pair("ArgumentError", "TooManyOneTimeKeys")
    );
    account.generate_one_time_keys(100).unwrap();
}
