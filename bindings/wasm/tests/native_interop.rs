//! Native protee on both ends of the bindings (runs on the host, not in wasm):
//! - `fixtures/native.json` is exactly what native protee makes with a fixed RNG
//!   (`PROTEE_WASM_WRITE_FIXTURES=1 cargo test -p protee-wasm --test native_interop` rewrites
//!   it); the Chromium and Node suites check that the bindings read it and compute the same
//!   bytes (`tests/interop.rs`).
//! - `fixtures/from_browser.json`, made in headless Chromium by `demo/e2e.mjs`, is read back
//!   here: pickles load, the Olm and Megolm messages decrypt, the signatures verify.
//!   `PROTEE_WASM_FROM_BROWSER=path` checks a freshly made file instead (ci.sh does).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;

use common::fixtures::*;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
};
use protee::olm::{Account, OlmMessage, Session};
use protee::pk::{PkDecryption, PkEncryption, PkMessage, PkSigning};
use protee::types::base64;
use protee::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature};
use rand_core::{TryCryptoRng, TryRng};

/// SplitMix64: a fixed, reproducible byte stream. For fixtures only; not a CSPRNG.
struct FixtureRng(u64);

impl TryRng for FixtureRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, destination: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in destination.chunks_mut(8) {
            let bytes = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for FixtureRng {}

const NATIVE_PICKLE_KEY: [u8; 32] = *b"protee-wasm fixture pickle key!!";
const LIBOLM_PICKLE_KEY: &str = "protee-wasm libolm fixture key";

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn account_fixture(
    account: &Account,
    rng: &mut FixtureRng,
    signed_message: &str,
) -> AccountFixture {
    AccountFixture {
        curve25519: account.curve25519_key().to_base64(),
        ed25519: account.ed25519_key().to_base64(),
        libolm_pickle: account
            .to_libolm_pickle(LIBOLM_PICKLE_KEY.as_bytes())
            .unwrap(),
        native_pickle: account.pickle_with_rng(&NATIVE_PICKLE_KEY, rng),
        signed_message: signed_message.to_owned(),
        signature: account.sign(signed_message.as_bytes()).to_base64(),
    }
}

fn olm_fixture(message: &OlmMessage, plaintext: &str) -> OlmMessageFixture {
    let (message_type, body) = message.to_parts();
    OlmMessageFixture {
        message_type: message_type as u8,
        body,
        plaintext: plaintext.to_owned(),
    }
}

/// Everything in `fixtures/native.json`, made from one fixed RNG stream.
fn make_native_fixtures() -> NativeFixtures {
    let mut rng = FixtureRng(0x7072_6f74_6565); // "protee"
    let alice = Account::new_with_rng(&mut rng);
    let mut bob = Account::new_with_rng(&mut rng);
    bob.generate_one_time_keys(2, &mut rng);
    // Newest first: Alice takes the older key, the newer one stays for the browser.
    let keys = bob.one_time_keys();
    let (unused, used) = (keys[0].1, keys[1].1);
    bob.mark_keys_as_published();

    let alice_fixture = account_fixture(&alice, &mut rng, "Alice's device keys");
    let bob_fixture = account_fixture(&bob, &mut rng, "Bob's device keys");

    let mut session = alice
        .create_outbound_session(&bob.curve25519_key(), &used, &mut rng)
        .unwrap();
    let messages = [
        "Hello Bob! Native protee here.",
        "A second message, before you answer.",
    ]
    .iter()
    .map(|text| olm_fixture(&session.encrypt(text.as_bytes(), &mut rng), text))
    .collect();
    let alice_session_libolm_pickle = session
        .to_libolm_pickle(LIBOLM_PICKLE_KEY.as_bytes())
        .unwrap();
    let alice_session_native_pickle = session.pickle_with_rng(&NATIVE_PICKLE_KEY, &mut rng);
    assert_eq!(session.encrypt_random_length(), 0);
    let next_text = "Third: the browser must make these exact bytes.";
    let next = olm_fixture(&session.encrypt(next_text.as_bytes(), &mut rng), next_text);

    let mut group = GroupSession::new_with_rng(&mut rng);
    let session_key = group.session_key().to_base64();
    let megolm_messages: Vec<MegolmMessageFixture> = [
        "Welcome to the room.",
        "Megolm message one.",
        "Megolm message two.",
    ]
    .iter()
    .map(|text| MegolmMessageFixture {
        index: group.message_index(),
        ciphertext: group.encrypt(text.as_bytes()).to_base64(),
        plaintext: (*text).to_owned(),
    })
    .collect();
    let mut inbound =
        InboundGroupSession::new(&SessionKey::from_base64(&session_key).unwrap()).unwrap();
    let exported_at_1 = inbound.export_at(1).unwrap().to_base64();
    let group_libolm_pickle = group.to_libolm_pickle(LIBOLM_PICKLE_KEY.as_bytes());
    let group_native_pickle = group.pickle_with_rng(&NATIVE_PICKLE_KEY, &mut rng);
    let next_megolm_text = "The browser must encrypt this to the same bytes.";
    let next_megolm = MegolmMessageFixture {
        index: group.message_index(),
        ciphertext: group.encrypt(next_megolm_text.as_bytes()).to_base64(),
        plaintext: next_megolm_text.to_owned(),
    };

    let decryption = PkDecryption::new_with_rng(&mut rng);
    let pk_plaintext = "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"session_key\":\"...\"}";
    let message = PkEncryption::from_key(decryption.public_key())
        .unwrap()
        .encrypt(pk_plaintext.as_bytes(), &mut rng);
    let signing_seed = [7u8; 32];
    let signing = PkSigning::from_seed(&signing_seed);
    let pk_signed = "{\"user_id\":\"@alice:example.org\"}";

    NativeFixtures {
        about: "Made by native protee with a fixed RNG: PROTEE_WASM_WRITE_FIXTURES=1 cargo test \
                -p protee-wasm --test native_interop"
            .to_owned(),
        native_pickle_key: base64::encode(&NATIVE_PICKLE_KEY),
        libolm_pickle_key: LIBOLM_PICKLE_KEY.to_owned(),
        alice: alice_fixture,
        bob: bob_fixture,
        olm: OlmFixture {
            session_id: session.session_id(),
            used_one_time_key: used.to_base64(),
            unused_one_time_key: unused.to_base64(),
            messages,
            alice_session_libolm_pickle,
            alice_session_native_pickle,
            next,
        },
        megolm: MegolmFixture {
            session_id: group.session_id(),
            session_key,
            exported_at_1,
            messages: megolm_messages,
            group_libolm_pickle,
            group_native_pickle,
            next: next_megolm,
        },
        pk: PkFixture {
            public_key: decryption.public_key().to_base64(),
            decryption_libolm_pickle: decryption.to_libolm_pickle(LIBOLM_PICKLE_KEY.as_bytes()),
            decryption_native_pickle: decryption.pickle_with_rng(&NATIVE_PICKLE_KEY, &mut rng),
            message: PkMessageFixture {
                ciphertext: message.ciphertext_base64(),
                mac: message.mac_base64(),
                ephemeral_key: message.ephemeral_key_base64(),
            },
            plaintext: pk_plaintext.to_owned(),
            signing_seed: base64::encode(&signing_seed),
            signing_public_key: signing.public_key().to_base64(),
            signed_message: pk_signed.to_owned(),
            signature: signing.sign(pk_signed.as_bytes()).to_base64(),
        },
    }
}

#[test]
fn committed_native_fixtures_are_what_native_protee_makes() {
    let made = make_native_fixtures();
    let path = fixture_path("native.json");
    if std::env::var_os("PROTEE_WASM_WRITE_FIXTURES").is_some() {
        let json = serde_json::to_string_pretty(&made).unwrap() + "\n";
        std::fs::write(&path, json).unwrap();
    }
    let committed: NativeFixtures =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        committed,
        made,
        "{} is stale: rewrite it with PROTEE_WASM_WRITE_FIXTURES=1",
        path.display()
    );
}

#[test]
fn native_protee_reads_what_the_browser_made() {
    let path = std::env::var_os("PROTEE_WASM_FROM_BROWSER")
        .map(PathBuf::from)
        .unwrap_or_else(|| fixture_path("from_browser.json"));
    let browser: BrowserFixtures =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let native = make_native_fixtures();
    let native_key: [u8; 32] = base64::decode_array(&browser.native_pickle_key).unwrap();
    let libolm_key = browser.libolm_pickle_key.as_bytes();
    let context = format!("{} (made by {})", path.display(), browser.user_agent);

    // The browser's account: both pickles load to the same keys; its signature verifies.
    let account = Account::from_pickle(&browser.account.native_pickle, &native_key).unwrap();
    let from_libolm =
        Account::from_libolm_pickle(&browser.account.libolm_pickle, libolm_key).unwrap();
    for loaded in [&account, &from_libolm] {
        assert_eq!(
            loaded.curve25519_key().to_base64(),
            browser.account.curve25519,
            "{context}"
        );
        assert_eq!(
            loaded.ed25519_key().to_base64(),
            browser.account.ed25519,
            "{context}"
        );
    }
    Ed25519PublicKey::from_base64(&browser.account.ed25519)
        .unwrap()
        .verify(
            browser.account.signed_message.as_bytes(),
            &Ed25519Signature::from_base64(&browser.account.signature).unwrap(),
        )
        .unwrap();

    // Its pre-key message to the fixture Bob, on his unused one-time key.
    let mut bob = Account::from_libolm_pickle(
        &native.bob.libolm_pickle,
        native.libolm_pickle_key.as_bytes(),
    )
    .unwrap();
    let message = OlmMessage::from_parts(
        browser.olm_message_to_bob.message_type.into(),
        &browser.olm_message_to_bob.body,
    )
    .unwrap();
    let OlmMessage::PreKey(pre_key) = &message else {
        panic!("{context}: the browser's first message is not a pre-key message");
    };
    assert_eq!(
        pre_key.one_time_key().to_base64(),
        native.olm.unused_one_time_key,
        "{context}"
    );
    let created = bob
        .create_inbound_session(
            Some(&Curve25519PublicKey::from_base64(&browser.account.curve25519).unwrap()),
            pre_key,
        )
        .unwrap();
    assert_eq!(
        created.plaintext,
        browser.olm_message_to_bob.plaintext.as_bytes(),
        "{context}"
    );
    let _: Session = created.session;

    // Its Megolm session: the session key and the pickled outbound session decrypt / continue.
    let mut inbound =
        InboundGroupSession::new(&SessionKey::from_base64(&browser.megolm.session_key).unwrap())
            .unwrap();
    for message in &browser.megolm.messages {
        let decrypted = inbound
            .decrypt(&MegolmMessage::from_base64(&message.ciphertext).unwrap())
            .unwrap();
        assert_eq!(
            decrypted.plaintext,
            message.plaintext.as_bytes(),
            "{context}"
        );
        assert_eq!(decrypted.message_index, message.index, "{context}");
    }
    let mut group = GroupSession::from_pickle(&browser.megolm.native_pickle, &native_key).unwrap();
    assert_eq!(group.session_id(), inbound.session_id(), "{context}");
    let after = group.encrypt(b"native protee continues the browser's session");
    assert_eq!(
        inbound.decrypt(&after).unwrap().plaintext,
        b"native protee continues the browser's session"
    );
    let _ = ExportedSessionKey::from_base64(&inbound.export_at_first_known_index().to_base64())
        .unwrap();

    // Its PK message to the fixture backup key.
    let decryption = PkDecryption::from_libolm_pickle(
        &native.pk.decryption_libolm_pickle,
        native.libolm_pickle_key.as_bytes(),
    )
    .unwrap();
    let pk_message = PkMessage::from_base64(
        &browser.pk_message.ciphertext,
        &browser.pk_message.mac,
        &browser.pk_message.ephemeral_key,
    )
    .unwrap();
    assert_eq!(
        decryption.decrypt(&pk_message).unwrap(),
        browser.pk_plaintext.as_bytes(),
        "{context}"
    );
}
