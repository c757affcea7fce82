//! The two pickle envelopes, written from spec/pickle.md independently of protee, so that a
//! target can seal a fuzzed body under a fuzzed key and reach the body parsers past the MAC.
//!
//! - libolm: `AES key | HMAC key | IV = HKDF-SHA256(0^32, key, "Pickle", 80)`,
//!   `base64(AES-256-CBC-PKCS7(body) || HMAC-SHA256(ciphertext)[0..8])`.
//! - native: `base64(version 1 | object type | nonce 24 | XChaCha20-Poly1305(key, nonce,
//!   aad = header, body) | tag 16)`.

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{KeyInit, Mac};
use protee::types::base64;

fn libolm_keys(pickle_key: &[u8]) -> ([u8; 32], [u8; 32], [u8; 16]) {
    let mut okm = [0u8; 80];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&[0u8; 32]), pickle_key)
        .expand(b"Pickle", &mut okm)
        .expect("80 bytes is a valid HKDF-SHA-256 length");
    let (mut aes_key, mut mac_key, mut iv) = ([0u8; 32], [0u8; 32], [0u8; 16]);
    aes_key.copy_from_slice(&okm[..32]);
    mac_key.copy_from_slice(&okm[32..64]);
    iv.copy_from_slice(&okm[64..]);
    (aes_key, mac_key, iv)
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut hmac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    hmac.update(data);
    hmac.finalize().into_bytes().into()
}

/// Seals a libolm pickle body under `pickle_key` (any length).
pub fn libolm_seal(body: &[u8], pickle_key: &[u8]) -> String {
    let (aes_key, mac_key, iv) = libolm_keys(pickle_key);
    let mut out = cbc::Encryptor::<Aes256>::new(&aes_key.into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(body);
    let tag = hmac_sha256(&mac_key, &out);
    out.extend_from_slice(&tag[..8]);
    base64::encode(&out)
}

/// Opens a libolm pickle: the body, or `None` if anything is wrong.
pub fn libolm_open(pickle: &str, pickle_key: &[u8]) -> Option<Vec<u8>> {
    let (aes_key, mac_key, iv) = libolm_keys(pickle_key);
    let raw = base64::decode(pickle).ok()?;
    let split = raw.len().checked_sub(8)?;
    let (ciphertext, tag) = raw.split_at(split);
    if hmac_sha256(&mac_key, ciphertext)[..8] != *tag {
        return None;
    }
    cbc::Decryptor::<Aes256>::new(&aes_key.into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .ok()
}

/// The object-type byte of a native pickle (spec/pickle.md PICKLE-NATIVE-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeObject {
    Account = 1,
    Session = 2,
    GroupSession = 3,
    InboundGroupSession = 4,
    PkDecryption = 5,
}

/// Native format version byte.
pub const NATIVE_VERSION: u8 = 1;

/// Seals a native pickle body under `key` with `nonce`, with any header bytes (so a target can
/// also try wrong versions and object types under a valid tag).
pub fn native_seal_raw(header: [u8; 2], body: &[u8], key: &[u8; 32], nonce: &[u8; 24]) -> String {
    let mut buffer = body.to_vec();
    let tag = XChaCha20Poly1305::new(key.into())
        .encrypt_inout_detached(&XNonce::from(*nonce), &header, buffer.as_mut_slice().into())
        .expect("a small body");
    let mut out = Vec::with_capacity(2 + 24 + buffer.len() + 16);
    out.extend_from_slice(&header);
    out.extend_from_slice(nonce);
    out.extend_from_slice(&buffer);
    out.extend_from_slice(&tag);
    base64::encode(&out)
}

/// Seals a native pickle body of `object` under `key` with `nonce`.
pub fn native_seal(object: NativeObject, body: &[u8], key: &[u8; 32], nonce: &[u8; 24]) -> String {
    native_seal_raw([NATIVE_VERSION, object as u8], body, key, nonce)
}

/// Opens a native pickle: (header, nonce, body), or `None` if anything is wrong.
pub fn native_open(pickle: &str, key: &[u8; 32]) -> Option<([u8; 2], [u8; 24], Vec<u8>)> {
    let raw = base64::decode(pickle).ok()?;
    if raw.len() < 2 + 24 + 16 {
        return None;
    }
    let header: [u8; 2] = raw[..2].try_into().ok()?;
    let nonce: [u8; 24] = raw[2..26].try_into().ok()?;
    let tag_start = raw.len() - 16;
    let mut body = raw[26..tag_start].to_vec();
    let tag = chacha20poly1305::Tag::try_from(&raw[tag_start..]).ok()?;
    XChaCha20Poly1305::new(key.into())
        .decrypt_inout_detached(
            &XNonce::from(nonce),
            &header,
            body.as_mut_slice().into(),
            &tag,
        )
        .ok()?;
    Some((header, nonce, body))
}

/// Seals a dehydrated device's plaintext (MSC3814, vodozemac 0.11): ChaCha20-Poly1305 under
/// `key` and a 12-byte `nonce`, no associated data; returns (ciphertext || tag, nonce), both
/// unpadded base64.
pub fn dehydrated_seal(body: &[u8], key: &[u8; 32], nonce: &[u8; 12]) -> (String, String) {
    let mut buffer = body.to_vec();
    let tag = chacha20poly1305::ChaCha20Poly1305::new(key.into())
        .encrypt_inout_detached(
            &chacha20poly1305::Nonce::from(*nonce),
            &[],
            buffer.as_mut_slice().into(),
        )
        .expect("a small body");
    buffer.extend_from_slice(&tag);
    (base64::encode(&buffer), base64::encode(nonce))
}

/// Opens a dehydrated device: the plaintext, or `None`.
pub fn dehydrated_open(ciphertext: &str, nonce: &str, key: &[u8; 32]) -> Option<Vec<u8>> {
    let nonce: [u8; 12] = base64::decode(nonce).ok()?.try_into().ok()?;
    let raw = base64::decode(ciphertext).ok()?;
    let split = raw.len().checked_sub(16)?;
    let mut body = raw[..split].to_vec();
    let tag = chacha20poly1305::Tag::try_from(&raw[split..]).ok()?;
    chacha20poly1305::ChaCha20Poly1305::new(key.into())
        .decrypt_inout_detached(
            &chacha20poly1305::Nonce::from(nonce),
            &[],
            body.as_mut_slice().into(),
            &tag,
        )
        .ok()?;
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let sealed = libolm_seal(b"some body", b"k");
        assert_eq!(libolm_open(&sealed, b"k").unwrap(), b"some body");
        assert!(libolm_open(&sealed, b"j").is_none());
        let key = [7u8; 32];
        let sealed = native_seal(NativeObject::Session, b"body", &key, &[1; 24]);
        let (header, nonce, body) = native_open(&sealed, &key).unwrap();
        assert_eq!(
            (header, nonce, body.as_slice()),
            ([1, 2], [1; 24], &b"body"[..])
        );
    }
}
