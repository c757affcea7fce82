//! libolm's pickle envelope, written here independently of protee from the fact sheet, so
//! that the vector tool can edit a pickle's body as libolm's generator did:
//! `AES key | HMAC key | IV = HKDF-SHA256(0^32, key, "Pickle", 80)`,
//! `base64(AES-256-CBC-PKCS7(body) || HMAC-SHA256(ciphertext)[0..8])`.

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use hmac::{KeyInit, Mac};
use protee::types::base64;

fn keys(pickle_key: &[u8]) -> ([u8; 32], [u8; 32], [u8; 16]) {
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

fn mac(mac_key: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut hmac = hmac::Hmac::<sha2::Sha256>::new_from_slice(mac_key).expect("any key length");
    hmac.update(ciphertext);
    hmac.finalize().into_bytes().into()
}

/// Encrypts a pickle body.
pub fn seal(body: &[u8], pickle_key: &[u8]) -> String {
    let (aes_key, mac_key, iv) = keys(pickle_key);
    let mut out = cbc::Encryptor::<Aes256>::new(&aes_key.into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(body);
    let tag = mac(&mac_key, &out);
    out.extend_from_slice(&tag[..8]);
    base64::encode(&out)
}

/// Decrypts a pickle body, checking the MAC.
pub fn open(pickle: &str, pickle_key: &[u8]) -> Result<Vec<u8>, String> {
    let (aes_key, mac_key, iv) = keys(pickle_key);
    let raw = base64::decode(pickle).map_err(|e| e.to_string())?;
    if raw.len() < 24 {
        return Err("too short".into());
    }
    let (ciphertext, tag) = raw.split_at(raw.len() - 8);
    if mac(&mac_key, ciphertext)[..8] != *tag {
        return Err("bad MAC".into());
    }
    cbc::Decryptor::<Aes256>::new(&aes_key.into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map_err(|_| "bad padding".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let sealed = seal(b"some body", b"k");
        assert_eq!(open(&sealed, b"k").unwrap(), b"some body");
        assert!(open(&sealed, b"j").is_err());
    }
}
