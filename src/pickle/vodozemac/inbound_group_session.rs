//! vodozemac's inbound group session pickle (spec/pickle.md PICKLE-VODOZEMAC-6).

use serde::Deserialize;

use super::group_session::RatchetPickle;
use super::{Bytes, Config, check_config, load_json};
use crate::error::PickleError;
use crate::megolm::{InboundGroupSession, SessionOrigin};
use crate::types::Ed25519PublicKey;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundGroupSessionPickle {
    initial_ratchet: RatchetPickle,
    signing_key: Bytes<32>,
    signing_key_verified: bool,
    config: Option<Config>,
}

impl InboundGroupSession {
    /// spec/pickle.md PICKLE-VODOZEMAC-6: loads an inbound group session pickled by
    /// vodozemac (`InboundGroupSessionPickle::encrypt`) under its 32-byte `pickle_key`.
    ///
    /// vodozemac stores only the initial ratchet, so the latest ratchet starts there (as in
    /// vodozemac after loading). Its `signing_key_verified` becomes
    /// [`InboundGroupSession::libolm_is_verified`], and the origin follows it: vodozemac sets
    /// the flag for a signed session key and never on decryption, so a verified session is
    /// [`SessionOrigin::SignedSessionKey`] and any other [`SessionOrigin::Imported`]. The one
    /// exception is a session vodozemac itself imported from libolm, whose flag is libolm's
    /// (also set by a decryption); nothing in the pickle tells them apart. The Ed25519 key
    /// must be a valid point.
    pub fn from_vodozemac_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        let pickle: InboundGroupSessionPickle = load_json(pickle, pickle_key)?;
        check_config(pickle.config)?;
        let signing_key = Ed25519PublicKey::from_slice(&*pickle.signing_key.0)
            .map_err(|_| PickleError::InvalidField)?;
        let initial = pickle.initial_ratchet.into_ratchet();
        let verified = pickle.signing_key_verified;
        Ok(InboundGroupSession {
            latest: initial.clone(),
            initial,
            signing_key,
            origin: if verified {
                SessionOrigin::SignedSessionKey
            } else {
                SessionOrigin::Imported
            },
            libolm_verified: verified,
        })
    }
}
