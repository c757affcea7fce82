//! libolm's pickle format, read and written byte for byte (spec/pickle.md PICKLE-LIBOLM-1).
//!
//! The envelope is the same for every object:
//! `AES key | HMAC key | IV = HKDF-SHA256(salt = 0^32, ikm = pickle key, info = "Pickle", 80)`,
//! `pickle = base64(AES-256-CBC-PKCS7(body) || HMAC-SHA256(ciphertext)[0..8])`.
//! The IV comes from the key, so the same state under the same key always gives the same
//! pickle: that is what lets protee's export be compared with libolm's byte for byte. It also
//! means equal prefixes of two bodies give equal prefixes of ciphertext, and the 8-byte MAC is
//! short: protee's own format ([`crate::pickle::native`]) fixes both.
//!
//! Any key length is accepted, the empty key included, as libolm does.

mod account;
mod group_session;
mod inbound_group_session;
mod pk;
mod session;

use alloc::string::String;
use alloc::vec::Vec;
use zeroize::Zeroizing;

use super::codec::{Reader, Writer};
use crate::crypto::cipher::{BLOCK_SIZE, CipherError, CipherKeys};
use crate::error::PickleError;
use crate::limits::MAX_PICKLE_LENGTH;
use crate::types::base64;
use crate::types::base64_vartime;

/// HKDF info of the pickle keys.
const PICKLE_INFO: &[u8] = b"Pickle";

/// libolm keeps the first 8 bytes of the HMAC.
const MAC_LENGTH: usize = 8;

/// spec/pickle.md PICKLE-LIBOLM-1: encrypts a body and appends the truncated MAC.
fn seal(body: &[u8], pickle_key: &[u8]) -> String {
    let keys = CipherKeys::derive(pickle_key, PICKLE_INFO);
    let mut out =
        Vec::with_capacity(CipherKeys::ciphertext_len(body.len()).saturating_add(MAC_LENGTH));
    keys.encrypt_into(body, &mut out);
    let mac = keys.mac(&out);
    out.extend_from_slice(mac.get(..MAC_LENGTH).unwrap_or_default());
    base64::encode(&out)
}

/// spec/pickle.md PICKLE-LIBOLM-2: length bound, base64, MAC (constant time) before any
/// decryption, then strict PKCS#7. The body is zeroized when dropped.
pub(super) fn open(pickle: &str, pickle_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, PickleError> {
    open_bounded(pickle, pickle_key, MAX_PICKLE_LENGTH)
}

/// [`open`] with another length bound (vodozemac's JSON pickles are far larger than libolm's
/// binary ones for the same state).
pub(super) fn open_bounded(
    pickle: &str,
    pickle_key: &[u8],
    max_length: usize,
) -> Result<Zeroizing<Vec<u8>>, PickleError> {
    if pickle.len() > max_length {
        return Err(PickleError::TooLong { got: pickle.len() });
    }
    // spec/olm.md OLM-B64-3: the text is ciphertext and a tag, nothing secret.
    let raw = base64_vartime::decode(pickle).map_err(|_| PickleError::InvalidBase64)?;
    let Some(ct_len) = raw.len().checked_sub(MAC_LENGTH) else {
        return Err(PickleError::InvalidLength);
    };
    let (ciphertext, mac) = raw.split_at(ct_len);
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK_SIZE) {
        return Err(PickleError::InvalidLength);
    }
    let keys = CipherKeys::derive(pickle_key, PICKLE_INFO);
    if !keys.verify_mac(ciphertext, mac) {
        return Err(PickleError::InvalidMac);
    }
    match keys.decrypt(ciphertext) {
        Ok(body) => Ok(Zeroizing::new(body)),
        Err(CipherError::Padding) => Err(PickleError::InvalidPadding),
        Err(CipherError::Length) => Err(PickleError::InvalidLength),
    }
}

/// Opens a pickle and parses its body with `parse`, which must consume every byte.
fn load<T>(
    pickle: &str,
    pickle_key: &[u8],
    parse: impl FnOnce(&mut Reader<'_>) -> Result<T, PickleError>,
) -> Result<T, PickleError> {
    let body = open(pickle, pickle_key)?;
    let mut reader = Reader::new(&body);
    let value = parse(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// Writes a body with `write` and seals it.
fn store(
    pickle_key: &[u8],
    capacity: usize,
    write: impl FnOnce(&mut Writer) -> Result<(), PickleError>,
) -> Result<String, PickleError> {
    let mut writer = Writer::with_capacity(capacity);
    write(&mut writer)?;
    Ok(seal(&writer.into_bytes(), pickle_key))
}

/// libolm's `kp25519`: public key 32 || private key 32. The public key must match the private
/// one (libolm never checks; a mismatched pair would advertise a key it cannot use).
fn read_curve25519_pair(
    r: &mut Reader<'_>,
) -> Result<crate::crypto::Curve25519SecretKey, PickleError> {
    let public = r.array::<32>()?;
    let secret = crate::crypto::Curve25519SecretKey::from_bytes(*r.secret::<32>()?);
    if secret.public_key().as_bytes() != &public {
        return Err(PickleError::InvalidField);
    }
    Ok(secret)
}

/// libolm's `kp25519` taken as stored; the caller must check the pair before using it
/// ([`crate::crypto::Curve25519SecretKey::public_keys_match`], batched over a whole account).
fn read_unchecked_curve25519_pair(
    r: &mut Reader<'_>,
) -> Result<crate::crypto::Curve25519SecretKey, PickleError> {
    let public = crate::types::Curve25519PublicKey::from_bytes(r.array::<32>()?);
    Ok(crate::crypto::Curve25519SecretKey::from_parts(
        *r.secret::<32>()?,
        public,
    ))
}

fn write_curve25519_pair(w: &mut Writer, key: &crate::crypto::Curve25519SecretKey) {
    w.bytes(key.public_key().as_bytes());
    w.bytes(key.to_bytes().as_slice());
}

/// libolm's `ed_kp`: public key 32 || expanded private key 64, checked to match.
fn read_ed25519_pair(r: &mut Reader<'_>) -> Result<crate::crypto::Ed25519SecretKey, PickleError> {
    let public = r.array::<32>()?;
    let key = crate::crypto::Ed25519SecretKey::from_expanded(&*r.secret::<64>()?);
    if key.public_key().as_bytes() != &public {
        return Err(PickleError::InvalidField);
    }
    Ok(key)
}

/// libolm's `ed_kp` taken as stored (spec/pickle.md PICKLE-LIBOLM-GROUP-1): the public key must
/// be a canonical curve point, and is not recomputed from the expanded key.
fn read_unchecked_ed25519_pair(
    r: &mut Reader<'_>,
) -> Result<crate::crypto::Ed25519SecretKey, PickleError> {
    let public = crate::types::Ed25519PublicKey::from_slice(&r.array::<32>()?)
        .map_err(|_| PickleError::InvalidField)?;
    Ok(crate::crypto::Ed25519SecretKey::from_expanded_with_public(
        &*r.secret::<64>()?,
        public,
    ))
}

fn write_ed25519_pair(w: &mut Writer, key: &crate::crypto::Ed25519SecretKey) {
    w.bytes(key.public_key().as_bytes());
    w.bytes(key.expanded_bytes());
}

#[cfg(test)]
mod tests;
