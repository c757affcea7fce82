//! The `megolm` section: the outbound session (from the recorded random bytes) driven through
//! every recorded index, the wire fields of every message, and libolm's inbound sessions —
//! from the session keys at index 0 and 6, and imported from the export at index 3 — replayed
//! in the generator's order of operations.
//!
//! Order matters: libolm's index window depends on the cached latest ratchet, which moves on
//! every decrypt or export at or ahead of it. So the first inbound session goes through exactly
//! what the generator did with it: decrypt every message, make the exports, export at 3 (for
//! the import), then for each run of high-index messages export at the run's first index (the
//! generator's pickle edit) and decrypt the run.
//!
//! The high-index messages came from an outbound session whose pickle was edited to start at
//! 2^16−2 and 2^24−2. protee's outbound session reaches the 2^16 run by encrypting filler
//! messages (the ciphertext at an index depends only on the ratchet there and the plaintext);
//! for the 2^24 run it makes the generator's edit: libolm's final outbound pickle with the
//! ratchet replaced by protee's own export at the run's first index, loaded by protee.
//! Every high-index message is decrypted.

use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey, SessionOrigin,
};
use protee::types::base64;
use protee::{Ed25519SecretKey, MegolmDecryptionError};

use super::Checker;
use super::format::{self, DecodedMegolm, MegolmOutbound, to_hex};
use crate::replay_rng::ReplayRng;

/// How many filler messages protee will encrypt to reach a recorded index (libolm's pickle
/// edit skipped them). 2^16−2 is within reach; 2^24−2 is not.
const MAX_FILLER_GAP: u32 = 1 << 17;

const SESSION_KEY_LENGTH: usize = 1 + 4 + 128 + 32 + 64;
const SIGNED_LENGTH: usize = 1 + 4 + 128 + 32;

pub fn check(megolm: &format::Megolm, pickle_key: &[u8], c: &mut Checker) {
    let mut outbound = outbound(&megolm.outbound, &megolm.messages, c);
    wire_fields("messages", &megolm.messages, c);
    wire_fields("high_index_messages", &megolm.high_index_messages, c);

    let mut inbound = inbound_from_session_key(megolm, c);
    export_index_window(megolm, c);
    inbound_from_session_key_index_6(megolm, c);
    imported_at_index_3(megolm, inbound.as_mut(), c);
    high_index_messages(megolm, &mut outbound, inbound.as_mut(), pickle_key, c);
}

// ---------------------------------------------------------------------------------------------
// Outbound
// ---------------------------------------------------------------------------------------------

/// Creates the session from the recorded random bytes and drives it from index 0 to
/// `message_index_final`, encrypting each recorded message at its index and the filler at every
/// other index. Returns the session, at `message_index_final`.
fn outbound(
    recorded: &MegolmOutbound,
    messages: &[format::MegolmMessage],
    c: &mut Checker,
) -> GroupSession {
    let mut rng = ReplayRng::new(recorded.init_random.bytes.clone());
    let mut session = GroupSession::new_with_rng(&mut rng);
    c.ok("outbound.init_random.used", rng.exactly_consumed(), || {
        format!(
            "expected exactly the {} recorded random bytes to be drawn, protee drew {}",
            recorded.init_random.length,
            rng.consumed()
        )
    });
    c.eq(
        "outbound.session_id",
        recorded.session_id.as_str(),
        &session.session_id(),
    );
    c.eq(
        "outbound.message_index_after_init",
        &recorded.message_index_after_init,
        &session.message_index(),
    );
    let key0 = session.session_key().to_base64();
    c.eq(
        "outbound.session_key_index_0",
        recorded.session_key_index_0.as_str(),
        &key0,
    );
    initial_ratchet_and_signing_key(recorded, &key0, c);

    let mut pending = messages.iter().enumerate().peekable();
    let mut key6 = None;
    while session.message_index() < recorded.message_index_final {
        let index = session.message_index();
        if index == 6 {
            key6 = Some(session.session_key().to_base64());
        }
        // A recorded message behind the session can never be encrypted in order.
        while let Some((i, message)) = pending.next_if(|(_, m)| m.index < index) {
            c.fail(
                &format!("messages[{i}].ciphertext"),
                &format!(
                    "recorded at index {} after a message at a higher index",
                    message.index
                ),
            );
        }
        match pending.next_if(|(_, m)| m.index == index) {
            Some((i, message)) => {
                encrypt_and_compare(&mut session, message, &format!("messages[{i}]"), c)
            }
            None => {
                session.encrypt(&recorded.filler_plaintext.hex.0);
            }
        }
    }
    for (i, message) in pending {
        c.fail(
            &format!("messages[{i}].ciphertext"),
            &format!(
                "index {} is not below message_index_final {}",
                message.index, recorded.message_index_final
            ),
        );
    }
    match key6 {
        Some(key6) => c.eq(
            "outbound.session_key_index_6",
            recorded.session_key_index_6.as_str(),
            key6.as_str(),
        ),
        None => c.ok("outbound.session_key_index_6", false, || {
            format!(
                "the session never reached index 6 (message_index_final {})",
                recorded.message_index_final
            )
        }),
    };
    c.eq(
        "outbound.message_index_final",
        &recorded.message_index_final,
        &session.message_index(),
    );
    c.eq(
        "outbound.session_key_final",
        recorded.session_key_final.as_str(),
        &session.session_key().to_base64(),
    );
    session
}

/// spec/megolm.md MEGOLM-RATCHET-1: `ratchet_initial_hex` (libolm's R_0 … R_3 from the random
/// bytes) against the ratchet in protee's session key at index 0, and libolm's
/// expanded Ed25519 private key: loaded into protee, it must have the session's public key and
/// sign the session key exactly as the session did.
fn initial_ratchet_and_signing_key(recorded: &MegolmOutbound, key0: &str, c: &mut Checker) {
    let key0 = match base64::decode(key0) {
        Ok(bytes) if bytes.len() == SESSION_KEY_LENGTH => bytes,
        other => {
            let detail = format!("protee's session key does not decode to 229 bytes: {other:?}");
            c.fail("outbound.ratchet_initial_hex", &detail);
            c.fail("outbound.signing_key_expanded_private_hex", &detail);
            return;
        }
    };
    c.eq(
        "outbound.ratchet_initial_hex",
        to_hex(&recorded.ratchet_initial_hex.0).as_str(),
        &to_hex(&key0[5..133]),
    );
    let Ok(expanded) = <[u8; 64]>::try_from(recorded.signing_key_expanded_private_hex.0.as_slice())
    else {
        c.fail(
            "outbound.signing_key_expanded_private_hex",
            &format!(
                "expected 64 bytes, the file holds {}",
                recorded.signing_key_expanded_private_hex.0.len()
            ),
        );
        return;
    };
    let from_expanded = Ed25519SecretKey::from_expanded(&expanded);
    let got = (
        from_expanded.public_key().to_base64(),
        to_hex(&from_expanded.sign(&key0[..SIGNED_LENGTH]).to_bytes()),
    );
    let expected = (recorded.session_id.clone(), to_hex(&key0[SIGNED_LENGTH..]));
    c.eq("outbound.signing_key_expanded_private_hex", &expected, &got);
}

/// spec/megolm.md MEGOLM-CIPHER-1, MEGOLM-MSG-1: libolm's ciphertext at every recorded index.
fn encrypt_and_compare(
    session: &mut GroupSession,
    recorded: &format::MegolmMessage,
    at: &str,
    c: &mut Checker,
) {
    c.eq(
        &format!("{at}.index"),
        &recorded.index,
        &session.message_index(),
    );
    let ciphertext = session.encrypt(&recorded.plaintext.hex.0).to_base64();
    c.eq(
        &format!("{at}.ciphertext"),
        recorded.ciphertext.as_str(),
        &ciphertext,
    );
}

// ---------------------------------------------------------------------------------------------
// Wire fields
// ---------------------------------------------------------------------------------------------

fn parse(ciphertext: &str, at: &str, c: &mut Checker) -> Option<MegolmMessage> {
    match MegolmMessage::from_base64(ciphertext) {
        Ok(message) => Some(message),
        Err(e) => {
            c.fail(
                at,
                &format!("expected a Megolm message (libolm decrypted it), got error: {e}"),
            );
            None
        }
    }
}

fn wire_fields(list: &str, messages: &[format::MegolmMessage], c: &mut Checker) {
    for (i, recorded) in messages.iter().enumerate() {
        let at = format!("{list}[{i}]");
        let Some(parsed) = parse(&recorded.ciphertext, &format!("{at}.parse"), c) else {
            continue;
        };
        c.eq(
            &format!("{at}.reencoded"),
            recorded.ciphertext.as_str(),
            &parsed.to_base64(),
        );
        decoded_fields(&parsed, &recorded.decoded, &format!("{at}.decoded"), c);
    }
}

/// spec/megolm.md MEGOLM-MSG-1: version, index, ciphertext, MAC and signature where libolm
/// found them.
fn decoded_fields(message: &MegolmMessage, decoded: &DecodedMegolm, at: &str, c: &mut Checker) {
    let version = message.as_bytes().first().copied();
    c.eq(&format!("{at}.version"), &Some(decoded.version), &version);
    c.eq(
        &format!("{at}.message_index"),
        &decoded.message_index,
        &message.message_index(),
    );
    c.eq(
        &format!("{at}.ciphertext_hex"),
        to_hex(&decoded.ciphertext_hex.0).as_str(),
        &to_hex(message.ciphertext()),
    );
    c.eq(
        &format!("{at}.mac_hex"),
        to_hex(&decoded.mac_hex.0).as_str(),
        &to_hex(message.mac()),
    );
    c.eq(
        &format!("{at}.signature"),
        decoded.signature.as_str(),
        &message.signature().to_base64(),
    );
}

// ---------------------------------------------------------------------------------------------
// Inbound
// ---------------------------------------------------------------------------------------------

/// libolm's error code for a failed decrypt or export (`olm_inbound_group_session_last_error`
/// without the `OLM_` prefix): libolm reports any failure of MAC check and decryption as a bad
/// MAC.
fn libolm_code(error: &MegolmDecryptionError) -> &'static str {
    match error {
        MegolmDecryptionError::InvalidSignature => "BAD_SIGNATURE",
        MegolmDecryptionError::UnknownMessageIndex { .. } => "UNKNOWN_MESSAGE_INDEX",
        MegolmDecryptionError::InvalidMac | MegolmDecryptionError::InvalidPadding => {
            "BAD_MESSAGE_MAC"
        }
        _ => "(an error libolm does not have)",
    }
}

fn session_from_key(key: &str, at: &str, c: &mut Checker) -> Option<InboundGroupSession> {
    let session = SessionKey::from_base64(key).and_then(|key| InboundGroupSession::new(&key));
    match session {
        Ok(session) => {
            c.pass(at);
            Some(session)
        }
        Err(e) => {
            c.fail(
                at,
                &format!("expected a session (libolm made one), got error: {e}"),
            );
            None
        }
    }
}

/// Decrypts the recorded message; passes iff protee gives its plaintext and index.
fn decrypt_and_compare(
    session: &mut InboundGroupSession,
    recorded: &format::MegolmMessage,
    at: &str,
    c: &mut Checker,
) {
    let names = [format!("{at}.plaintext"), format!("{at}.message_index")];
    let decrypted = MegolmMessage::from_base64(&recorded.ciphertext)
        .map_err(|e| format!("cannot parse: {e}"))
        .and_then(|message| {
            session
                .decrypt(&message)
                .map_err(|e| format!("cannot decrypt: {e}"))
        });
    match decrypted {
        Ok(decrypted) => {
            c.eq(
                &names[0],
                to_hex(&recorded.plaintext.hex.0).as_str(),
                &to_hex(&decrypted.plaintext),
            );
            c.eq(&names[1], &recorded.index, &decrypted.message_index);
        }
        Err(e) => {
            let detail = format!("expected a plaintext (libolm decrypted it), got error: {e}");
            for name in names {
                c.fail(&name, &detail);
            }
        }
    }
}

/// Decrypts the recorded message; passes iff it fails with libolm's error code `expected`.
fn decrypt_fails(
    session: &mut InboundGroupSession,
    recorded: Option<&format::MegolmMessage>,
    expected: &str,
    at: &str,
    c: &mut Checker,
) {
    let Some(recorded) = recorded else {
        c.fail(at, "the file records no message at this index");
        return;
    };
    let got = match MegolmMessage::from_base64(&recorded.ciphertext) {
        Ok(message) => match session.decrypt(&message) {
            Ok(_) => "(no error: decrypted)".to_owned(),
            Err(e) => libolm_code(&e).to_owned(),
        },
        Err(e) => format!("(cannot parse: {e})"),
    };
    c.eq(at, expected, got.as_str());
}

/// Exports at `index`; passes iff protee exports libolm's key (or fails with libolm's error).
fn export_and_compare(
    session: &mut InboundGroupSession,
    index: u64,
    expected: Result<&str, &str>,
    at: &str,
    c: &mut Checker,
) {
    let got = match u32::try_from(index) {
        Ok(index) => session
            .export_at(index)
            .map(|key| key.to_base64())
            .map_err(|e| libolm_code(&e).to_owned()),
        Err(_) => Err(format!("(index {index} does not fit in 32 bits)")),
    };
    c.eq(
        at,
        &expected.map(str::to_owned).map_err(str::to_owned),
        &got,
    );
}

fn message_at(messages: &[format::MegolmMessage], index: u32) -> Option<&format::MegolmMessage> {
    messages.iter().find(|m| m.index == index)
}

/// From `session_key_index_0`: decrypt every message in file order, then every export in order.
/// Returns the session for the later steps of the generator.
fn inbound_from_session_key(
    megolm: &format::Megolm,
    c: &mut Checker,
) -> Option<InboundGroupSession> {
    let at = "inbound_from_session_key";
    let recorded = &megolm.inbound_from_session_key;
    let mut session = session_from_key(
        &megolm.outbound.session_key_index_0,
        &format!("{at}.created"),
        c,
    )?;
    c.eq(
        &format!("{at}.session_id"),
        recorded.session_id.as_str(),
        &session.session_id(),
    );
    c.eq(
        &format!("{at}.first_known_index"),
        &recorded.first_known_index,
        &session.first_known_index(),
    );
    c.eq(
        &format!("{at}.origin"),
        &SessionOrigin::SignedSessionKey,
        &session.origin(),
    );
    c.eq(
        &format!("{at}.is_verified_before_decrypt"),
        &recorded.is_verified_before_decrypt,
        &session.libolm_is_verified(),
    );
    for (i, message) in megolm.messages.iter().enumerate() {
        decrypt_and_compare(&mut session, message, &format!("messages[{i}].decrypt"), c);
    }
    c.eq(
        &format!("{at}.is_verified_after_decrypt"),
        &recorded.is_verified_after_decrypt,
        &session.libolm_is_verified(),
    );
    for (i, export) in recorded.exports.iter().enumerate() {
        export_and_compare(
            &mut session,
            export.index,
            Ok(&export.exported_key),
            &format!("{at}.exports[{i}]"),
            c,
        );
    }
    Some(session)
}

/// A fresh session from `session_key_index_0`; the exports attempted in the recorded order.
fn export_index_window(megolm: &format::Megolm, c: &mut Checker) {
    let at = "export_index_window";
    let Some(mut session) = session_from_key(
        &megolm.outbound.session_key_index_0,
        &format!("{at}.created"),
        c,
    ) else {
        return;
    };
    for (i, attempt) in megolm.export_index_window.attempts.iter().enumerate() {
        let name = format!("{at}.attempts[{i}]");
        let expected = match (&attempt.exported_key, &attempt.error) {
            (Some(key), None) => Ok(key.as_str()),
            (None, Some(error)) => Err(error.as_str()),
            _ => {
                c.fail(
                    &name,
                    "the file must record exactly one of exported_key, error",
                );
                continue;
            }
        };
        export_and_compare(&mut session, attempt.index, expected, &name, c);
    }
}

/// From `session_key_index_6`: messages 0–5 are before its first known index.
fn inbound_from_session_key_index_6(megolm: &format::Megolm, c: &mut Checker) {
    let at = "inbound_from_session_key_index_6";
    let recorded = &megolm.inbound_from_session_key_index_6;
    let Some(mut session) = session_from_key(
        &megolm.outbound.session_key_index_6,
        &format!("{at}.created"),
        c,
    ) else {
        return;
    };
    c.eq(
        &format!("{at}.session_id"),
        recorded.session_id.as_str(),
        &session.session_id(),
    );
    c.eq(
        &format!("{at}.first_known_index"),
        &recorded.first_known_index,
        &session.first_known_index(),
    );
    c.eq(
        &format!("{at}.is_verified"),
        &recorded.is_verified,
        &session.libolm_is_verified(),
    );
    for (i, error) in recorded.decrypt_errors.iter().enumerate() {
        decrypt_fails(
            &mut session,
            message_at(&megolm.messages, error.index),
            &error.error,
            &format!("{at}.decrypt_errors[{i}]"),
            c,
        );
    }
}

/// The first inbound session exports at 3 (after its exports); that export is imported.
fn imported_at_index_3(
    megolm: &format::Megolm,
    inbound: Option<&mut InboundGroupSession>,
    c: &mut Checker,
) {
    let at = "imported_at_index_3";
    let recorded = &megolm.imported_at_index_3;
    match inbound {
        Some(inbound) => export_and_compare(
            inbound,
            3,
            Ok(&recorded.exported_key),
            &format!("{at}.exported_key"),
            c,
        ),
        None => c.skip_because(
            &format!("{at}.exported_key"),
            "no inbound session from session_key_index_0",
        ),
    }
    let imported = ExportedSessionKey::from_base64(&recorded.exported_key)
        .and_then(|key| InboundGroupSession::import(&key));
    let mut session = match imported {
        Ok(session) => {
            c.pass(&format!("{at}.imported"));
            session
        }
        Err(e) => {
            c.fail(
                &format!("{at}.imported"),
                &format!("expected a session (libolm imported it), got error: {e}"),
            );
            return;
        }
    };
    c.eq(
        &format!("{at}.session_id"),
        recorded.session_id.as_str(),
        &session.session_id(),
    );
    c.eq(
        &format!("{at}.first_known_index"),
        &recorded.first_known_index,
        &session.first_known_index(),
    );
    c.eq(
        &format!("{at}.origin"),
        &SessionOrigin::Imported,
        &session.origin(),
    );
    c.eq(
        &format!("{at}.is_verified_before_decrypt"),
        &recorded.is_verified_before_decrypt,
        &session.libolm_is_verified(),
    );
    decrypt_fails(
        &mut session,
        message_at(&megolm.messages, 2),
        &recorded.decrypt_index_2_error,
        &format!("{at}.decrypt_index_2_error"),
        c,
    );
    match message_at(&megolm.messages, 3) {
        Some(message) => {
            decrypt_and_compare(&mut session, message, &format!("{at}.decrypt_index_3"), c)
        }
        None => c.fail(
            &format!("{at}.decrypt_index_3"),
            "the file records no message at index 3",
        ),
    }
    c.eq(
        &format!("{at}.is_verified_after_decrypt"),
        &recorded.is_verified_after_decrypt,
        &session.libolm_is_verified(),
    );
    export_and_compare(
        &mut session,
        3,
        Ok(&recorded.export_at_3_roundtrip),
        &format!("{at}.export_at_3_roundtrip"),
        c,
    );
}

// ---------------------------------------------------------------------------------------------
// High indices
// ---------------------------------------------------------------------------------------------

/// Each run of consecutive indices: the first inbound session exports at the run's first index
/// (as the generator did to edit the pickle), and decrypts the run; a fresh session from
/// `session_key_index_0` decrypts every message in order too (its cached latest ratchet jumps
/// the gaps). protee's outbound session encrypts the run if filler can reach it.
/// The generator's pickle edit: libolm's final outbound pickle (version, ratchet, counter,
/// Ed25519 key pair) with the ratchet and counter taken from `export` (`0x01 | u32 counter |
/// R0..R3 | Ed25519 public key`), sealed again and loaded by protee.
fn crafted_outbound(
    recorded: &MegolmOutbound,
    export: &ExportedSessionKey,
    pickle_key: &[u8],
) -> Result<GroupSession, String> {
    let raw = crate::libolm_envelope::open(&recorded.pickle_final.key, pickle_key)?;
    if raw != recorded.pickle_final.raw_hex.0 || raw.len() != 232 {
        return Err("pickle_final does not decrypt to its recorded 232-byte body".into());
    }
    let exported = base64::decode(&export.to_base64()).map_err(|e| e.to_string())?;
    let mut edited = raw[..4].to_vec();
    edited.extend_from_slice(&exported[5..133]);
    edited.extend_from_slice(&exported[1..5]);
    edited.extend_from_slice(&raw[136..]);
    let sealed = crate::libolm_envelope::seal(&edited, pickle_key);
    GroupSession::from_libolm_pickle(&sealed, pickle_key).map_err(|e| e.to_string())
}

fn high_index_messages(
    megolm: &format::Megolm,
    outbound: &mut GroupSession,
    mut inbound: Option<&mut InboundGroupSession>,
    pickle_key: &[u8],
    c: &mut Checker,
) {
    let mut fresh = session_from_key(
        &megolm.outbound.session_key_index_0,
        "high_index_messages.fresh_inbound.created",
        c,
    );
    let mut previous: Option<u32> = None;
    for (i, message) in megolm.high_index_messages.iter().enumerate() {
        let at = format!("high_index_messages[{i}]");
        let run_start = previous.is_none_or(|p| p.checked_add(1) != Some(message.index));
        previous = Some(message.index);

        let mut export_for_outbound = None;
        if let Some(inbound) = inbound.as_deref_mut() {
            if run_start {
                // libolm's export for the pickle edit; nothing recorded but its success.
                let exported = inbound.export_at(message.index);
                c.ok(
                    &format!("{at}.export_for_outbound"),
                    exported.is_ok(),
                    || format!("expected an export (libolm made one), got {exported:?}"),
                );
                export_for_outbound = exported.ok();
            }
            decrypt_and_compare(inbound, message, &format!("{at}.decrypt"), c);
        } else {
            c.skip_because(
                &format!("{at}.decrypt"),
                "no inbound session from session_key_index_0",
            );
        }
        if let Some(fresh) = fresh.as_mut() {
            decrypt_and_compare(fresh, message, &format!("{at}.decrypt_fresh"), c);
        }

        let gap = message.index.wrapping_sub(outbound.message_index());
        if gap > MAX_FILLER_GAP {
            match export_for_outbound.map(|e| crafted_outbound(&megolm.outbound, &e, pickle_key)) {
                Some(Ok(crafted)) => {
                    c.pass(&format!("{at}.crafted_outbound_loaded"));
                    *outbound = crafted;
                }
                Some(Err(e)) => {
                    c.fail(&format!("{at}.crafted_outbound_loaded"), &e);
                    continue;
                }
                None => {
                    c.fail(
                        &format!("{at}.crafted_outbound_loaded"),
                        "no export to build the edited outbound pickle from",
                    );
                    continue;
                }
            }
        }
        while outbound.message_index() < message.index {
            outbound.encrypt(&megolm.outbound.filler_plaintext.hex.0);
        }
        encrypt_and_compare(outbound, message, &at, c);
    }
}
