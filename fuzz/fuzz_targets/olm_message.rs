//! Olm normal messages (type 1) from outside bytes: `NormalMessage::from_bytes`,
//! `OlmMessage::from_type_and_bytes` with any type number, and `OlmMessage::from_parts` on the
//! event body as text. Never panics; what is accepted is exactly the canonical encoding of the
//! fields protee returns (spec/olm.md OLM-MSG-2), and round-trips through base64.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::olm::{MessageType, NormalMessage, OlmMessage};
use protee_fuzz::{take_byte, wire};

fn check_normal(m: &NormalMessage, input: &[u8]) {
    assert_eq!(m.as_bytes(), input);
    let key = m.ratchet_key();
    assert!(
        key.is_canonical(),
        "a non-canonical ratchet key was accepted"
    );
    assert!(!m.ciphertext().is_empty() && m.ciphertext().len().is_multiple_of(16));
    assert_eq!(m.mac().len(), 8);
    let canonical = wire::normal_message(key.as_bytes(), m.chain_index(), m.ciphertext(), m.mac());
    assert_eq!(canonical, input, "accepted a non-canonical normal message");
    assert_eq!(
        protee::types::base64::decode(&m.to_base64()).unwrap(),
        input
    );
    let _ = format!("{m:?}");
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let message_type = usize::from(take_byte(&mut data) % 3);

    if let Ok(m) = NormalMessage::from_bytes(data.to_vec()) {
        check_normal(&m, data);
    }

    match OlmMessage::from_type_and_bytes(message_type, data.to_vec()) {
        Ok(m) => {
            assert_eq!(m.message_type().as_usize(), message_type);
            assert_eq!(m.as_bytes(), data);
            if let OlmMessage::Normal(normal) = &m {
                check_normal(normal, data);
            }
            let (t, body) = m.to_parts();
            let again = OlmMessage::from_parts(t, &body).expect("own output parses");
            assert_eq!(again, m);
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            if message_type == 1 {
                assert!(NormalMessage::from_bytes(data.to_vec()).is_err());
            }
        }
    }

    // The event body as text, decoded as a normal message.
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(m) = OlmMessage::from_parts(MessageType::Normal.as_usize(), text)
    {
        assert_eq!(m.to_base64(), text, "accepted non-canonical base64");
        check_normal(
            match &m {
                OlmMessage::Normal(n) => n,
                OlmMessage::PreKey(_) => panic!("type 1 gave a pre-key message"),
            },
            m.as_bytes(),
        );
    }
});
