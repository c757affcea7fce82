//! The primitives every protocol operation is built from, measured alone, so that each row of
//! `benches/RESULTS.md` can be read against the work it cannot avoid:
//!
//! - `bound_x25519_dh`: one X25519 function, RFC 7748's result, computed the fastest way the
//!   dalek crates allow for a peer key on the curve: the u-coordinate decoded to an Edwards
//!   point, one constant-time variable-base multiplication (vectorised), and the conversion
//!   back (spec/olm.md OLM-DH-3).
//! - `bound_x25519_dh_ladder`: the same function by the Montgomery ladder (x25519-dalek's
//!   `diffie_hellman`, what vodozemac does), for reference; the bound uses the faster one.
//! - `bound_x25519_keygen`: a secret from 32 bytes and its public key (a base-point
//!   multiplication, with precomputed tables, and the conversion to Montgomery form).
//! - `bound_ed25519_keygen`: a key pair from a 32-byte seed (SHA-512 and a base-point
//!   multiplication).
//! - `bound_ed25519_sign_100B` / `bound_ed25519_verify_100B`: strict verification, as protee does.
//! - `bound_hkdf_sha256_80`: HKDF-SHA-256 of a 32-byte input to 80 bytes (one message's keys).
//! - `bound_hmac_sha256_32B_key`: one HMAC-SHA-256 with a 32-byte key and a one-byte message
//!   (one chain or ratchet step).
//! - `bound_aes256cbc_100B` / `bound_aes256cbc_4KiB`: AES-256-CBC encryption with padding.
//!
//! Run: `cargo bench --bench primitives -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use aes::Aes256;
use cbc::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use criterion::{Criterion, criterion_group, criterion_main};
use curve25519_dalek::MontgomeryPoint;
use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

fn x25519(c: &mut Criterion) {
    let ours = StaticSecret::from([7u8; 32]);
    let theirs = PublicKey::from(&StaticSecret::from([9u8; 32]));
    c.bench_function("bound_x25519_dh_ladder", |b| {
        b.iter(|| ours.diffie_hellman(black_box(&theirs)))
    });
    let point = MontgomeryPoint(theirs.to_bytes());
    assert_eq!(
        point
            .to_edwards(0)
            .unwrap()
            .mul_clamped([7u8; 32])
            .to_montgomery()
            .to_bytes(),
        ours.diffie_hellman(&theirs).to_bytes()
    );
    c.bench_function("bound_x25519_dh", |b| {
        b.iter(|| {
            black_box(point)
                .to_edwards(0)
                .map(|p| p.mul_clamped(black_box([7u8; 32])).to_montgomery())
        })
    });
    c.bench_function("bound_x25519_keygen", |b| {
        b.iter(|| PublicKey::from(&StaticSecret::from(black_box([5u8; 32]))))
    });
}

fn ed25519(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[3u8; 32]);
    let message = [0x61u8; 100];
    let signature = key.sign(&message);
    let public = key.verifying_key();
    c.bench_function("bound_ed25519_keygen", |b| {
        b.iter(|| SigningKey::from_bytes(black_box(&[3u8; 32])).verifying_key())
    });
    c.bench_function("bound_ed25519_sign_100B", |b| {
        b.iter(|| key.sign(black_box(&message)))
    });
    c.bench_function("bound_ed25519_verify_100B", |b| {
        b.iter(|| public.verify_strict(black_box(&message), black_box(&signature)))
    });
}

fn symmetric(c: &mut Criterion) {
    c.bench_function("bound_hkdf_sha256_80", |b| {
        b.iter(|| {
            let mut okm = [0u8; 80];
            hkdf::Hkdf::<Sha256>::new(Some(&[0u8; 32]), black_box(&[1u8; 32]))
                .expand(b"OLM_KEYS", &mut okm)
                .unwrap();
            okm
        })
    });
    c.bench_function("bound_hmac_sha256_32B_key", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha256>::new_from_slice(black_box(&[2u8; 32])).unwrap();
            mac.update(&[1]);
            mac.finalize().into_bytes()
        })
    });
    for (name, len) in [
        ("bound_aes256cbc_100B", 100),
        ("bound_aes256cbc_4KiB", 4096),
    ] {
        let plaintext = vec![0x61u8; len];
        let mut out = vec![0u8; len + 16];
        c.bench_function(name, |b| {
            b.iter(|| {
                cbc::Encryptor::<Aes256>::new(&[4u8; 32].into(), &[5u8; 16].into())
                    .encrypt_padded_b2b::<Pkcs7>(black_box(&plaintext), &mut out)
                    .unwrap()
                    .len()
            })
        });
    }
}

criterion_group! {
    name = primitives;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = x25519, ed25519, symmetric
}
criterion_main!(primitives);
