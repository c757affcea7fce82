//! Megolm decryption of outside bytes on an inbound group session (spec/megolm.md
//! MEGOLM-IN-*). The first byte picks the session: the fixed inbound session (verified key,
//! latest ratchet at 3), the same loaded back from its libolm pickle (origin "imported"), or a
//! session imported at index 4. Checks: never panics; a failed decryption leaves the session's
//! libolm pickle byte-identical; an accepted message is byte-for-byte one of the honest
//! messages (the signature covers everything else) and yields exactly its plaintext, as many
//! times as it is delivered.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::megolm::{InboundGroupSession, MegolmMessage};
use protee_fuzz::fixtures::{self, PICKLE_KEY};
use protee_fuzz::take_byte;

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let selector = take_byte(&mut data);
    let Ok(message) = MegolmMessage::from_bytes(data.to_vec()) else {
        return;
    };
    let group = fixtures::group_conversation();
    let mut session = match selector % 3 {
        0 => group.inbound.clone(),
        1 => InboundGroupSession::from_libolm_pickle(
            &group.inbound.to_libolm_pickle(PICKLE_KEY),
            PICKLE_KEY,
        )
        .unwrap(),
        _ => {
            let mut s = group.inbound.clone();
            InboundGroupSession::import(&s.export_at(4).unwrap()).unwrap()
        }
    };
    let before = session.to_libolm_pickle(PICKLE_KEY);
    for _ in 0..2 {
        match session.decrypt(&message) {
            Ok(decrypted) => {
                let (bytes, plaintext) = group
                    .messages
                    .iter()
                    .find(|(bytes, _)| bytes.as_slice() == data)
                    .expect("a message that is not one of the honest ones decrypted");
                assert_eq!(bytes.as_slice(), message.as_bytes());
                assert_eq!(&decrypted.plaintext, plaintext);
                assert_eq!(decrypted.message_index, message.message_index());
                assert!(message.message_index() >= session.first_known_index());
            }
            Err(e) => {
                let _ = format!("{e} {e:?}");
                assert_eq!(
                    session.to_libolm_pickle(PICKLE_KEY),
                    before,
                    "a failed decryption changed the session"
                );
                return;
            }
        }
    }
});
