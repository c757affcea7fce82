//! Fallback keys: a reusable key that serves when the one-time keys have run out.

use super::one_time_keys::OneTimeKey;
use crate::crypto::Curve25519SecretKey;
use crate::types::{Curve25519PublicKey, KeyId};

/// The current fallback key and the one before it (spec/olm.md OLM-FALLBACK-1).
#[derive(Clone, Default)]
pub(crate) struct FallbackKeys {
    pub(crate) current: Option<OneTimeKey>,
    pub(crate) previous: Option<OneTimeKey>,
}

impl FallbackKeys {
    /// spec/olm.md OLM-FALLBACK-1: the current key becomes the previous one (the old previous
    /// one is dropped), the new key is current and unpublished.
    pub(crate) fn rotate(&mut self, id: KeyId, key: Curve25519SecretKey) {
        self.previous = self.current.take();
        self.current = Some(OneTimeKey {
            id,
            published: false,
            key,
        });
    }

    /// Drops the previous key; returns whether there was one.
    pub(crate) fn forget_previous(&mut self) -> bool {
        self.previous.take().is_some()
    }

    /// spec/olm.md OLM-INBOUND-1: current first, then previous.
    pub(crate) fn find(&self, public: &Curve25519PublicKey) -> Option<&OneTimeKey> {
        [self.current.as_ref(), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|k| k.key.public_key() == *public)
    }

    pub(crate) fn current_public(&self) -> Option<(KeyId, Curve25519PublicKey)> {
        self.current.as_ref().map(|k| (k.id, k.key.public_key()))
    }

    pub(crate) fn current_unpublished(&self) -> Option<(KeyId, Curve25519PublicKey)> {
        self.current
            .as_ref()
            .filter(|k| !k.published)
            .map(|k| (k.id, k.key.public_key()))
    }

    pub(crate) fn mark_as_published(&mut self) {
        if let Some(current) = self.current.as_mut() {
            current.published = true;
        }
    }
}
