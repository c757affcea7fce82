//! protee vs vodozemac, same run, same machine. Each group holds one operation; its functions
//! `protee` and `vodozemac` sit side by side in criterion's report.
//!
//! Both libraries draw randomness from the operating system here (protee's `*_with_os_rng`
//! entry points, vodozemac's built-in RNG), so neither is favoured by a cheap test RNG.
//!
//! Run: `cargo bench --bench olm -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use vodozemac::olm::SessionConfig;

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
// Benchmarks.

fn encrypt_sized(c: &mut Criterion, name: &str, plaintext: &[u8]) {
    let mut group = c.benchmark_group(name);
    let (mut alice, _) = protee_established();
    group.bench_function("protee", |b| {
        b.iter(|| alice.encrypt_with_os_rng(black_box(plaintext)).unwrap())
    });
    let (mut alice, _) = vodozemac_established();
    group.bench_function("vodozemac", |b| {
        b.iter(|| alice.encrypt(black_box(plaintext)).unwrap())
    });
    group.finish();
}

fn decrypt_sized(c: &mut Criterion, name: &str, plaintext: &[u8]) {
    // In-order messages on an existing receiver chain: each decrypt advances the chain by one.
    // The messages are made before the clock starts.
    let mut group = c.benchmark_group(name);
    let (mut alice, mut bob) = protee_established();
    group.bench_function("protee", |b| {
        b.iter_custom(|iters| {
            let messages: Vec<p::OlmMessage> = (0..iters)
                .map(|_| alice.encrypt_with_os_rng(plaintext).unwrap())
                .collect();
            let start = Instant::now();
            for message in &messages {
                black_box(bob.decrypt(black_box(message)).unwrap());
            }
            start.elapsed()
        })
    });
    let (mut alice, mut bob) = vodozemac_established();
    group.bench_function("vodozemac", |b| {
        b.iter_custom(|iters| {
            let messages: Vec<v::OlmMessage> = (0..iters)
                .map(|_| alice.encrypt(plaintext).unwrap())
                .collect();
            let start = Instant::now();
            for message in &messages {
                black_box(bob.decrypt(black_box(message)).unwrap());
            }
            start.elapsed()
        })
    });
    group.finish();
}

fn encrypt(c: &mut Criterion) {
    encrypt_sized(c, "olm_encrypt_100B", &PLAINTEXT);
    encrypt_sized(c, "olm_encrypt_4KiB", &[0x42; 4096]);
}

fn decrypt(c: &mut Criterion) {
    decrypt_sized(c, "olm_decrypt_100B", &PLAINTEXT);
    decrypt_sized(c, "olm_decrypt_4KiB", &[0x42; 4096]);
}

fn encrypt_decrypt(c: &mut Criterion) {
    // One message on an existing chain: Alice encrypts, Bob decrypts.
    let mut group = c.benchmark_group("olm_encrypt_decrypt_100B");
    let (mut alice, mut bob) = protee_established();
    group.bench_function("protee", |b| {
        b.iter(|| {
            let m = alice.encrypt_with_os_rng(black_box(&PLAINTEXT)).unwrap();
            bob.decrypt(&m).unwrap()
        })
    });
    let (mut alice, mut bob) = vodozemac_established();
    group.bench_function("vodozemac", |b| {
        b.iter(|| {
            let m = alice.encrypt(black_box(PLAINTEXT)).unwrap();
            bob.decrypt(&m).unwrap()
        })
    });
    group.finish();
}

fn ratchet_turn(c: &mut Criterion) {
    // A full turn of the double ratchet: each side sends one message after receiving one, so
    // every message starts a new chain (a new ratchet key, two DH per message in all).
    let mut group = c.benchmark_group("olm_ratchet_turn");
    let (mut alice, mut bob) = protee_established();
    group.bench_function("protee", |b| {
        b.iter(|| {
            let m = alice.encrypt_with_os_rng(black_box(&PLAINTEXT)).unwrap();
            bob.decrypt(&m).unwrap();
            let r = bob.encrypt_with_os_rng(black_box(&PLAINTEXT)).unwrap();
            alice.decrypt(&r).unwrap()
        })
    });
    let (mut alice, mut bob) = vodozemac_established();
    group.bench_function("vodozemac", |b| {
        b.iter(|| {
            let m = alice.encrypt(black_box(PLAINTEXT)).unwrap();
            bob.decrypt(&m).unwrap();
            let r = bob.encrypt(black_box(PLAINTEXT)).unwrap();
            alice.decrypt(&r).unwrap()
        })
    });
    group.finish();
}

fn account_creation(c: &mut Criterion) {
    let mut group = c.benchmark_group("olm_account_new");
    group.bench_function("protee", |b| b.iter(|| p::Account::new().unwrap()));
    group.bench_function("vodozemac", |b| b.iter(v::Account::new));
    group.finish();
}

fn one_time_keys(c: &mut Criterion) {
    // 50 keys into an empty account (no eviction in either library).
    let mut group = c.benchmark_group("olm_generate_50_one_time_keys");
    group.bench_function("protee", |b| {
        b.iter_batched(
            || p::Account::new().unwrap(),
            |mut account| {
                account
                    .generate_one_time_keys_with_os_rng(black_box(50))
                    .unwrap();
                account
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("vodozemac", |b| {
        b.iter_batched(
            v::Account::new,
            |mut account| {
                account.generate_one_time_keys(black_box(50));
                account
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn outbound_session(c: &mut Criterion) {
    let mut group = c.benchmark_group("olm_create_outbound_session");
    let alice = p::Account::new().unwrap();
    let mut bob = p::Account::new().unwrap();
    bob.generate_one_time_keys_with_os_rng(1).unwrap();
    let (_, otk) = bob.one_time_keys()[0];
    let identity = bob.curve25519_key();
    group.bench_function("protee", |b| {
        b.iter(|| {
            alice
                .create_outbound_session_with_os_rng(black_box(&identity), black_box(&otk))
                .unwrap()
        })
    });
    let alice = v::Account::new();
    let mut bob = v::Account::new();
    let otk = bob.generate_one_time_keys(1).created[0];
    let identity = bob.curve25519_key();
    group.bench_function("vodozemac", |b| {
        b.iter(|| {
            alice
                .create_outbound_session(
                    SessionConfig::version_1(),
                    black_box(identity),
                    black_box(otk),
                )
                .unwrap()
        })
    });
    group.finish();
}

fn inbound_session(c: &mut Criterion) {
    // Bob's side of the handshake: find the one-time key, 3DH, decrypt the 100-byte first
    // message, remove the key. A fresh account per iteration (made outside the clock), since
    // the one-time key is consumed.
    let mut group = c.benchmark_group("olm_create_inbound_session");
    group.bench_function("protee", |b| {
        b.iter_batched(
            protee_pre_key,
            |(mut bob, alice, message)| {
                let created = bob.create_inbound_session(Some(&alice), &message).unwrap();
                (bob, created)
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("vodozemac", |b| {
        b.iter_batched(
            vodozemac_pre_key,
            |(mut bob, alice, message)| {
                let created = bob
                    .create_inbound_session(SessionConfig::version_1(), alice, &message)
                    .unwrap();
                (bob, created)
            },
            BatchSize::SmallInput,
        )
    });
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
