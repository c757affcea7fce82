//! Megolm session keys (version 2, signed) from outside text, and inbound sessions made from
//! them (spec/megolm.md MEGOLM-KEY-1, MEGOLM-IN-1).
//!
//! Two ways in, picked by the first byte: the rest as the base64 text of a session key (the
//! fuzzer cannot forge a signature, so this mostly exercises decoding), or the rest as the
//! parts of a key that the target signs itself with a fuzzed Ed25519 seed (so every accepted
//! path, any counter and ratchet included, is reached). Checks: never panics; an accepted key
//! re-encodes to its input; the session's id is the signing key, its first known index the
//! counter, its export at that index equals the key's unsigned part, and it survives libolm
//! and native pickling.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::megolm::{ExportedSessionKey, InboundGroupSession, SessionKey, SessionOrigin};
use protee::types::base64;
use protee_fuzz::fixtures::{NATIVE_KEY, PICKLE_KEY};
use protee_fuzz::{rng::SeedRng, take, take_byte};

fn check(text: &str) {
    let Ok(key) = SessionKey::from_base64(text) else {
        return;
    };
    assert_eq!(
        key.to_base64(),
        text,
        "accepted a non-canonical session key"
    );
    let bytes = base64::decode(text).unwrap();
    match InboundGroupSession::new(&key) {
        Ok(mut session) => {
            assert_eq!(session.origin(), SessionOrigin::SignedSessionKey);
            assert!(session.libolm_is_verified());
            let counter = u32::from_be_bytes(bytes[1..5].try_into().unwrap());
            assert_eq!(session.first_known_index(), counter);
            assert_eq!(session.signing_key().as_bytes(), &bytes[133..165]);
            assert_eq!(session.session_id(), base64::encode(&bytes[133..165]));
            let export = session.export_at_first_known_index();
            let export_bytes = base64::decode(&export.to_base64()).unwrap();
            assert_eq!(export_bytes[0], 1);
            assert_eq!(export_bytes[1..], bytes[1..165]);
            let imported = InboundGroupSession::import(
                &ExportedSessionKey::from_base64(&export.to_base64()).unwrap(),
            )
            .unwrap();
            assert_eq!(imported.origin(), SessionOrigin::Imported);
            assert_eq!(
                session.compare(&imported),
                protee::megolm::SessionOrdering::Equal
            );
            let pickle = session.to_libolm_pickle(PICKLE_KEY);
            let loaded = InboundGroupSession::from_libolm_pickle(&pickle, PICKLE_KEY).unwrap();
            assert_eq!(loaded.to_libolm_pickle(PICKLE_KEY), pickle);
            let native = session.pickle_with_rng(&NATIVE_KEY, &mut SeedRng::new(&bytes));
            let loaded = InboundGroupSession::from_pickle(&native, &NATIVE_KEY).unwrap();
            assert_eq!(loaded.to_libolm_pickle(PICKLE_KEY), pickle);
            assert_eq!(loaded.origin(), session.origin());
            // Exports further on move the latest ratchet only.
            let later = counter.wrapping_add(u32::from(bytes[5]));
            let _ = session.export_at(later);
            assert_eq!(session.first_known_index(), counter);
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    if take_byte(&mut data).is_multiple_of(2) {
        if let Ok(text) = std::str::from_utf8(data) {
            check(text);
        }
        return;
    }
    // Signed by the target: version | counter | ratchet | key from the seed | signature.
    let seed: [u8; 32] = SeedRng::new(take(&mut data, 32)).bytes();
    let signer = protee::Ed25519SecretKey::from_seed(&seed);
    let mut bytes = vec![take_byte(&mut data) % 4];
    let mut counter_and_ratchet = [0u8; 4 + 128];
    let given = take(&mut data, counter_and_ratchet.len());
    counter_and_ratchet[..given.len()].copy_from_slice(given);
    bytes.extend_from_slice(&counter_and_ratchet);
    bytes.extend_from_slice(signer.public_key().as_bytes());
    let signature = signer.sign(&bytes);
    bytes.extend_from_slice(&signature.to_bytes());
    // The remaining bytes, if any, flip bits of the signed key.
    for (i, flip) in data.iter().enumerate().take(4) {
        let at = usize::from(*flip) * 7 % bytes.len();
        bytes[at] ^= 1 << (i % 8);
    }
    check(&base64::encode(&bytes));
});
