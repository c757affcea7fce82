//! Olm decryption of outside bytes on established sessions, and inbound session creation from
//! outside pre-key messages (spec/olm.md OLM-RECV-*, OLM-INBOUND-*).
//!
//! The first byte picks the receiver (Alice's or Bob's session of the fixed conversation, or
//! Bob's account creating a new session) and the message type; the rest is the message body.
//! Checks: never panics; a failed decryption or creation leaves the session's (account's)
//! libolm pickle byte-identical; an accepted message is one of the honest messages of the
//! conversation (authenticated bytes equal) and yields exactly its plaintext.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protee::olm::{OlmMessage, Session};
use protee_fuzz::fixtures::{self, PICKLE_KEY, Party};
use protee_fuzz::take_byte;

/// The inner normal message of any Olm message.
fn inner_bytes(m: &OlmMessage) -> Vec<u8> {
    match m {
        OlmMessage::Normal(n) => n.as_bytes().to_vec(),
        OlmMessage::PreKey(p) => p.message().as_bytes().to_vec(),
    }
}

/// The honest message whose inner message is `inner`, sent to `to`.
fn honest(to: Party, inner: &[u8]) -> Option<&'static fixtures::Sent> {
    fixtures::conversation().messages.iter().find(|s| {
        s.to == to
            && inner_bytes(
                &OlmMessage::from_type_and_bytes(s.message_type, s.bytes.clone()).unwrap(),
            ) == inner
    })
}

fn decrypt_on(session: &Session, to: Party, message: &OlmMessage) {
    let mut session = session.clone();
    let before = session.to_libolm_pickle(PICKLE_KEY).unwrap();
    match session.decrypt(message) {
        Ok(plaintext) => {
            let sent = honest(to, &inner_bytes(message))
                .expect("a message that is not one of the honest ones decrypted");
            assert!(!sent.delivered, "a message decrypted twice");
            assert_eq!(plaintext, sent.plaintext);
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            assert_eq!(
                session.to_libolm_pickle(PICKLE_KEY).unwrap(),
                before,
                "a failed decryption changed the session"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let selector = take_byte(&mut data);
    let message_type = usize::from((selector >> 2) % 3);
    let Ok(message) = OlmMessage::from_type_and_bytes(message_type, data.to_vec()) else {
        return;
    };
    let conversation = fixtures::conversation();
    match selector % 4 {
        0 => decrypt_on(&conversation.bob, Party::Bob, &message),
        1 => decrypt_on(&conversation.alice, Party::Alice, &message),
        _ => {
            let OlmMessage::PreKey(pre_key) = &message else {
                return;
            };
            let mut account = conversation.bob_account.clone();
            let before = account.to_libolm_pickle(PICKLE_KEY).unwrap();
            let alice = fixtures::alice().curve25519_key();
            let expected = if selector % 4 == 2 {
                Some(&alice)
            } else {
                None
            };
            match account.create_inbound_session(expected, pre_key) {
                Ok(created) => {
                    // Only Alice's three pre-key messages can create a session, and the one-time
                    // key is then gone.
                    let sent = honest(Party::Bob, pre_key.message().as_bytes())
                        .expect("a forged pre-key message created a session");
                    assert_eq!(created.plaintext, sent.plaintext);
                    assert_eq!(created.session.session_id(), conversation.bob.session_id());
                    assert_eq!(pre_key.one_time_key(), fixtures::bob_one_time_key());
                    assert_ne!(account.to_libolm_pickle(PICKLE_KEY).unwrap(), before);
                    assert!(
                        account
                            .remove_one_time_key(&pre_key.one_time_key())
                            .is_none()
                    );
                }
                Err(e) => {
                    let _ = format!("{e} {e:?}");
                    assert_eq!(
                        account.to_libolm_pickle(PICKLE_KEY).unwrap(),
                        before,
                        "a failed inbound session creation changed the account"
                    );
                }
            }
        }
    }
});
