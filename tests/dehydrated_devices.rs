//! Dehydrated devices (MSC3814) between protee and vodozemac 0.11, both ways
//! (spec/pickle.md PICKLE-DEHYDRATED-1 … PICKLE-DEHYDRATED-4): the rehydrated account has the
//! same identity and one-time keys, a peer of the other library opens Olm sessions with its
//! keys, both libraries write byte-identical plaintexts for the same account, and anything
//! altered or malformed is a typed error.

mod common;

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit};
use common::TestRng;
use protee::PickleError;
use protee::pickle::DehydratedDevice;
use vodozemac::olm::SessionConfig;

const KEY: [u8; 32] = [0x3c; 32];

fn to_protee_key(key: vodozemac::Curve25519PublicKey) -> protee::Curve25519PublicKey {
    protee::Curve25519PublicKey::from_base64(&key.to_base64()).unwrap()
}

fn to_vodozemac_key(key: protee::Curve25519PublicKey) -> vodozemac::Curve25519PublicKey {
    vodozemac::Curve25519PublicKey::from_base64(&key.to_base64()).unwrap()
}

fn to_protee_message(message: &vodozemac::olm::OlmMessage) -> protee::olm::OlmMessage {
    let (message_type, bytes) = message.to_parts();
    protee::olm::OlmMessage::from_type_and_bytes(message_type, bytes).unwrap()
}

fn to_vodozemac_message(message: &protee::olm::OlmMessage) -> vodozemac::olm::OlmMessage {
    vodozemac::olm::OlmMessage::from_parts(message.to_parts().0, message.as_bytes()).unwrap()
}

fn rehydrate(device: &DehydratedDevice) -> Result<protee::olm::Account, PickleError> {
    protee::olm::Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &KEY)
}

/// The plaintext of a dehydrated device, decrypted independently of protee.
fn plaintext(ciphertext: &str, nonce: &str) -> Vec<u8> {
    let nonce: [u8; 12] = protee::types::base64::decode(nonce)
        .unwrap()
        .try_into()
        .unwrap();
    let ciphertext = protee::types::base64::decode(ciphertext).unwrap();
    ChaCha20Poly1305::new(&KEY.into())
        .decrypt(&nonce.into(), ciphertext.as_slice())
        .unwrap()
}

/// A dehydrated device holding exactly `plaintext`, sealed independently of protee.
fn seal(plaintext: &[u8]) -> DehydratedDevice {
    let nonce = [7u8; 12];
    let ciphertext = ChaCha20Poly1305::new(&KEY.into())
        .encrypt(&nonce.into(), plaintext)
        .unwrap();
    DehydratedDevice {
        ciphertext: protee::types::base64::encode(&ciphertext),
        nonce: protee::types::base64::encode(&nonce),
    }
}

// spec/pickle.md PICKLE-DEHYDRATED-3: every one-time key oldest first and the current fallback key.
#[test]
fn protee_dehydrates_and_vodozemac_rehydrates() {
    let mut rng = TestRng::new(1);
    let mut account = protee::olm::Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(4, &mut rng);
    let mut one_time_keys = account.one_time_keys();
    account.generate_fallback_key(&mut rng);
    let (_, previous_fallback) = account.fallback_key().unwrap();
    account.mark_keys_as_published();
    account.generate_one_time_keys(2, &mut rng);
    one_time_keys.extend(account.one_time_keys());
    account.generate_fallback_key(&mut rng);
    let (_, fallback) = account.fallback_key().unwrap();

    let device = account.to_dehydrated_device(&KEY, &mut rng).unwrap();
    assert_eq!(device.nonce.len(), 16);
    // Written oldest first: the i-th oldest key gets id i.
    let mut ids = rehydrate(&device).unwrap();
    let mut oldest_first = one_time_keys.clone();
    oldest_first.sort_by_key(|(id, _)| *id);
    for (i, (_, key)) in oldest_first.iter().enumerate() {
        assert_eq!(ids.remove_one_time_key(key).unwrap().value(), i as u32);
    }
    let mut rehydrated =
        vodozemac::olm::Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &KEY)
            .unwrap();
    assert_eq!(
        rehydrated.curve25519_key().to_base64(),
        account.curve25519_key().to_base64()
    );
    assert_eq!(
        rehydrated.ed25519_key().to_base64(),
        account.ed25519_key().to_base64()
    );
    assert_eq!(
        rehydrated.sign("m").to_base64(),
        account.sign(b"m").to_base64()
    );
    assert_eq!(rehydrated.stored_one_time_key_count(), 6);
    // vodozemac marks everything published.
    assert!(rehydrated.one_time_keys().is_empty());
    assert!(rehydrated.fallback_key().is_empty());

    // Every one-time key, published or not, and the current fallback key open sessions with
    // the rehydrated device; a protee peer talks to it.
    let peer = protee::olm::Account::new_with_rng(&mut rng);
    for (_, key) in one_time_keys
        .iter()
        .cloned()
        .chain([(protee::KeyId::from(0), fallback)])
    {
        let mut session = peer
            .create_outbound_session(&account.curve25519_key(), &key, &mut rng)
            .unwrap();
        let first = session.encrypt(b"to the dehydrated device", &mut rng);
        let vodozemac::olm::OlmMessage::PreKey(pre_key) = to_vodozemac_message(&first) else {
            panic!("a pre-key message")
        };
        let mut created = rehydrated
            .create_inbound_session(
                SessionConfig::version_1(),
                to_vodozemac_key(peer.curve25519_key()),
                &pre_key,
            )
            .unwrap();
        assert_eq!(created.plaintext, b"to the dehydrated device");
        let reply = created.session.encrypt("rehydrated").unwrap();
        assert_eq!(
            session.decrypt(&to_protee_message(&reply)).unwrap(),
            b"rehydrated"
        );
    }
    // The previous fallback key is not part of the format.
    let mut session = peer
        .create_outbound_session(&account.curve25519_key(), &previous_fallback, &mut rng)
        .unwrap();
    let vodozemac::olm::OlmMessage::PreKey(pre_key) =
        to_vodozemac_message(&session.encrypt(b"x", &mut rng))
    else {
        panic!()
    };
    assert!(
        rehydrated
            .create_inbound_session(
                SessionConfig::version_1(),
                to_vodozemac_key(peer.curve25519_key()),
                &pre_key
            )
            .is_err()
    );
}

// spec/pickle.md PICKLE-DEHYDRATED-4: ids 0..n, all published, fallback id 0.
#[test]
fn vodozemac_dehydrates_and_protee_rehydrates() {
    let mut rng = TestRng::new(2);
    let mut account = vodozemac::olm::Account::new();
    account.generate_one_time_keys(4);
    let mut one_time_keys: Vec<_> = account.one_time_keys().into_values().collect();
    account.mark_keys_as_published();
    account.generate_one_time_keys(2);
    one_time_keys.extend(account.one_time_keys().into_values());
    let keys_by_id: Vec<_> = account.one_time_keys().into_iter().collect();
    account.generate_fallback_key();
    let fallback = *account.fallback_key().values().next().unwrap();

    let device = account.to_dehydrated_device(&KEY).unwrap();
    let device = DehydratedDevice {
        ciphertext: device.ciphertext,
        nonce: device.nonce,
    };
    let mut rehydrated = rehydrate(&device).unwrap();
    assert_eq!(
        rehydrated.curve25519_key().to_base64(),
        account.curve25519_key().to_base64()
    );
    assert_eq!(
        rehydrated.ed25519_key().to_base64(),
        account.ed25519_key().to_base64()
    );
    assert_eq!(
        rehydrated.sign(b"m").to_base64(),
        account.sign("m").to_base64()
    );
    assert_eq!(rehydrated.stored_one_time_key_count(), 6);
    assert!(rehydrated.one_time_keys().is_empty());
    assert_eq!(
        rehydrated.fallback_key(),
        Some((protee::KeyId::from(0), to_protee_key(fallback)))
    );
    assert_eq!(rehydrated.unpublished_fallback_key(), None);
    // The keys keep vodozemac's ids 0..n, in order.
    let mut ids = rehydrated.clone();
    for (id, key) in &keys_by_id {
        let got = ids.remove_one_time_key(&to_protee_key(*key)).unwrap();
        assert_eq!(
            protee::types::base64::encode(&u64::from(got.value()).to_be_bytes()),
            id.to_base64()
        );
    }

    // A vodozemac peer opens a session with every key and talks to protee.
    for key in one_time_keys.iter().chain([&fallback]) {
        let peer = vodozemac::olm::Account::new();
        let mut session = peer
            .create_outbound_session(SessionConfig::version_1(), account.curve25519_key(), *key)
            .unwrap();
        let first = to_protee_message(&session.encrypt("to the dehydrated device").unwrap());
        let protee::olm::OlmMessage::PreKey(pre_key) = &first else {
            panic!("a pre-key message")
        };
        let mut created = rehydrated
            .create_inbound_session(Some(&to_protee_key(peer.curve25519_key())), pre_key)
            .unwrap();
        assert_eq!(created.plaintext, b"to the dehydrated device");
        let reply = created.session.encrypt(b"rehydrated by protee", &mut rng);
        assert_eq!(
            session.decrypt(&to_vodozemac_message(&reply)).unwrap(),
            b"rehydrated by protee"
        );
        let more = session.encrypt("more").unwrap();
        assert_eq!(
            created.session.decrypt(&to_protee_message(&more)).unwrap(),
            b"more"
        );
    }
    assert_eq!(rehydrated.stored_one_time_key_count(), 0);
}

// spec/pickle.md PICKLE-DEHYDRATED-4: ids after rehydration are one-time keys 0..n, fallback 0;
// the next key gets id n in both libraries.
#[test]
fn both_libraries_number_new_keys_alike_after_rehydration() {
    let mut rng = TestRng::new(3);
    let mut account = vodozemac::olm::Account::new();
    account.generate_one_time_keys(5);
    account.generate_fallback_key();
    let device = account.to_dehydrated_device(&KEY).unwrap();
    let mut theirs =
        vodozemac::olm::Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &KEY)
            .unwrap();
    let mut ours =
        protee::olm::Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &KEY)
            .unwrap();
    theirs.generate_one_time_keys(1);
    let (id, _) = theirs.one_time_keys().into_iter().next().unwrap();
    assert_eq!(id.to_base64(), "AAAAAAAAAAU"); // 5, as a u64
    assert_eq!(ours.generate_one_time_keys(1, &mut rng)[0].value(), 5);
    assert_eq!(ours.fallback_key().unwrap().0.value(), 0);
}

// spec/pickle.md PICKLE-DEHYDRATED-1: the same account gives the same plaintext in both
// libraries, whichever wrote it first.
#[test]
fn both_libraries_write_the_same_plaintext() {
    let mut rng = TestRng::new(4);
    for (one_time_keys, fallback) in [(0, false), (0, true), (3, false), (50, true)] {
        let mut account = protee::olm::Account::new_with_rng(&mut rng);
        account.generate_one_time_keys(one_time_keys, &mut rng);
        if fallback {
            account.generate_fallback_key(&mut rng);
        }
        let ours = account.to_dehydrated_device(&KEY, &mut rng).unwrap();
        let ours_plain = plaintext(&ours.ciphertext, &ours.nonce);
        assert_eq!(
            ours_plain.len(),
            4 + 32 + 32 + 4 + 32 * one_time_keys + 1 + if fallback { 32 } else { 0 }
        );
        assert_eq!(ours_plain[..4], [0, 0, 0, 1]);
        assert_eq!(ours_plain[68..72], (one_time_keys as u32).to_be_bytes());

        let vodozemac =
            vodozemac::olm::Account::from_dehydrated_device(&ours.ciphertext, &ours.nonce, &KEY)
                .unwrap();
        let theirs = vodozemac.to_dehydrated_device(&KEY).unwrap();
        let theirs_plain = plaintext(&theirs.ciphertext, &theirs.nonce);
        assert_eq!(
            ours_plain, theirs_plain,
            "{one_time_keys} keys, fallback {fallback}"
        );

        let again =
            protee::olm::Account::from_dehydrated_device(&theirs.ciphertext, &theirs.nonce, &KEY)
                .unwrap()
                .to_dehydrated_device(&KEY, &mut rng)
                .unwrap();
        assert_eq!(plaintext(&again.ciphertext, &again.nonce), theirs_plain);
        assert_ne!(again.nonce, ours.nonce);
    }
}

// spec/pickle.md PICKLE-DEHYDRATED-3: no seed, no dehydrated device.
#[test]
fn a_libolm_account_cannot_be_dehydrated() {
    let mut rng = TestRng::new(5);
    let account = protee::olm::Account::new_with_rng(&mut rng);
    let libolm = account.to_libolm_pickle(&KEY).unwrap();
    let loaded = protee::olm::Account::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(
        loaded.to_dehydrated_device(&KEY, &mut rng),
        Err(PickleError::Unsupported)
    );
    // vodozemac refuses it too.
    let theirs = vodozemac::olm::Account::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert!(theirs.to_dehydrated_device(&KEY).is_err());
}

// spec/pickle.md PICKLE-DEHYDRATED-2: key, nonce and ciphertext are checked.
#[test]
fn a_wrong_key_or_a_tampered_device_is_refused() {
    let mut rng = TestRng::new(6);
    let mut account = protee::olm::Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(2, &mut rng);
    let device = account.to_dehydrated_device(&KEY, &mut rng).unwrap();
    assert!(rehydrate(&device).is_ok());

    let load = |ciphertext: &str, nonce: &str| {
        protee::olm::Account::from_dehydrated_device(ciphertext, nonce, &KEY).map(drop)
    };
    assert_eq!(
        protee::olm::Account::from_dehydrated_device(
            &device.ciphertext,
            &device.nonce,
            &[0x3d; 32]
        )
        .map(drop),
        Err(PickleError::InvalidMac)
    );
    let flip = |text: &str, at: usize| {
        let mut bytes = text.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    };
    assert_eq!(
        load(&device.ciphertext, &flip(&device.nonce, 3)),
        Err(PickleError::InvalidMac)
    );
    assert_eq!(
        load(&flip(&device.ciphertext, 20), &device.nonce),
        Err(PickleError::InvalidMac)
    );
    assert_eq!(
        load(&device.ciphertext, &device.nonce[..15]),
        Err(PickleError::InvalidLength)
    );
    assert_eq!(
        load(&device.ciphertext, &format!("{}A", device.nonce)),
        Err(PickleError::InvalidLength)
    );
    assert_eq!(
        load(&device.ciphertext, "!!!!!!!!!!!!!!!!"),
        Err(PickleError::InvalidBase64)
    );
    assert_eq!(load("", &device.nonce), Err(PickleError::InvalidLength));
    assert_eq!(
        load("not base64!", &device.nonce),
        Err(PickleError::InvalidBase64)
    );
    let huge = "A".repeat(protee::limits::MAX_PICKLE_LENGTH + 4);
    assert_eq!(
        load(&huge, &device.nonce),
        Err(PickleError::TooLong { got: huge.len() })
    );
    // Every truncation of the ciphertext is a typed error.
    for end in 0..device.ciphertext.len() {
        let got = load(&device.ciphertext[..end], &device.nonce);
        assert!(
            matches!(
                got,
                Err(PickleError::InvalidBase64
                    | PickleError::InvalidLength
                    | PickleError::InvalidMac)
            ),
            "cut at {end}: {got:?}"
        );
    }
    // vodozemac refuses the same tampering.
    assert!(
        vodozemac::olm::Account::from_dehydrated_device(
            &device.ciphertext,
            &flip(&device.nonce, 3),
            &KEY
        )
        .is_err()
    );
}

// spec/pickle.md PICKLE-DEHYDRATED-4: the plaintext is read with the pickle codec's strict
// rules, which are stricter than vodozemac's.
#[test]
fn the_plaintext_is_read_strictly() {
    let mut body = vec![0, 0, 0, 1];
    body.extend_from_slice(&[1; 32]);
    body.extend_from_slice(&[2; 32]);
    body.extend_from_slice(&1u32.to_be_bytes());
    body.extend_from_slice(&[3; 32]);
    body.push(1);
    body.extend_from_slice(&[4; 32]);
    let account = rehydrate(&seal(&body)).unwrap();
    assert_eq!(account.stored_one_time_key_count(), 1);
    assert!(account.fallback_key().is_some());

    let mut version = body.clone();
    version[3] = 2;
    assert_eq!(
        rehydrate(&seal(&version)).map(drop),
        Err(PickleError::UnknownVersion { found: 2 })
    );
    let mut flag = body.clone();
    flag[4 + 64 + 4 + 32] = 2;
    assert_eq!(
        rehydrate(&seal(&flag)).map(drop),
        Err(PickleError::InvalidField)
    );
    let mut longer = body.clone();
    longer.push(0);
    assert_eq!(
        rehydrate(&seal(&longer)).map(drop),
        Err(PickleError::ExtraData)
    );
    for end in 0..body.len() {
        assert_eq!(
            rehydrate(&seal(&body[..end])).map(drop),
            Err(PickleError::Truncated),
            "cut at {end}"
        );
    }
    let mut too_many = body[..68].to_vec();
    too_many.extend_from_slice(&101u32.to_be_bytes());
    too_many.extend_from_slice(&[5; 32 * 101]);
    too_many.push(0);
    assert_eq!(
        rehydrate(&seal(&too_many)).map(drop),
        Err(PickleError::TooManyItems { got: 101, max: 100 })
    );
    let mut no_fallback = body[..68 + 4 + 32].to_vec();
    no_fallback.push(0);
    assert_eq!(rehydrate(&seal(&no_fallback)).unwrap().fallback_key(), None);
}

#[cfg(feature = "os-rng")]
// spec/pickle.md PICKLE-DEHYDRATED-2: a fresh 12-byte nonce per dehydration.
#[test]
fn the_os_rng_gives_a_fresh_nonce_each_time() {
    let mut rng = TestRng::new(7);
    let account = protee::olm::Account::new_with_rng(&mut rng);
    let first = account.to_dehydrated_device_with_os_rng(&KEY).unwrap();
    let second = account.to_dehydrated_device_with_os_rng(&KEY).unwrap();
    assert_ne!(first.nonce, second.nonce);
    assert_eq!(
        plaintext(&first.ciphertext, &first.nonce),
        plaintext(&second.ciphertext, &second.nonce)
    );
    assert_eq!(
        rehydrate(&first).unwrap().identity_keys(),
        account.identity_keys()
    );
}
