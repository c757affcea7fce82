//! The primitives every protocol operation is built from, measured alone, so that each row of
//! `benches/RESULTS.md` can be read against the work it cannot avoid:
//!
//! - `bound_x25519_dh`: one X25519 function, RFC 7748's result, computed the fastest way the
//!   dalek crates allow for a peer key on the curve: the u-coordinate decoded to an Edwards
//!   point, one constant-time variable-base multiplication (vectorised), and the conversion
//!   back (spec/olm.md OLM-DH-3).
//! - `bound_x25519_dh_ladder`: the same function by the Montgomery ladder (x25519-dalek's
//!   `diffie_hellman`, what vodozemac does), for reference; the bound uses the faster one.
//! - `bound_x25519_keygen`: a public key from 32 secret bytes, the fastest way: a base-point
//!   multiplication from a radix-32 table of B (curve25519-dalek's
//!   `EdwardsBasepointTableRadix32`, built once) and the conversion to Montgomery form.
//!   `bound_x25519_keygen_dalek` (x25519-dalek's `PublicKey::from`, radix-16) for reference.
//! - `bound_ed25519_keygen`: a key pair from a 32-byte seed: SHA-512, the same table
//!   multiplication, one encoding. `bound_ed25519_keygen_dalek` for reference.
//! - `bound_ed25519_sign_112B` / `_4112B`: RFC 8032 signing written out over curve25519-dalek
//!   (two SHA-512 over the message, one table multiplication, one encoding), over as many
//!   bytes as the ciphertext of a 100 B / 4 KiB Megolm message (the signed bytes are a little
//!   longer: the bound errs low). `bound_ed25519_sign_dalek_112B` for reference.
//! - `bound_ed25519_verify_112B` / `_4112B`: the least work a strict check needs: SHA-512,
//!   one double-scalar multiplication, one encoding compared with R.
//!   `bound_ed25519_verify_strict_dalek_112B` (ed25519-dalek's `verify_strict`, which also
//!   decodes R) for reference.
//! - `bound_hkdf_sha256_80`: HKDF-SHA-256 of a 32-byte input to 80 bytes (one message's keys).
//! - `bound_hmac_sha256_32B_key`: one HMAC-SHA-256 with a 32-byte key and a one-byte message
//!   (one chain or ratchet step).
//! - `bound_hmac_sha256_112B` / `_4112B`: the MAC over a message, counting only its
//!   ciphertext (the MACed bytes are a little longer: the bound errs low).
//! - `bound_aes256cbc_100B` / `_4KiB`: AES-256-CBC encryption with padding (112 / 4112 bytes
//!   out); `bound_aes256cbc_decrypt_112B` / `_4112B`: decryption and padding check.
//!
//! Run: `cargo bench --bench primitives -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Duration;

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use criterion::{Criterion, criterion_group, criterion_main};
use curve25519_dalek::MontgomeryPoint;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{EdwardsBasepointTableRadix32, EdwardsPoint};
use curve25519_dalek::scalar::{Scalar, clamp_integer};
use curve25519_dalek::traits::BasepointTable;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sha2::{Digest, Sha512};
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
    c.bench_function("bound_x25519_keygen_dalek", |b| {
        b.iter(|| PublicKey::from(&StaticSecret::from(black_box([5u8; 32]))))
    });
    let table = EdwardsBasepointTableRadix32::create(&ED25519_BASEPOINT_POINT);
    assert_eq!(
        table.mul_base_clamped([5u8; 32]).to_montgomery().to_bytes(),
        PublicKey::from(&StaticSecret::from([5u8; 32])).to_bytes()
    );
    c.bench_function("bound_x25519_keygen", |b| {
        b.iter(|| table.mul_base_clamped(black_box([5u8; 32])).to_montgomery())
    });
}

/// RFC 8032 signing written out over curve25519-dalek with a radix-32 table of B.
fn sign(
    table: &EdwardsBasepointTableRadix32,
    scalar: &Scalar,
    prefix: &[u8; 32],
    public: &[u8; 32],
    message: &[u8],
) -> [u8; 64] {
    let r = Scalar::from_hash(Sha512::new().chain_update(prefix).chain_update(message));
    let big_r = table.mul_base(&r).compress();
    let k = Scalar::from_hash(
        Sha512::new()
            .chain_update(big_r.as_bytes())
            .chain_update(public)
            .chain_update(message),
    );
    let s = k * scalar + r;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(big_r.as_bytes());
    signature[32..].copy_from_slice(s.as_bytes());
    signature
}

/// The least work of a strict verification: S < L, k = SHA-512(R ‖ A ‖ M), encode([S]B − [k]A) = R.
fn verify(minus_a: &EdwardsPoint, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(
        signature[32..].try_into().unwrap(),
    )) else {
        return false;
    };
    let k = Scalar::from_hash(
        Sha512::new()
            .chain_update(&signature[..32])
            .chain_update(public)
            .chain_update(message),
    );
    EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, minus_a, &s)
        .compress()
        .as_bytes()[..]
        == signature[..32]
}

fn ed25519(c: &mut Criterion) {
    let table = EdwardsBasepointTableRadix32::create(&ED25519_BASEPOINT_POINT);
    let key = SigningKey::from_bytes(&[3u8; 32]);
    let expanded = ExpandedSecretKey::from(key.as_bytes());
    let public = key.verifying_key();
    let minus_a = -public.to_edwards();
    c.bench_function("bound_ed25519_keygen_dalek", |b| {
        b.iter(|| SigningKey::from_bytes(black_box(&[3u8; 32])).verifying_key())
    });
    c.bench_function("bound_ed25519_keygen", |b| {
        b.iter(|| {
            let hash = Sha512::digest(black_box([3u8; 32]));
            let scalar =
                Scalar::from_bytes_mod_order(clamp_integer(hash[..32].try_into().unwrap()));
            table.mul_base(&scalar).compress()
        })
    });
    for len in [112, 4112] {
        let message = vec![0x61u8; len];
        let signature = key.sign(&message).to_bytes();
        assert_eq!(
            sign(
                &table,
                &expanded.scalar,
                &expanded.hash_prefix,
                public.as_bytes(),
                &message
            ),
            signature
        );
        assert!(verify(&minus_a, public.as_bytes(), &message, &signature));
        c.bench_function(&format!("bound_ed25519_sign_{len}B"), |b| {
            b.iter(|| {
                sign(
                    &table,
                    &expanded.scalar,
                    &expanded.hash_prefix,
                    public.as_bytes(),
                    black_box(&message),
                )
            })
        });
        c.bench_function(&format!("bound_ed25519_verify_{len}B"), |b| {
            b.iter(|| {
                verify(
                    &minus_a,
                    public.as_bytes(),
                    black_box(&message),
                    black_box(&signature),
                )
            })
        });
        if len == 112 {
            let dalek_signature = key.sign(&message);
            c.bench_function("bound_ed25519_sign_dalek_112B", |b| {
                b.iter(|| key.sign(black_box(&message)))
            });
            c.bench_function("bound_ed25519_verify_strict_dalek_112B", |b| {
                b.iter(|| public.verify_strict(black_box(&message), black_box(&dalek_signature)))
            });
        }
    }
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
    for len in [112, 4112] {
        let message = vec![0x62u8; len];
        c.bench_function(&format!("bound_hmac_sha256_{len}B"), |b| {
            b.iter(|| {
                let mut mac = Hmac::<Sha256>::new_from_slice(black_box(&[2u8; 32])).unwrap();
                mac.update(black_box(&message));
                mac.finalize().into_bytes()
            })
        });
        let mut ciphertext = vec![0u8; len];
        let written = cbc::Encryptor::<Aes256>::new(&[4u8; 32].into(), &[5u8; 16].into())
            .encrypt_padded_b2b::<Pkcs7>(&message[..len - 16], &mut ciphertext)
            .unwrap()
            .len();
        assert_eq!(written, len);
        let mut out = vec![0u8; len];
        c.bench_function(&format!("bound_aes256cbc_decrypt_{len}B"), |b| {
            b.iter(|| {
                cbc::Decryptor::<Aes256>::new(&[4u8; 32].into(), &[5u8; 16].into())
                    .decrypt_padded_b2b::<Pkcs7>(black_box(&ciphertext), &mut out)
                    .unwrap()
                    .len()
            })
        });
    }
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
