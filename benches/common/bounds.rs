//! The primitives every protocol operation is built from, each computed the fastest way the
//! dalek and RustCrypto crates allow, on fixed inputs prepared once. `benches/primitives.rs`
//! measures each alone; the side-by-side benches run an operation's *bound* (the primitives
//! it cannot avoid, [`Bound`]) interleaved with protee's operation (benches/common/paired.rs),
//! so that protee / bound is measured in the same stretch of time.
//!
//! Every input is checked against the reference crates when [`Primitives::new`] builds it
//! (signature equal to ed25519-dalek's, X25519 equal to x25519-dalek's ladder, ...), so a
//! bound can never be a cheaper computation of a different result.

#![allow(
    dead_code,
    reason = "compiled into several bench binaries, each using a part"
)]

use std::hint::black_box;

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use curve25519_dalek::MontgomeryPoint;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsBasepointTableRadix32, EdwardsPoint};
use curve25519_dalek::scalar::{Scalar, clamp_integer};
use curve25519_dalek::traits::BasepointTable;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use ed25519_dalek::{Signer, SigningKey};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use x25519_dalek::{PublicKey, StaticSecret};

/// One primitive; [`Primitive::name`] is its criterion group without the `bound_` prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Primitive {
    /// X25519 on the Edwards form: decode the u-coordinate, constant-time variable-base
    /// multiplication, convert back (spec/olm.md OLM-DH-3).
    X25519Dh,
    /// An X25519 public key: radix-32 table multiplication, conversion to Montgomery form.
    X25519Keygen,
    /// An Ed25519 key pair from a seed: SHA-512, table multiplication, encoding.
    Ed25519Keygen,
    /// Decoding a received Ed25519 public key (canonical check and point decompression).
    Ed25519Decode,
    /// RFC 8032 signing over 112 / 4112 bytes (a 100 B / 4 KiB Megolm ciphertext).
    Ed25519Sign112,
    /// See [`Primitive::Ed25519Sign112`].
    Ed25519Sign4112,
    /// Strict verification's least work: SHA-512, one double-scalar multiplication, one
    /// encoding compared with R (the key already decoded).
    Ed25519Verify112,
    /// See [`Primitive::Ed25519Verify112`].
    Ed25519Verify4112,
    /// HKDF-SHA-256 of a 32-byte input to 80 bytes (one message's keys).
    Hkdf80,
    /// One HMAC-SHA-256 with a 32-byte key over one byte (a chain or ratchet step), as the
    /// four SHA-256 compressions it is at least.
    HmacStep,
    /// HMAC-SHA-256 over 112 / 4112 bytes (a message's MAC, ciphertext only).
    Hmac112,
    /// See [`Primitive::Hmac112`].
    Hmac4112,
    /// AES-256-CBC encryption with padding of 100 / 4096 bytes.
    AesEncrypt100,
    /// See [`Primitive::AesEncrypt100`].
    AesEncrypt4096,
    /// AES-256-CBC decryption and padding check of 112 / 4112 bytes.
    AesDecrypt112,
    /// See [`Primitive::AesDecrypt112`].
    AesDecrypt4112,
}

impl Primitive {
    /// Every primitive, in report order.
    pub const ALL: [Self; 16] = [
        Self::X25519Dh,
        Self::X25519Keygen,
        Self::Ed25519Keygen,
        Self::Ed25519Decode,
        Self::Ed25519Sign112,
        Self::Ed25519Sign4112,
        Self::Ed25519Verify112,
        Self::Ed25519Verify4112,
        Self::Hkdf80,
        Self::HmacStep,
        Self::Hmac112,
        Self::Hmac4112,
        Self::AesEncrypt100,
        Self::AesEncrypt4096,
        Self::AesDecrypt112,
        Self::AesDecrypt4112,
    ];

    /// The criterion group's name without `bound_` (also how benches/report.py spells it).
    pub fn name(self) -> &'static str {
        match self {
            Self::X25519Dh => "x25519_dh",
            Self::X25519Keygen => "x25519_keygen",
            Self::Ed25519Keygen => "ed25519_keygen",
            Self::Ed25519Decode => "ed25519_decode",
            Self::Ed25519Sign112 => "ed25519_sign_112B",
            Self::Ed25519Sign4112 => "ed25519_sign_4112B",
            Self::Ed25519Verify112 => "ed25519_verify_112B",
            Self::Ed25519Verify4112 => "ed25519_verify_4112B",
            Self::Hkdf80 => "hkdf_sha256_80",
            Self::HmacStep => "hmac_sha256_32B_key",
            Self::Hmac112 => "hmac_sha256_112B",
            Self::Hmac4112 => "hmac_sha256_4112B",
            Self::AesEncrypt100 => "aes256cbc_100B",
            Self::AesEncrypt4096 => "aes256cbc_4KiB",
            Self::AesDecrypt112 => "aes256cbc_decrypt_112B",
            Self::AesDecrypt4112 => "aes256cbc_decrypt_4112B",
        }
    }
}

/// What an operation cannot avoid: each primitive with how many times.
pub type Bound = &'static [(Primitive, u32)];

/// The text benches/report.py shows for a bound ("2 × x25519_keygen + 3 × x25519_dh").
pub fn describe(bound: Bound) -> String {
    bound
        .iter()
        .map(|(p, n)| format!("{n} × {}", p.name()))
        .collect::<Vec<_>>()
        .join(" + ")
}

const AES_KEY: [u8; 32] = [4; 32];
const AES_IV: [u8; 16] = [5; 16];

/// The fixed inputs of every primitive, checked against the reference crates.
pub struct Primitives {
    table: EdwardsBasepointTableRadix32,
    secret: [u8; 32],
    peer: MontgomeryPoint,
    seed: [u8; 32],
    expanded: ExpandedSecretKey,
    public: [u8; 32],
    minus_a: EdwardsPoint,
    /// 112 and 4112 bytes: the signed, MACed and decrypted messages.
    messages: [Vec<u8>; 2],
    signatures: [[u8; 64]; 2],
    ciphertexts: [Vec<u8>; 2],
    plaintexts: [Vec<u8>; 2],
    out: Vec<u8>,
}

impl Default for Primitives {
    fn default() -> Self {
        Self::new()
    }
}

impl Primitives {
    /// Builds the inputs and checks every fast computation against the reference crates.
    pub fn new() -> Self {
        let table = EdwardsBasepointTableRadix32::create(&ED25519_BASEPOINT_POINT);
        let secret = [7u8; 32];
        let peer = PublicKey::from(&StaticSecret::from([9u8; 32]));
        let seed = [3u8; 32];
        let key = SigningKey::from_bytes(&seed);
        let expanded = ExpandedSecretKey::from(&seed);
        let public = key.verifying_key().to_bytes();
        let minus_a = -key.verifying_key().to_edwards();
        let messages = [vec![0x61u8; 112], vec![0x61u8; 4112]];
        let signatures = [
            key.sign(&messages[0]).to_bytes(),
            key.sign(&messages[1]).to_bytes(),
        ];
        let plaintexts = [vec![0x62u8; 100], vec![0x62u8; 4096]];
        let ciphertexts = [
            aes_encrypt(&messages[0][..96]),
            aes_encrypt(&messages[1][..4096]),
        ];
        let p = Self {
            table,
            secret,
            peer: MontgomeryPoint(peer.to_bytes()),
            seed,
            expanded,
            public,
            minus_a,
            messages,
            signatures,
            ciphertexts,
            plaintexts,
            out: vec![0u8; 4112],
        };
        assert_eq!(
            p.x25519_dh(),
            Some(StaticSecret::from(secret).diffie_hellman(&peer).to_bytes())
        );
        assert_eq!(
            p.x25519_keygen(),
            PublicKey::from(&StaticSecret::from(secret)).to_bytes()
        );
        assert_eq!(p.ed25519_keygen(), public);
        assert_eq!(hmac_step(&[2u8; 32], 1), hmac(&[1]));
        assert_eq!(p.ed25519_decode(), Some(-minus_a));
        for i in 0..2 {
            assert_eq!(p.sign(i), p.signatures[i]);
            assert!(p.verify(i));
            assert_eq!(p.ciphertexts[i].len(), p.messages[i].len());
        }
        p
    }

    /// Computes `primitive` once (its output passed through `black_box`).
    pub fn run(&mut self, primitive: Primitive) {
        match primitive {
            Primitive::X25519Dh => drop(black_box(self.x25519_dh())),
            Primitive::X25519Keygen => drop(black_box(self.x25519_keygen())),
            Primitive::Ed25519Keygen => drop(black_box(self.ed25519_keygen())),
            Primitive::Ed25519Decode => drop(black_box(self.ed25519_decode())),
            Primitive::Ed25519Sign112 => drop(black_box(self.sign(0))),
            Primitive::Ed25519Sign4112 => drop(black_box(self.sign(1))),
            Primitive::Ed25519Verify112 => drop(black_box(self.verify(0))),
            Primitive::Ed25519Verify4112 => drop(black_box(self.verify(1))),
            Primitive::Hkdf80 => drop(black_box(hkdf80())),
            Primitive::HmacStep => drop(black_box(hmac_step(black_box(&[2u8; 32]), 1))),
            Primitive::Hmac112 => drop(black_box(hmac(black_box(&self.messages[0])))),
            Primitive::Hmac4112 => drop(black_box(hmac(black_box(&self.messages[1])))),
            Primitive::AesEncrypt100 => drop(black_box(self.aes_encrypt(0))),
            Primitive::AesEncrypt4096 => drop(black_box(self.aes_encrypt(1))),
            Primitive::AesDecrypt112 => drop(black_box(self.aes_decrypt(0))),
            Primitive::AesDecrypt4112 => drop(black_box(self.aes_decrypt(1))),
        }
    }

    /// `bound` once: every primitive its number of times.
    pub fn run_bound(&mut self, bound: Bound) {
        for &(primitive, count) in bound {
            for _ in 0..count {
                self.run(primitive);
            }
        }
    }

    fn x25519_dh(&self) -> Option<[u8; 32]> {
        black_box(self.peer)
            .to_edwards(0)
            .map(|p| p.mul_clamped(black_box(self.secret)).to_montgomery().0)
    }

    fn x25519_keygen(&self) -> [u8; 32] {
        self.table
            .mul_base_clamped(black_box(self.secret))
            .to_montgomery()
            .0
    }

    fn ed25519_keygen(&self) -> [u8; 32] {
        let hash = Sha512::digest(black_box(self.seed));
        let mut low = [0u8; 32];
        low.copy_from_slice(&hash[..32]);
        let scalar = Scalar::from_bytes_mod_order(clamp_integer(low));
        self.table.mul_base(&scalar).compress().0
    }

    /// Point decompression alone (protee also checks that y < p, a few comparisons: the
    /// bound errs low).
    fn ed25519_decode(&self) -> Option<EdwardsPoint> {
        CompressedEdwardsY(black_box(self.public)).decompress()
    }

    /// RFC 8032 §5.1.6 over curve25519-dalek with the radix-32 table.
    fn sign(&self, i: usize) -> [u8; 64] {
        let message = black_box(&self.messages[i]);
        let r = Scalar::from_hash(
            Sha512::new()
                .chain_update(self.expanded.hash_prefix)
                .chain_update(message),
        );
        let big_r = self.table.mul_base(&r).compress();
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(big_r.as_bytes())
                .chain_update(self.public)
                .chain_update(message),
        );
        let s = k * self.expanded.scalar + r;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(big_r.as_bytes());
        signature[32..].copy_from_slice(s.as_bytes());
        signature
    }

    /// S < L, k = SHA-512(R ‖ A ‖ M), encode([S]B − [k]A) = R.
    fn verify(&self, i: usize) -> bool {
        let signature = black_box(&self.signatures[i]);
        let mut s_bytes = [0u8; 32];
        s_bytes.copy_from_slice(&signature[32..]);
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes)) else {
            return false;
        };
        let k = Scalar::from_hash(
            Sha512::new()
                .chain_update(&signature[..32])
                .chain_update(self.public)
                .chain_update(black_box(&self.messages[i])),
        );
        EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &self.minus_a, &s)
            .compress()
            .as_bytes()[..]
            == signature[..32]
    }

    fn aes_encrypt(&mut self, i: usize) -> usize {
        cbc::Encryptor::<Aes256>::new(&AES_KEY.into(), &AES_IV.into())
            .encrypt_padded_b2b::<Pkcs7>(black_box(&self.plaintexts[i]), &mut self.out)
            .map(|c| c.len())
            .unwrap_or(0)
    }

    fn aes_decrypt(&mut self, i: usize) -> usize {
        cbc::Decryptor::<Aes256>::new(&AES_KEY.into(), &AES_IV.into())
            .decrypt_padded_b2b::<Pkcs7>(black_box(&self.ciphertexts[i]), &mut self.out)
            .map(|p| p.len())
            .unwrap_or(0)
    }
}

fn aes_encrypt(plaintext: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; plaintext.len() + 16];
    let len = cbc::Encryptor::<Aes256>::new(&AES_KEY.into(), &AES_IV.into())
        .encrypt_padded_b2b::<Pkcs7>(plaintext, &mut out)
        .unwrap()
        .len();
    out.truncate(len);
    out
}

fn hkdf80() -> [u8; 80] {
    let mut okm = [0u8; 80];
    hkdf::Hkdf::<Sha256>::new(Some(&[0u8; 32]), black_box(&[1u8; 32]))
        .expand(b"OLM_KEYS", &mut okm)
        .unwrap();
    okm
}

fn hmac(message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(black_box(&[2u8; 32])).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// `HMAC-SHA256(key, [byte])` for a 32-byte key: four SHA-256 compressions (key block and
/// padded message block for the inner hash, then for the outer one).
fn hmac_step(key: &[u8; 32], byte: u8) -> [u8; 32] {
    let inner = two_compressions(key, 0x36, &[byte]);
    two_compressions(key, 0x5c, &inner)
}

/// SHA-256 of `(key ⊕ pad) ‖ tail` for a tail of at most 55 bytes.
fn two_compressions(key: &[u8; 32], pad: u8, tail: &[u8]) -> [u8; 32] {
    const IV: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut blocks = [[pad; 64], [0u8; 64]];
    for (b, k) in blocks[0].iter_mut().zip(key) {
        *b ^= k;
    }
    blocks[1][..tail.len()].copy_from_slice(tail);
    blocks[1][tail.len()] = 0x80;
    blocks[1][56..].copy_from_slice(&(((64 + tail.len()) as u64) * 8).to_be_bytes());
    let mut state = IV;
    sha2::block_api::compress256(&mut state, &blocks);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}
