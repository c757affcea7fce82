//! SAS with the other device's public key from outside input (spec/sas-pk.md):
//! `Sas::diffie_hellman_with_base64` on text and `Sas::diffie_hellman` on raw bytes, then every
//! output of the established SAS on a fuzzed info string, and MAC verification of a fuzzed tag.
//!
//! Checks: never panics; an accepted key re-encodes to its input; a low-order key is refused;
//! emoji indices are below 64 and decimals in 1000..=9191; every MAC verifies against itself
//! and a fuzzed tag verifies only if it is the MAC.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::sas::{EstablishedSas, Sas};
use protee::{Curve25519PublicKey, SasError};
use protee_fuzz::rng::SeedRng;
use protee_fuzz::{take, take_byte};

fn exercise(sas: &EstablishedSas, info: &[u8], tag: &str) {
    let count = usize::from(info.first().copied().unwrap_or(0)) * 33;
    match sas.bytes(info, count) {
        Ok(bytes) => assert_eq!(bytes.len(), count),
        Err(e) => assert!(count > EstablishedSas::MAX_BYTES, "{e:?}"),
    }
    assert!(sas.emoji_indices(info).iter().all(|&i| i < 64));
    assert!(
        sas.decimals(info)
            .iter()
            .all(|&d| (1000..=9191).contains(&d))
    );
    let mac = sas.calculate_mac(b"input", info);
    sas.verify_mac(b"input", info, &mac).unwrap();
    if sas.verify_mac(b"input", info, tag).is_ok() {
        assert_eq!(tag, mac);
    }
    let legacy = sas.calculate_mac_invalid_base64(b"input", info);
    sas.verify_mac_invalid_base64(b"input", info, &legacy)
        .unwrap();
    if sas.verify_mac_invalid_base64(b"input", info, tag).is_ok() {
        assert_eq!(tag, legacy);
    }
    let long = sas.calculate_mac_long_kdf(b"input", info);
    sas.verify_mac_long_kdf(b"input", info, &long).unwrap();
    if sas.verify_mac_long_kdf(b"input", info, tag).is_ok() {
        assert_eq!(tag, long);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let mode = take_byte(&mut data);
    let ours = Sas::new_with_rng(&mut SeedRng::labelled("sas", u64::from(mode >> 4)));
    let info_length = usize::from(take_byte(&mut data) % 64);
    let info = take(&mut data, info_length).to_vec();
    let tag_length = usize::from(take_byte(&mut data) % 64);
    let tag = String::from_utf8_lossy(take(&mut data, tag_length)).into_owned();
    let established = if mode.is_multiple_of(2) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        match ours.diffie_hellman_with_base64(text) {
            Ok(sas) => {
                assert_eq!(sas.their_public_key().to_base64(), text);
                sas
            }
            Err(e) => {
                let _ = format!("{e} {e:?}");
                return;
            }
        }
    } else {
        let mut key = [0u8; 32];
        let given = take(&mut data, 32);
        key[..given.len()].copy_from_slice(given);
        let their = Curve25519PublicKey::from_bytes(key);
        match ours.diffie_hellman(their) {
            Ok(sas) => {
                assert!(!their.is_low_order());
                sas
            }
            Err(e) => {
                assert_eq!(e, SasError::NonContributoryKey);
                assert!(their.is_low_order());
                return;
            }
        }
    };
    exercise(&established, &info, &tag);
});
