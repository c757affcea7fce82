//! The root key R_i.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::chain_key::ChainKey;
#[cfg(doc)]
use super::ratchet::RatchetKey;
use crate::crypto::kdf::{HmacKey, hkdf_sha256_prepared};
use crate::crypto::x25519::SharedSecret;

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
    /// `R_i || C_i,0 = HKDF(salt = R_{i-1}, ikm = DH(ours, theirs), info = "OLM_RATCHET", 64)`,
    /// the DH computed by the caller (receiving: [`RatchetKey::diffie_hellman`]; sending:
    /// [`RatchetKey::new_with_dh`]).
    pub(crate) fn advance(&self, shared: &SharedSecret) -> (RootKey, ChainKey) {
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256_prepared(
            &HmacKey::new(&self.0),
            shared.as_bytes(),
            RATCHET_INFO,
            okm.as_mut_slice(),
        );
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
