//! Ed25519 signing keys (from a seed or from libolm's expanded key) and strict verification.

use curve25519_dalek::EdwardsPoint;
use curve25519_dalek::scalar::{Scalar, clamp_integer};
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha512};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// An Ed25519 public key: a canonical encoding of a curve point.
#[derive(Clone, Copy)]
pub struct Ed25519PublicKey(Point);

/// How a public key is held.
#[derive(Clone, Copy)]
enum Point {
    /// Decoded from outside (checked: a canonical point), ready to verify.
    Decoded(VerifyingKey),
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
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| Ed25519Problem::NotAPoint)?;
        Ok(Self(Point::Decoded(key)))
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
            Point::Decoded(key) => key.as_bytes(),
            Point::Stored(bytes) => bytes,
        }
    }

    /// spec/olm.md OLM-SIG-1: strict verification: S < L, canonical R, neither R nor the key of
    /// small order, cofactorless equation. (libolm accepts S < 2^253: CVE-2024-45193.)
    pub(crate) fn verify_strict(
        &self,
        message: &[u8],
        signature: &Ed25519Signature,
    ) -> Result<(), Ed25519Problem> {
        let sig = Signature::from_bytes(&signature.0);
        let key = match self.0 {
            Point::Decoded(key) => key,
            Point::Stored(bytes) => match Self::from_bytes(&bytes) {
                Ok(Self(Point::Decoded(key))) => key,
                _ => return Err(Ed25519Problem::BadSignature),
            },
        };
        key.verify_strict(message, &sig)
            .map_err(|_| Ed25519Problem::BadSignature)
    }
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
        let point = EdwardsPoint::mul_base(&scalar);
        Self {
            expanded: Zeroizing::new(*expanded),
            seed: None,
            scalar,
            public: Ed25519PublicKey(Point::Decoded(VerifyingKey::from(point))),
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
        let big_r = EdwardsPoint::mul_base(&r).compress();
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
                let Ok(key) = VerifyingKey::from_bytes(&bytes) else {
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
