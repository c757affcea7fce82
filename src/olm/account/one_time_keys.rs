//! One-time keys: single-use Curve25519 keys published for others to start sessions with.

use alloc::vec::Vec;

use crate::crypto::Curve25519SecretKey;
use crate::limits::MAX_ONE_TIME_KEYS;
use crate::types::{Curve25519PublicKey, KeyId};

/// A one-time (or fallback) key with its id and whether it has been published.
#[derive(Clone)]
pub(crate) struct OneTimeKey {
    pub(crate) id: KeyId,
    pub(crate) published: bool,
    pub(crate) key: Curve25519SecretKey,
}

/// The account's one-time keys, newest first (libolm's order).
#[derive(Clone, Default)]
pub(crate) struct OneTimeKeys {
    pub(crate) keys: Vec<OneTimeKey>,
}

impl OneTimeKeys {
    /// spec/olm.md OLM-OTK-1, OLM-OTK-4: a new key goes in front; beyond the limit the oldest
    /// is dropped silently.
    pub(crate) fn insert(&mut self, id: KeyId, key: Curve25519SecretKey) {
        self.keys.insert(
            0,
            OneTimeKey {
                id,
                published: false,
                key,
            },
        );
        self.keys.truncate(MAX_ONE_TIME_KEYS);
    }

    /// spec/olm.md OLM-OTK-3: unpublished keys, newest first.
    pub(crate) fn unpublished(&self) -> impl Iterator<Item = (KeyId, Curve25519PublicKey)> + '_ {
        self.keys
            .iter()
            .filter(|k| !k.published)
            .map(|k| (k.id, k.key.public_key()))
    }

    /// Marks every key published; returns how many were not yet.
    pub(crate) fn mark_as_published(&mut self) -> usize {
        let mut count = 0usize;
        for key in self.keys.iter_mut().filter(|k| !k.published) {
            key.published = true;
            count = count.saturating_add(1);
        }
        count
    }

    pub(crate) fn find(&self, public: &Curve25519PublicKey) -> Option<&OneTimeKey> {
        self.keys.iter().find(|k| k.key.public_key() == *public)
    }

    /// Removes the key with this public half; returns its id.
    pub(crate) fn remove(&mut self, public: &Curve25519PublicKey) -> Option<KeyId> {
        let position = self
            .keys
            .iter()
            .position(|k| k.key.public_key() == *public)?;
        Some(self.keys.remove(position).id)
    }
}
