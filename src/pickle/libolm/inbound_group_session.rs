//! libolm's inbound group session pickle: read versions 1 and 2, write version 2
//! (spec/pickle.md PICKLE-LIBOLM-INBOUND-1): `u32 2 | initial R (128) + u32 | latest R (128) +
//! u32 | Ed25519 public key (32) | bool verified` = 301 bytes.

use alloc::string::String;

use super::{load, store};
use crate::error::PickleError;
use crate::megolm::ratchet::{MegolmRatchet, RATCHET_LENGTH};
use crate::megolm::{InboundGroupSession, SessionOrigin};
use crate::pickle::codec::{Reader, Writer};
use crate::types::Ed25519PublicKey;

const VERSION: u32 = 2;

fn read_ratchet(r: &mut Reader<'_>) -> Result<MegolmRatchet, PickleError> {
    let parts = r.secret::<RATCHET_LENGTH>()?;
    Ok(MegolmRatchet::from_bytes(&parts, r.u32()?))
}

fn write_ratchet(w: &mut Writer, ratchet: &MegolmRatchet) {
    w.bytes(ratchet.to_bytes().as_slice());
    w.u32(ratchet.counter());
}

impl InboundGroupSession {
    /// spec/pickle.md PICKLE-LIBOLM-INBOUND-1: loads an inbound group session pickled by
    /// libolm (version 2, or version 1 which has no `verified` byte and counts as verified).
    ///
    /// libolm's pickle does not record where the key came from, and its `verified` flag is
    /// also set by any successful decrypt, so it cannot tell a signed session key from an
    /// imported one: the loaded session's [`InboundGroupSession::origin`] is
    /// [`SessionOrigin::Imported`], the conservative answer (spec/megolm.md MEGOLM-AUTH-1).
    /// The Ed25519 key must be a valid point.
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, PickleError> {
        load(pickle, pickle_key, |r| {
            let version = r.u32()?;
            if version != 1 && version != VERSION {
                return Err(PickleError::UnknownVersion { found: version });
            }
            let initial = read_ratchet(r)?;
            let latest = read_ratchet(r)?;
            let signing_key = Ed25519PublicKey::from_slice(r.bytes(32)?)
                .map_err(|_| PickleError::InvalidField)?;
            let libolm_verified = if version == 1 { true } else { r.bool()? };
            Ok(InboundGroupSession {
                initial,
                latest,
                signing_key,
                origin: SessionOrigin::Imported,
                libolm_verified,
            })
        })
    }

    /// spec/pickle.md PICKLE-LIBOLM-INBOUND-1: the version-2 pickle libolm writes for this
    /// state under `pickle_key`, byte for byte. The origin is not part of libolm's format and
    /// is lost (a session loaded back counts as imported).
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> String {
        let written = store(pickle_key, 301, |w| {
            w.u32(VERSION);
            write_ratchet(w, &self.initial);
            write_ratchet(w, &self.latest);
            w.bytes(self.signing_key.as_bytes());
            w.bool(self.libolm_verified);
            Ok(())
        });
        // The closure above never fails: the body has no lists.
        written.unwrap_or_default()
    }
}
