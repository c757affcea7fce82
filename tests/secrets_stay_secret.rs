//! Secrets stay inside: no `Debug` output shows a secret key, a ratchet, a session key or a
//! plaintext, and the public types that own secret bytes wipe them when dropped.
//!
//! Every secret here comes from random bytes the test chose, so the test knows them and looks
//! for every 12-byte run of them in each form `Debug` could print: hex, a decimal byte list,
//! and base64 (a run starting at each offset covers the three base64 alignments).

mod common;

use common::{FixedBytes, TestRng};
use protee::megolm::{ExportedSessionKey, GroupSession, InboundGroupSession, SessionKey};
use protee::olm::{Account, OlmMessage};
use protee::pk::{PkDecryption, PkEncryption, PkSigning};
use protee::sas::{EstablishedSas, Sas};
use protee::types::base64;
use protee::{Curve25519PublicKey, Curve25519SecretKey, Ed25519SecretKey};
use rand_core::TryRng;
use sha2::{Digest, Sha512};

const PLAINTEXT: &[u8] = b"the plaintext nobody may print, not even in a debug log";

/// `n` bytes that no other value in these tests shares by accident.
fn secret_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    TestRng::new(seed).try_fill_bytes(&mut bytes).unwrap();
    bytes
}

/// Fails if `shown` holds any 12-byte run of `secret` as hex, a decimal list or base64.
fn assert_hidden(shown: &str, secret: &[u8], what: &str) {
    for run in secret.windows(12) {
        let hex: String = run.iter().map(|b| format!("{b:02x}")).collect();
        let decimal = format!("{run:?}");
        let forms = [
            hex.clone(),
            hex.to_uppercase(),
            decimal.trim_matches(['[', ']']).to_owned(),
            base64::encode(run),
        ];
        for form in forms {
            assert!(!shown.contains(&form), "{what} shows {form}: {shown}");
        }
    }
}

/// Both `Debug` forms of `value`, one after the other.
fn debug(value: &impl std::fmt::Debug) -> String {
    format!("{value:?}\n{value:#?}")
}

/// libolm's expanded Ed25519 key of a seed: SHA-512(seed), the first half clamped.
fn expanded(seed: &[u8]) -> Vec<u8> {
    let mut hash = Sha512::digest(seed).to_vec();
    hash[0] &= 248;
    hash[31] = (hash[31] & 127) | 64;
    hash
}

// spec/olm.md OLM-ZERO-2: an account prints its public identity keys and a key count, never
// its Ed25519 seed or expanded key, its Curve25519 identity secret, or a one-time or fallback
// secret.
#[test]
fn an_account_prints_no_secret_key() {
    let random = secret_bytes(1, 64 + 2 * 32 + 32);
    let mut rng = FixedBytes::new(&random);
    let mut account = Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(2, &mut rng);
    account.generate_fallback_key(&mut rng);
    assert_eq!(rng.drawn(), random.len());

    let shown = debug(&account);
    assert!(shown.contains(&account.curve25519_key().to_base64()));
    assert_hidden(&shown, &random, "Account");
    assert_hidden(&shown, &expanded(&random[..32]), "Account");
}

// spec/olm.md OLM-ZERO-2: sessions, messages and errors print no base key, ratchet secret or
// plaintext.
#[test]
fn olm_sessions_messages_and_errors_print_no_secret() {
    let alice_random = secret_bytes(2, 64);
    let alice = Account::new_with_rng(&mut FixedBytes::new(&alice_random));
    let mut bob = Account::new_with_rng(&mut TestRng::new(3));
    bob.generate_one_time_keys(1, &mut TestRng::new(4));
    let (_, one_time_key) = bob.one_time_keys()[0];

    let session_random = secret_bytes(5, 64);
    let mut alice_session = alice
        .create_outbound_session(
            &bob.curve25519_key(),
            &one_time_key,
            &mut FixedBytes::new(&session_random),
        )
        .unwrap();
    let first = alice_session.encrypt(PLAINTEXT, &mut FixedBytes::new(&[]));
    let OlmMessage::PreKey(pre_key) = &first else {
        panic!("a first message is a pre-key message")
    };
    let created = bob.create_inbound_session(None, pre_key).unwrap();
    assert_eq!(created.plaintext, PLAINTEXT);
    let mut bob_session = created.session;

    let reply_random = secret_bytes(6, 32);
    let reply = bob_session.encrypt(PLAINTEXT, &mut FixedBytes::new(&reply_random));
    let (message_type, body) = reply.to_parts();
    let mut bytes = base64::decode(&body).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1; // a MAC byte
    let tampered = OlmMessage::from_parts(message_type, &base64::encode(&bytes)).unwrap();
    let error = alice_session.decrypt(&tampered).unwrap_err();
    assert_eq!(alice_session.decrypt(&reply).unwrap(), PLAINTEXT);

    let shown = [
        debug(&alice_session),
        debug(&bob_session),
        debug(&first),
        debug(&reply),
        debug(&error),
        error.to_string(),
    ]
    .join("\n");
    for (secret, what) in [
        (&alice_random, "Alice's identity keys"),
        (&session_random, "Alice's base and ratchet keys"),
        (&reply_random, "Bob's ratchet key"),
        (&PLAINTEXT.to_vec(), "the plaintext"),
    ] {
        assert_hidden(&shown, secret, what);
    }
}

// spec/olm.md OLM-ZERO-2: the result of `create_inbound_session` holds the first plaintext; its
// `Debug` must show only the length.
#[test]
fn a_new_inbound_session_prints_no_plaintext() {
    let alice = Account::new_with_rng(&mut TestRng::new(7));
    let mut bob = Account::new_with_rng(&mut TestRng::new(8));
    bob.generate_one_time_keys(1, &mut TestRng::new(9));
    let (_, one_time_key) = bob.one_time_keys()[0];
    let mut session = alice
        .create_outbound_session(&bob.curve25519_key(), &one_time_key, &mut TestRng::new(10))
        .unwrap();
    let OlmMessage::PreKey(pre_key) = session.encrypt(PLAINTEXT, &mut TestRng::new(11)) else {
        panic!("a first message is a pre-key message")
    };
    let created = bob.create_inbound_session(None, &pre_key).unwrap();
    assert_hidden(&debug(&created), PLAINTEXT, "InboundCreationResult");
}

// spec/megolm.md MEGOLM-ZERO-1: no ratchet value, Ed25519 seed, session key, export or
// plaintext in `Debug`; session keys and exports print a redacted placeholder, sessions their
// id and index, a decrypted message its length and index.
#[test]
fn megolm_sessions_keys_and_messages_print_no_ratchet() {
    let random = secret_bytes(12, 160);
    let mut outbound = GroupSession::new_with_rng(&mut FixedBytes::new(&random));
    let session_key = outbound.session_key();
    let mut inbound = InboundGroupSession::new(&session_key).unwrap();
    let message = outbound.encrypt(PLAINTEXT);
    let decrypted = inbound.decrypt(&message).unwrap();
    assert_eq!(decrypted.plaintext, PLAINTEXT);
    let export_0 = inbound.export_at_first_known_index();
    let export_1 = inbound.export_at(1).unwrap();
    // The ratchet at index 1, now in both sessions: bytes [5, 133) of the export.
    let ratchet_1 = base64::decode(&export_1.to_base64()).unwrap()[5..133].to_vec();

    assert_eq!(format!("{session_key:?}"), "SessionKey(<redacted>)");
    assert_eq!(format!("{export_0:?}"), "ExportedSessionKey(<redacted>)");
    assert!(format!("{decrypted:?}").contains(&format!("plaintext_len: {}", PLAINTEXT.len())));
    let shown = [
        debug(&outbound),
        debug(&inbound),
        debug(&session_key),
        debug(&export_0),
        debug(&export_1),
        debug(&message),
        debug(&decrypted),
    ]
    .join("\n");
    assert!(shown.contains(&inbound.session_id()));
    assert_hidden(&shown, &random, "the ratchet at 0 or the seed");
    assert_hidden(
        &shown,
        &expanded(&random[128..]),
        "the expanded Ed25519 key",
    );
    assert_hidden(&shown, &ratchet_1, "the ratchet at 1");
    assert_hidden(&shown, PLAINTEXT, "the plaintext");
    assert!(!shown.contains(&session_key.to_base64()[..40]));
}

// spec/sas-pk.md SAS-ZERO-1, PK-ZERO-1: the SAS and PK objects print public keys only.
#[test]
fn sas_and_pk_objects_print_only_public_keys() {
    // RFC 7748 §6.1: alice's private key, bob's public key and their shared secret.
    let alice_private = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    let bob_public = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";
    let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    let bytes = |hex: &str| -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    };
    let alice_private = bytes(alice_private);
    let sas = Sas::new_with_rng(&mut FixedBytes::new(&alice_private));
    let sas_shown = debug(&sas);
    let established = sas.diffie_hellman_with_base64(bob_public).unwrap();

    let secret = secret_bytes(13, 32);
    let seed = secret_bytes(14, 32);
    let ephemeral = secret_bytes(15, 32);
    let array = |bytes: &[u8]| -> [u8; 32] { bytes.try_into().unwrap() };
    let backup = PkDecryption::from_bytes(&array(&secret));
    let message = PkEncryption::from_key(backup.public_key())
        .unwrap()
        .encrypt(PLAINTEXT, &mut FixedBytes::new(&ephemeral));
    let shown = [
        sas_shown,
        debug(&established),
        debug(&backup),
        debug(&PkSigning::from_seed(&array(&seed))),
        debug(&message),
        debug(&Curve25519SecretKey::from_bytes(array(&secret))),
        debug(&Ed25519SecretKey::from_seed(&array(&seed))),
    ]
    .join("\n");
    assert!(shown.contains(bob_public));
    assert!(shown.contains(&backup.public_key().to_base64()));
    for (secret, what) in [
        (alice_private, "the SAS secret"),
        (bytes(shared), "the SAS shared secret"),
        (secret, "the backup key"),
        (seed.clone(), "the signing seed"),
        (expanded(&seed), "the expanded signing key"),
        (ephemeral, "the ephemeral PK secret"),
        (PLAINTEXT.to_vec(), "the plaintext"),
    ] {
        assert_hidden(&shown, &secret, what);
    }
}

fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}

// spec/olm.md OLM-ZERO-1, spec/megolm.md MEGOLM-ZERO-1, spec/sas-pk.md SAS-ZERO-1, PK-ZERO-1:
// every public type that owns secret bytes wipes them when dropped, and exported key bytes
// come back in a self-wiping buffer. `Account`, `Session`, `GroupSession` and
// `InboundGroupSession` hold their secrets in these types and in crate-internal ones (root,
// chain and message keys, the Megolm ratchet, the cipher keys), which only a unit test inside
// `src/` can name.
#[test]
fn secret_owning_types_wipe_themselves_on_drop() {
    zeroized_on_drop::<Curve25519SecretKey>();
    zeroized_on_drop::<Ed25519SecretKey>();
    zeroized_on_drop::<SessionKey>();
    zeroized_on_drop::<ExportedSessionKey>();
    zeroized_on_drop::<Sas>();
    zeroized_on_drop::<EstablishedSas>();
    zeroized_on_drop::<PkDecryption>();
    zeroized_on_drop::<PkSigning>();
    let backup = PkDecryption::from_bytes(&[7; 32]);
    let _: zeroize::Zeroizing<[u8; 32]> = backup.to_bytes();
    let _: Curve25519PublicKey = backup.public_key();
}
