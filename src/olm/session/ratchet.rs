//! Ratchet keys: ours (with its secret) and theirs (public only), as distinct types so that
//! arguments cannot be swapped.

use crate::crypto::Curve25519SecretKey;
use crate::crypto::x25519::{DecodedPublicKey, NonContributory, SharedSecret};
use crate::types::Curve25519PublicKey;

/// Our ratchet key pair T_i; the public half is computed once, never per message.
#[derive(Clone)]
pub(crate) struct RatchetKey(Curve25519SecretKey);

impl RatchetKey {
    pub(crate) fn new(secret: Curve25519SecretKey) -> Self {
        Self(secret)
    }

    pub(crate) fn public_key(&self) -> Curve25519PublicKey {
        self.0.public_key()
    }

    pub(crate) fn secret(&self) -> &Curve25519SecretKey {
        &self.0
    }

    /// spec/olm.md OLM-SEND-2: a new ratchet key T_i from 32 random bytes, with
    /// DH(T_i, theirs). `theirs` was accepted on arrival (its DH with our previous ratchet key
    /// was checked non-zero, spec/olm.md OLM-DH-1), so it is not of small order and the product
    /// with any clamped scalar is non-zero: it is used unchecked.
    pub(crate) fn new_with_dh(
        random: [u8; 32],
        theirs: &PendingRatchetKey,
    ) -> (Self, SharedSecret) {
        let (secret, shared) = Curve25519SecretKey::from_bytes_with_dh(random, &theirs.point());
        (Self(secret), shared)
    }

    /// DH(our ratchet secret, their ratchet public), refusing an all-zero output.
    pub(crate) fn diffie_hellman(
        &self,
        theirs: &PendingRatchetKey,
    ) -> Result<SharedSecret, NonContributory> {
        self.0
            .diffie_hellman_decoded(&theirs.point())
            .contributory()
    }
}

/// The peer's ratchet public key, as it arrived in their messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct RemoteRatchetKey(pub(crate) Curve25519PublicKey);

/// Their newest ratchet key, which our next ratchet step uses (spec/olm.md OLM-DH-3): decoded
/// on arrival of their message, for our DH with it, and kept so for our next encrypt; a key
/// from a pre-key message or a pickle is decoded only when we encrypt.
#[derive(Clone, Copy)]
pub(crate) enum PendingRatchetKey {
    /// The key alone, decoded when used.
    Encoded(RemoteRatchetKey),
    /// The key with its curve point.
    Decoded(DecodedPublicKey),
}

impl PendingRatchetKey {
    /// The key alone, decoded when used.
    pub(crate) fn new(key: RemoteRatchetKey) -> Self {
        Self::Encoded(key)
    }

    /// The key with its point decoded now.
    pub(crate) fn decoded(key: RemoteRatchetKey) -> Self {
        Self::Decoded(DecodedPublicKey::new(key.0))
    }

    /// The key as it arrived.
    pub(crate) fn remote(&self) -> RemoteRatchetKey {
        match self {
            Self::Encoded(key) => *key,
            Self::Decoded(decoded) => RemoteRatchetKey(decoded.key()),
        }
    }

    fn point(&self) -> DecodedPublicKey {
        match self {
            Self::Encoded(key) => DecodedPublicKey::new(key.0),
            Self::Decoded(decoded) => *decoded,
        }
    }
}
