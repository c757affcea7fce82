//! SAS, PK encryption and PK signing against every fixed value libolm produces
//! (libolm-spec-facts §9.1 / §9.2), then hostile input for every `SasError` and `PkError`.

mod common;

use common::FixedBytes;
use protee::pk::{PkDecryption, PkEncryption, PkMessage, PkSigning};
use protee::sas::{EstablishedSas, Sas};
use protee::{Curve25519PublicKey, DecodeError, Ed25519Signature, PkError, SasError};

fn hex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

// RFC 7748 §6.1, as libolm's test_crypto, test_sas and test_pk use them.
const ALICE_PRIVATE: &str = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const BOB_PRIVATE: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
const ALICE_PUBLIC: &str = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo";
const BOB_PUBLIC: &str = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";

// test_pk.cpp: "This is a test" encrypted to alice's key with bob's key as the ephemeral one.
const PK_PLAINTEXT: &[u8] = b"This is a test";
const PK_CIPHERTEXT: &str = "ntk49j/KozVFtSqJXhCejg";
const PK_MAC: &str = "zpzU6BkZcNI";

/// A SAS made from exactly the 32 given random bytes (checks that exactly 32 are drawn).
/// spec/sas-pk.md SAS-KEY-1: with `alice_sas` and `bob_sas`, the public key is RFC 7748's for
/// these bytes, so they are the secret as drawn.
fn sas_from(private: &str) -> Sas {
    let mut rng = FixedBytes::new(&hex32(private));
    let sas = Sas::new_with_rng(&mut rng);
    assert_eq!(rng.drawn(), 32);
    sas
}

/// libolm's SAS fixed values use alice's key as ours and bob's as theirs.
fn alice_sas() -> EstablishedSas {
    let alice = sas_from(ALICE_PRIVATE);
    assert_eq!(alice.public_key().to_base64(), ALICE_PUBLIC);
    alice.diffie_hellman_with_base64(BOB_PUBLIC).unwrap()
}

fn bob_sas() -> EstablishedSas {
    let bob = sas_from(BOB_PRIVATE);
    assert_eq!(bob.public_key().to_base64(), BOB_PUBLIC);
    bob.diffie_hellman_with_base64(ALICE_PUBLIC).unwrap()
}

fn alice_backup() -> PkDecryption {
    PkDecryption::from_bytes(&hex32(ALICE_PRIVATE))
}

fn test_pk_message() -> PkMessage {
    PkMessage::from_base64(PK_CIPHERTEXT, PK_MAC, BOB_PUBLIC).unwrap()
}

// spec/sas-pk.md SAS-DH-1, SAS-BYTES-1: both sides reach the same shared secret and libolm's
// bytes.
#[test]
fn sas_generate_bytes_matches_libolm() {
    let expected = vec![0x39, 0x87, 0xa8, 0x72, 0xe7, 0xb9];
    assert_eq!(alice_sas().bytes(b"SAS", 6).unwrap(), expected);
    assert_eq!(bob_sas().bytes(b"SAS", 6).unwrap(), expected);
    // The emoji and decimal methods slice the same bytes (0x3987a872e7b9; values computed
    // independently from the Matrix spec definitions).
    assert_eq!(
        alice_sas().emoji_indices(b"SAS"),
        [14, 24, 30, 40, 28, 46, 30]
    );
    assert_eq!(
        alice_sas().decimals(b"SAS"),
        [1000 + 1840, 1000 + 7841, 1000 + 6515]
    );
}

// spec/sas-pk.md SAS-MAC-1, SAS-MAC-3, SAS-MAC-4: libolm's value for each method, on both
// sides; SAS-MAC-2: each `verify_*` accepts it.
#[test]
fn sas_macs_match_libolm_for_all_three_methods() {
    let (input, info) = (b"Hello world!".as_slice(), b"MAC".as_slice());
    for sas in [alice_sas(), bob_sas()] {
        // hkdf-hmac-sha256.v2
        assert_eq!(
            sas.calculate_mac(input, info),
            "2nSMU3M+FMBTCWQg5IoIUoEErFZOjniAZTdqNhf+Dmo"
        );
        // hkdf-hmac-sha256 (libolm's in-place base64 bug)
        assert_eq!(
            sas.calculate_mac_invalid_base64(input, info),
            "2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY"
        );
        // hmac-sha256 (256-byte HKDF key, same bug)
        assert_eq!(
            sas.calculate_mac_long_kdf(input, info),
            "aYtxeF31MzG4ekc0ZWtjMFpXdGpNRnBYZEdwTlJuQlk"
        );
        sas.verify_mac(input, info, "2nSMU3M+FMBTCWQg5IoIUoEErFZOjniAZTdqNhf+Dmo")
            .unwrap();
        sas.verify_mac_invalid_base64(input, info, "2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY")
            .unwrap();
        sas.verify_mac_long_kdf(input, info, "aYtxeF31MzG4ekc0ZWtjMFpXdGpNRnBYZEdwTlJuQlk")
            .unwrap();
    }
}

// spec/sas-pk.md PK-KEY-1: `from_bytes` gives the RFC 7748 public key of the bytes.
#[test]
fn pk_decrypts_the_libolm_test_vector() {
    let backup = alice_backup();
    assert_eq!(backup.public_key().to_base64(), ALICE_PUBLIC);
    assert_eq!(backup.decrypt(&test_pk_message()).unwrap(), PK_PLAINTEXT);
}

// spec/sas-pk.md PK-ENC-1, PK-KEYS-1, PK-MAC-1: 32 random bytes as the ephemeral secret, then
// libolm's ciphertext and MAC byte for byte.
#[test]
fn pk_encrypts_exactly_the_libolm_test_vector() {
    let recipient = Curve25519PublicKey::from_base64(ALICE_PUBLIC).unwrap();
    let mut rng = FixedBytes::new(&hex32(BOB_PRIVATE));
    let message = PkEncryption::from_key(recipient)
        .unwrap()
        .encrypt(PK_PLAINTEXT, &mut rng);
    assert_eq!(rng.drawn(), 32);
    assert_eq!(message.ciphertext_base64(), PK_CIPHERTEXT);
    assert_eq!(message.mac_base64(), PK_MAC);
    assert_eq!(message.ephemeral_key_base64(), BOB_PUBLIC);
    assert_eq!(message, test_pk_message());
}

// spec/sas-pk.md PK-KEY-1: the 32 random bytes are the private key, stored as drawn.
#[test]
fn pk_generated_key_is_the_random_bytes() {
    let mut rng = FixedBytes::new(&hex32(ALICE_PRIVATE));
    let backup = PkDecryption::new_with_rng(&mut rng);
    assert_eq!(rng.drawn(), 32);
    assert_eq!(*backup.to_bytes(), hex32(ALICE_PRIVATE));
    assert_eq!(backup.public_key().to_base64(), ALICE_PUBLIC);
}

// spec/sas-pk.md PK-SIGN-1: libolm's public key and signature for the seed; `new_with_rng`
// draws the seed.
#[test]
fn pk_signing_matches_libolm() {
    let signing = PkSigning::from_seed(&hex32(ALICE_PRIVATE));
    assert_eq!(
        signing.public_key().to_base64(),
        "0KTOwPi1C6HpNuxWFUVKqX37J4ZPXxdgivLLsQVI8bM"
    );
    let signature = signing.sign(b"Hello, World");
    assert_eq!(
        signature.to_base64(),
        "UsniHOoVK6qtULyn9cUTtqQV8GPXE4s8tGqJPERyOq5p6jr5Iwk6PPD1c1L2HZruXRF9C/liD93DVA4BD7NfAw"
    );
    signing
        .public_key()
        .verify(b"Hello, World", &signature)
        .unwrap();
    let mut rng = FixedBytes::new(&hex32(ALICE_PRIVATE));
    let from_rng = PkSigning::new_with_rng(&mut rng);
    assert_eq!(rng.drawn(), 32);
    assert_eq!(from_rng.sign(b"Hello, World"), signature);
}

// ---- Hostile input: every SasError variant ----

// spec/sas-pk.md SAS-DH-2: exactly 43 characters of strict base64.
#[test]
fn sas_refuses_malformed_public_keys() {
    // libolm accepts 44 characters and uses the first 32 bytes; protee refuses.
    let padded = format!("{BOB_PUBLIC}=");
    assert_eq!(
        sas_from(ALICE_PRIVATE)
            .diffie_hellman_with_base64(&padded)
            .unwrap_err(),
        SasError::InvalidPublicKey(DecodeError::InvalidLength {
            expected: 43,
            got: 44
        })
    );
    assert_eq!(
        sas_from(ALICE_PRIVATE)
            .diffie_hellman_with_base64(&BOB_PUBLIC[..42])
            .unwrap_err(),
        SasError::InvalidPublicKey(DecodeError::InvalidLength {
            expected: 43,
            got: 42
        })
    );
    let bad_character = format!("!{}", &BOB_PUBLIC[1..]);
    assert_eq!(
        sas_from(ALICE_PRIVATE)
            .diffie_hellman_with_base64(&bad_character)
            .unwrap_err(),
        SasError::InvalidPublicKey(DecodeError::InvalidBase64)
    );
}

// spec/sas-pk.md SAS-DH-1: a key of small order is refused, bit 255 set or not.
#[test]
fn sas_refuses_small_order_keys() {
    let mut order_8 = hex32("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
    for key in [[0u8; 32], order_8] {
        assert_eq!(
            sas_from(ALICE_PRIVATE)
                .diffie_hellman(Curve25519PublicKey::from_bytes(key))
                .unwrap_err(),
            SasError::NonContributoryKey
        );
    }
    order_8[31] |= 0x80; // bit 255 is ignored by X25519
    assert_eq!(
        sas_from(ALICE_PRIVATE)
            .diffie_hellman_with_base64(&Curve25519PublicKey::from_bytes(order_8).to_base64())
            .unwrap_err(),
        SasError::NonContributoryKey
    );
}

#[test]
fn sas_refuses_too_many_bytes() {
    assert_eq!(
        alice_sas().bytes(b"SAS", 255 * 32 + 1),
        Err(SasError::InvalidByteCount {
            requested: 8161,
            max: 8160
        })
    );
    assert_eq!(
        alice_sas().bytes(b"SAS", usize::MAX),
        Err(SasError::InvalidByteCount {
            requested: usize::MAX,
            max: 8160
        })
    );
}

// spec/sas-pk.md SAS-MAC-2: a tag that is not 43 characters of strict base64 is an encoding
// error, a wrong one `InvalidMac`; SAS-MAC-3, SAS-MAC-4: the legacy checks refuse the other
// methods' tags and wrong lengths.
#[test]
fn sas_refuses_malformed_and_wrong_macs() {
    let sas = alice_sas();
    let (input, info) = (b"Hello world!".as_slice(), b"MAC".as_slice());
    let good = "2nSMU3M+FMBTCWQg5IoIUoEErFZOjniAZTdqNhf+Dmo";
    assert_eq!(
        sas.verify_mac(input, info, &format!("{good}=")),
        Err(SasError::InvalidMacEncoding(DecodeError::InvalidLength {
            expected: 43,
            got: 44
        }))
    );
    assert_eq!(
        sas.verify_mac(input, info, &good.replace('+', "-")),
        Err(SasError::InvalidMacEncoding(DecodeError::InvalidBase64))
    );
    // Non-canonical trailing bits ("o" = 40, "p" = 41 differ only in the unused bits).
    assert_eq!(
        sas.verify_mac(input, info, &good.replace("Dmo", "Dmp")),
        Err(SasError::InvalidMacEncoding(DecodeError::InvalidBase64))
    );
    assert_eq!(
        sas.verify_mac(input, b"other info", good),
        Err(SasError::InvalidMac)
    );
    assert_eq!(
        sas.verify_mac(b"Hello world?", info, good),
        Err(SasError::InvalidMac)
    );
    // The legacy MAC is not accepted as a v2 MAC, nor the other way round.
    assert_eq!(
        sas.verify_mac_invalid_base64(input, info, good),
        Err(SasError::InvalidMac)
    );
    assert_eq!(
        sas.verify_mac_invalid_base64(input, info, ""),
        Err(SasError::InvalidMacEncoding(DecodeError::InvalidLength {
            expected: 43,
            got: 0
        }))
    );
    assert_eq!(
        sas.verify_mac_long_kdf(input, info, "2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY"),
        Err(SasError::InvalidMac)
    );
}

// ---- Hostile input: every PkError variant ----

// spec/sas-pk.md PK-MSG-1: strict base64, an 11-character MAC, a 43-character key.
#[test]
fn pk_refuses_malformed_base64_fields() {
    assert_eq!(
        PkMessage::from_base64("ntk49j/KozVFtSqJXhCej", PK_MAC, BOB_PUBLIC),
        Err(PkError::InvalidCiphertextEncoding(
            DecodeError::InvalidBase64
        ))
    );
    assert_eq!(
        PkMessage::from_base64("ntk49j/KozVFtSqJXhCejg==", PK_MAC, BOB_PUBLIC),
        Err(PkError::InvalidCiphertextEncoding(
            DecodeError::InvalidBase64
        ))
    );
    assert_eq!(
        PkMessage::from_base64(PK_CIPHERTEXT, "zpzU6BkZcNIA", BOB_PUBLIC),
        Err(PkError::InvalidMacEncoding(DecodeError::InvalidLength {
            expected: 11,
            got: 12
        }))
    );
    assert_eq!(
        PkMessage::from_base64(PK_CIPHERTEXT, "zpzU6BkZcN!", BOB_PUBLIC),
        Err(PkError::InvalidMacEncoding(DecodeError::InvalidBase64))
    );
    assert_eq!(
        PkMessage::from_base64(PK_CIPHERTEXT, PK_MAC, &format!("{BOB_PUBLIC}A")),
        Err(PkError::InvalidEphemeralKeyEncoding(
            DecodeError::InvalidLength {
                expected: 43,
                got: 44
            }
        ))
    );
}

// libolm reads out of bounds on these (fact sheet §6.2): protee refuses them before any AES.
#[test]
fn pk_refuses_ciphertexts_that_are_not_whole_blocks() {
    let backup = alice_backup();
    for length in [0usize, 1, 15, 17, 31] {
        let message = PkMessage {
            ciphertext: vec![0x42; length],
            ..test_pk_message()
        };
        assert_eq!(
            backup.decrypt(&message),
            Err(PkError::InvalidCiphertextLength { got: length }),
            "length {length}"
        );
    }
}

// spec/sas-pk.md PK-ENC-2: `from_key` refuses a recipient key of small order; PK-DEC-1: so
// does decryption for an ephemeral key.
#[test]
fn pk_refuses_small_order_keys() {
    let zero = Curve25519PublicKey::from_bytes([0; 32]);
    let message = PkMessage {
        ephemeral_key: zero,
        ..test_pk_message()
    };
    assert_eq!(
        alice_backup().decrypt(&message),
        Err(PkError::NonContributoryKey)
    );
    assert_eq!(
        PkEncryption::from_key(zero).unwrap_err(),
        PkError::NonContributoryKey
    );
}

#[test]
fn pk_refuses_a_wrong_mac() {
    let mut message = test_pk_message();
    message.mac[7] ^= 1;
    assert_eq!(alice_backup().decrypt(&message), Err(PkError::InvalidMac));
    // The right message for another key.
    let other = PkDecryption::from_bytes(&hex32(BOB_PRIVATE));
    assert_eq!(other.decrypt(&test_pk_message()), Err(PkError::InvalidMac));
}

// The MAC covers nothing, so a server can alter the ciphertext; padding is then checked fully
// (libolm looks only at the last byte and would return 15 bytes of garbage here).
#[test]
fn pk_refuses_bad_padding_in_an_altered_ciphertext() {
    let recipient = alice_backup().public_key();
    let mut rng = FixedBytes::new(&hex32(BOB_PRIVATE));
    // 16 bytes of plaintext: the second block is 16 bytes of padding 0x10.
    let mut message = PkEncryption::from_key(recipient)
        .unwrap()
        .encrypt(b"sixteen bytes!!!", &mut rng);
    assert_eq!(message.ciphertext.len(), 32);
    // CBC: flipping ciphertext byte 0 flips plaintext byte 16, the first padding byte.
    message.ciphertext[0] ^= 0x01;
    assert_eq!(
        alice_backup().decrypt(&message),
        Err(PkError::InvalidPadding)
    );
}

#[test]
fn errors_say_what_was_wrong() {
    let shown = SasError::InvalidByteCount {
        requested: 9000,
        max: 8160,
    }
    .to_string();
    assert!(shown.contains("9000") && shown.contains("8160"));
    let shown = PkError::InvalidCiphertextLength { got: 17 }.to_string();
    assert!(shown.contains("17"));
    let shown = PkError::InvalidMacEncoding(DecodeError::InvalidLength {
        expected: 11,
        got: 12,
    })
    .to_string();
    assert!(shown.contains("11") && shown.contains("12"));
    // Signatures made elsewhere are just bytes until verified.
    assert!(Ed25519Signature::from_base64("AAAA").is_err());
}
