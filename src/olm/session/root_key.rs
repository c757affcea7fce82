//! The root key R_i.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::chain_key::ChainKey;
use super::ratchet::{RatchetKey, RemoteRatchetKey};
use crate::crypto::kdf::hkdf_sha256;
use crate::crypto::x25519::NonContributory;

/// HKDF info for a ratchet step.
const RATCHET_INFO: &[u8] = b"OLM_RATCHET";

/// The root key of a session (32 bytes).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct RootKey([u8; 32]);

impl RootKey {
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// spec/olm.md OLM-RATCHET-1:
    /// `R_i || C_i,0 = HKDF(salt = R_{i-1}, ikm = DH(ours, theirs), info = "OLM_RATCHET", 64)`.
    pub(crate) fn advance(
        &self,
        ours: &RatchetKey,
        theirs: &RemoteRatchetKey,
    ) -> Result<(RootKey, ChainKey), NonContributory> {
        let shared = ours.diffie_hellman(theirs)?;
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256(&self.0, shared.as_bytes(), RATCHET_INFO, okm.as_mut_slice());
        Ok(split_root_and_chain(&okm))
    }
}

impl RootKey {
    /// spec/olm.md OLM-RATCHET-1 on the sending side. `theirs` was accepted earlier (checked
    /// not to be of small order on arrival, spec/olm.md OLM-DH-1), so X25519 with any of our
    /// clamped scalars is non-zero and the result is used as is.
    pub(crate) fn advance_accepted(
        &self,
        ours: &RatchetKey,
        theirs: &RemoteRatchetKey,
    ) -> (RootKey, ChainKey) {
        let shared = ours.secret().diffie_hellman_unchecked(&theirs.0);
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256(&self.0, shared.as_bytes(), RATCHET_INFO, okm.as_mut_slice());
        split_root_and_chain(&okm)
    }
}

/// Splits 64 bytes of HKDF output into a root key and a chain key at index 0.
pub(crate) fn split_root_and_chain(okm: &[u8; 64]) -> (RootKey, ChainKey) {
    let mut root = [0u8; 32];
    let mut chain = [0u8; 32];
    let (r, c) = okm.split_at(32);
    root.copy_from_slice(r);
    chain.copy_from_slice(c);
    let pair = (RootKey(root), ChainKey::new(chain, 0));
    root.zeroize();
    chain.zeroize();
    pair
}
