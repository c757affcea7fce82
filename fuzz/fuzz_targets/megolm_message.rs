//! Megolm messages from outside bytes and text: `MegolmMessage::from_bytes` and `from_base64`.
//! Never panics; what is accepted is exactly the canonical encoding of its fields.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::megolm::MegolmMessage;
use protee_fuzz::wire;

fn check(m: &MegolmMessage, input: &[u8]) {
    assert_eq!(m.as_bytes(), input);
    assert!(!m.ciphertext().is_empty() && m.ciphertext().len().is_multiple_of(16));
    assert_eq!(m.mac().len(), 8);
    let canonical = wire::megolm_message(
        m.message_index(),
        m.ciphertext(),
        m.mac(),
        &m.signature().to_bytes(),
    );
    assert_eq!(canonical, input, "accepted a non-canonical Megolm message");
    let again = MegolmMessage::from_base64(&m.to_base64()).expect("own output parses");
    assert_eq!(&again, m);
    let _ = format!("{m:?}");
}

fuzz_target!(|data: &[u8]| {
    match MegolmMessage::from_bytes(data.to_vec()) {
        Ok(m) => check(&m, data),
        Err(e) => {
            let _ = format!("{e} {e:?}");
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(m) = MegolmMessage::from_base64(text)
    {
        assert_eq!(m.to_base64(), text, "accepted non-canonical base64");
        check(&m, m.as_bytes());
    }
});
