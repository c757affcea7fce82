//! PK decryption (`m.megolm_backup.v1`) of outside input (spec/sas-pk.md): `PkMessage::
//! from_base64` on "ciphertext|mac|ephemeral key" text, and `PkDecryption::decrypt` on honest
//! messages whose ciphertext, MAC or ephemeral key the fuzzer replaces.
//!
//! Checks: never panics; accepted base64 parts re-encode to themselves; an untouched message
//! decrypts to its plaintext; a changed MAC is refused; a low-order ephemeral key is refused.
//! (The MAC covers only the empty string, never the ciphertext: a replaced ciphertext with valid
//! padding decrypts to garbage, as in libolm; that is the format, not a finding.)

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::pk::{PkDecryption, PkEncryption, PkMessage};
use protee::{Curve25519PublicKey, PkError};
use protee_fuzz::rng::SeedRng;
use protee_fuzz::{take, take_byte};
use std::sync::OnceLock;

fn recipient() -> &'static PkDecryption {
    static KEY: OnceLock<PkDecryption> = OnceLock::new();
    KEY.get_or_init(|| PkDecryption::new_with_rng(&mut SeedRng::labelled("pk", 0)))
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let mode = take_byte(&mut data);
    if mode.is_multiple_of(2) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let mut parts = text.splitn(3, '|');
        let (Some(ciphertext), Some(mac), Some(ephemeral)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        match PkMessage::from_base64(ciphertext, mac, ephemeral) {
            Ok(message) => {
                assert_eq!(message.ciphertext_base64(), ciphertext);
                assert_eq!(message.mac_base64(), mac);
                assert_eq!(message.ephemeral_key_base64(), ephemeral);
                if let Err(e) = recipient().decrypt(&message) {
                    let _ = format!("{e} {e:?}");
                }
            }
            Err(e) => {
                let _ = format!("{e} {e:?}");
            }
        }
        return;
    }
    let seed = take(&mut data, 8);
    let plaintext_length = usize::from(take_byte(&mut data));
    let plaintext = take(&mut data, plaintext_length);
    let encryption = PkEncryption::from_key(recipient().public_key()).unwrap();
    let mut message = encryption.encrypt(plaintext, &mut SeedRng::new(seed));
    match (mode >> 1) % 4 {
        0 => {
            assert_eq!(recipient().decrypt(&message).unwrap(), plaintext);
            return;
        }
        1 => message.ciphertext = data.to_vec(),
        2 => {
            let at = usize::from(take_byte(&mut data)) % 8;
            message.mac[at] ^= take_byte(&mut data) | 1;
            assert_eq!(recipient().decrypt(&message), Err(PkError::InvalidMac));
            return;
        }
        _ => {
            let mut key = [0u8; 32];
            let given = take(&mut data, 32);
            key[..given.len()].copy_from_slice(given);
            message.ephemeral_key = Curve25519PublicKey::from_bytes(key);
            if message.ephemeral_key.is_low_order() {
                assert_eq!(
                    recipient().decrypt(&message),
                    Err(PkError::NonContributoryKey)
                );
                return;
            }
        }
    }
    if let Err(e) = recipient().decrypt(&message) {
        let _ = format!("{e} {e:?}");
    }
});
