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
//! - `bound_ed25519_decode`: decoding a received Ed25519 public key (point decompression).
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
//!   (one chain or ratchet step), written as the four SHA-256 compressions it takes.
//! - `bound_hmac_sha256_112B` / `_4112B`: the MAC over a message, counting only its
//!   ciphertext (the MACed bytes are a little longer: the bound errs low).
//! - `bound_aes256cbc_100B` / `_4KiB`: AES-256-CBC encryption with padding (112 / 4112 bytes
//!   out); `bound_aes256cbc_decrypt_112B` / `_4112B`: decryption and padding check.
//!
//! The computations themselves are in benches/common/bounds.rs, shared with the side-by-side
//! benches, which run each operation's bound interleaved with the operation.
//!
//! Run: `cargo bench --bench primitives -- --warm-up-time 1 --measurement-time 3`

#[path = "common/bounds.rs"]
mod bounds;

use std::hint::black_box;
use std::time::Duration;

use bounds::{Primitive, Primitives};
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey};
use x25519_dalek::{PublicKey, StaticSecret};

/// Every primitive of benches/common/bounds.rs, as `bound_<name>`.
fn bounds(c: &mut Criterion) {
    let mut primitives = Primitives::new();
    for primitive in Primitive::ALL {
        c.bench_function(&format!("bound_{}", primitive.name()), |b| {
            b.iter(|| primitives.run(primitive))
        });
    }
}

/// The dalek crates' own functions, for reference (the bounds use faster forms).
fn references(c: &mut Criterion) {
    let ours = StaticSecret::from([7u8; 32]);
    let theirs = PublicKey::from(&StaticSecret::from([9u8; 32]));
    c.bench_function("bound_x25519_dh_ladder", |b| {
        b.iter(|| ours.diffie_hellman(black_box(&theirs)))
    });
    c.bench_function("bound_x25519_keygen_dalek", |b| {
        b.iter(|| PublicKey::from(&StaticSecret::from(black_box([5u8; 32]))))
    });
    c.bench_function("bound_ed25519_keygen_dalek", |b| {
        b.iter(|| SigningKey::from_bytes(black_box(&[3u8; 32])).verifying_key())
    });
    let key = SigningKey::from_bytes(&[3u8; 32]);
    let public = key.verifying_key();
    let message = vec![0x61u8; 112];
    let signature = key.sign(&message);
    c.bench_function("bound_ed25519_sign_dalek_112B", |b| {
        b.iter(|| key.sign(black_box(&message)))
    });
    c.bench_function("bound_ed25519_verify_strict_dalek_112B", |b| {
        b.iter(|| public.verify_strict(black_box(&message), black_box(&signature)))
    });
}

criterion_group! {
    name = primitives;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bounds, references
}
criterion_main!(primitives);
