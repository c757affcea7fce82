//! protee vs vodozemac, same run, same machine. Each group holds one operation; its functions
//! `protee` and `vodozemac` sit side by side in criterion's report.
//!
//! Each library uses its own default randomness: protee's `*_with_os_rng` entry points (one
//! request to the operating system per call), vodozemac's built-in thread-local generator
//! (seeded from the operating system); neither is given a cheap test RNG. The side-by-side
//! groups go through `paired::compare` (criterion measures each library alone; with
//! `BENCH_PAIRED` set they are also measured interleaved, see benches/common/paired.rs).
//!
//! Run: `cargo bench --bench olm -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::{Duration, Instant};

use bounds::Bound;
use bounds::Primitive::*;
use criterion::{Criterion, criterion_group, criterion_main};
use vodozemac::olm::SessionConfig;

#[path = "common/bounds.rs"]
mod bounds;
#[path = "common/paired.rs"]
mod paired;

const PLAINTEXT: [u8; 100] = [0x42; 100];

// ---------------------------------------------------------------------------------------------
// Setup helpers (never measured).

mod p {
    pub use protee::olm::{Account, OlmMessage, PreKeyMessage, Session};
}

mod v {
    pub use vodozemac::olm::{Account, OlmMessage, PreKeyMessage, Session};
}

/// A protee Alice and Bob who have exchanged messages both ways, Alice having sent last on
/// her current chain and Bob having received it: Alice's next encrypt uses her existing sender
/// chain and Bob's next decrypt uses his existing receiver chain (no ratchet step).
fn protee_established() -> (p::Session, p::Session) {
    let alice = p::Account::new().unwrap();
    let mut bob = p::Account::new().unwrap();
    bob.generate_one_time_keys_with_os_rng(1).unwrap();
    let (_, otk) = bob.one_time_keys()[0];
    let mut a = alice
        .create_outbound_session_with_os_rng(&bob.curve25519_key(), &otk)
        .unwrap();
    let p::OlmMessage::PreKey(first) = a.encrypt_with_os_rng(b"hi").unwrap() else {
        unreachable!("first message is a pre-key message")
    };
    let mut b = bob
        .create_inbound_session(Some(&alice.curve25519_key()), &first)
        .unwrap()
        .session;
    let reply = b.encrypt_with_os_rng(b"hello").unwrap();
    a.decrypt(&reply).unwrap();
    let ratcheted = a.encrypt_with_os_rng(b"new chain").unwrap();
    b.decrypt(&ratcheted).unwrap();
    assert_eq!(a.encrypt_random_length(), 0, "Alice has a sender chain");
    (a, b)
}

fn vodozemac_established() -> (v::Session, v::Session) {
    let alice = v::Account::new();
    let mut bob = v::Account::new();
    let otk = bob.generate_one_time_keys(1).created[0];
    let mut a = alice
        .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), otk)
        .unwrap();
    let v::OlmMessage::PreKey(first) = a.encrypt(b"hi").unwrap() else {
        unreachable!("first message is a pre-key message")
    };
    let mut b = bob
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &first)
        .unwrap()
        .session;
    let reply = b.encrypt(b"hello").unwrap();
    a.decrypt(&reply).unwrap();
    let ratcheted = a.encrypt(b"new chain").unwrap();
    b.decrypt(&ratcheted).unwrap();
    (a, b)
}

/// A fresh protee Bob with one one-time key, Alice's identity key and her first message.
fn protee_pre_key() -> (p::Account, protee::Curve25519PublicKey, p::PreKeyMessage) {
    let alice = p::Account::new().unwrap();
    let mut bob = p::Account::new().unwrap();
    bob.generate_one_time_keys_with_os_rng(1).unwrap();
    let (_, otk) = bob.one_time_keys()[0];
    let mut a = alice
        .create_outbound_session_with_os_rng(&bob.curve25519_key(), &otk)
        .unwrap();
    let p::OlmMessage::PreKey(first) = a.encrypt_with_os_rng(&PLAINTEXT).unwrap() else {
        unreachable!("first message is a pre-key message")
    };
    (bob, alice.curve25519_key(), first)
}

fn vodozemac_pre_key() -> (v::Account, vodozemac::Curve25519PublicKey, v::PreKeyMessage) {
    let alice = v::Account::new();
    let mut bob = v::Account::new();
    let otk = bob.generate_one_time_keys(1).created[0];
    let mut a = alice
        .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), otk)
        .unwrap();
    let v::OlmMessage::PreKey(first) = a.encrypt(PLAINTEXT).unwrap() else {
        unreachable!("first message is a pre-key message")
    };
    (bob, alice.curve25519_key(), first)
}

// ---------------------------------------------------------------------------------------------
// Bounds: the primitives each operation cannot avoid (benches/common/bounds.rs), run
// interleaved with it. Symmetric work is counted over the ciphertext only, and public-key
// rows count only their public-key work, so every bound errs low.

/// An identity key pair of each kind.
const ACCOUNT_NEW: Bound = &[(Ed25519Keygen, 1), (X25519Keygen, 1)];
const ONE_TIME_KEYS_50: Bound = &[(X25519Keygen, 50)];
/// The base key and the first ratchet key; the triple Diffie-Hellman.
const OUTBOUND_SESSION: Bound = &[(X25519Keygen, 2), (X25519Dh, 3)];
/// The triple Diffie-Hellman.
const INBOUND_SESSION: Bound = &[(X25519Dh, 3)];
/// Chain step and message-key step, message keys, cipher, MAC.
const ENCRYPT_100B: Bound = &[(Hkdf80, 1), (HmacStep, 2), (AesEncrypt100, 1), (Hmac112, 1)];
const ENCRYPT_4KIB: Bound = &[
    (Hkdf80, 1),
    (HmacStep, 2),
    (AesEncrypt4096, 1),
    (Hmac4112, 1),
];
const DECRYPT_100B: Bound = &[(Hkdf80, 1), (HmacStep, 2), (AesDecrypt112, 1), (Hmac112, 1)];
const DECRYPT_4KIB: Bound = &[
    (Hkdf80, 1),
    (HmacStep, 2),
    (AesDecrypt4112, 1),
    (Hmac4112, 1),
];
const ENCRYPT_DECRYPT_100B: Bound = &[
    (Hkdf80, 2),
    (HmacStep, 4),
    (AesEncrypt100, 1),
    (AesDecrypt112, 1),
    (Hmac112, 2),
];
/// Two messages, each on a new chain: a new ratchet key per message, and one Diffie-Hellman
/// on each side per message.
const RATCHET_TURN: Bound = &[(X25519Keygen, 2), (X25519Dh, 4)];

// ---------------------------------------------------------------------------------------------
// Benchmarks.

fn encrypt_sized(c: &mut Criterion, name: &str, plaintext: &[u8], bound: Bound) {
    let mut group = c.benchmark_group(name);
    let (mut ours, _) = protee_established();
    let (mut theirs, _) = vodozemac_established();
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| ours.encrypt_with_os_rng(black_box(plaintext)).unwrap()),
        paired::timed(|| theirs.encrypt(black_box(plaintext)).unwrap()),
        bound,
    );
    group.finish();
}

fn decrypt_sized(c: &mut Criterion, name: &str, plaintext: &[u8], bound: Bound) {
    // In-order messages on an existing receiver chain: each decrypt advances the chain by one.
    // The messages are made before the clock starts.
    let mut group = c.benchmark_group(name);
    let (mut p_alice, mut p_bob) = protee_established();
    let (mut v_alice, mut v_bob) = vodozemac_established();
    paired::compare_with_bound(
        &mut group,
        name,
        |iters| {
            let messages: Vec<p::OlmMessage> = (0..iters)
                .map(|_| p_alice.encrypt_with_os_rng(plaintext).unwrap())
                .collect();
            let start = Instant::now();
            for message in &messages {
                black_box(p_bob.decrypt(black_box(message)).unwrap());
            }
            start.elapsed()
        },
        |iters| {
            let messages: Vec<v::OlmMessage> = (0..iters)
                .map(|_| v_alice.encrypt(plaintext).unwrap())
                .collect();
            let start = Instant::now();
            for message in &messages {
                black_box(v_bob.decrypt(black_box(message)).unwrap());
            }
            start.elapsed()
        },
        bound,
    );
    group.finish();
}

fn encrypt(c: &mut Criterion) {
    encrypt_sized(c, "olm_encrypt_100B", &PLAINTEXT, ENCRYPT_100B);
    encrypt_sized(c, "olm_encrypt_4KiB", &[0x42; 4096], ENCRYPT_4KIB);
}

fn decrypt(c: &mut Criterion) {
    decrypt_sized(c, "olm_decrypt_100B", &PLAINTEXT, DECRYPT_100B);
    decrypt_sized(c, "olm_decrypt_4KiB", &[0x42; 4096], DECRYPT_4KIB);
}

fn encrypt_decrypt(c: &mut Criterion) {
    // One message on an existing chain: Alice encrypts, Bob decrypts.
    let name = "olm_encrypt_decrypt_100B";
    let mut group = c.benchmark_group(name);
    let (mut p_alice, mut p_bob) = protee_established();
    let (mut v_alice, mut v_bob) = vodozemac_established();
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| {
            let m = p_alice.encrypt_with_os_rng(black_box(&PLAINTEXT)).unwrap();
            p_bob.decrypt(&m).unwrap()
        }),
        paired::timed(|| {
            let m = v_alice.encrypt(black_box(PLAINTEXT)).unwrap();
            v_bob.decrypt(&m).unwrap()
        }),
        ENCRYPT_DECRYPT_100B,
    );
    group.finish();
}

fn ratchet_turn(c: &mut Criterion) {
    // A full turn of the double ratchet: each side sends one message after receiving one, so
    // every message starts a new chain (a new ratchet key, two DH per message in all).
    let name = "olm_ratchet_turn";
    let mut group = c.benchmark_group(name);
    let (mut p_alice, mut p_bob) = protee_established();
    let (mut v_alice, mut v_bob) = vodozemac_established();
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| {
            let m = p_alice.encrypt_with_os_rng(black_box(&PLAINTEXT)).unwrap();
            p_bob.decrypt(&m).unwrap();
            let r = p_bob.encrypt_with_os_rng(black_box(&PLAINTEXT)).unwrap();
            p_alice.decrypt(&r).unwrap()
        }),
        paired::timed(|| {
            let m = v_alice.encrypt(black_box(PLAINTEXT)).unwrap();
            v_bob.decrypt(&m).unwrap();
            let r = v_bob.encrypt(black_box(PLAINTEXT)).unwrap();
            v_alice.decrypt(&r).unwrap()
        }),
        RATCHET_TURN,
    );
    group.finish();
}

fn account_creation(c: &mut Criterion) {
    let name = "olm_account_new";
    let mut group = c.benchmark_group(name);
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| p::Account::new().unwrap()),
        paired::timed(v::Account::new),
        ACCOUNT_NEW,
    );
    group.finish();
}

fn one_time_keys(c: &mut Criterion) {
    // 50 keys into an empty account (no eviction in either library).
    let name = "olm_generate_50_one_time_keys";
    let mut group = c.benchmark_group(name);
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed_batched(
            || p::Account::new().unwrap(),
            |mut account| {
                account
                    .generate_one_time_keys_with_os_rng(black_box(50))
                    .unwrap();
                account
            },
        ),
        paired::timed_batched(v::Account::new, |mut account| {
            account.generate_one_time_keys(black_box(50));
            account
        }),
        ONE_TIME_KEYS_50,
    );
    group.finish();
}

fn outbound_session(c: &mut Criterion) {
    let name = "olm_create_outbound_session";
    let mut group = c.benchmark_group(name);
    let p_alice = p::Account::new().unwrap();
    let mut p_bob = p::Account::new().unwrap();
    p_bob.generate_one_time_keys_with_os_rng(1).unwrap();
    let (_, p_otk) = p_bob.one_time_keys()[0];
    let p_identity = p_bob.curve25519_key();
    let v_alice = v::Account::new();
    let mut v_bob = v::Account::new();
    let v_otk = v_bob.generate_one_time_keys(1).created[0];
    let v_identity = v_bob.curve25519_key();
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed(|| {
            p_alice
                .create_outbound_session_with_os_rng(black_box(&p_identity), black_box(&p_otk))
                .unwrap()
        }),
        paired::timed(|| {
            v_alice
                .create_outbound_session(
                    SessionConfig::version_1(),
                    black_box(v_identity),
                    black_box(v_otk),
                )
                .unwrap()
        }),
        OUTBOUND_SESSION,
    );
    group.finish();
}

fn inbound_session(c: &mut Criterion) {
    // Bob's side of the handshake: find the one-time key, 3DH, decrypt the 100-byte first
    // message, remove the key. A fresh account per iteration (made outside the clock), since
    // the one-time key is consumed.
    let name = "olm_create_inbound_session";
    let mut group = c.benchmark_group(name);
    paired::compare_with_bound(
        &mut group,
        name,
        paired::timed_batched(protee_pre_key, |(mut bob, alice, message)| {
            let created = bob.create_inbound_session(Some(&alice), &message).unwrap();
            (bob, created)
        }),
        paired::timed_batched(vodozemac_pre_key, |(mut bob, alice, message)| {
            let created = bob
                .create_inbound_session(SessionConfig::version_1(), alice, &message)
                .unwrap();
            (bob, created)
        }),
        INBOUND_SESSION,
    );
    group.finish();
}

criterion_group! {
    name = olm;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = encrypt, decrypt, encrypt_decrypt, ratchet_turn, account_creation, one_time_keys, outbound_session, inbound_session
}
criterion_main!(olm);
