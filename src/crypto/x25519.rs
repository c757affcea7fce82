//! X25519 (Curve25519 Diffie-Hellman) keys.

use subtle::ConstantTimeEq;
use x25519_dalek::{PublicKey, StaticSecret};
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
    #[zeroize(skip)] // StaticSecret zeroizes itself on drop
    secret: StaticSecret,
    #[zeroize(skip)]
    public: Curve25519PublicKey,
}

impl Curve25519SecretKey {
    /// spec/olm.md OLM-DH-2: takes 32 random bytes as the secret key (libolm: the random bytes
    /// *are* the key, stored unclamped) and computes its public key once.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let mut bytes = bytes;
        let secret = StaticSecret::from(bytes);
        bytes.zeroize();
        let public = Curve25519PublicKey(PublicKey::from(&secret).to_bytes());
        Self { secret, public }
    }

    /// Rebuilds a key whose public half is already known, without the scalar multiplication
    /// (spec/pickle.md PICKLE-NATIVE-4: a native pickle stores both halves, authenticated).
    /// The caller vouches that `public` matches `bytes`.
    pub(crate) fn from_parts(bytes: [u8; 32], public: Curve25519PublicKey) -> Self {
        let mut bytes = bytes;
        let secret = StaticSecret::from(bytes);
        bytes.zeroize();
        Self { secret, public }
    }

    /// The 32 secret bytes as stored (unclamped), for key export and pickles; zeroized on drop.
    pub(crate) fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
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
        let shared = self.secret.diffie_hellman(&PublicKey::from(their.0));
        if shared.was_contributory() {
            Ok(SharedSecret(shared))
        } else {
            Err(NonContributory)
        }
    }

    /// X25519 without the zero check, for a peer key already known not to be of small order.
    pub(crate) fn diffie_hellman_unchecked(&self, their: &Curve25519PublicKey) -> SharedSecret {
        SharedSecret(self.secret.diffie_hellman(&PublicKey::from(their.0)))
    }
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
pub(crate) struct SharedSecret(x25519_dalek::SharedSecret);

impl SharedSecret {
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
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

    #[test]
    fn debug_does_not_print_the_secret() {
        let secret = Curve25519SecretKey::from_bytes([0xab; 32]);
        let shown = alloc::format!("{secret:?}");
        assert!(!shown.contains("171, 171") && !shown.to_lowercase().contains("abab"));
    }
}
