//! Ratchet keys: ours (with its secret) and theirs (public only), as distinct types so that
//! arguments cannot be swapped.

use crate::crypto::Curve25519SecretKey;
use crate::crypto::x25519::{NonContributory, SharedSecret};
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

    /// DH(our ratchet secret, their ratchet public), refusing an all-zero output.
    pub(crate) fn diffie_hellman(
        &self,
        theirs: &RemoteRatchetKey,
    ) -> Result<SharedSecret, NonContributory> {
        self.0.diffie_hellman(&theirs.0)
    }
}

/// The peer's ratchet public key, as it arrived in their messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct RemoteRatchetKey(pub(crate) Curve25519PublicKey);
