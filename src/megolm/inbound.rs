//! The receivers' side of a Megolm session.

use alloc::string::String;
use alloc::vec::Vec;

use super::message::MegolmMessage;
use super::ratchet::MegolmRatchet;
use super::session_key::{ExportedSessionKey, KeyParts, SessionKey};
use crate::error::{MegolmDecryptionError, SessionKeyError};
use crate::types::Ed25519PublicKey;

/// The half of the u32 index space that counts as "ahead" of a ratchet (libolm's window).
const WINDOW: u32 = 1 << 31;

/// Where an inbound session's key came from, and so what it proves about the sender.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionOrigin {
    /// Built from a signed session key (`m.room_key`). The signature proves the ratchet came
    /// from the holder of the session's Ed25519 key. If the application received that session
    /// key inside an Olm message, the session is as authentic as that Olm sender.
    SignedSessionKey,
    /// Imported from an exported (unsigned) key: a forwarded key, a key backup, a file export.
    /// Nothing ties it to any sender; messages it decrypts are authenticated only as coming
    /// from the holder of the session's Ed25519 key, whoever that is.
    Imported,
}

/// spec/megolm.md MEGOLM-IN-5: how two sessions with the same key relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionOrdering {
    /// Same key, same first known index.
    Equal,
    /// Same key, and this one knows earlier messages.
    Better,
    /// Same key, and the other knows earlier messages.
    Worse,
    /// Different sessions, or ratchets that do not derive from one another.
    Unconnected,
}

/// A decrypted Megolm message.
#[derive(Clone, PartialEq, Eq)]
pub struct DecryptedMessage {
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// The message index it was encrypted at.
    pub message_index: u32,
}

impl core::fmt::Debug for DecryptedMessage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecryptedMessage")
            .field("plaintext_len", &self.plaintext.len())
            .field("message_index", &self.message_index)
            .finish()
    }
}

/// spec/megolm.md MEGOLM-IN-1: an inbound Megolm session.
#[derive(Clone)]
pub struct InboundGroupSession {
    /// The earliest ratchet known; never moves except through [`Self::advance_to`].
    pub(crate) initial: MegolmRatchet,
    /// A cache of the highest ratchet reached, so that in-order messages cost one step.
    pub(crate) latest: MegolmRatchet,
    pub(crate) signing_key: Ed25519PublicKey,
    pub(crate) origin: SessionOrigin,
    /// libolm's `signing_key_verified` flag, kept for pickles. It is *not* sender
    /// authentication: libolm also sets it after any successful decrypt.
    pub(crate) libolm_verified: bool,
}

impl InboundGroupSession {
    /// spec/megolm.md MEGOLM-KEY-1: from a signed session key; the signature is verified
    /// strictly before anything is kept.
    pub fn new(session_key: &SessionKey) -> Result<Self, SessionKeyError> {
        let parts = session_key.verified_parts()?;
        Ok(Self::from_parts(
            parts,
            SessionOrigin::SignedSessionKey,
            true,
        ))
    }

    /// spec/megolm.md MEGOLM-KEY-2: from an exported (unsigned) key.
    pub fn import(exported: &ExportedSessionKey) -> Result<Self, SessionKeyError> {
        let parts = exported.parts()?;
        Ok(Self::from_parts(parts, SessionOrigin::Imported, false))
    }

    fn from_parts(parts: KeyParts, origin: SessionOrigin, libolm_verified: bool) -> Self {
        Self {
            latest: parts.ratchet.clone(),
            initial: parts.ratchet,
            signing_key: parts.signing_key,
            origin,
            libolm_verified,
        }
    }

    /// spec/megolm.md MEGOLM-ID-1: the session id (the sender's Ed25519 key in base64).
    pub fn session_id(&self) -> String {
        self.signing_key.to_base64()
    }

    /// The session's Ed25519 key: every message must be signed by it.
    pub fn signing_key(&self) -> Ed25519PublicKey {
        self.signing_key
    }

    /// The earliest message index this session can decrypt.
    pub fn first_known_index(&self) -> u32 {
        self.initial.counter()
    }

    /// spec/megolm.md MEGOLM-AUTH-1: where the key came from (see [`SessionOrigin`]).
    pub fn origin(&self) -> SessionOrigin {
        self.origin
    }

    /// libolm's `olm_inbound_group_session_is_verified`: true for a signed session key, and
    /// for an imported one after its first successful decrypt. Kept for compatibility only —
    /// it does not authenticate the sender (spec/megolm.md MEGOLM-AUTH-1); use [`Self::origin`].
    pub fn libolm_is_verified(&self) -> bool {
        self.libolm_verified
    }

    /// spec/megolm.md MEGOLM-IN-2: libolm's index window. A ratchet for `index` is derived
    /// from the cached latest ratchet if `(index − latest) mod 2^32 < 2^31`, else from the
    /// initial ratchet if `(index − initial) mod 2^32 < 2^31`, else the index is unknown.
    /// Returns the ratchet and whether it came from (and should replace) the latest one.
    fn ratchet_for(&self, index: u32) -> Result<(MegolmRatchet, bool), MegolmDecryptionError> {
        if index.wrapping_sub(self.latest.counter()) < WINDOW {
            let mut ratchet = self.latest.clone();
            ratchet.advance_to(index);
            Ok((ratchet, true))
        } else if index.wrapping_sub(self.initial.counter()) < WINDOW {
            let mut ratchet = self.initial.clone();
            ratchet.advance_to(index);
            Ok((ratchet, false))
        } else {
            Err(MegolmDecryptionError::UnknownMessageIndex {
                index,
                first_known_index: self.initial.counter(),
            })
        }
    }

    /// spec/megolm.md MEGOLM-IN-3: decrypts, checking in this order: strict Ed25519 signature
    /// → ratchet selection → MAC over the bytes received → decryption. Transactional: the
    /// cached latest ratchet moves only after a successful decrypt (libolm moves it before the
    /// MAC check). The same index may be decrypted any number of times: replay protection is
    /// the application's (spec/megolm.md MEGOLM-IN-4).
    pub fn decrypt(
        &mut self,
        message: &MegolmMessage,
    ) -> Result<DecryptedMessage, MegolmDecryptionError> {
        self.signing_key
            .verify(message.signed_bytes(), &message.signature())
            .map_err(|_| MegolmDecryptionError::InvalidSignature)?;
        let index = message.message_index();
        let (ratchet, from_latest) = self.ratchet_for(index)?;
        let keys = ratchet.cipher_keys();
        if !keys.verify_mac(message.authenticated_bytes(), message.mac()) {
            return Err(MegolmDecryptionError::InvalidMac);
        }
        let plaintext = keys
            .decrypt(message.ciphertext())
            .map_err(|_| MegolmDecryptionError::InvalidPadding)?;
        if from_latest {
            self.latest = ratchet;
        }
        self.libolm_verified = true;
        Ok(DecryptedMessage {
            plaintext,
            message_index: index,
        })
    }

    /// spec/megolm.md MEGOLM-KEY-2: exports the session at `index` (libolm: the same window
    /// as decryption; like libolm, an export ahead of the cached latest ratchet moves it).
    pub fn export_at(&mut self, index: u32) -> Result<ExportedSessionKey, MegolmDecryptionError> {
        let (ratchet, from_latest) = self.ratchet_for(index)?;
        let exported = ExportedSessionKey::new(&ratchet, &self.signing_key);
        if from_latest {
            self.latest = ratchet;
        }
        Ok(exported)
    }

    /// Exports at the first known index.
    pub fn export_at_first_known_index(&self) -> ExportedSessionKey {
        ExportedSessionKey::new(&self.initial, &self.signing_key)
    }

    /// spec/megolm.md MEGOLM-IN-6: forgets every message key before `index` (forward secrecy
    /// for the receiver). Returns false, changing nothing, if `index` is not ahead of the first
    /// known index within the window.
    pub fn advance_to(&mut self, index: u32) -> bool {
        let distance = index.wrapping_sub(self.initial.counter());
        if distance == 0 || distance >= WINDOW {
            return false;
        }
        self.initial.advance_to(index);
        if self.latest.counter().wrapping_sub(index) >= WINDOW {
            self.latest = self.initial.clone();
        }
        true
    }

    /// spec/megolm.md MEGOLM-IN-5: compares two sessions in constant time over the ratchets.
    pub fn compare(&self, other: &Self) -> SessionOrdering {
        if self.signing_key != other.signing_key {
            return SessionOrdering::Unconnected;
        }
        let (ours, theirs) = (self.initial.counter(), other.initial.counter());
        let (lower, higher) = if ours.wrapping_sub(theirs) < WINDOW {
            (&other.initial, &self.initial)
        } else {
            (&self.initial, &other.initial)
        };
        let mut advanced = lower.clone();
        advanced.advance_to(higher.counter());
        if !bool::from(advanced.ct_eq(higher)) {
            return SessionOrdering::Unconnected;
        }
        match ours.cmp(&theirs) {
            core::cmp::Ordering::Equal => SessionOrdering::Equal,
            _ if ours.wrapping_sub(theirs) < WINDOW => SessionOrdering::Worse,
            _ => SessionOrdering::Better,
        }
    }

    /// Whether both sessions have the same key and ratchets derived from one another.
    pub fn connected(&self, other: &Self) -> bool {
        self.compare(other) != SessionOrdering::Unconnected
    }

    /// spec/megolm.md MEGOLM-IN-5: of two connected sessions, the one with the lower first
    /// known index (ours on a tie), with its own origin; `None` if they are unconnected.
    pub fn merge(&self, other: &Self) -> Option<Self> {
        match self.compare(other) {
            SessionOrdering::Equal | SessionOrdering::Better => Some(self.clone()),
            SessionOrdering::Worse => Some(other.clone()),
            SessionOrdering::Unconnected => None,
        }
    }
}

impl core::fmt::Debug for InboundGroupSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InboundGroupSession")
            .field("session_id", &self.session_id())
            .field("first_known_index", &self.first_known_index())
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}
