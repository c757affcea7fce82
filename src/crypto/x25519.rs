//! X25519 (Curve25519 Diffie-Hellman) keys.

use alloc::vec::Vec;
use subtle::ConstantTimeEq;

use curve25519_dalek::{EdwardsPoint, MontgomeryPoint};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A Curve25519 public key (32 bytes, the Montgomery u-coordinate).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Curve25519PublicKey(pub(crate) [u8; 32]);

impl Curve25519PublicKey {
    /// Length of the key in bytes.
    pub const LENGTH: usize = 32;

    /// Wraps 32 raw bytes. Any 32 bytes are a syntactically valid X25519 public key; keys of
    /// small order are refused later, where they would be used (spec/olm.md OLM-DH-1).
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The raw 32 bytes, by value.
    pub const fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// spec/olm.md OLM-MSG-2: whether the key is the canonical encoding of its u-coordinate
    /// (bit 255 clear and u < 2^255 − 19). X25519 ignores bit 255 and reduces u mod p, so a
    /// non-canonical key acts like another key with different bytes; honest implementations
    /// (libolm, vodozemac) only produce canonical keys.
    pub fn is_canonical(&self) -> bool {
        let Some((&last, rest)) = self.0.split_last() else {
            return false;
        };
        if last & 0x80 != 0 {
            return false;
        }
        // u >= p only if u = 2^255 - 19 + k for k in 0..19: bytes ff..ff 7f with byte 0 >= 0xed.
        let Some((&first, middle)) = rest.split_first() else {
            return false;
        };
        !(last == 0x7f && middle.iter().all(|&b| b == 0xff) && first >= 0xed)
    }

    /// spec/olm.md OLM-DH-1: whether this key is one of the points whose X25519 product with
    /// *every* clamped scalar is zero (the points of order 1, 2, 4 or 8 on the curve and its
    /// twist, and their non-canonical encodings). X25519 ignores bit 255, so it is masked.
    pub fn is_low_order(&self) -> bool {
        let mut u = self.0;
        if let Some(last) = u.last_mut() {
            *last &= 0x7f;
        }
        let mut found = subtle::Choice::from(0);
        for bad in LOW_ORDER_POINTS.iter() {
            found |= u.ct_eq(bad);
        }
        found.into()
    }
}

/// The u-coordinates (bit 255 cleared) on which X25519 always yields zero.
const LOW_ORDER_POINTS: [[u8; 32]; 7] = [
    // 0 (order 2 point / identity encoding)
    [0; 32],
    // 1 (order 4, on the twist)
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // order 8 points
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    // p - 1, p, p + 1 (p = 2^255 - 19)
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

impl core::fmt::Debug for Curve25519PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Curve25519PublicKey({})", self.to_base64())
    }
}

/// A Curve25519 secret key. Stored exactly as generated (unclamped, as libolm stores it);
/// clamping happens inside each scalar multiplication.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Curve25519SecretKey {
    secret: [u8; 32],
    #[zeroize(skip)]
    public: Curve25519PublicKey,
}

impl Curve25519SecretKey {
    /// spec/olm.md OLM-DH-2: takes 32 random bytes as the secret key (libolm: the random bytes
    /// *are* the key, stored unclamped) and computes its public key once.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let public = Curve25519PublicKey(
            super::basepoint::mul_base_clamped(bytes)
                .to_montgomery()
                .to_bytes(),
        );
        Self::from_parts(bytes, public)
    }

    /// [`Curve25519SecretKey::from_bytes`] for several keys at once: the base-point
    /// multiplications are done one by one, then their conversions to Montgomery form share one
    /// field inversion (Montgomery's trick), a quarter of the cost of a key saved per extra key.
    pub(crate) fn from_bytes_batch(secrets: Vec<Zeroizing<[u8; 32]>>) -> Vec<Self> {
        let points: Vec<EdwardsPoint> = secrets
            .iter()
            .map(|bytes| super::basepoint::mul_base_clamped(**bytes))
            .collect();
        secrets
            .iter()
            .zip(EdwardsPoint::to_montgomery_batch(&points))
            .map(|(bytes, public)| {
                Self::from_parts(**bytes, Curve25519PublicKey(public.to_bytes()))
            })
            .collect()
    }

    /// Whether every key's stored public half is the one its secret gives, recomputed for all
    /// keys at once (one field inversion for the batch, spec/olm.md OLM-DH-3). For keys read
    /// from a format that cannot be trusted to pair them (libolm pickles).
    pub(crate) fn public_keys_match(keys: &[&Self]) -> bool {
        let fresh = Self::from_bytes_batch(keys.iter().map(|key| key.to_bytes()).collect());
        fresh.len() == keys.len()
            && keys
                .iter()
                .zip(&fresh)
                .all(|(stored, fresh)| stored.public == fresh.public)
    }

    /// Rebuilds a key whose public half is already known, without the scalar multiplication
    /// (spec/pickle.md PICKLE-NATIVE-4: a native pickle stores both halves, authenticated).
    /// The caller vouches that `public` matches `bytes`.
    pub(crate) fn from_parts(bytes: [u8; 32], public: Curve25519PublicKey) -> Self {
        Self {
            secret: bytes,
            public,
        }
    }

    /// The 32 secret bytes as stored (unclamped), for key export and pickles; zeroized on drop.
    pub(crate) fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret)
    }

    /// The matching public key (computed once, at creation).
    pub fn public_key(&self) -> Curve25519PublicKey {
        self.public
    }

    /// spec/olm.md OLM-DH-1: X25519 with `their` key. An all-zero (non-contributory) result is
    /// refused, so a peer cannot force a known shared secret with a small-order key.
    pub(crate) fn diffie_hellman(
        &self,
        their: &Curve25519PublicKey,
    ) -> Result<SharedSecret, NonContributory> {
        self.diffie_hellman_unchecked(their).contributory()
    }

    /// X25519 without the zero check, for a peer key already known not to be of small order.
    pub(crate) fn diffie_hellman_unchecked(&self, their: &Curve25519PublicKey) -> SharedSecret {
        let [shared] = diffie_hellman_many([(self, their)]);
        shared
    }
}

/// A peer's public key with its point on the Edwards curve decoded once (spec/olm.md
/// OLM-DH-3), for a key that takes part in more than one X25519: their ratchet key is used
/// when their message arrives and again when we next send. `point` is `None` when the key's
/// u-coordinate is on the quadratic twist (never an honest key).
#[derive(Clone, Copy)]
pub(crate) struct DecodedPublicKey {
    key: Curve25519PublicKey,
    point: Option<EdwardsPoint>,
}

impl DecodedPublicKey {
    /// Decodes `key`: the Edwards point with y = (u − 1)/(u + 1) and sign 0 (either sign gives
    /// the same u-coordinate after a multiplication).
    pub(crate) fn new(key: Curve25519PublicKey) -> Self {
        Self {
            key,
            point: MontgomeryPoint(key.0).to_edwards(0),
        }
    }

    /// The key as given.
    pub(crate) fn key(&self) -> Curve25519PublicKey {
        self.key
    }
}

impl Curve25519SecretKey {
    /// X25519 with a peer key decoded earlier, unchecked (see
    /// [`Curve25519SecretKey::diffie_hellman_unchecked`]).
    pub(crate) fn diffie_hellman_decoded(&self, their: &DecodedPublicKey) -> SharedSecret {
        let ([shared], []) = x25519_decoded([(&self.secret, *their)], []);
        shared
    }

    /// spec/olm.md OLM-DH-2, OLM-DH-3: the key `bytes` (as [`Curve25519SecretKey::from_bytes`])
    /// and its X25519 with `their`, unchecked: the public key's and the product's conversions to
    /// Montgomery form share one field inversion.
    pub(crate) fn from_bytes_with_dh(
        bytes: [u8; 32],
        their: &DecodedPublicKey,
    ) -> (Self, SharedSecret) {
        let public = super::basepoint::mul_base_clamped(bytes);
        let ([shared], [public]) = x25519_decoded([(&bytes, *their)], [public]);
        (
            Self::from_parts(bytes, Curve25519PublicKey(public.to_bytes())),
            shared,
        )
    }
}

/// spec/olm.md OLM-DH-3: X25519 (RFC 7748 §5) for several key pairs at once, unchecked.
///
/// `X25519(k, u)` is the u-coordinate of `[clamp(k)]P` for either curve point `P` with
/// u-coordinate `u`. When `u` is on Curve25519 (every honest key), `P` is taken on the
/// birationally equivalent Edwards curve, where curve25519-dalek's constant-time variable-base
/// multiplication is vectorised; a peer key used twice is decoded once, and the results share
/// one field inversion back to Montgomery form. A `u` on the quadratic twist (never an honest
/// key) takes the Montgomery ladder. Both paths give RFC 7748's result for every input; the
/// branch depends only on the public key.
pub(crate) fn diffie_hellman_many<const N: usize>(
    pairs: [(&Curve25519SecretKey, &Curve25519PublicKey); N],
) -> [SharedSecret; N] {
    let mut seen: [Option<DecodedPublicKey>; N] = [None; N];
    let mut filled = 0;
    let pairs = pairs.map(|(ours, their)| {
        let decoded = seen
            .iter()
            .flatten()
            .find(|earlier| earlier.key == *their)
            .copied()
            .unwrap_or_else(|| DecodedPublicKey::new(*their));
        if let Some(slot) = seen.get_mut(filled) {
            *slot = Some(decoded);
        }
        filled = filled.saturating_add(1);
        (&ours.secret, decoded)
    });
    let (shared, []) = x25519_decoded(pairs, []);
    shared
}

/// The X25519 products of `pairs` (Edwards path where the peer point decoded, ladder
/// otherwise) and the Montgomery form of the points `extra` (new public keys), every
/// conversion from Edwards form sharing one field inversion. Intermediate points are zeroized.
fn x25519_decoded<const N: usize, const M: usize>(
    pairs: [(&[u8; 32], DecodedPublicKey); N],
    extra: [EdwardsPoint; M],
) -> ([SharedSecret; N], [MontgomeryPoint; M]) {
    let mut points: Zeroizing<Vec<EdwardsPoint>> = Zeroizing::new(
        pairs
            .iter()
            .filter_map(|(secret, their)| their.point.map(|p| p.mul_clamped(**secret)))
            .collect(),
    );
    points.extend_from_slice(&extra);
    let converted = Zeroizing::new(EdwardsPoint::to_montgomery_batch(&points));
    let mut converted = converted.iter();
    let shared = pairs.map(|(secret, their)| {
        let montgomery = match their.point {
            Some(_) => converted.next().copied(),
            None => Some(MontgomeryPoint(their.key.0).mul_clamped(*secret)),
        };
        SharedSecret(Zeroizing::new(montgomery.map_or([0; 32], |m| m.to_bytes())))
    });
    // Every point was converted above; the fallback only keeps this function total.
    let extra = extra.map(|p| {
        converted
            .next()
            .copied()
            .unwrap_or_else(|| p.to_montgomery())
    });
    (shared, extra)
}

/// spec/olm.md OLM-ZERO-2: only the public half is shown.
impl core::fmt::Debug for Curve25519SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Curve25519SecretKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// An X25519 shared secret; zeroized on drop.
pub(crate) struct SharedSecret(Zeroizing<[u8; 32]>);

impl SharedSecret {
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// spec/olm.md OLM-DH-1: refuses the all-zero output (constant-time comparison).
    pub(crate) fn contributory(self) -> Result<Self, NonContributory> {
        if bool::from(self.0.ct_eq(&[0u8; 32])) {
            Err(NonContributory)
        } else {
            Ok(self)
        }
    }
}

/// The peer's key made the X25519 output all zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NonContributory;

#[cfg(test)]
mod tests {
    use super::*;

    fn hex32(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    // RFC 7748 §6.1 (also libolm test_crypto.cpp).
    #[test]
    fn rfc7748_diffie_hellman() {
        let alice = Curve25519SecretKey::from_bytes(hex32(
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        ));
        let bob = Curve25519SecretKey::from_bytes(hex32(
            "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        ));
        assert_eq!(
            alice.public_key().to_bytes(),
            hex32("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        assert_eq!(
            bob.public_key().to_bytes(),
            hex32("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        );
        let shared = hex32("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assert_eq!(
            alice.diffie_hellman(&bob.public_key()).unwrap().as_bytes(),
            &shared
        );
        assert_eq!(
            bob.diffie_hellman(&alice.public_key()).unwrap().as_bytes(),
            &shared
        );
    }

    // spec/olm.md OLM-DH-1: every listed point (and its bit-255 twin) forces a zero output,
    // and is refused both by the DH check and by is_low_order.
    #[test]
    fn low_order_points_are_refused() {
        let secret = Curve25519SecretKey::from_bytes([0x42; 32]);
        for point in LOW_ORDER_POINTS {
            for high_bit in [0u8, 0x80] {
                let mut p = point;
                p[31] |= high_bit;
                let key = Curve25519PublicKey(p);
                assert!(key.is_low_order(), "{p:02x?}");
                assert_eq!(
                    secret.diffie_hellman(&key).err(),
                    Some(NonContributory),
                    "{p:02x?}"
                );
            }
        }
    }

    #[test]
    fn ordinary_keys_are_not_low_order() {
        for seed in 1u8..=50 {
            let key = Curve25519SecretKey::from_bytes([seed; 32]).public_key();
            assert!(!key.is_low_order());
        }
    }

    #[test]
    fn from_parts_keeps_the_given_public_key() {
        let key = Curve25519SecretKey::from_bytes([0x42; 32]);
        let rebuilt = Curve25519SecretKey::from_parts(*key.to_bytes(), key.public_key());
        assert_eq!(rebuilt.public_key(), key.public_key());
        assert_eq!(*rebuilt.to_bytes(), [0x42; 32]);
        let peer = Curve25519SecretKey::from_bytes([7; 32]).public_key();
        assert_eq!(
            rebuilt.diffie_hellman(&peer).unwrap().as_bytes(),
            key.diffie_hellman(&peer).unwrap().as_bytes()
        );
    }

    // RFC 7748 §5.2: the iterated test (k = u = 9, then u = old k, k = result), 1 and 1,000
    // times, through the Edwards path (every intermediate u is on the curve).
    #[test]
    fn rfc7748_iterated() {
        let mut k = [0u8; 32];
        k[0] = 9;
        let mut u = k;
        for i in 1..=1000 {
            let result = Curve25519SecretKey::from_parts(k, Curve25519PublicKey(k))
                .diffie_hellman_unchecked(&Curve25519PublicKey(u));
            u = k;
            k = *result.as_bytes();
            if i == 1 {
                assert_eq!(
                    k,
                    hex32("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079")
                );
            }
        }
        assert_eq!(
            k,
            hex32("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51")
        );
    }

    // spec/olm.md OLM-DH-3: the batched Edwards computation equals the RFC 7748 Montgomery
    // ladder (x25519-dalek, an independent implementation) for any 32 bytes as the peer key:
    // points on the curve, on the twist, of small order, non-canonical; repeated peers; and the
    // batched key generation equals one-by-one generation.
    proptest::proptest! {
        #[test]
        fn edwards_path_equals_the_montgomery_ladder(
            secrets in proptest::array::uniform3(proptest::array::uniform32(proptest::num::u8::ANY)),
            peers in proptest::array::uniform2(proptest::array::uniform32(proptest::num::u8::ANY)),
            reuse in proptest::bool::ANY,
        ) {
            let keys = secrets.map(Curve25519SecretKey::from_bytes);
            let their = [peers[0], if reuse { peers[0] } else { peers[1] }, peers[1]]
                .map(Curve25519PublicKey);
            let fast = diffie_hellman_many([
                (&keys[0], &their[0]),
                (&keys[1], &their[1]),
                (&keys[2], &their[2]),
            ]);
            for i in 0..3 {
                let ladder = x25519_dalek::x25519(secrets[i], their[i].0);
                proptest::prop_assert_eq!(fast[i].as_bytes(), &ladder);
                let single = keys[i].diffie_hellman_unchecked(&their[i]);
                proptest::prop_assert_eq!(single.as_bytes(), &ladder);
                proptest::prop_assert_eq!(
                    keys[i].public_key().0,
                    x25519_dalek::x25519(secrets[i], x25519_dalek::X25519_BASEPOINT_BYTES)
                );
            }
            let batch = Curve25519SecretKey::from_bytes_batch(
                secrets.iter().map(|s| Zeroizing::new(*s)).collect(),
            );
            for (one, many) in keys.iter().zip(&batch) {
                proptest::prop_assert_eq!(one.public_key(), many.public_key());
                proptest::prop_assert_eq!(*one.to_bytes(), *many.to_bytes());
            }
            // A key made together with its DH (one shared inversion), and DH with a peer key
            // decoded earlier, equal the ladder too.
            for (i, peer) in peers.iter().enumerate() {
                let decoded = DecodedPublicKey::new(Curve25519PublicKey(*peer));
                let (made, shared) = Curve25519SecretKey::from_bytes_with_dh(secrets[i], &decoded);
                proptest::prop_assert_eq!(made.public_key(), keys[i].public_key());
                proptest::prop_assert_eq!(*made.to_bytes(), secrets[i]);
                let ladder = x25519_dalek::x25519(secrets[i], *peer);
                proptest::prop_assert_eq!(shared.as_bytes(), &ladder);
                let again = keys[i].diffie_hellman_decoded(&decoded);
                proptest::prop_assert_eq!(again.as_bytes(), &ladder);
            }
        }
    }

    // spec/olm.md OLM-DH-3: both paths are exercised: a point on the twist (u = 2 is not on
    // Curve25519) takes the ladder and still matches RFC 7748.
    #[test]
    fn twist_points_take_the_ladder() {
        let mut two = [0u8; 32];
        two[0] = 2;
        assert!(
            curve25519_dalek::MontgomeryPoint(two)
                .to_edwards(0)
                .is_none()
        );
        let mut nine = [0u8; 32];
        nine[0] = 9;
        assert!(
            curve25519_dalek::MontgomeryPoint(nine)
                .to_edwards(0)
                .is_some()
        );
        let key = Curve25519SecretKey::from_bytes([0x42; 32]);
        for u in [two, nine] {
            assert_eq!(
                key.diffie_hellman_unchecked(&Curve25519PublicKey(u))
                    .as_bytes(),
                &x25519_dalek::x25519([0x42; 32], u)
            );
            let decoded = DecodedPublicKey::new(Curve25519PublicKey(u));
            let (made, shared) = Curve25519SecretKey::from_bytes_with_dh([0x42; 32], &decoded);
            assert_eq!(made.public_key(), key.public_key());
            assert_eq!(shared.as_bytes(), &x25519_dalek::x25519([0x42; 32], u));
        }
    }

    #[test]
    fn debug_does_not_print_the_secret() {
        let secret = Curve25519SecretKey::from_bytes([0xab; 32]);
        let shown = alloc::format!("{secret:?}");
        assert!(!shown.contains("171, 171") && !shown.to_lowercase().contains("abab"));
    }
}
