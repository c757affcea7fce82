//! Olm pre-key messages (type 0) from outside bytes: `PreKeyMessage::from_bytes` and
//! `OlmMessage::from_parts(0, text)`. Never panics; what is accepted is exactly the canonical
//! encoding of its fields, outer and inner (spec/olm.md OLM-PREKEY-2), and every key in it is
//! canonical.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::olm::{OlmMessage, PreKeyMessage};
use protee_fuzz::wire;

fn check(m: &PreKeyMessage, input: &[u8]) {
    assert_eq!(m.as_bytes(), input);
    for key in [m.one_time_key(), m.base_key(), m.identity_key()] {
        assert!(key.is_canonical(), "a non-canonical outer key was accepted");
    }
    let inner = m.message();
    assert!(inner.ratchet_key().is_canonical());
    let inner_bytes = wire::normal_message(
        inner.ratchet_key().as_bytes(),
        inner.chain_index(),
        inner.ciphertext(),
        inner.mac(),
    );
    assert_eq!(
        inner_bytes,
        inner.as_bytes(),
        "non-canonical inner message accepted"
    );
    let canonical = wire::pre_key_message(
        m.one_time_key().as_bytes(),
        m.base_key().as_bytes(),
        m.identity_key().as_bytes(),
        &inner_bytes,
    );
    assert_eq!(canonical, input, "accepted a non-canonical pre-key message");
    assert_eq!(m.session_id().len(), 43);
    let _ = format!("{m:?}");
}

fuzz_target!(|data: &[u8]| {
    match PreKeyMessage::from_bytes(data.to_vec()) {
        Ok(m) => {
            check(&m, data);
            let parsed = OlmMessage::from_type_and_bytes(0, data.to_vec()).unwrap();
            assert_eq!(parsed, OlmMessage::PreKey(m));
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(OlmMessage::PreKey(m)) = OlmMessage::from_parts(0, text)
    {
        assert_eq!(m.to_base64(), text, "accepted non-canonical base64");
        check(&m, m.as_bytes());
    }
});
