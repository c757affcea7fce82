//! Megolm between protee and vodozemac, both directions, through the base64 forms a client
//! sends: session keys, messages and exports; and compare, connected and merge agree on the
//! same pairs of sessions.

mod common;

use common::TestRng;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
    SessionOrdering,
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

/// A copy of a vodozemac session (it is not `Clone`; its pickle is a lossless copy).
fn vz_copy(session: &vz::InboundGroupSession) -> vz::InboundGroupSession {
    vz::InboundGroupSession::from_pickle(session.pickle())
}

fn vz_ordering(ordering: vz::SessionOrdering) -> SessionOrdering {
    match ordering {
        vz::SessionOrdering::Equal => SessionOrdering::Equal,
        vz::SessionOrdering::Better => SessionOrdering::Better,
        vz::SessionOrdering::Worse => SessionOrdering::Worse,
        vz::SessionOrdering::Unconnected => SessionOrdering::Unconnected,
    }
}

/// The same session in both libraries, built from the same base64 key.
struct Twin {
    name: String,
    protee: InboundGroupSession,
    vz: vz::InboundGroupSession,
}

fn twin_from_session_key(name: &str, key: &str) -> Twin {
    Twin {
        name: name.to_owned(),
        protee: InboundGroupSession::new(&SessionKey::from_base64(key).unwrap()).unwrap(),
        vz: vz::InboundGroupSession::new(
            &vz::SessionKey::from_base64(key).unwrap(),
            vz::SessionConfig::version_1(),
        ),
    }
}

fn twin_from_export(name: &str, export: &str) -> Twin {
    Twin {
        name: name.to_owned(),
        protee: InboundGroupSession::import(&ExportedSessionKey::from_base64(export).unwrap())
            .unwrap(),
        vz: vz::InboundGroupSession::import(
            &vz::ExportedSessionKey::from_base64(export).unwrap(),
            vz::SessionConfig::version_1(),
        ),
    }
}

/// Asserts that a protee session and a vodozemac session decrypt exactly the same messages to
/// the same plaintexts and indices.
fn assert_decrypt_alike(
    label: &str,
    protee: &mut InboundGroupSession,
    vz_session: &mut vz::InboundGroupSession,
    messages: &[String],
) {
    for (i, text) in messages.iter().enumerate() {
        let ours = protee.decrypt(&MegolmMessage::from_base64(text).unwrap());
        let theirs = vz_session.decrypt(&vz::MegolmMessage::from_base64(text).unwrap());
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.plaintext, b.plaintext, "{label}: message {i}");
                assert_eq!(a.message_index, b.message_index, "{label}: message {i}");
            }
            (Err(a), Err(b)) => {
                use protee::MegolmDecryptionError as E;
                let same_kind = match (&a, &b) {
                    (
                        E::UnknownMessageIndex {
                            index,
                            first_known_index,
                        },
                        vz::DecryptionError::UnknownMessageIndex(first, wanted),
                    ) => (first_known_index, index) == (first, wanted),
                    (E::InvalidMac, vz::DecryptionError::InvalidMAC(_))
                    | (E::InvalidSignature, vz::DecryptionError::Signature(_))
                    | (E::InvalidPadding, vz::DecryptionError::InvalidPadding(_)) => true,
                    _ => false,
                };
                assert!(same_kind, "{label}: message {i}: {a:?} vs {b:?}");
            }
            (a, b) => panic!(
                "{label}: message {i}: protee {a:?}, vodozemac {:?}",
                b.is_ok()
            ),
        }
    }
}

// spec/megolm.md MEGOLM-IN-5: on the same pairs of sessions, protee's compare, connected and
// merge agree with vodozemac's: the same key at different indices (signed and imported, with
// and without a moved latest cache, across the R_2 boundary at 256), a ratchet with the same
// signing key that does not connect (one byte of R_0 changed), and another session's key.
#[test]
fn compare_connected_and_merge_agree_with_vodozemac() {
    let mut alice = GroupSession::new_with_rng(&mut TestRng::new(21));
    let key_at_0 = alice.session_key().to_base64();
    let messages: Vec<String> = (0..12)
        .map(|i| alice.encrypt(format!("m{i}").as_bytes()).to_base64())
        .collect();
    let key_at_12 = alice.session_key().to_base64();
    let mut exporter =
        InboundGroupSession::new(&SessionKey::from_base64(&key_at_0).unwrap()).unwrap();
    let export =
        |exporter: &mut InboundGroupSession, i: u32| exporter.export_at(i).unwrap().to_base64();
    let forged = |export: String| {
        let mut raw = protee::types::base64::decode(&export).unwrap();
        raw[5 + 9] ^= 0x10;
        protee::types::base64::encode(&raw)
    };
    let stranger = GroupSession::new_with_rng(&mut TestRng::new(22));

    let mut twins = vec![
        twin_from_session_key("signed@0", &key_at_0),
        twin_from_session_key("signed@12", &key_at_12),
        twin_from_export("imported@0", &export(&mut exporter, 0)),
        twin_from_export("imported@5", &export(&mut exporter, 5)),
        twin_from_export("imported@12", &export(&mut exporter, 12)),
        twin_from_export("imported@263", &export(&mut exporter, 263)),
        twin_from_export("forged@5", &forged(export(&mut exporter, 5))),
        twin_from_export("forged@300", &forged(export(&mut exporter, 300))),
        twin_from_session_key("stranger@0", &stranger.session_key().to_base64()),
    ];
    // Move some latest caches: compare must look at the initial ratchets only.
    let mut moved = twin_from_session_key("signed@0, read up to 11", &key_at_0);
    let mut moved_import = twin_from_export("imported@5, read 7", &export(&mut exporter, 5));
    for (twin, read) in [
        (&mut moved, &messages[11]),
        (&mut moved_import, &messages[7]),
    ] {
        twin.protee
            .decrypt(&MegolmMessage::from_base64(read).unwrap())
            .unwrap();
        twin.vz
            .decrypt(&vz::MegolmMessage::from_base64(read).unwrap())
            .unwrap();
    }
    twins.push(moved);
    twins.push(moved_import);

    let mut seen = std::collections::HashSet::new();
    let mut merged = std::collections::HashSet::new();
    for a in &twins {
        for b in &twins {
            let label = format!("{} vs {}", a.name, b.name);
            let ours = a.protee.compare(&b.protee);
            let (mut va, mut vb) = (vz_copy(&a.vz), vz_copy(&b.vz));
            assert_eq!(ours, vz_ordering(va.compare(&mut vb)), "compare {label}");
            seen.insert(format!("{ours:?}"));
            let (mut va, mut vb) = (vz_copy(&a.vz), vz_copy(&b.vz));
            assert_eq!(
                a.protee.connected(&b.protee),
                va.connected(&mut vb),
                "connected {label}"
            );
            let (mut va, mut vb) = (vz_copy(&a.vz), vz_copy(&b.vz));
            match (a.protee.merge(&b.protee), va.merge(&mut vb)) {
                (None, None) => {}
                (Some(mut ours), Some(mut theirs)) => {
                    assert_eq!(
                        ours.first_known_index(),
                        theirs.first_known_index(),
                        "merge {label}"
                    );
                    assert_eq!(
                        ours.export_at_first_known_index().to_base64(),
                        theirs.export_at_first_known_index().to_base64(),
                        "merge {label}"
                    );
                    // Decrypting is slow in a debug build: once per distinct merged session.
                    if merged.insert(ours.export_at_first_known_index().to_base64()) {
                        assert_decrypt_alike(&label, &mut ours, &mut theirs, &messages);
                    }
                }
                (a, b) => panic!(
                    "merge {label}: protee {:?}, vodozemac {:?}",
                    a.is_some(),
                    b.is_some()
                ),
            }
        }
    }
    assert_eq!(seen.len(), 4, "every ordering occurs: {seen:?}");
}

// spec/megolm.md MEGOLM-KEY-1, MEGOLM-KEY-2: session keys and exports cross both ways, at
// indices other than 0, and the sessions on either side then decrypt the same messages alike,
// whichever library sent them; exports taken from either side are identical.
#[test]
fn session_keys_and_exports_cross_both_ways() {
    // A protee sender, then a vodozemac sender.
    for sender_is_protee in [true, false] {
        let (key, messages): (String, Vec<String>) = if sender_is_protee {
            let mut alice = GroupSession::new_with_rng(&mut TestRng::new(31));
            for _ in 0..3 {
                alice.encrypt(b"before the key was shared");
            }
            let key = alice.session_key().to_base64();
            let messages = (0..30)
                .map(|i| alice.encrypt(format!("protee {i}").as_bytes()).to_base64())
                .collect();
            (key, messages)
        } else {
            let mut alice = vz::GroupSession::new(vz::SessionConfig::version_1());
            for _ in 0..3 {
                alice.encrypt("before the key was shared");
            }
            let key = alice.session_key().to_base64();
            let messages = (0..30)
                .map(|i| alice.encrypt(format!("vodozemac {i}")).to_base64())
                .collect();
            (key, messages)
        };
        let side = if sender_is_protee {
            "protee"
        } else {
            "vodozemac"
        };

        // The session key, into both.
        let Twin {
            protee: mut bob,
            vz: mut vz_bob,
            ..
        } = twin_from_session_key("bob", &key);
        assert_eq!(bob.first_known_index(), 3);
        assert_eq!(vz_bob.first_known_index(), 3);
        assert_eq!(bob.session_id(), vz_bob.session_id());
        assert_decrypt_alike(side, &mut bob, &mut vz_bob, &messages);

        // protee export → vodozemac import, vodozemac export → protee import.
        let protee_export = bob.export_at(10).unwrap().to_base64();
        let vz_export = vz_bob.export_at(17).unwrap().to_base64();
        let mut vz_carol = vz::InboundGroupSession::import(
            &vz::ExportedSessionKey::from_base64(&protee_export).unwrap(),
            vz::SessionConfig::version_1(),
        );
        let mut carol =
            InboundGroupSession::import(&ExportedSessionKey::from_base64(&vz_export).unwrap())
                .unwrap();
        assert_eq!(vz_carol.first_known_index(), 10);
        assert_eq!(carol.first_known_index(), 17);
        // Each import, against the other library's import of the same export.
        let mut protee_twin =
            InboundGroupSession::import(&ExportedSessionKey::from_base64(&protee_export).unwrap())
                .unwrap();
        let mut vz_twin = vz::InboundGroupSession::import(
            &vz::ExportedSessionKey::from_base64(&vz_export).unwrap(),
            vz::SessionConfig::version_1(),
        );
        assert_decrypt_alike(side, &mut protee_twin, &mut vz_carol, &messages);
        assert_decrypt_alike(side, &mut carol, &mut vz_twin, &messages);
        // Exports after all that reading are still the same bytes on both sides.
        for index in [17u32, 20, 32, 100] {
            assert_eq!(
                carol.export_at(index).unwrap().to_base64(),
                vz_carol.export_at(index).unwrap().to_base64(),
                "{side}: export at {index}"
            );
        }
        assert_eq!(
            protee_twin.export_at_first_known_index().to_base64(),
            protee_export
        );
        assert_eq!(vz_twin.export_at_first_known_index().to_base64(), vz_export);
    }
}
