//! Megolm between protee and vodozemac, both directions, through the base64 forms a client
//! sends: session keys, messages and exports.

mod common;

use common::TestRng;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
};
use vodozemac::megolm as vz;

#[test]
fn vodozemac_reads_a_protee_room() {
    let mut alice = GroupSession::new_with_rng(&mut TestRng::new(1));
    let key = vz::SessionKey::from_base64(&alice.session_key().to_base64()).unwrap();
    let mut bob = vz::InboundGroupSession::new(&key, vz::SessionConfig::version_1());
    assert_eq!(bob.session_id(), alice.session_id());
    let messages: Vec<_> = (0..300)
        .map(|i| alice.encrypt(format!("hello {i}").as_bytes()))
        .collect();
    for i in [0usize, 299, 17, 255, 256, 1] {
        let m = vz::MegolmMessage::from_base64(&messages[i].to_base64()).unwrap();
        let d = bob.decrypt(&m).unwrap();
        assert_eq!(d.plaintext, format!("hello {i}").as_bytes());
        assert_eq!(d.message_index, i as u32);
    }
    // A vodozemac export imports into protee.
    let vz_export = bob.export_at(260).unwrap();
    let imported = InboundGroupSession::import(
        &ExportedSessionKey::from_base64(&vz_export.to_base64()).unwrap(),
    )
    .unwrap();
    assert_eq!(imported.first_known_index(), 260);
}

#[test]
fn protee_reads_a_vodozemac_room_and_exports_identically() {
    let mut alice = vz::GroupSession::new(vz::SessionConfig::version_1());
    let key = SessionKey::from_base64(&alice.session_key().to_base64()).unwrap();
    let mut bob = InboundGroupSession::new(&key).unwrap();
    let mut vz_bob =
        vz::InboundGroupSession::new(&alice.session_key(), vz::SessionConfig::version_1());
    let messages: Vec<_> = (0..70).map(|i| alice.encrypt(format!("m{i}"))).collect();
    for i in [69usize, 0, 33, 33, 68] {
        let m = MegolmMessage::from_base64(&messages[i].to_base64()).unwrap();
        let d = bob.decrypt(&m).unwrap();
        assert_eq!(d.plaintext, format!("m{i}").as_bytes());
    }
    for index in [0u32, 1, 64, 69, 1000] {
        assert_eq!(
            bob.export_at(index).unwrap().to_base64(),
            vz_bob.export_at(index).unwrap().to_base64(),
            "export at {index}"
        );
    }
}
