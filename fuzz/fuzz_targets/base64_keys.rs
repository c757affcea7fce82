//! Keys, signatures and key ids from outside text and bytes (spec/olm.md OLM-B64-1,
//! OLM-B64-2, OLM-SIG-1): `Curve25519PublicKey::from_base64`, `Ed25519PublicKey::from_base64`
//! and `from_slice`, `Ed25519Signature::from_base64` and `from_slice`, `types::base64::decode`,
//! `utility::ed25519_verify`, and key ids. Checks: never panics; whatever is accepted
//! re-encodes to exactly its input (one canonical spelling); vodozemac accepts every key and
//! signature protee accepts, with the same bytes; a signature verified by protee also verifies
//! with vodozemac.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::types::{KeyId, base64};
use protee::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature};
use protee_fuzz::take_byte;

fn text_checks(selector: u8, text: &str) {
    match selector % 5 {
        0 => {
            if let Ok(key) = Curve25519PublicKey::from_base64(text) {
                assert_eq!(key.to_base64(), text);
                let theirs = vodozemac::Curve25519PublicKey::from_base64(text)
                    .expect("vodozemac refuses a Curve25519 key protee accepts");
                assert_eq!(&theirs.to_bytes(), key.as_bytes());
            }
        }
        1 => {
            if let Ok(key) = Ed25519PublicKey::from_base64(text) {
                assert_eq!(key.to_base64(), text);
                assert_eq!(Ed25519PublicKey::from_slice(key.as_bytes()).unwrap(), key);
                let theirs = vodozemac::Ed25519PublicKey::from_base64(text)
                    .expect("vodozemac refuses an Ed25519 key protee accepts");
                assert_eq!(theirs.as_bytes(), key.as_bytes());
            }
        }
        2 => {
            if let Ok(sig) = Ed25519Signature::from_base64(text) {
                assert_eq!(sig.to_base64(), text);
                let theirs = vodozemac::Ed25519Signature::from_base64(text)
                    .expect("vodozemac refuses a signature protee accepts");
                assert_eq!(theirs.to_bytes(), sig.to_bytes());
            }
        }
        3 => {
            if let Ok(bytes) = base64::decode(text) {
                assert_eq!(
                    base64::encode(&bytes),
                    text,
                    "non-canonical base64 accepted"
                );
                if let Ok(id) = <[u8; 4]>::try_from(bytes.as_slice()) {
                    let id = KeyId::from(u32::from_be_bytes(id));
                    assert_eq!(id.to_base64(), text);
                }
            }
        }
        _ => {
            // "key|signature|message"
            let mut parts = text.splitn(3, '|');
            let (Some(key), Some(sig), Some(message)) = (parts.next(), parts.next(), parts.next())
            else {
                return;
            };
            if protee::utility::ed25519_verify(key, message.as_bytes(), sig).is_ok() {
                let key = vodozemac::Ed25519PublicKey::from_base64(key).unwrap();
                let sig = vodozemac::Ed25519Signature::from_base64(sig).unwrap();
                key.verify(message.as_bytes(), &sig)
                    .expect("vodozemac refuses a signature protee verified");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let selector = take_byte(&mut data);
    if let Ok(text) = std::str::from_utf8(data) {
        text_checks(selector, text);
    }
    // Raw bytes.
    if let Ok(key) = Ed25519PublicKey::from_slice(data) {
        assert_eq!(key.as_bytes().as_slice(), data);
        assert_eq!(
            Ed25519PublicKey::from_base64(&key.to_base64()).unwrap(),
            key
        );
    }
    if let Ok(sig) = Ed25519Signature::from_slice(data) {
        assert_eq!(sig.to_bytes().as_slice(), data);
    }
    if let Ok(bytes) = <[u8; 32]>::try_from(data) {
        let key = Curve25519PublicKey::from_bytes(bytes);
        assert_eq!(
            Curve25519PublicKey::from_base64(&key.to_base64()).unwrap(),
            key
        );
        let _ = (key.is_canonical(), key.is_low_order());
    }
    if let Ok(id) = <[u8; 4]>::try_from(data) {
        let id = KeyId::from(u32::from_be_bytes(id));
        assert_eq!(
            base64::decode_array::<4>(&id.to_base64()).unwrap(),
            id.value().to_be_bytes()
        );
    }
});
