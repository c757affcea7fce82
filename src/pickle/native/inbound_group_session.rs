//! The native inbound group session pickle (spec/pickle.md PICKLE-NATIVE-INBOUND-1).

use alloc::string::String;

use super::{ObjectType, load, read_ed25519_public, read_ratchet, store, write_ratchet};
use crate::error::PickleError;
use crate::megolm::{InboundGroupSession, SessionOrigin};
use crate::pickle::codec::{Reader, Writer};

/// Two ratchets (2 × 132), the Ed25519 key, origin and flag: the exact body length.
const BODY_CAPACITY: usize = 2 * 132 + 32 + 2;

/// spec/pickle.md PICKLE-NATIVE-INBOUND-1: the origin byte.
const SIGNED_SESSION_KEY: u8 = 0;
const IMPORTED: u8 = 1;

fn read_origin(r: &mut Reader<'_>) -> Result<SessionOrigin, PickleError> {
    match r.u8()? {
        SIGNED_SESSION_KEY => Ok(SessionOrigin::SignedSessionKey),
        IMPORTED => Ok(SessionOrigin::Imported),
        _ => Err(PickleError::InvalidField),
    }
}

fn origin_byte(origin: SessionOrigin) -> u8 {
    match origin {
        SessionOrigin::SignedSessionKey => SIGNED_SESSION_KEY,
        SessionOrigin::Imported => IMPORTED,
    }
}

impl InboundGroupSession {
    /// spec/pickle.md PICKLE-NATIVE-INBOUND-1: this session in protee's native format,
    /// encrypted under `pickle_key` with a nonce of 24 bytes from `rng`. Unlike libolm's
    /// format it keeps the session's [`SessionOrigin`].
    pub fn pickle_with_rng(
        &self,
        pickle_key: &[u8; 32],
        rng: &mut impl rand_core::CryptoRng,
    ) -> String {
        store(
            ObjectType::InboundGroupSession,
            pickle_key,
            rng,
            BODY_CAPACITY,
            |w| self.write_body(w),
        )
    }

    /// [`InboundGroupSession::pickle_with_rng`] with the operating system's RNG. Fails only if that
    /// RNG fails.
    #[cfg(feature = "os-rng")]
    pub fn pickle(&self, pickle_key: &[u8; 32]) -> Result<String, crate::RandomError> {
        super::store_with_os_rng(
            ObjectType::InboundGroupSession,
            pickle_key,
            BODY_CAPACITY,
            |w| self.write_body(w),
        )
    }

    /// spec/pickle.md PICKLE-NATIVE-3, PICKLE-NATIVE-INBOUND-1: loads a session pickled by
    /// [`InboundGroupSession::pickle_with_rng`] under `pickle_key`, origin included.
    pub fn from_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        load(ObjectType::InboundGroupSession, pickle, pickle_key, |r| {
            let initial = read_ratchet(r)?;
            let latest = read_ratchet(r)?;
            let signing_key = read_ed25519_public(r)?;
            let origin = read_origin(r)?;
            let libolm_verified = r.bool()?;
            Ok(InboundGroupSession {
                initial,
                latest,
                signing_key,
                origin,
                libolm_verified,
            })
        })
    }

    /// spec/pickle.md PICKLE-NATIVE-INBOUND-1: initial ratchet (132) | latest ratchet (132) |
    /// Ed25519 public key 32 | u8 origin | bool libolm verified.
    fn write_body(&self, w: &mut Writer) {
        write_ratchet(w, &self.initial);
        write_ratchet(w, &self.latest);
        w.bytes(self.signing_key.as_bytes());
        w.u8(origin_byte(self.origin));
        w.bool(self.libolm_verified);
    }
}
