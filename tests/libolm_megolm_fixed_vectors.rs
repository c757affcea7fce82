//! libolm's own fixed Megolm values (test_group_session.cpp and the fact sheet §9.2):
//! spec/megolm.md MEGOLM-OUT-1, MEGOLM-OUT-2, MEGOLM-KEY-1, MEGOLM-KEY-2, MEGOLM-ID-1,
//! MEGOLM-IN-3.

mod common;

use core::convert::Infallible;
use protee::MegolmDecryptionError;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey, SessionOrigin,
};
use rand_core::{TryCryptoRng, TryRng};

/// Hands out a fixed byte string (libolm's test passes it as the random buffer).
struct Fixed(Vec<u8>);

impl TryRng for Fixed {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        unimplemented!()
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        unimplemented!()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(
            dst.len() <= self.0.len(),
            "asked for more random bytes than recorded"
        );
        dst.copy_from_slice(&self.0[..dst.len()]);
        self.0.drain(..dst.len());
        Ok(())
    }
}
impl TryCryptoRng for Fixed {}

const SESSION_KEY: &str = "AgAAAAAwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMzQ1Njc4OUFCREVGMDEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkRFRjAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMw0bdg1BDq4Px/slBow06q8n/B9WBfwWYyNOB8DlUmXGGwrFmaSb9bR/eY8xgERrxmP07hFmD9uqA2p8PMHdnV5ysmgufE6oLZ5+8/mWQOW3VVTnDIlnwd8oHUYRuk8TCQ";
const MESSAGE_0: &str = "AwgAEhAcbh6UpbByoyZxufQ+h2B+8XHMjhR69G8F4+qjMaFlnIXusJZX3r8LnRORG9T3DXFdbVuvIWrLyRfm4i8QRbe8VPwGRFG57B1CtmxanuP8bHtnnYqlwPsD";
const MESSAGE_1: &str = "AwgBEhDv5qWZ65JrP/v0At7IEZnorlp2z7UluD6JEyPte+OK7DzF6cCy8icYMEOY11E4kFzqHFR0fXE151PLcryFWZk2xDtGJLRHbfMBbQHbLO+jdpqemuPTvq0D";
const EXPORT_1: &str = "AQAAAAEwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMzQ1Njc4OUFCREVGMDEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkRFRjAxMjM0NTY3ODlBQkNERUYwMTL/U1oIeSuwTgK0ppZUT0QQWOs/ipqJJYIRz1Ht0Bt8Cw0bdg1BDq4Px/slBow06q8n/B9WBfwWYyNOB8DlUmXG";

fn outbound() -> GroupSession {
    let random = b"0123456789ABDEF0123456789ABCDEF".repeat(6);
    GroupSession::new_with_rng(&mut Fixed(random))
}

// spec/megolm.md MEGOLM-RATCHET-1: the session key holds the random bytes as R_0 … R_3, in
// order; MEGOLM-CIPHER-1, MEGOLM-MSG-1: the messages at index 0 and 1 (keys from the ratchet,
// AES-CBC, MAC, signature, layout) equal libolm's byte for byte.
#[test]
fn libolm_group_session_is_reproduced_byte_for_byte() {
    let mut session = outbound();
    assert_eq!(
        session.session_id(),
        "DRt2DUEOrg/H+yUGjDTqryf8H1YF/BZjI04HwOVSZcY"
    );
    assert_eq!(session.session_key().to_base64(), SESSION_KEY);
    assert_eq!(session.encrypt(b"Message").to_base64(), MESSAGE_0);
    assert_eq!(session.encrypt(b"Message").to_base64(), MESSAGE_1);
    assert_eq!(session.message_index(), 2);
}

// spec/megolm.md MEGOLM-IN-1: `new` and `import` start at the key's index, with origin
// `SignedSessionKey`, or `Imported` and libolm's flag false until a decrypt.
#[test]
fn inbound_session_decrypts_libolm_messages_and_exports_like_libolm() {
    let key = SessionKey::from_base64(SESSION_KEY).unwrap();
    let mut inbound = InboundGroupSession::new(&key).unwrap();
    assert_eq!(inbound.origin(), SessionOrigin::SignedSessionKey);
    assert_eq!(
        inbound.session_id(),
        "DRt2DUEOrg/H+yUGjDTqryf8H1YF/BZjI04HwOVSZcY"
    );
    for (text, index) in [(MESSAGE_1, 1), (MESSAGE_0, 0), (MESSAGE_0, 0)] {
        let decrypted = inbound
            .decrypt(&MegolmMessage::from_base64(text).unwrap())
            .unwrap();
        assert_eq!(decrypted.plaintext, b"Message");
        assert_eq!(decrypted.message_index, index);
    }
    assert_eq!(inbound.export_at(1).unwrap().to_base64(), EXPORT_1);

    let mut imported =
        InboundGroupSession::import(&ExportedSessionKey::from_base64(EXPORT_1).unwrap()).unwrap();
    assert_eq!(imported.origin(), SessionOrigin::Imported);
    assert!(!imported.libolm_is_verified());
    assert_eq!(imported.first_known_index(), 1);
    assert_eq!(
        imported.decrypt(&MegolmMessage::from_base64(MESSAGE_0).unwrap()),
        Err(MegolmDecryptionError::UnknownMessageIndex {
            index: 0,
            first_known_index: 1
        })
    );
    assert_eq!(
        imported
            .decrypt(&MegolmMessage::from_base64(MESSAGE_1).unwrap())
            .unwrap()
            .plaintext,
        b"Message"
    );
    // libolm's flag flips after a decrypt; the origin does not.
    assert!(imported.libolm_is_verified());
    assert_eq!(imported.origin(), SessionOrigin::Imported);
}

// libolm test_group_session.cpp "invalid signature": its own key and message; changing the
// last character of the message makes the signature fail.
#[test]
fn libolm_invalid_signature_case() {
    let key = "AgAAAAAwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMzQ1Njc4OUFCREVGMDEyMzQ1Njc4OUFCQ0RFRjAxMjM0NTY3ODlBQkRFRjAxMjM0NTY3ODlBQkNERUYwMTIzNDU2Nzg5QUJERUYwMTIzNDU2Nzg5QUJDREVGMDEyMztqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop4lx1cSN3Xv1TgfLPW8rhGiW+hHiMxd36nRuxscNv9k4oJA/KP+o0mi1wv44StrEJ1wwx9WZHBUIWkQbaBSuBDw";
    let message = "AwgAEhAcbh6UpbByoyZxufQ+h2B+8XHMjhR69G8nP4pNZGl/3QMgrzCZPmP+F2aPLyKPzxRPBMUkeXRJ6Iqm5NeOdx2eERgTW7P20CM+lL3Xpk+ZUOOPvsSQNaAL";
    let mut inbound = InboundGroupSession::new(&SessionKey::from_base64(key).unwrap()).unwrap();
    let good = MegolmMessage::from_base64(message).unwrap();
    assert_eq!(inbound.decrypt(&good).unwrap().plaintext, b"Message");
    let mut bad = message.to_owned();
    bad.replace_range(bad.len() - 1.., "E");
    let bad = MegolmMessage::from_base64(&bad).unwrap();
    assert_eq!(
        inbound.decrypt(&bad),
        Err(MegolmDecryptionError::InvalidSignature)
    );
}
