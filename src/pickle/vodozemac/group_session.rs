//! vodozemac's outbound group session pickle (spec/pickle.md PICKLE-VODOZEMAC-5).

use serde::Deserialize;

use super::{Bytes, Config, SigningKey, check_config, load_json};
use crate::error::PickleError;
use crate::megolm::GroupSession;
use crate::megolm::ratchet::{MegolmRatchet, RATCHET_LENGTH};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSessionPickle {
    ratchet: RatchetPickle,
    signing_key: SigningKey,
    config: Option<Config>,
}

/// vodozemac's Megolm ratchet: the 128-byte value R0‖R1‖R2‖R3 and the u32 counter.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RatchetPickle {
    inner: Bytes<RATCHET_LENGTH>,
    counter: u32,
}

impl RatchetPickle {
    pub(super) fn into_ratchet(self) -> MegolmRatchet {
        MegolmRatchet::from_bytes(&self.inner.0, self.counter)
    }
}

impl GroupSession {
    /// spec/pickle.md PICKLE-VODOZEMAC-5: loads an outbound group session pickled by
    /// vodozemac (`GroupSessionPickle::encrypt`) under its 32-byte `pickle_key`: the ratchet
    /// as it stands and the Ed25519 key, a seed (`Normal`) or, for a session vodozemac
    /// imported from libolm, libolm's expanded key (`Expanded`).
    pub fn from_vodozemac_pickle(pickle: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        let pickle: GroupSessionPickle = load_json(pickle, pickle_key)?;
        check_config(pickle.config)?;
        Ok(GroupSession {
            ratchet: pickle.ratchet.into_ratchet(),
            signing_key: pickle.signing_key.into_secret(),
        })
    }
}
