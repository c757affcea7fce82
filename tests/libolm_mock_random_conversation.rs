//! The conversation from libolm's own test suite (`MockRandom`), with libolm's outputs as
//! fixed expected values (fact sheet §9.2). Covers spec/olm.md OLM-ACCOUNT-1, OLM-ACCOUNT-2,
//! OLM-ACCOUNT-3, OLM-OTK-1, OLM-OTK-2, OLM-OTK-3, OLM-FALLBACK-2, OLM-3DH-1, OLM-3DH-2,
//! OLM-ROOT-1, OLM-SESSIONID-1, OLM-SEND-1, OLM-SEND-2, OLM-RATCHET-1, OLM-MSG-1, OLM-PREKEY-1,
//! OLM-RECV-3.

mod common;

use common::MockRandom;
use protee::olm::{Account, OlmMessage};
use protee::{Curve25519PublicKey, DecryptionError};

#[test]
fn libolm_mock_random_conversation_is_reproduced_byte_for_byte() {
    let mut rng_a = MockRandom::new(b'A', 0x00);
    let mut rng_b = MockRandom::new(b'B', 0x80);

    let alice = Account::new_with_rng(&mut rng_a);
    let mut bob = Account::new_with_rng(&mut rng_b);
    assert_eq!(
        alice.identity_keys_json(),
        r#"{"curve25519":"3i6dF5tK4UMB+RSgHR1g6Hi9hSKpp0z8alUrYyn9dUw","ed25519":"OfRjBf2SJfVkaURpFX6Iltf3Kozh2qcL636eF2VoQ54"}"#
    );
    assert_eq!(
        bob.identity_keys_json(),
        r#"{"curve25519":"oCmRYwQWRRFfWPpquDAiEA3yRbur6emb4fF7lRgB6m8","ed25519":"ewBGvl0kEcP/+7XjqHfcZGHts+y6QIoosz0YTrBwKCk"}"#
    );
    assert_eq!(
        alice.sign(b"Hello, World").to_base64(),
        "URZFQ7RHGnWA1bzNw1rHjquMiWlQKInpGRBtzVfMMZZB8QEFMvGYuFI7WpSOLjO14n0k+II4Il9WFHZwGAeWBg"
    );

    bob.generate_one_time_keys(2, &mut rng_b);
    assert_eq!(
        bob.one_time_keys_json(),
        r#"{"curve25519":{"AAAAAg":"PDe04vwtjPdqibhJmdhLU2x92yXL0Y4k9JxJxkzywhc","AAAAAQ":"0KMaE9yn/zqHIr1kWnnzhLk2teXbHT8uuxG88drKH00"}}"#
    );
    bob.generate_fallback_key(&mut rng_b);
    assert_eq!(
        bob.unpublished_fallback_key_json(),
        r#"{"curve25519":{"AAAAAw":"EwKAn4sK0Zv3eXQU+H+oVT25JnMQScNj9tvibzh/910"}}"#
    );

    let (_, bob_otk) = bob.one_time_keys()[0];
    let mut alice_session = alice
        .create_outbound_session(&bob.curve25519_key(), &bob_otk, &mut rng_a)
        .unwrap();
    let m0 = alice_session.encrypt(b"Hello, World", &mut rng_a);
    let m1 = alice_session.encrypt(b"Hello, World", &mut rng_a);
    assert_eq!(
        m0.to_parts(),
        (0, "AwogPDe04vwtjPdqibhJmdhLU2x92yXL0Y4k9JxJxkzywhcSIFDwi4mQecAUHmDUkrlRqKVXelMZjLEO9htQCKZrbfxRGiDeLp0Xm0rhQwH5FKAdHWDoeL2FIqmnTPxqVStjKf11TCI/Awog1g5NLrb43IU10JaIrjRx+lHYHfjHyMVXBLqnUeJN3RIQACIQ619h30b8XxOX+Xpinlz+3xLZNsoy2cEO".to_owned())
    );
    assert_eq!(
        m1.to_parts(),
        (0, "AwogPDe04vwtjPdqibhJmdhLU2x92yXL0Y4k9JxJxkzywhcSIFDwi4mQecAUHmDUkrlRqKVXelMZjLEO9htQCKZrbfxRGiDeLp0Xm0rhQwH5FKAdHWDoeL2FIqmnTPxqVStjKf11TCI/Awog1g5NLrb43IU10JaIrjRx+lHYHfjHyMVXBLqnUeJN3RIQASIQLoFnRqANal4EYeuC71+sKkzn3rS40JkR".to_owned())
    );
    assert_eq!(
        alice_session.session_id(),
        "11dpNnwGP3FpSDvD56RTy6OiJIGqOnSCcAvEDSJVHkI"
    );

    let OlmMessage::PreKey(pre_key) = &m0 else {
        panic!("expected a pre-key message")
    };
    let created = bob
        .create_inbound_session(Some(&alice.curve25519_key()), pre_key)
        .unwrap();
    let mut bob_session = created.session;
    assert_eq!(created.plaintext, b"Hello, World");
    assert_eq!(bob_session.session_id(), alice_session.session_id());
    // The one-time key (id 2) was consumed by the successful creation.
    assert_eq!(
        bob.one_time_keys_json(),
        r#"{"curve25519":{"AAAAAQ":"0KMaE9yn/zqHIr1kWnnzhLk2teXbHT8uuxG88drKH00"}}"#
    );
    assert!(bob_session.matches_inbound_session(pre_key));

    let reply = bob_session.encrypt(b"Hello, World", &mut rng_b);
    assert_eq!(
        reply.to_parts(),
        (
            1,
            "Awogrswj1hhfhSqXfSziK/h001A/2ZZJRXQxzYMiuzzpS3UQACIQ/MTmfLrGkqJ6Ga5gJg7hHCgVcUltM+UP"
                .to_owned()
        )
    );
    assert_eq!(alice_session.decrypt(&reply).unwrap(), b"Hello, World");
    // libolm: decrypting it a second time fails (the message key is gone).
    assert_eq!(
        alice_session.decrypt(&reply),
        Err(DecryptionError::MissingMessageKey { index: 0 })
    );
    let _ = Curve25519PublicKey::from_bytes([0; 32]);
}
