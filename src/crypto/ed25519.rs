//! Ed25519 signing keys (from a seed or from libolm's expanded key) and strict verification.

use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::{Scalar, clamp_integer};
use sha2::{Digest, Sha512};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// An Ed25519 public key: a canonical encoding of a curve point.
#[derive(Clone, Copy)]
pub struct Ed25519PublicKey(Point);

/// How a public key is held.
#[derive(Clone, Copy)]
enum Point {
    /// Decoded (checked: a canonical encoding of a point), ready to verify.
    Decoded {
        /// The encoding.
        bytes: [u8; 32],
        /// The point it encodes.
        point: EdwardsPoint,
    },
    /// The encoding of our own signing key's point, read from protee's authenticated native
    /// pickle (spec/pickle.md PICKLE-NATIVE-4): not decoded on load (a field exponentiation),
    /// only if it is ever used to verify. Signing needs only these bytes.
    Stored([u8; 32]),
}

impl PartialEq for Ed25519PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Ed25519PublicKey {}

/// Why an Ed25519 public key or signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ed25519Problem {
    /// The 32 bytes are not the canonical encoding of a curve point.
    NotAPoint,
    /// The signature does not verify under strict rules.
    BadSignature,
}

impl Ed25519PublicKey {
    /// Length of the key in bytes.
    pub const LENGTH: usize = 32;

    /// Decodes 32 bytes; refuses encodings that are not points or are not canonical.
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Ed25519Problem> {
        if !is_canonical_encoding(bytes) {
            return Err(Ed25519Problem::NotAPoint);
        }
        let point = CompressedEdwardsY(*bytes)
            .decompress()
            .ok_or(Ed25519Problem::NotAPoint)?;
        Ok(Self(Point::Decoded {
            bytes: *bytes,
            point,
        }))
    }

    /// The public key of one of our own signing keys, as stored beside it in a native pickle,
    /// kept undecoded (see [`Point::Stored`]). The caller vouches that it is the key's.
    pub(crate) const fn from_stored_bytes(bytes: [u8; 32]) -> Self {
        Self(Point::Stored(bytes))
    }

    /// The raw 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        *self.as_bytes()
    }

    /// The raw 32 bytes, borrowed.
    pub fn as_bytes(&self) -> &[u8; 32] {
        match &self.0 {
            Point::Decoded { bytes, .. } => bytes,
            Point::Stored(bytes) => bytes,
        }
    }

    /// spec/olm.md OLM-SIG-1: strict, cofactorless verification (RFC 8032 §5.1.7 with the
    /// checks of ed25519-dalek's `verify_strict`; libolm accepts S < 2^253: CVE-2024-45193):
    ///
    /// ```text
    /// S < L      R and A not of small order      k = SHA-512(R ‖ A ‖ M) mod L
    /// accept  ⇔  encode([S]B − [k]A) = R   (the 32 bytes, compared whole)
    /// ```
    ///
    /// R is never decoded (a field exponentiation saved): an R that is not the canonical
    /// encoding of a point can never equal an encoding the computation produces, so it fails
    /// like a failed decoding would. Small order is recognised on the bytes, among the eight
    /// canonical encodings of the 8-torsion points; A is canonical already (checked when it
    /// was decoded) and a non-canonical R fails the comparison anyway. The accept set equals
    /// ed25519-dalek's `verify_strict` (property test below and the RFC 8032 vectors).
    pub(crate) fn verify_strict(
        &self,
        message: &[u8],
        signature: &Ed25519Signature,
    ) -> Result<(), Ed25519Problem> {
        let point = match self.0 {
            Point::Decoded { point, .. } => point,
            Point::Stored(bytes) => match Self::from_bytes(&bytes) {
                Ok(Self(Point::Decoded { point, .. })) => point,
                _ => return Err(Ed25519Problem::BadSignature),
            },
        };
        let (r_bytes, s_bytes) =
            split_signature(&signature.0).ok_or(Ed25519Problem::BadSignature)?;
        let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(*s_bytes))
            .ok_or(Ed25519Problem::BadSignature)?;
        if is_small_order_encoding(r_bytes) || is_small_order_encoding(self.as_bytes()) {
            return Err(Ed25519Problem::BadSignature);
        }
        let mut hash = [0u8; 64];
        Sha512::new()
            .chain_update(r_bytes)
            .chain_update(self.as_bytes())
            .chain_update(message)
            .finalize_into((&mut hash).into());
        let k = Scalar::from_bytes_mod_order_wide(&hash);
        // reason: point negation, which cannot overflow or panic; the lint sees an operator on
        // a non-primitive type.
        #[allow(clippy::arithmetic_side_effects)]
        let minus_a = -point;
        let expected = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &minus_a, &s);
        if bool::from(expected.compress().as_bytes().ct_eq(r_bytes)) {
            Ok(())
        } else {
            Err(Ed25519Problem::BadSignature)
        }
    }
}

/// The two halves R and S of a signature (always `Some`: 64 = 32 + 32).
fn split_signature(signature: &[u8; 64]) -> Option<(&[u8; 32], &[u8; 32])> {
    let (r, rest) = signature.split_first_chunk::<32>()?;
    Some((r, rest.first_chunk::<32>()?))
}

/// The canonical encodings of the eight points of order dividing 8 (the 8-torsion subgroup),
/// checked against curve25519-dalek's `EIGHT_TORSION` in the tests.
const SMALL_ORDER_ENCODINGS: [[u8; 32]; 8] = [
    // y = 1: the identity
    [
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ],
    // y = −1 (p − 1): order 2
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    // y = 0, x ≥ 0: order 4
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00,
    ],
    // y = 0, x < 0: order 4
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x80,
    ],
    // order 8
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    // order 8, the other sign of x
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0xfa,
    ],
    // order 8, the other y
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    // order 8, the other y and sign
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x85,
    ],
];

/// Whether 32 bytes are the canonical encoding of a point of small order.
fn is_small_order_encoding(bytes: &[u8; 32]) -> bool {
    SMALL_ORDER_ENCODINGS
        .iter()
        .any(|encoding| encoding == bytes)
}

/// Whether `bytes` is the only encoding of the point it decodes to, i.e. whether decoding and
/// re-encoding gives the same bytes: y (bit 255 cleared) must be below p = 2^255 − 19, and the
/// sign bit must be clear when x = 0, which happens exactly for y = 1 and y = p − 1. Checked on
/// the bytes, without the field inversion of re-encoding.
fn is_canonical_encoding(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    let sign = y[31] >> 7;
    y[31] &= 0x7f;
    // p = 2^255 − 19 and p − 1, little-endian.
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    let mut p_minus_1 = p;
    p_minus_1[0] = 0xec;
    let mut one = [0; 32];
    one[0] = 1;
    // Little-endian comparison: the most significant differing byte decides.
    let below_p = y.iter().rev().cmp(p.iter().rev()) == core::cmp::Ordering::Less;
    below_p && !(sign == 1 && (y == one || y == p_minus_1))
}

impl core::hash::Hash for Ed25519PublicKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl core::fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Ed25519PublicKey({})", self.to_base64())
    }
}

/// An Ed25519 signature (64 bytes). Its validity is checked only by verification.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ed25519Signature(pub(crate) [u8; 64]);

impl Ed25519Signature {
    /// Length of a signature in bytes.
    pub const LENGTH: usize = 64;

    /// Wraps 64 raw bytes.
    pub const fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }

    /// The raw 64 bytes.
    pub const fn to_bytes(&self) -> [u8; 64] {
        self.0
    }
}

impl core::fmt::Debug for Ed25519Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Ed25519Signature({})", self.to_base64())
    }
}

/// An Ed25519 signing key.
///
/// libolm never keeps the 32-byte seed: its pickles hold the 64-byte *expanded* key
/// `clamp(SHA-512(seed)[0..32]) || SHA-512(seed)[32..64]`. protee keeps the expanded form too,
/// so keys imported from libolm sign byte-identically (spec/olm.md OLM-SIG-2).
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Ed25519SecretKey {
    /// The 64 expanded bytes exactly as libolm stores them (scalar not reduced mod L).
    expanded: Zeroizing<[u8; 64]>,
    /// The 32-byte seed, when the key was made from one (libolm keys have none). Kept only for
    /// the formats that need it: native pickles and dehydrated devices.
    seed: Option<Zeroizing<[u8; 32]>>,
    /// s = clamp(expanded[0..32]) mod L, ready for signing.
    scalar: Scalar,
    #[zeroize(skip)]
    public: Ed25519PublicKey,
}

impl Ed25519SecretKey {
    /// spec/olm.md OLM-SIG-2: a key from a 32-byte seed, as RFC 8032 and libolm derive it.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        // The public key comes from the expanded scalar: one SHA-512 of the seed, not two.
        let mut key = Self::from_expanded(&expand_seed(seed));
        key.seed = Some(Zeroizing::new(*seed));
        key
    }

    /// Rebuilds a seeded key whose public half is already known (from a native pickle):
    /// one SHA-512, no scalar multiplication. The caller vouches that `public` matches.
    pub(crate) fn from_seed_with_public(seed: &[u8; 32], public: Ed25519PublicKey) -> Self {
        Self::from_parts(Some(seed), &expand_seed(seed), public)
    }

    /// spec/olm.md OLM-SIG-2: a key from libolm's 64-byte expanded form; the public key is
    /// recomputed from the scalar.
    pub fn from_expanded(expanded: &[u8; 64]) -> Self {
        let scalar = expanded_scalar(expanded);
        // A = [s]B, the signing key's point.
        let point = super::basepoint::mul_base(&scalar);
        Self {
            expanded: Zeroizing::new(*expanded),
            seed: None,
            scalar,
            public: Ed25519PublicKey(Point::Decoded {
                bytes: point.compress().to_bytes(),
                point,
            }),
        }
    }

    /// Rebuilds a key whose public half is already known (from a pickle) without the scalar
    /// multiplication. The caller vouches that `public` matches.
    pub(crate) fn from_expanded_with_public(expanded: &[u8; 64], public: Ed25519PublicKey) -> Self {
        Self {
            expanded: Zeroizing::new(*expanded),
            seed: None,
            scalar: expanded_scalar(expanded),
            public,
        }
    }

    /// Rebuilds a key from its seed, its expanded form and its public key, all read from a
    /// native pickle (authenticated, written by protee), without hashing or curve work.
    pub(crate) fn from_parts(
        seed: Option<&[u8; 32]>,
        expanded: &[u8; 64],
        public: Ed25519PublicKey,
    ) -> Self {
        let mut key = Self::from_expanded_with_public(expanded, public);
        key.seed = seed.map(|s| Zeroizing::new(*s));
        key
    }

    /// The seed, if the key was made from one.
    pub(crate) fn seed(&self) -> Option<&[u8; 32]> {
        self.seed.as_deref()
    }

    /// The 64 expanded bytes, for libolm pickles.
    pub(crate) fn expanded_bytes(&self) -> &[u8; 64] {
        &self.expanded
    }

    /// The public key.
    pub fn public_key(&self) -> Ed25519PublicKey {
        self.public
    }

    /// spec/olm.md OLM-SIG-2: deterministic RFC 8032 signature over exactly `message`
    /// (RFC 8032 §5.1.6, with the expanded key's scalar s and prefix):
    ///
    /// ```text
    /// r = SHA-512(prefix ‖ M) mod L      R = [r]B
    /// k = SHA-512(R ‖ A ‖ M) mod L       S = (r + k·s) mod L      signature = R ‖ S
    /// ```
    ///
    /// A is the public key's encoding, as stored: signing decodes no point. The nonce r and
    /// the hashes are zeroized.
    pub fn sign(&self, message: &[u8]) -> Ed25519Signature {
        let (_, prefix) = self.expanded.split_at(32);
        let mut hash = Zeroizing::new([0u8; 64]);
        Sha512::new()
            .chain_update(prefix)
            .chain_update(message)
            .finalize_into((&mut *hash).into());
        let mut r = Scalar::from_bytes_mod_order_wide(&hash);
        let big_r = super::basepoint::mul_base(&r).compress();
        Sha512::new()
            .chain_update(big_r.as_bytes())
            .chain_update(self.public.as_bytes())
            .chain_update(message)
            .finalize_into((&mut *hash).into());
        let k = Scalar::from_bytes_mod_order_wide(&hash);
        // reason: arithmetic in the scalar field (mod L), which wraps by definition and
        // cannot overflow or panic; the lint sees only an operator on a non-primitive type.
        #[allow(clippy::arithmetic_side_effects)]
        let mut s = k * self.scalar + r;
        let mut signature = [0u8; 64];
        let (r_part, s_part) = signature.split_at_mut(32);
        r_part.copy_from_slice(big_r.as_bytes());
        s_part.copy_from_slice(s.as_bytes());
        r.zeroize();
        s.zeroize();
        Ed25519Signature(signature)
    }
}

/// The signing scalar of an expanded key: `clamp(expanded[0..32]) mod L`. libolm keys are
/// already clamped; clamping again (as ed25519-dalek does) keeps any 64 bytes well defined.
fn expanded_scalar(expanded: &[u8; 64]) -> Scalar {
    let mut bytes = Zeroizing::new([0u8; 32]);
    if let Some(lower) = expanded.get(..32) {
        bytes.copy_from_slice(lower);
    }
    Scalar::from_bytes_mod_order(clamp_integer(*bytes))
}

/// spec/olm.md OLM-SIG-2: the expanded key `clamp(SHA-512(seed)[0..32]) || SHA-512(seed)[32..64]`.
fn expand_seed(seed: &[u8; 32]) -> Zeroizing<[u8; 64]> {
    let mut hash = Zeroizing::new([0u8; 64]);
    Sha512::new_with_prefix(seed).finalize_into((&mut *hash).into());
    if let Some(first) = hash.first_mut() {
        *first &= 248;
    }
    if let Some(b) = hash.get_mut(31) {
        *b &= 127;
        *b |= 64;
    }
    hash
}

impl Clone for Ed25519SecretKey {
    fn clone(&self) -> Self {
        Self::from_parts(self.seed(), &self.expanded, self.public)
    }
}

impl core::fmt::Debug for Ed25519SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ed25519SecretKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    // RFC 8032 §7.1 test 2 (one-byte message 0x72).
    #[test]
    fn rfc8032_test_2() {
        let key = Ed25519SecretKey::from_seed(&hex(
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        ));
        assert_eq!(
            key.public_key().to_bytes(),
            hex::<32>("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        );
        let sig = key.sign(&[0x72]);
        assert_eq!(
            sig.to_bytes(),
            hex::<64>(
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            )
        );
        key.public_key().verify_strict(&[0x72], &sig).unwrap();
        assert_eq!(
            key.public_key().verify_strict(&[0x73], &sig),
            Err(Ed25519Problem::BadSignature)
        );
    }

    // spec/olm.md OLM-SIG-2: protee's RFC 8032 signing equals ed25519-dalek's (an independent
    // implementation) for any seed and message, and for any 64 expanded bytes (clamped or
    // not); a public key kept as stored bytes verifies like a decoded one.
    proptest::proptest! {
        #[test]
        fn signing_equals_ed25519_dalek(
            seed in proptest::array::uniform32(proptest::num::u8::ANY),
            low in proptest::array::uniform32(proptest::num::u8::ANY),
            high in proptest::array::uniform32(proptest::num::u8::ANY),
            message in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            use ed25519_dalek::Signer;
            let ours = Ed25519SecretKey::from_seed(&seed);
            let theirs = ed25519_dalek::SigningKey::from_bytes(&seed);
            proptest::prop_assert_eq!(ours.public_key().to_bytes(), theirs.verifying_key().to_bytes());
            let signature = ours.sign(&message);
            proptest::prop_assert_eq!(signature.to_bytes(), theirs.sign(&message).to_bytes());

            let mut expanded = [0u8; 64];
            expanded[..32].copy_from_slice(&low);
            expanded[32..].copy_from_slice(&high);
            let ours = Ed25519SecretKey::from_expanded(&expanded);
            let esk = ed25519_dalek::hazmat::ExpandedSecretKey::from_bytes(&expanded);
            let vk = ed25519_dalek::VerifyingKey::from(&esk);
            proptest::prop_assert_eq!(ours.public_key().to_bytes(), vk.to_bytes());
            let signature = ours.sign(&message);
            proptest::prop_assert_eq!(
                signature.to_bytes(),
                ed25519_dalek::hazmat::raw_sign::<Sha512>(&esk, &message, &vk).to_bytes()
            );
            let stored = Ed25519PublicKey::from_stored_bytes(vk.to_bytes());
            proptest::prop_assert_eq!(stored, ours.public_key());
            proptest::prop_assert!(stored.verify_strict(&message, &signature).is_ok());
            let rebuilt = Ed25519SecretKey::from_expanded_with_public(&expanded, stored);
            proptest::prop_assert_eq!(rebuilt.sign(&message).to_bytes(), signature.to_bytes());
        }
    }

    // spec/olm.md OLM-SIG-1: the table of small-order encodings is exactly the canonical
    // encodings of curve25519-dalek's 8-torsion points.
    #[test]
    fn small_order_encodings_are_the_eight_torsion_points() {
        let mut expected: alloc::vec::Vec<[u8; 32]> = curve25519_dalek::constants::EIGHT_TORSION
            .iter()
            .map(|point| point.compress().to_bytes())
            .collect();
        let mut table = SMALL_ORDER_ENCODINGS.to_vec();
        expected.sort_unstable();
        table.sort_unstable();
        assert_eq!(table, expected);
        for point in curve25519_dalek::constants::EIGHT_TORSION {
            assert!(point.is_small_order());
        }
    }

    /// A signature changed in one of the ways strict verification must judge exactly like
    /// ed25519-dalek's `verify_strict`.
    fn mutate(signature: [u8; 64], public: [u8; 32], how: u8, at: usize) -> ([u8; 64], [u8; 32]) {
        let l: [u8; 32] = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        let mut sig = signature;
        let mut key = public;
        match how % 8 {
            0 => {}
            1 => sig[at % 64] ^= 1 << (at % 8),
            2 => sig[..32].copy_from_slice(&SMALL_ORDER_ENCODINGS[at % 8]),
            3 => key = SMALL_ORDER_ENCODINGS[at % 8],
            4 => {
                // S + L: same value mod L, not canonical.
                let mut carry = 0u16;
                for i in 0..32 {
                    let v = u16::from(sig[32 + i]) + u16::from(l[i]) + carry;
                    sig[32 + i] = v as u8;
                    carry = v >> 8;
                }
            }
            5 => sig[31] ^= 0x80,
            6 => {
                // R replaced by the key (a valid point, wrong equation).
                sig[..32].copy_from_slice(&public);
            }
            _ => key[at % 32] ^= 1 << (at % 8),
        }
        (sig, key)
    }

    // spec/olm.md OLM-SIG-1: verification accepts exactly what ed25519-dalek's strict
    // verification accepts: valid signatures, and the same refusals for flipped bits,
    // small-order R or A, S + L, R's sign bit, a wrong R and a changed key.
    proptest::proptest! {
        #[test]
        fn verification_accepts_what_ed25519_dalek_verify_strict_accepts(
            seed in proptest::array::uniform32(proptest::num::u8::ANY),
            message in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            how in 0u8..8,
            at in 0usize..512,
        ) {
            let key = Ed25519SecretKey::from_seed(&seed);
            let (sig, public) = mutate(key.sign(&message).to_bytes(), key.public_key().to_bytes(), how, at);
            let theirs = ed25519_dalek::VerifyingKey::from_bytes(&public)
                .map(|k| k.verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok())
                .unwrap_or(false);
            let ours = Ed25519PublicKey::from_bytes(&public)
                .map(|k| k.verify_strict(&message, &Ed25519Signature(sig)).is_ok())
                .unwrap_or(false);
            proptest::prop_assert_eq!(ours, theirs);
            if how == 0 {
                proptest::prop_assert!(ours);
            }
        }
    }

    // spec/olm.md OLM-SIG-2: the expanded form signs exactly like the seed it came from.
    #[test]
    fn expanded_key_signs_like_seed() {
        let seed = [7u8; 32];
        let from_seed = Ed25519SecretKey::from_seed(&seed);
        let from_expanded = Ed25519SecretKey::from_expanded(from_seed.expanded_bytes());
        assert_eq!(from_seed.public_key(), from_expanded.public_key());
        assert_eq!(
            from_seed.sign(b"Hello").to_bytes(),
            from_expanded.sign(b"Hello").to_bytes()
        );
    }

    // The byte-level canonicity check agrees with decoding and re-encoding, on the edge cases
    // (y near 0, 1, p − 1, p and 2^255, both signs) and on pseudo-random bytes.
    #[test]
    fn canonical_encoding_matches_recompression() {
        let mut inputs = alloc::vec::Vec::new();
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        for low in [0u8, 1, 2, 3, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xfe, 0xff] {
            let mut small = [0u8; 32];
            small[0] = low;
            let mut near_p = p;
            near_p[0] = low;
            inputs.push(small);
            inputs.push(near_p);
        }
        let mut state = 0x1234_5678_9abc_def0_u64;
        for _ in 0..2000 {
            let mut bytes = [0u8; 32];
            for b in bytes.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            inputs.push(bytes);
        }
        let mut decodable = 0;
        for input in inputs {
            for sign in [0u8, 0x80] {
                let mut bytes = input;
                bytes[31] = (bytes[31] & 0x7f) | sign;
                let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&bytes) else {
                    continue;
                };
                decodable += 1;
                let recompressed = key.to_edwards().compress().to_bytes() == bytes;
                assert_eq!(is_canonical_encoding(&bytes), recompressed, "{bytes:02x?}");
                assert_eq!(
                    Ed25519PublicKey::from_bytes(&bytes).is_ok(),
                    recompressed,
                    "{bytes:02x?}"
                );
            }
        }
        assert!(decodable > 1000);
    }

    #[test]
    fn seed_with_public_signs_like_seed() {
        let seed = [3u8; 32];
        let key = Ed25519SecretKey::from_seed(&seed);
        let rebuilt = Ed25519SecretKey::from_seed_with_public(&seed, key.public_key());
        assert_eq!(rebuilt.seed(), Some(&seed));
        assert_eq!(rebuilt.expanded_bytes(), key.expanded_bytes());
        assert_eq!(rebuilt.sign(b"m").to_bytes(), key.sign(b"m").to_bytes());
    }

    // spec/olm.md OLM-SIG-1: a signature with S + L (malleated) is refused.
    #[test]
    fn malleated_signature_is_refused() {
        let key = Ed25519SecretKey::from_seed(&[9u8; 32]);
        let sig = key.sign(b"m");
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        let l: [u8; 32] = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        let mut s = [0u8; 32];
        s.copy_from_slice(&sig.0[32..]);
        let mut carry = 0u16;
        for i in 0..32 {
            let v = u16::from(s[i]) + u16::from(l[i]) + carry;
            s[i] = v as u8;
            carry = v >> 8;
        }
        let mut bad = sig.0;
        bad[32..].copy_from_slice(&s);
        assert!(
            key.public_key()
                .verify_strict(b"m", &Ed25519Signature(bad))
                .is_err()
        );
    }

    #[test]
    fn small_order_public_key_is_refused() {
        // The identity point (y = 1) is a valid encoding but of small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let key = Ed25519PublicKey::from_bytes(&identity).unwrap();
        assert!(
            key.verify_strict(b"", &Ed25519Signature([0u8; 64]))
                .is_err()
        );
    }

    #[test]
    fn non_canonical_point_encoding_is_refused() {
        // y = p + 1 is a non-canonical encoding of y = 1.
        let mut y: [u8; 32] = [0xff; 32];
        y[0] = 0xee;
        y[31] = 0x7f;
        assert_eq!(
            Ed25519PublicKey::from_bytes(&y),
            Err(Ed25519Problem::NotAPoint)
        );
    }
}
