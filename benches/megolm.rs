//! Megolm, protee against vodozemac in the same run: each group has the functions `protee` and
//! `vodozemac` doing the same work on the same inputs.
//!
//! ```sh
//! cargo bench --bench megolm -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! The groups go through `paired::compare` (criterion measures each library alone; with
//! `BENCH_PAIRED` set they are also measured interleaved, see benches/common/paired.rs).
//!
//! What each group measures:
//! - `megolm_encrypt_{100B,4KiB}`: one `encrypt` on an outbound session (key derivation, AES-CBC,
//!   MAC, Ed25519 signature, one ratchet step).
//! - `megolm_decrypt_{100B,4KiB}`: the same message at index 0 decrypted again and again by a
//!   session whose latest ratchet is already at 0: signature check, key derivation, MAC and
//!   AES-CBC, no ratchet steps (the in-order steady state minus the one HMAC of a step).
//! - `megolm_new_inbound_decrypt_at_2^20`: parse a base64 session key at index 0 (checking its
//!   signature), create the inbound session, decrypt one 100-byte message at index 2^20 (a
//!   ratchet jump of 2^20).
//! - `megolm_advance_to_2^31-1`: `advance_to(2^31 − 1)` on a fresh session at 0 (setup not
//!   timed): the longest jump the window allows.
//! - `megolm_export_at_1000`: `export_at(1000)` on a fresh session at 0 (setup not timed): a
//!   ratchet jump of 1000 and the encoding of the 165-byte export.

#[path = "common/bounds.rs"]
mod bounds;
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "common/paired.rs"]
mod paired;

use std::hint::black_box;

use bounds::Bound;
use bounds::Primitive::*;
use common::{FixedBytes, TestRng};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use protee::Ed25519SecretKey;
use protee::megolm::{GroupSession, InboundGroupSession, MegolmMessage, SessionKey};
use sha2::Sha256;
use vodozemac::megolm as vz;

const FAR_INDEX: u32 = 1 << 20;

/// Bounds: the primitives each operation cannot avoid (benches/common/bounds.rs), run
/// interleaved with it. Signatures, MACs and ciphers count the ciphertext bytes only, so
/// every bound errs low. Encrypt: sign, message keys, cipher, MAC, one ratchet step.
const ENCRYPT_100B: Bound = &[
    (Ed25519Sign112, 1),
    (Hkdf80, 1),
    (AesEncrypt100, 1),
    (Hmac112, 1),
    (HmacStep, 1),
];
const ENCRYPT_4KIB: Bound = &[
    (Ed25519Sign4112, 1),
    (Hkdf80, 1),
    (AesEncrypt4096, 1),
    (Hmac4112, 1),
    (HmacStep, 1),
];
/// Decrypt at the session's own index: verify, message keys, cipher, MAC.
const DECRYPT_100B: Bound = &[
    (Ed25519Verify112, 1),
    (Hkdf80, 1),
    (AesDecrypt112, 1),
    (Hmac112, 1),
];
const DECRYPT_4KIB: Bound = &[
    (Ed25519Verify4112, 1),
    (Hkdf80, 1),
    (AesDecrypt4112, 1),
    (Hmac4112, 1),
];
/// Decode the sender's key, verify the session key and the message, jump the ratchet from 0
/// to 2^20 (R_1 rehashed 16 times, then R_2 and R_3 derived from it: 18 steps), message keys,
/// cipher, MAC.
const NEW_INBOUND_DECRYPT_AT_2_20: Bound = &[
    (Ed25519Decode, 1),
    (Ed25519Verify112, 2),
    (HmacStep, 18),
    (Hkdf80, 1),
    (AesDecrypt112, 1),
    (Hmac112, 1),
];
/// The fewest steps from 0 to 2^31 − 1: R_0 rehashed 127 times, then R_1, R_2 and R_3 each
/// derived from the part above once and rehashed 255 times (127 + 3 × 256 = 895).
const ADVANCE_TO_2_31_MINUS_1: Bound = &[(HmacStep, 895)];
/// From 0 to 1000 = 0x3e8: R_2 rehashed 3 times, R_3 derived once and rehashed 0xe8 = 232
/// times (236 steps).
const EXPORT_AT_1000: Bound = &[(HmacStep, 236)];

fn vz_config() -> vz::SessionConfig {
    vz::SessionConfig::version_1()
}

fn encrypt(c: &mut Criterion, name: &str, len: usize, bound: Bound) {
    let plaintext = vec![0x61u8; len];
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(len as u64));
    let mut ours = GroupSession::new_with_rng(&mut TestRng::new(1));
    let mut theirs = vz::GroupSession::new(vz_config());
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| ours.encrypt(black_box(&plaintext))),
        paired::timed(|| theirs.encrypt(black_box(&plaintext))),
        bound,
    );
    group.finish();
}

fn decrypt(c: &mut Criterion, name: &str, len: usize, bound: Bound) {
    let plaintext = vec![0x61u8; len];
    let mut alice = GroupSession::new_with_rng(&mut TestRng::new(2));
    let key = alice.session_key().to_base64();
    let message = alice.encrypt(&plaintext).to_base64();

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(len as u64));
    let mut ours = InboundGroupSession::new(&SessionKey::from_base64(&key).unwrap()).unwrap();
    let our_message = MegolmMessage::from_base64(&message).unwrap();
    assert_eq!(ours.decrypt(&our_message).unwrap().plaintext, plaintext);
    let mut theirs =
        vz::InboundGroupSession::new(&vz::SessionKey::from_base64(&key).unwrap(), vz_config());
    let their_message = vz::MegolmMessage::from_base64(&message).unwrap();
    assert_eq!(theirs.decrypt(&their_message).unwrap().plaintext, plaintext);
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| ours.decrypt(black_box(&our_message)).unwrap()),
        paired::timed(|| theirs.decrypt(black_box(&their_message)).unwrap()),
        bound,
    );
    group.finish();
}

/// A session key at index 0 and a valid message at index 2^20, without encrypting 2^20
/// messages. An outbound session is made of 160 random bytes: R (128) and the Ed25519 seed
/// (MEGOLM-OUT-1), and a message's keys depend on the ratchet value only, not on the counter
/// (MEGOLM-CIPHER-1). So: the session A = (R, seed) gives the key; an export of it at 2^20
/// gives R'; the session B = (R', seed) encrypts at its index 0 with exactly the keys of A's
/// index 2^20; the message's index field is then rewritten to 2^20, its MAC recomputed with
/// the MAC key HKDF(R')[32..64] and the whole re-signed with the seed. Both libraries check
/// that it decrypts.
fn message_at_far_index(plaintext: &[u8]) -> (String, String) {
    let mut random = [0u8; 160];
    for (i, byte) in random.iter_mut().enumerate() {
        *byte = (i as u8).wrapping_mul(37).wrapping_add(11);
    }
    let seed: [u8; 32] = random[128..].try_into().unwrap();
    let a = GroupSession::new_with_rng(&mut FixedBytes::new(&random));
    let key = a.session_key().to_base64();
    let mut inbound = InboundGroupSession::new(&a.session_key()).unwrap();
    let export = inbound.export_at(FAR_INDEX).unwrap().to_base64();
    let export = protee::types::base64::decode(&export).unwrap();
    let far_ratchet = &export[5..133];
    random[..128].copy_from_slice(far_ratchet);
    let mut b = GroupSession::new_with_rng(&mut FixedBytes::new(&random));
    let at_zero = b.encrypt(plaintext);
    let at_zero = at_zero.as_bytes();
    // 03 08 00 12 <one-byte length> ciphertext MAC(8) signature(64)
    assert_eq!(at_zero[..4], [0x03, 0x08, 0x00, 0x12]);
    assert!(at_zero[4] < 0x80);
    let ciphertext = &at_zero[5..at_zero.len() - 72];
    let mut body = vec![0x03, 0x08, 0x80, 0x80, 0x40, 0x12, at_zero[4]];
    body.extend_from_slice(ciphertext);
    let mut keys = [0u8; 80];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), far_ratchet)
        .expand(b"MEGOLM_KEYS", &mut keys)
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&keys[32..64]).unwrap();
    mac.update(&body);
    body.extend_from_slice(&mac.finalize().into_bytes()[..8]);
    let signature = Ed25519SecretKey::from_seed(&seed).sign(&body);
    body.extend_from_slice(&signature.to_bytes());
    let message = protee::types::base64::encode(&body);

    let decrypted = InboundGroupSession::new(&SessionKey::from_base64(&key).unwrap())
        .unwrap()
        .decrypt(&MegolmMessage::from_base64(&message).unwrap())
        .unwrap();
    assert_eq!(
        (decrypted.plaintext.as_slice(), decrypted.message_index),
        (plaintext, FAR_INDEX)
    );
    let decrypted =
        vz::InboundGroupSession::new(&vz::SessionKey::from_base64(&key).unwrap(), vz_config())
            .decrypt(&vz::MegolmMessage::from_base64(&message).unwrap())
            .unwrap();
    assert_eq!(
        (decrypted.plaintext.as_slice(), decrypted.message_index),
        (plaintext, FAR_INDEX)
    );
    (key, message)
}

fn new_inbound_and_decrypt_far(c: &mut Criterion) {
    let (key, message) = message_at_far_index(&[0x62; 100]);
    let name = "megolm_new_inbound_decrypt_at_2^20";
    let mut group = c.benchmark_group(name);
    let our_message = MegolmMessage::from_base64(&message).unwrap();
    let their_message = vz::MegolmMessage::from_base64(&message).unwrap();
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| {
            let key = SessionKey::from_base64(black_box(&key)).unwrap();
            let mut session = InboundGroupSession::new(&key).unwrap();
            session.decrypt(&our_message).unwrap()
        }),
        paired::timed(|| {
            let key = vz::SessionKey::from_base64(black_box(&key)).unwrap();
            let mut session = vz::InboundGroupSession::new(&key, vz_config());
            session.decrypt(&their_message).unwrap()
        }),
        NEW_INBOUND_DECRYPT_AT_2_20,
    );
    group.finish();
}

fn advance_and_export(c: &mut Criterion) {
    let alice = GroupSession::new_with_rng(&mut TestRng::new(3));
    let key = alice.session_key().to_base64();
    let ours = InboundGroupSession::new(&SessionKey::from_base64(&key).unwrap()).unwrap();
    let theirs =
        vz::InboundGroupSession::new(&vz::SessionKey::from_base64(&key).unwrap(), vz_config());
    let their_pickle = || vz::InboundGroupSession::from_pickle(theirs.pickle());
    // Same results first.
    let (mut o, mut t) = (ours.clone(), their_pickle());
    assert!(o.advance_to((1 << 31) - 1) && t.advance_to((1 << 31) - 1));
    assert_eq!(
        o.export_at_first_known_index().to_base64(),
        t.export_at_first_known_index().to_base64()
    );
    let (mut o, mut t) = (ours.clone(), their_pickle());
    assert_eq!(
        o.export_at(1000).unwrap().to_base64(),
        t.export_at(1000).unwrap().to_base64()
    );

    let name = "megolm_advance_to_2^31-1";
    let mut group = c.benchmark_group(name);
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed_batched(
            || ours.clone(),
            |mut s| {
                s.advance_to(black_box((1 << 31) - 1));
                s
            },
        ),
        paired::timed_batched(their_pickle, |mut s| {
            s.advance_to(black_box((1 << 31) - 1));
            s
        }),
        ADVANCE_TO_2_31_MINUS_1,
    );
    group.finish();

    let name = "megolm_export_at_1000";
    let mut group = c.benchmark_group(name);
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed_batched(
            || ours.clone(),
            |mut s| {
                let export = s.export_at(black_box(1000)).unwrap();
                (s, export)
            },
        ),
        paired::timed_batched(their_pickle, |mut s| {
            let export = s.export_at(black_box(1000)).unwrap();
            (s, export)
        }),
        EXPORT_AT_1000,
    );
    group.finish();
}

fn benches(c: &mut Criterion) {
    encrypt(c, "megolm_encrypt_100B", 100, ENCRYPT_100B);
    encrypt(c, "megolm_encrypt_4KiB", 4096, ENCRYPT_4KIB);
    decrypt(c, "megolm_decrypt_100B", 100, DECRYPT_100B);
    decrypt(c, "megolm_decrypt_4KiB", 4096, DECRYPT_4KIB);
    new_inbound_and_decrypt_far(c);
    advance_and_export(c);
}

criterion_group!(megolm, benches);
criterion_main!(megolm);
