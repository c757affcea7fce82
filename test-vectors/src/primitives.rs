//! `protee-vectors verify FILE` for a `protee-primitive-vectors` v1 file
//! (`test-vectors/primitives/`): published test vectors of the primitives protee is built on
//! (RFC 7748, RFC 8032, RFC 5869, RFC 4231, NIST SP 800-38A), checked through protee's public
//! API where it exposes the primitive, and otherwise through the crate protee uses, at the
//! version pinned in `Cargo.lock`.
//!
//! The section of every line is the file's `standard`; the last line is `N passed, N failed`.

use std::process::ExitCode;

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::NoPadding};
use hmac::{KeyInit, Mac};
use protee::olm::Account;
use protee::pk::{PkDecryption, PkEncryption, PkMessage, PkSigning};
use protee::sas::Sas;
use protee::types::base64;
use protee::{Curve25519PublicKey, Curve25519SecretKey, Ed25519PublicKey, Ed25519SecretKey};
use protee::{Ed25519Signature, utility};
use serde::Deserialize;

use crate::negative::{render_error, same_error};
use crate::replay_rng::ReplayRng;
use crate::verify::format::Hex;
use crate::verify::{Checker, Report};

pub const FORMAT: &str = "protee-primitive-vectors";
const FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
struct Head {
    format_version: u32,
    standard: String,
}

pub fn run(text: &str) -> Result<ExitCode, String> {
    let head: Head = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if head.format_version != FORMAT_VERSION {
        return Err(format!(
            "{FORMAT} version {}, expected {FORMAT_VERSION}",
            head.format_version
        ));
    }
    let parse = |what: &str, e: serde_json::Error| format!("not a valid {what} file: {e}");
    let mut report = Report::default();
    match head.standard.as_str() {
        "rfc7748-x25519" => x25519(
            &serde_json::from_str(text).map_err(|e| parse("RFC 7748", e))?,
            &mut report.named("rfc7748"),
        ),
        "rfc8032-ed25519" => ed25519(
            &serde_json::from_str(text).map_err(|e| parse("RFC 8032", e))?,
            &mut report.named("rfc8032"),
        ),
        "rfc5869-hkdf" => hkdf(
            &serde_json::from_str(text).map_err(|e| parse("RFC 5869", e))?,
            &mut report.named("rfc5869"),
        ),
        "rfc4231-hmac-sha256" => hmac_sha256(
            &serde_json::from_str(text).map_err(|e| parse("RFC 4231", e))?,
            &mut report.named("rfc4231"),
        ),
        "sp800-38a-aes256-cbc" => aes_cbc(
            &serde_json::from_str(text).map_err(|e| parse("SP 800-38A", e))?,
            &mut report.named("sp800-38a"),
        ),
        other => return Err(format!("unknown standard {other:?}")),
    }
    Ok(report.finish())
}

fn array<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.try_into().ok()
}

// ---------------------------------------------------------------------------------------------
// RFC 7748
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct X25519File {
    scalar_mult: Vec<ScalarMult>,
    iterated: Vec<Iterated>,
    diffie_hellman: DiffieHellman,
    low_order: Vec<LowOrder>,
}

#[derive(Deserialize)]
struct ScalarMult {
    name: String,
    scalar_hex: Hex,
    u_hex: Hex,
    output_hex: Hex,
}

#[derive(Deserialize)]
struct Iterated {
    iterations: usize,
    k_hex: Hex,
}

#[derive(Deserialize)]
struct DiffieHellman {
    alice_private_hex: Hex,
    alice_public_hex: Hex,
    bob_private_hex: Hex,
    bob_public_hex: Hex,
    shared_secret_hex: Hex,
}

#[derive(Deserialize)]
struct LowOrder {
    name: String,
    u_hex: Hex,
    x25519_output_hex: Hex,
    expected: LowOrderExpected,
}

#[derive(Deserialize)]
struct LowOrderExpected {
    sas_diffie_hellman: String,
    pk_encryption_from_key: String,
    pk_decrypt_ephemeral_key: String,
    olm_outbound_session_one_time_key: String,
}

/// The info string of the SAS derivation through which protee's X25519 outputs are compared.
const SAS_INFO: &[u8] = b"protee-vectors RFC 7748";

/// HKDF-SHA-256(salt = 0^32, ikm = shared secret, info), 32 bytes: what protee's SAS derives
/// from a shared secret (spec/sas-pk.md SAS-BYTES-1).
fn sas_bytes_of(shared_secret: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&[0u8; 32]), shared_secret)
        .expand(SAS_INFO, &mut out)
        .expect("32 bytes is a valid HKDF-SHA-256 length");
    out
}

/// protee's X25519(k, u), seen through the SAS derivation: the SAS secret is `k` as the RNG
/// gives it, the other key is `u`. `Err` is the rendered protee error.
fn protee_sas(k: [u8; 32], u: [u8; 32]) -> Result<Vec<u8>, String> {
    let mut rng = ReplayRng::new(k.to_vec());
    let sas = Sas::new_with_rng(&mut rng);
    if !rng.exactly_consumed() {
        return Err(format!("Sas drew {} random bytes, not 32", rng.consumed()));
    }
    let established = sas
        .diffie_hellman(Curve25519PublicKey::from_bytes(u))
        .map_err(|e| render_error("SasError", &e))?;
    established
        .bytes(SAS_INFO, 32)
        .map_err(|e| render_error("SasError", &e))
}

fn x25519_dalek(k: [u8; 32], u: [u8; 32]) -> [u8; 32] {
    x25519_dalek::x25519(k, u)
}

fn x25519(file: &X25519File, check: &mut Checker) {
    let mut basepoint = [0u8; 32];
    basepoint[0] = 9;
    for (i, vector) in file.scalar_mult.iter().enumerate() {
        let name = format!("scalar_mult[{i}] ({})", vector.name);
        let (Some(k), Some(u)) = (array(&vector.scalar_hex.0), array(&vector.u_hex.0)) else {
            check.fail(&name, "scalar or u is not 32 bytes");
            continue;
        };
        check.eq(
            &format!("{name}.x25519_dalek"),
            &vector.output_hex.0[..],
            &x25519_dalek(k, u)[..],
        );
        check.eq(
            &format!("{name}.protee_sas"),
            &Ok(sas_bytes_of(&vector.output_hex.0)),
            &protee_sas(k, u),
        );
    }

    // spec/sas-pk.md SAS-DH-1: X25519 iterated as RFC 7748 §5.2 says:
    // (k, u) <- (X25519(k, u), k), starting from k = u = 9.
    let (mut k, mut u) = (basepoint, basepoint);
    let mut last_step = (basepoint, basepoint);
    let mut done = 0;
    for vector in &file.iterated {
        while done < vector.iterations {
            last_step = (k, u);
            let next = x25519_dalek(k, u);
            u = k;
            k = next;
            done += 1;
        }
        let name = format!("iterated[{}]", vector.iterations);
        check.eq(&format!("{name}.x25519_dalek"), &vector.k_hex.0[..], &k[..]);
        if vector.iterations == 1 {
            // One iteration is X25519(9, 9): a public key, which protee computes itself.
            let public = Curve25519SecretKey::from_bytes(basepoint).public_key();
            check.eq(
                &format!("{name}.protee_public_key"),
                &vector.k_hex.0[..],
                &public.as_bytes()[..],
            );
        }
        // The last step through protee.
        check.eq(
            &format!("{name}.protee_sas_last_step"),
            &Ok(sas_bytes_of(&vector.k_hex.0)),
            &protee_sas(last_step.0, last_step.1),
        );
    }

    let dh = &file.diffie_hellman;
    let keys = (
        array::<32>(&dh.alice_private_hex.0),
        array::<32>(&dh.bob_private_hex.0),
        array::<32>(&dh.alice_public_hex.0),
        array::<32>(&dh.bob_public_hex.0),
    );
    if let (Some(alice), Some(bob), Some(alice_public), Some(bob_public)) = keys {
        for (who, private, public) in [("alice", alice, alice_public), ("bob", bob, bob_public)] {
            check.eq(
                &format!("diffie_hellman.{who}_public.x25519_dalek"),
                &public,
                &x25519_dalek(private, basepoint),
            );
            check.eq(
                &format!("diffie_hellman.{who}_public.protee"),
                &public,
                Curve25519SecretKey::from_bytes(private)
                    .public_key()
                    .as_bytes(),
            );
        }
        let shared = &dh.shared_secret_hex.0[..];
        check.eq(
            "diffie_hellman.shared_secret.x25519_dalek(alice, bob_public)",
            shared,
            &x25519_dalek(alice, bob_public)[..],
        );
        check.eq(
            "diffie_hellman.shared_secret.x25519_dalek(bob, alice_public)",
            shared,
            &x25519_dalek(bob, alice_public)[..],
        );
        check.eq(
            "diffie_hellman.shared_secret.protee_sas(alice, bob_public)",
            &Ok(sas_bytes_of(shared)),
            &protee_sas(alice, bob_public),
        );
        check.eq(
            "diffie_hellman.shared_secret.protee_sas(bob, alice_public)",
            &Ok(sas_bytes_of(shared)),
            &protee_sas(bob, alice_public),
        );
    } else {
        check.fail("diffie_hellman", "a key is not 32 bytes");
    }

    let alice = array::<32>(&dh.alice_private_hex.0).unwrap_or([0x77; 32]);
    let bob_public = array::<32>(&dh.bob_public_hex.0).unwrap_or(basepoint);
    for (i, point) in file.low_order.iter().enumerate() {
        let name = format!("low_order[{i}] ({})", point.name);
        let Some(u) = array::<32>(&point.u_hex.0) else {
            check.fail(&name, "u is not 32 bytes");
            continue;
        };
        check.eq(
            &format!("{name}.x25519_dalek"),
            &point.x25519_output_hex.0[..],
            &x25519_dalek(alice, u)[..],
        );
        low_order_refusals(check, &name, &point.expected, alice, bob_public, u);
    }
}

/// spec/olm.md OLM-DH-1, spec/sas-pk.md SAS-DH-1, PK-ENC-2, PK-DEC-1: a key of small order is
/// refused wherever protee would use it.
fn low_order_refusals(
    check: &mut Checker,
    name: &str,
    expected: &LowOrderExpected,
    ours: [u8; 32],
    their_identity: [u8; 32],
    u: [u8; 32],
) {
    let key = Curve25519PublicKey::from_bytes(u);
    let outcome = |result: Result<(), String>| result.err().unwrap_or_else(|| "ok".into());

    let sas = protee_sas(ours, u).map(|_| ());
    check.ok(
        &format!("{name}.sas_diffie_hellman"),
        same_error(&expected.sas_diffie_hellman, &outcome(sas.clone())),
        || {
            format!(
                "expected {}, got {}",
                expected.sas_diffie_hellman,
                outcome(sas)
            )
        },
    );

    let encryption = PkEncryption::from_key(key)
        .map(|_| ())
        .map_err(|e| render_error("PkError", &e));
    check.ok(
        &format!("{name}.pk_encryption_from_key"),
        same_error(
            &expected.pk_encryption_from_key,
            &outcome(encryption.clone()),
        ),
        || {
            format!(
                "expected {}, got {}",
                expected.pk_encryption_from_key,
                outcome(encryption)
            )
        },
    );

    // A message whose ephemeral key is `u`; one block of ciphertext and any MAC (the key is
    // refused before the MAC is looked at).
    let decrypt = PkMessage::from_base64(
        &base64::encode(&[0u8; 16]),
        &base64::encode(&[0u8; 8]),
        &key.to_base64(),
    )
    .map_err(|e| render_error("PkError", &e))
    .and_then(|message| {
        PkDecryption::from_bytes(&ours)
            .decrypt(&message)
            .map(|_| ())
            .map_err(|e| render_error("PkError", &e))
    });
    check.ok(
        &format!("{name}.pk_decrypt_ephemeral_key"),
        same_error(
            &expected.pk_decrypt_ephemeral_key,
            &outcome(decrypt.clone()),
        ),
        || {
            format!(
                "expected {}, got {}",
                expected.pk_decrypt_ephemeral_key,
                outcome(decrypt)
            )
        },
    );

    // Alice's account (64 bytes: Ed25519 seed, Curve25519 identity) starts a session with a
    // device whose identity key is honest and whose one-time key is `u`.
    let mut rng = ReplayRng::new([[0x11u8; 32], ours].concat());
    let account = Account::new_with_rng(&mut rng);
    let mut rng = ReplayRng::new([ours, ours].concat());
    let session = account
        .create_outbound_session(
            &Curve25519PublicKey::from_bytes(their_identity),
            &key,
            &mut rng,
        )
        .map(|_| ())
        .map_err(|e| render_error("SessionCreationError", &e));
    check.ok(
        &format!("{name}.olm_outbound_session_one_time_key"),
        same_error(
            &expected.olm_outbound_session_one_time_key,
            &outcome(session.clone()),
        ),
        || {
            format!(
                "expected {}, got {}",
                expected.olm_outbound_session_one_time_key,
                outcome(session)
            )
        },
    );
}

// ---------------------------------------------------------------------------------------------
// RFC 8032
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Ed25519File {
    rfc8032: Vec<Rfc8032>,
    strict_rejections: Vec<Rejection>,
}

#[derive(Deserialize)]
struct Rfc8032 {
    name: String,
    secret_key_hex: Hex,
    public_key_hex: Hex,
    message_hex: Hex,
    signature_hex: Hex,
}

#[derive(Deserialize)]
struct Rejection {
    name: String,
    public_key_hex: Hex,
    message_hex: Hex,
    signature_hex: Hex,
    expected: RejectionExpected,
}

#[derive(Deserialize)]
struct RejectionExpected {
    decode_public_key: String,
    verify: String,
}

fn ed25519(file: &Ed25519File, check: &mut Checker) {
    for vector in &file.rfc8032 {
        let name = &vector.name;
        let Some(seed) = array::<32>(&vector.secret_key_hex.0) else {
            check.fail(name, "secret key is not 32 bytes");
            continue;
        };
        let message = &vector.message_hex.0;
        // spec/olm.md OLM-SIG-2: deterministic RFC 8032 signatures from a seed.
        let key = Ed25519SecretKey::from_seed(&seed);
        check.eq(
            &format!("{name}.public_key"),
            &vector.public_key_hex.0[..],
            &key.public_key().to_bytes()[..],
        );
        check.eq(
            &format!("{name}.sign"),
            &vector.signature_hex.0[..],
            &key.sign(message).to_bytes()[..],
        );
        let signing = PkSigning::from_seed(&seed);
        check.eq(
            &format!("{name}.pk_signing.sign"),
            &vector.signature_hex.0[..],
            &signing.sign(message).to_bytes()[..],
        );
        // spec/olm.md OLM-SIG-1: an RFC 8032 signature verifies strictly.
        let verified = utility::ed25519_verify(
            &base64::encode(&vector.public_key_hex.0),
            message,
            &base64::encode(&vector.signature_hex.0),
        );
        check.eq(&format!("{name}.ed25519_verify"), &Ok(()), &verified);
    }

    for (i, vector) in file.strict_rejections.iter().enumerate() {
        let name = format!("strict_rejections[{i}] ({})", vector.name);
        let message = &vector.message_hex.0;
        let signature = Ed25519Signature::from_slice(&vector.signature_hex.0);
        let decoded = Ed25519PublicKey::from_slice(&vector.public_key_hex.0);
        let decode_outcome = match &decoded {
            Ok(_) => "ok".to_owned(),
            Err(e) => render_error("DecodeError", e),
        };
        check.ok(
            &format!("{name}.decode_public_key"),
            same_error(&vector.expected.decode_public_key, &decode_outcome),
            || {
                format!(
                    "expected {}, got {decode_outcome}",
                    vector.expected.decode_public_key
                )
            },
        );
        let verify_outcome = |result: Result<(), protee::SignatureError>| match result {
            Ok(()) => "ok".to_owned(),
            Err(e) => render_error("SignatureError", &e),
        };
        // spec/olm.md OLM-SIG-1: strict verification refuses every one of these.
        let through_utility = verify_outcome(utility::ed25519_verify(
            &base64::encode(&vector.public_key_hex.0),
            message,
            &base64::encode(&vector.signature_hex.0),
        ));
        check.ok(
            &format!("{name}.ed25519_verify"),
            same_error(&vector.expected.verify, &through_utility),
            || format!("expected {}, got {through_utility}", vector.expected.verify),
        );
        if let (Ok(key), Ok(signature)) = (decoded, signature) {
            let through_key = verify_outcome(key.verify(message, &signature));
            check.ok(
                &format!("{name}.public_key_verify"),
                same_error(&vector.expected.verify, &through_key),
                || format!("expected {}, got {through_key}", vector.expected.verify),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 5869, RFC 4231, SP 800-38A: the crates protee uses
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct HkdfFile {
    test_cases: Vec<HkdfCase>,
}

#[derive(Deserialize)]
struct HkdfCase {
    name: String,
    ikm_hex: Hex,
    salt_hex: Hex,
    info_hex: Hex,
    length: usize,
    prk_hex: Hex,
    okm_hex: Hex,
}

fn hkdf(file: &HkdfFile, check: &mut Checker) {
    for case in &file.test_cases {
        let (prk, kdf) =
            hkdf::Hkdf::<sha2::Sha256>::extract(Some(&case.salt_hex.0), &case.ikm_hex.0);
        check.eq(&format!("{}.prk", case.name), &case.prk_hex.0[..], &prk[..]);
        let mut okm = vec![0u8; case.length];
        match kdf.expand(&case.info_hex.0, &mut okm) {
            Ok(()) => check.eq(&format!("{}.okm", case.name), &case.okm_hex.0[..], &okm[..]),
            Err(_) => check.ok(&format!("{}.okm", case.name), false, || {
                format!("HKDF refused length {}", case.length)
            }),
        };
    }
}

#[derive(Deserialize)]
struct HmacFile {
    test_cases: Vec<HmacCase>,
}

#[derive(Deserialize)]
struct HmacCase {
    name: String,
    key_hex: Hex,
    data_hex: Hex,
    hmac_sha256_hex: Hex,
    truncated_to_bits: Option<usize>,
}

fn hmac_sha256(file: &HmacFile, check: &mut Checker) {
    for case in &file.test_cases {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&case.key_hex.0)
            .expect("HMAC takes keys of any length");
        mac.update(&case.data_hex.0);
        let full = mac.finalize().into_bytes();
        let length = case.truncated_to_bits.map_or(full.len(), |bits| bits / 8);
        let expected = &case.hmac_sha256_hex.0;
        check.ok(
            &case.name,
            expected.len() == length && full.get(..length) == Some(&expected[..]),
            || {
                format!(
                    "expected {}, got {} ({length} bytes compared)",
                    crate::verify::format::to_hex(expected),
                    crate::verify::format::to_hex(&full)
                )
            },
        );
    }
}

#[derive(Deserialize)]
struct CbcFile {
    key_hex: Hex,
    iv_hex: Hex,
    encrypt: CbcCase,
    decrypt: CbcCase,
}

#[derive(Deserialize)]
struct CbcCase {
    name: String,
    plaintext_blocks_hex: Vec<Hex>,
    ciphertext_blocks_hex: Vec<Hex>,
}

fn aes_cbc(file: &CbcFile, check: &mut Checker) {
    let join = |blocks: &[Hex]| -> Vec<u8> { blocks.iter().flat_map(|b| b.0.clone()).collect() };
    let key = &file.key_hex.0;
    let iv = &file.iv_hex.0;
    let Ok(encryptor) = cbc::Encryptor::<Aes256>::new_from_slices(key, iv) else {
        check.fail("key", "the key is not 32 bytes or the IV not 16");
        return;
    };
    let Ok(decryptor) = cbc::Decryptor::<Aes256>::new_from_slices(key, iv) else {
        check.fail("key", "the key is not 32 bytes or the IV not 16");
        return;
    };
    let encrypted =
        encryptor.encrypt_padded_vec::<NoPadding>(&join(&file.encrypt.plaintext_blocks_hex));
    for (i, block) in file.encrypt.ciphertext_blocks_hex.iter().enumerate() {
        check.eq(
            &format!("{}.ciphertext_block[{i}]", file.encrypt.name),
            &Some(&block.0[..]),
            &encrypted.get(16 * i..16 * (i + 1)),
        );
    }
    match decryptor.decrypt_padded_vec::<NoPadding>(&join(&file.decrypt.ciphertext_blocks_hex)) {
        Ok(decrypted) => {
            for (i, block) in file.decrypt.plaintext_blocks_hex.iter().enumerate() {
                check.eq(
                    &format!("{}.plaintext_block[{i}]", file.decrypt.name),
                    &Some(&block.0[..]),
                    &decrypted.get(16 * i..16 * (i + 1)),
                );
            }
        }
        Err(_) => check.fail(&file.decrypt.name, "the ciphertext is not whole blocks"),
    }
}
