//! Import of vodozemac 0.11's encrypted pickles (feature `vodozemac-migration`,
//! spec/pickle.md PICKLE-VODOZEMAC-1 … PICKLE-VODOZEMAC-6).
//!
//! vodozemac seals a JSON body (`serde_json` of its `AccountPickle`, `SessionPickle`,
//! `GroupSessionPickle` or `InboundGroupSessionPickle`) in libolm's envelope under a 32-byte
//! key. Its HKDF salt is the single byte `0x00` where protee's libolm envelope uses 32 zero
//! bytes: HMAC pads a key shorter than its block with zeros, so both salts give the same
//! HKDF-Extract key and [`super::libolm`]'s `open` serves unchanged.
//!
//! The import is read-only and stricter than vodozemac: unknown JSON fields are refused, every
//! byte array must have its exact length, and every id, counter and chain index must fit in the
//! u32 that protee (like libolm) uses. Where vodozemac keeps more than protee's limits, protee
//! keeps what it would itself have kept (the newest); the rules of each object say so.

mod account;
mod group_session;
mod inbound_group_session;
mod session;

use core::fmt;
use core::marker::PhantomData;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, SeqAccess, Visitor};
use zeroize::Zeroizing;

use super::libolm::open_bounded;
use crate::crypto::Ed25519SecretKey;
use crate::error::PickleError;
use crate::limits::MAX_VODOZEMAC_PICKLE_LENGTH;

/// spec/pickle.md PICKLE-VODOZEMAC-1: opens vodozemac's envelope and parses the JSON body into
/// `T`. The decrypted JSON stays in a buffer zeroized when dropped, on every path; every secret
/// parsed from it lands in a [`Bytes`], also zeroized when dropped.
///
/// serde_json's errors are not passed on (they may quote input): its end-of-input errors are
/// [`PickleError::Truncated`], text after the JSON value is [`PickleError::ExtraData`], any
/// other syntax or shape error (a body cut inside a numeric key included) is
/// [`PickleError::InvalidField`].
fn load_json<T: DeserializeOwned>(pickle: &str, key: &[u8; 32]) -> Result<T, PickleError> {
    let body = open_bounded(pickle, key, MAX_VODOZEMAC_PICKLE_LENGTH)?;
    // JSON is UTF-8; serde_json does not check the strings it skips (fuzz finding: invalid
    // UTF-8 inside an ignored field was taken).
    if core::str::from_utf8(&body).is_err() {
        return Err(PickleError::InvalidField);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&body);
    let value = T::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|_| PickleError::ExtraData)?;
    Ok(value)
}

fn json_error(error: serde_json::Error) -> PickleError {
    match error.classify() {
        serde_json::error::Category::Eof => PickleError::Truncated,
        _ => PickleError::InvalidField,
    }
}

/// spec/pickle.md PICKLE-VODOZEMAC-2: a JSON array of exactly `N` integers 0..=255 (how
/// vodozemac writes every key, secret or public). Zeroized when dropped.
pub(super) struct Bytes<const N: usize>(Zeroizing<[u8; N]>);

impl<'de, const N: usize> Deserialize<'de> for Bytes<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(BytesVisitor::<N>(PhantomData))
    }
}

struct BytesVisitor<const N: usize>(PhantomData<[u8; N]>);

impl<'de, const N: usize> Visitor<'de> for BytesVisitor<N> {
    type Value = Bytes<N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of {N} bytes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Zeroizing::new([0u8; N]);
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = seq
                .next_element::<u8>()?
                .ok_or_else(|| de::Error::invalid_length(i, &self))?;
        }
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(N.saturating_add(1), &self));
        }
        Ok(Bytes(out))
    }
}

/// vodozemac's `Ed25519Keypair`: `{"Normal": seed}` for its own keys, `{"Expanded": key}` for
/// keys it imported from libolm (spec/pickle.md PICKLE-VODOZEMAC-2).
#[derive(Deserialize)]
enum SigningKey {
    Normal(Bytes<32>),
    Expanded(Bytes<64>),
}

impl SigningKey {
    fn into_secret(self) -> Ed25519SecretKey {
        match self {
            Self::Normal(seed) => Ed25519SecretKey::from_seed(&seed.0),
            Self::Expanded(expanded) => Ed25519SecretKey::from_expanded(&expanded.0),
        }
    }
}

/// vodozemac's `SessionConfig`, `{"version": "V1"}`; absent in pickles older than the field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    version: ConfigVersion,
}

#[derive(Deserialize)]
enum ConfigVersion {
    V1,
    V2,
}

/// spec/pickle.md PICKLE-VODOZEMAC-2: only version 1 (8-byte MACs, what libolm and every
/// Matrix client use) exists in protee. vodozemac's experimental version 2 (full MACs) is
/// [`PickleError::Unsupported`].
fn check_config(config: Option<Config>) -> Result<(), PickleError> {
    match config.map(|c| c.version) {
        None | Some(ConfigVersion::V1) => Ok(()),
        Some(ConfigVersion::V2) => Err(PickleError::Unsupported),
    }
}

/// spec/pickle.md PICKLE-VODOZEMAC-2: a vodozemac u64 key id or chain index as protee's u32.
fn to_u32(value: u64) -> Result<u32, PickleError> {
    u32::try_from(value).map_err(|_| PickleError::InvalidField)
}

/// A list length for [`PickleError::TooManyItems`].
fn item_count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
