//! SAS and PK encryption between protee and vodozemac, both directions, through the base64
//! forms the two clients exchange.

mod common;

use common::TestRng;
use protee::pk::{PkDecryption, PkEncryption, PkMessage};
use protee::sas::{EstablishedSas, Sas};
use vodozemac::pk_encryption as vz_pk;
use vodozemac::sas as vz_sas;

/// A protee SAS and a vodozemac SAS that have exchanged public keys in base64.
fn established(seed: u64) -> (EstablishedSas, vz_sas::EstablishedSas) {
    let ours = Sas::new_with_rng(&mut TestRng::new(seed));
    let theirs = vz_sas::Sas::new();
    let our_key = ours.public_key().to_base64();
    let their_key = theirs.public_key().to_base64();
    let ours = ours.diffie_hellman_with_base64(&their_key).unwrap();
    let theirs = theirs.diffie_hellman_with_raw(&our_key).unwrap();
    assert_eq!(ours.our_public_key().to_base64(), our_key);
    assert_eq!(ours.their_public_key().to_base64(), their_key);
    (ours, theirs)
}

const INFOS: [&str; 3] = [
    "",
    "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICE|key|@bob:example.org|BOB|key|txn",
    "MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICE@bob:example.orgBOBtxnKEY_IDS",
];

#[test]
fn protee_and_vodozemac_show_the_same_emoji_and_decimals() {
    for seed in 0..8 {
        let (ours, theirs) = established(seed);
        for info in INFOS {
            let vz_bytes = theirs.bytes(info);
            assert_eq!(
                ours.bytes(info.as_bytes(), 6).unwrap(),
                vz_bytes.as_bytes().to_vec()
            );
            assert_eq!(
                ours.emoji_indices(info.as_bytes()),
                vz_bytes.emoji_indices()
            );
            let (a, b, c) = vz_bytes.decimals();
            assert_eq!(ours.decimals(info.as_bytes()), [a, b, c]);
            for count in [0, 1, 32, 33, 1000, 255 * 32] {
                assert_eq!(
                    ours.bytes(info.as_bytes(), count).unwrap(),
                    theirs.bytes_raw(info, count).unwrap(),
                    "{count} bytes"
                );
            }
            assert!(ours.bytes(info.as_bytes(), 255 * 32 + 1).is_err());
            assert!(theirs.bytes_raw(info, 255 * 32 + 1).is_err());
        }
    }
}

// spec/sas-pk.md SAS-MAC-1, SAS-MAC-2, SAS-MAC-3: the v2 and the legacy MACs equal
// vodozemac's and each side verifies the other's.
#[test]
fn sas_macs_agree_and_verify_both_ways() {
    let inputs = [
        "",
        "ed25519:JLAFKJWSCS",
        "ed25519:JLAFKJWSCS,ed25519:MASTERKEY",
    ];
    for seed in 10..14 {
        let (ours, theirs) = established(seed);
        for info in INFOS {
            for input in inputs {
                let (i, n) = (input.as_bytes(), info.as_bytes());
                // hkdf-hmac-sha256.v2
                let our_mac = ours.calculate_mac(i, n);
                let their_mac = theirs.calculate_mac(input, info);
                assert_eq!(our_mac, their_mac.to_base64());
                theirs
                    .verify_mac(input, info, &vz_sas::Mac::from_base64(&our_mac).unwrap())
                    .unwrap();
                ours.verify_mac(i, n, &their_mac.to_base64()).unwrap();
                assert!(
                    ours.verify_mac(i, b"wrong info", &their_mac.to_base64())
                        .is_err()
                );
                // hkdf-hmac-sha256 (libolm's in-place base64 bug)
                let our_legacy = ours.calculate_mac_invalid_base64(i, n);
                let their_legacy = theirs.calculate_mac_invalid_base64(input, info);
                assert_eq!(our_legacy, their_legacy);
                ours.verify_mac_invalid_base64(i, n, &their_legacy).unwrap();
            }
        }
    }
}

// spec/sas-pk.md PK-ENC-1: vodozemac decrypts what protee encrypts, at every padding edge.
#[test]
fn vodozemac_reads_a_protee_backup() {
    let backup = vz_pk::PkDecryption::new();
    let recipient =
        protee::Curve25519PublicKey::from_base64(&backup.public_key().to_base64()).unwrap();
    let encryption = PkEncryption::from_key(recipient).unwrap();
    let mut rng = TestRng::new(20);
    for len in [0usize, 1, 15, 16, 17, 100, 4096] {
        let plaintext: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let message = encryption.encrypt(&plaintext, &mut rng);
        let theirs = vz_pk::Message::from_base64(
            &message.ciphertext_base64(),
            &message.mac_base64(),
            &message.ephemeral_key_base64(),
        )
        .unwrap();
        assert_eq!(backup.decrypt(&theirs).unwrap(), plaintext, "length {len}");
    }
}

#[test]
fn protee_reads_a_vodozemac_backup() {
    let backup = PkDecryption::new_with_rng(&mut TestRng::new(21));
    let recipient =
        vodozemac::Curve25519PublicKey::from_base64(&backup.public_key().to_base64()).unwrap();
    let encryption = vz_pk::PkEncryption::from_key(recipient);
    for len in [0usize, 1, 15, 16, 17, 100, 4096] {
        let plaintext: Vec<u8> = (0..len).map(|i| (i * 13) as u8).collect();
        let message = encryption.encrypt(&plaintext).unwrap();
        let ours = PkMessage::from_base64(
            &vodozemac::base64_encode(&message.ciphertext),
            &vodozemac::base64_encode(&message.mac),
            &message.ephemeral_key.to_base64(),
        )
        .unwrap();
        assert_eq!(backup.decrypt(&ours).unwrap(), plaintext, "length {len}");
    }
}

#[test]
fn a_backup_key_moves_between_the_libraries() {
    let ours = PkDecryption::new_with_rng(&mut TestRng::new(22));
    let theirs =
        vz_pk::PkDecryption::from_key(vodozemac::Curve25519SecretKey::from_slice(&ours.to_bytes()));
    assert_eq!(
        theirs.public_key().to_base64(),
        ours.public_key().to_base64()
    );
    let back = PkDecryption::from_bytes(&theirs.secret_key().to_bytes());
    assert_eq!(back.public_key(), ours.public_key());
}
