//! Exported Megolm session keys (version 1, unsigned) from outside text, imported as inbound
//! sessions (spec/megolm.md MEGOLM-KEY-2). Checks: never panics; an accepted key re-encodes
//! to its input and re-exports to itself at its first known index; exports at later indices
//! import to sessions that compare as worse but connected; libolm and native pickles
//! round-trip.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::megolm::{ExportedSessionKey, InboundGroupSession, SessionOrdering, SessionOrigin};
use protee::types::base64;
use protee_fuzz::fixtures::{NATIVE_KEY, PICKLE_KEY};
use protee_fuzz::{rng::SeedRng, take_byte};

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let mode = take_byte(&mut data);
    let text = if mode.is_multiple_of(2) {
        match std::str::from_utf8(data) {
            Ok(t) => t.to_owned(),
            Err(_) => return,
        }
    } else {
        // Raw bytes: version 1 | counter | ratchet | Ed25519 key (only valid points pass).
        base64::encode(data)
    };
    let Ok(key) = ExportedSessionKey::from_base64(&text) else {
        return;
    };
    assert_eq!(
        key.to_base64(),
        text,
        "accepted a non-canonical exported key"
    );
    let mut session = match InboundGroupSession::import(&key) {
        Ok(s) => s,
        Err(e) => {
            let _ = format!("{e} {e:?}");
            return;
        }
    };
    assert_eq!(session.origin(), SessionOrigin::Imported);
    assert!(!session.libolm_is_verified());
    assert_eq!(session.export_at_first_known_index().to_base64(), text);
    let first = session.first_known_index();
    let step = u32::from(mode >> 1) * 37 + 1;
    let later_index = first.wrapping_add(step);
    let later = session
        .export_at(later_index)
        .expect("an index after the first is known");
    let later_session = InboundGroupSession::import(&later).unwrap();
    assert_eq!(later_session.first_known_index(), later_index);
    assert_eq!(session.compare(&later_session), SessionOrdering::Better);
    assert_eq!(later_session.compare(&session), SessionOrdering::Worse);
    assert_eq!(
        session.merge(&later_session).unwrap().first_known_index(),
        first
    );
    let pickle = session.to_libolm_pickle(PICKLE_KEY);
    let loaded = InboundGroupSession::from_libolm_pickle(&pickle, PICKLE_KEY).unwrap();
    assert_eq!(loaded.to_libolm_pickle(PICKLE_KEY), pickle);
    let native = session.pickle_with_rng(&NATIVE_KEY, &mut SeedRng::new(data));
    let loaded = InboundGroupSession::from_pickle(&native, &NATIVE_KEY).unwrap();
    assert_eq!(loaded.to_libolm_pickle(PICKLE_KEY), pickle);
    // Advancing the first known index forgets the earlier keys.
    assert!(session.advance_to(later_index));
    assert_eq!(session.first_known_index(), later_index);
    assert_eq!(
        session.export_at_first_known_index().to_base64(),
        later.to_base64()
    );
});
