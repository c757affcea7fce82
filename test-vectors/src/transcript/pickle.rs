//! The `pickle` section: libolm loads pickles protee wrote (case d of the transcript format),
//! for every object type, under the transcript's key and under the empty key. For each one
//! libolm must re-pickle to the identical string (so protee wrote exactly libolm's bytes for
//! that state), and the loaded object must go on working: accounts sign and expose the same
//! keys, sessions continue their conversation with protee, group sessions encrypt, decrypt and
//! export exactly as protee's do, and the PK key decrypts. After the operations libolm's
//! pickle must equal protee's pickle of its own object after the same operations.

use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{OlmMessage, Session};
use protee::pk::{PkDecryption, PkEncryption};
use serde_json::{Value, json};

use super::{
    AccountSpec, Draws, PICKLE_KEY, Result, account_expect, encrypt_exact, hex, with_bytes,
    with_exact_rng,
};

/// The keys each object is pickled under: the transcript's, and the empty key.
const KEYS: [&[u8]; 2] = [PICKLE_KEY, b""];

pub(super) fn checks(draws: &mut Draws) -> Result<Vec<Value>> {
    let mut checks = accounts(draws)?;
    checks.extend(sessions(draws)?);
    checks.extend(group_sessions(draws)?);
    checks.extend(pk(draws)?);
    Ok(checks)
}

fn pickled<E: std::fmt::Display>(
    what: &str,
    pickle: std::result::Result<String, E>,
) -> Result<String> {
    pickle.map_err(|e| format!("{what}: cannot pickle: {e}"))
}

/// Sets the item's `pickle_key` (as hex, so the empty key is explicit).
fn keyed(mut item: Value, key: &[u8]) -> Value {
    item["pickle_key_hex"] = hex(key).into();
    item
}

/// Accounts of every shape: libolm loads protee's pickle, exposes the same keys, signs the
/// same, and re-pickles to the identical string.
fn accounts(draws: &mut Draws) -> Result<Vec<Value>> {
    let shapes = [
        ("bare", 0, 0, false),
        ("keys", 7, 1, false),
        ("two-fallback-keys-published", 4, 2, true),
        ("full", 100, 3, false),
    ];
    let mut checks = Vec::new();
    for (name, otks, fallbacks, publish) in shapes {
        let label = format!("pickle/account/{name}");
        let account = AccountSpec::draw(draws, &label, otks, fallbacks, publish)?.build()?;
        let message = draws.take(&format!("{label}/message"), 40)?;
        for key in KEYS {
            let pickle = pickled(&label, account.to_libolm_pickle(key))?;
            let signature = account.sign(&message).to_base64();
            let item = json!({
                "id": format!("{label}/key-{}", key.len()),
                "type": "olm_account",
                "pickle": pickle,
                "expect": account_expect(&account),
                "signatures": [{ "message_hex": hex(&message), "signature": signature }],
                "expect_repickle_identical": true,
            });
            checks.push(keyed(item, key));
        }
    }
    Ok(checks)
}

/// A message protee sent: what libolm gets, and what it must decrypt to.
struct Sent {
    message: OlmMessage,
    plaintext: Vec<u8>,
}

/// Encrypts a numbered message with exactly the random bytes libolm would take.
fn send(draws: &mut Draws, session: &mut Session, label: &str) -> Result<(Sent, Vec<u8>)> {
    let plaintext = format!("{label} ✓").into_bytes();
    let random = draws.take(label, session.encrypt_random_length())?;
    let message = encrypt_exact(session, &plaintext, &random)?;
    Ok((Sent { message, plaintext }, random))
}

fn decrypt_step(sent: &Sent) -> Value {
    let (message_type, ciphertext) = sent.message.to_parts();
    with_bytes(
        json!({ "op": "decrypt", "message_type": message_type, "ciphertext": ciphertext }),
        "plaintext",
        &sent.plaintext,
    )
}

/// Two protee accounts with a conversation in progress (out-of-order delivery, so there are
/// skipped message keys, and a ratchet step each way). libolm loads each side's session from
/// protee's pickle, decrypts the held messages with the stored skipped keys, sends a reply
/// that must equal the one protee's side sends with the same random bytes, and then pickles
/// to what protee's side pickles to.
fn sessions(draws: &mut Draws) -> Result<Vec<Value>> {
    let label = "pickle/session";
    let alice = AccountSpec::draw(draws, &format!("{label}/alice"), 0, 0, false)?.build()?;
    let mut bob = AccountSpec::draw(draws, &format!("{label}/bob"), 1, 0, false)?.build()?;
    let (_, otk) = *bob
        .one_time_keys()
        .first()
        .ok_or("Bob has no one-time key")?;
    let random = draws.take(&format!("{label}/outbound"), 64)?;
    let mut a = with_exact_rng("outbound", &random, |rng| {
        alice.create_outbound_session(&bob.curve25519_key(), &otk, rng)
    })?
    .map_err(|e| format!("outbound: {e}"))?;
    let (first, _) = send(draws, &mut a, &format!("{label}/alice/0"))?;
    let OlmMessage::PreKey(pre_key) = &first.message else {
        return Err("the first message is not a pre-key message".into());
    };
    let mut b = bob
        .create_inbound_session(Some(&alice.curve25519_key()), pre_key)
        .map_err(|e| format!("inbound: {e}"))?
        .session;
    // Alice sends five; Bob reads the 5th, 2nd and 4th, and keeps keys for the 1st and 3rd.
    let mut from_alice = Vec::new();
    for i in 1..=5 {
        from_alice.push(send(draws, &mut a, &format!("{label}/alice/{i}"))?.0);
    }
    for i in [4, 1, 3] {
        b.decrypt(&from_alice[i].message)
            .map_err(|e| format!("bob decrypt: {e}"))?;
    }
    // Bob answers twice on a new chain; Alice reads the second and keeps a key for the first.
    let (r1, _) = send(draws, &mut b, &format!("{label}/bob/1"))?;
    let (r2, _) = send(draws, &mut b, &format!("{label}/bob/2"))?;
    a.decrypt(&r2.message)
        .map_err(|e| format!("alice decrypt: {e}"))?;

    let mut checks = Vec::new();
    // (party, its session, the held messages it reads, its reply's label)
    let parties = [
        ("bob", &b, vec![&from_alice[0], &from_alice[2]], "bob/3"),
        ("alice", &a, vec![&r1], "alice/6"),
    ];
    for (party, session, held, reply) in parties {
        for key in KEYS {
            let mut mirror = session.clone();
            let mut steps = Vec::new();
            for sent in &held {
                let plaintext = mirror
                    .decrypt(&sent.message)
                    .map_err(|e| format!("{party}: held message: {e}"))?;
                if plaintext != sent.plaintext {
                    return Err(format!("{party}: held message decrypts differently"));
                }
                steps.push(decrypt_step(sent));
            }
            let reply_label = format!("{label}/{reply}/key-{}", key.len());
            let (sent, random) = send(draws, &mut mirror, &reply_label)?;
            let (message_type, ciphertext) = sent.message.to_parts();
            steps.push(with_bytes(
                json!({
                    "op": "encrypt",
                    "random_hex": hex(&random),
                    "message_type": message_type,
                    "ciphertext": ciphertext,
                }),
                "plaintext",
                &sent.plaintext,
            ));
            let after = pickled(party, mirror.to_libolm_pickle(key))?;
            steps.push(keyed(json!({ "op": "pickle", "expect": after }), key));
            let spec = json!({
                "pickle": pickled(party, session.to_libolm_pickle(key))?,
                "expect_repickle_identical": true,
            });
            checks.push(json!({
                "id": format!("{label}/{party}/key-{}", key.len()),
                "type": "olm_session",
                "session": keyed(spec, key),
                "steps": steps,
                "expect": {
                    "session_id": session.session_id(),
                    "has_received_message": session.has_received_message(),
                },
            }));
        }
    }
    Ok(checks)
}

/// protee's outbound group session after some messages: libolm loads it, re-pickles it
/// identically, encrypts the next messages exactly as protee does, and pickles to what
/// protee pickles to after them. protee's inbound sessions (from the session key, after
/// decrypting; and imported, not yet verified) go the same way.
fn group_sessions(draws: &mut Draws) -> Result<Vec<Value>> {
    let label = "pickle/megolm";
    let random = draws.take(&format!("{label}/outbound"), 160)?;
    let mut outbound = with_exact_rng("group session", &random, GroupSession::new_with_rng)?;
    let session_key = outbound.session_key();
    let mut sent = Vec::new();
    for i in 0..300u32 {
        let plaintext = format!("{label} message {i}").into_bytes();
        let message = outbound.encrypt(&plaintext);
        sent.push((message, plaintext));
    }
    let mut checks = Vec::new();
    for key in KEYS {
        let mut mirror = outbound.clone();
        let messages: Vec<Value> = (0..5)
            .map(|i| {
                let plaintext = format!("{label} later {i}").into_bytes();
                let index = mirror.message_index();
                let message = mirror.encrypt(&plaintext);
                with_bytes(
                    json!({ "message_index": index, "ciphertext": message.to_base64() }),
                    "plaintext",
                    &plaintext,
                )
            })
            .collect();
        checks.push(keyed(
            json!({
                "id": format!("{label}/outbound/key-{}", key.len()),
                "type": "megolm_outbound",
                "pickle": outbound.to_libolm_pickle(key),
                "expect": {
                    "session_id": outbound.session_id(),
                    "message_index": outbound.message_index(),
                    "session_key": outbound.session_key().to_base64(),
                },
                "messages": messages,
                "expect_repickle_identical": true,
                "expect_pickle_after": mirror.to_libolm_pickle(key),
            }),
            key,
        ));
    }

    // Inbound from the session key, having decrypted 200..=260 (latest ratchet moved).
    let mut from_key =
        InboundGroupSession::new(&session_key).map_err(|e| format!("session key: {e}"))?;
    for (message, _) in &sent[200..=260] {
        from_key
            .decrypt(message)
            .map_err(|e| format!("decrypt: {e}"))?;
    }
    // Imported at 100, nothing decrypted yet (libolm: not verified).
    let mut exporter = from_key.clone();
    let exported = exporter
        .export_at(100)
        .map_err(|e| format!("export: {e}"))?;
    let imported = InboundGroupSession::import(&exported).map_err(|e| format!("import: {e}"))?;
    for (name, session) in [("from-session-key", from_key), ("imported", imported)] {
        for key in KEYS {
            let mut mirror = session.clone();
            let mut messages = Vec::new();
            for index in [150usize, 299, 120, 261] {
                let (message, plaintext) = &sent[index];
                let decrypted = mirror
                    .decrypt(message)
                    .map_err(|e| format!("{name}: {e}"))?;
                if &decrypted.plaintext != plaintext {
                    return Err(format!("{name}: decrypts differently"));
                }
                messages.push(with_bytes(
                    json!({ "ciphertext": message.to_base64(), "message_index": index }),
                    "plaintext",
                    plaintext,
                ));
            }
            let mut exports = Vec::new();
            for index in [100u32, 299, 1000] {
                let exported = mirror
                    .export_at(index)
                    .map_err(|e| format!("{name}: {e}"))?;
                exports
                    .push(json!({ "index": index, "exported_session_key": exported.to_base64() }));
            }
            checks.push(keyed(
                json!({
                    "id": format!("{label}/inbound/{name}/key-{}", key.len()),
                    "type": "megolm_inbound",
                    "pickle": session.to_libolm_pickle(key),
                    "expect": {
                        "session_id": session.session_id(),
                        "first_known_index": session.first_known_index(),
                        "is_verified": session.libolm_is_verified(),
                    },
                    "messages": messages,
                    "exports": exports,
                    "expect_repickle_identical": true,
                    "expect_pickle_after": mirror.to_libolm_pickle(key),
                }),
                key,
            ));
        }
    }
    Ok(checks)
}

/// protee's PK decryption key: libolm loads it, re-pickles it identically, and decrypts.
fn pk(draws: &mut Draws) -> Result<Vec<Value>> {
    let label = "pickle/pk";
    let private = draws.take(&format!("{label}/private"), 32)?;
    let decryption = with_exact_rng("pk key", &private, PkDecryption::new_with_rng)?;
    let encryption =
        PkEncryption::from_key(decryption.public_key()).map_err(|e| format!("pk: {e}"))?;
    let mut messages = Vec::new();
    for i in 0..3 {
        let plaintext = format!("{label} backup {i}").into_bytes();
        let random = draws.take(&format!("{label}/ephemeral/{i}"), 32)?;
        let message = with_exact_rng("pk encrypt", &random, |rng| {
            encryption.encrypt(&plaintext, rng)
        })?;
        messages.push(with_bytes(
            json!({
                "ephemeral_key": message.ephemeral_key_base64(),
                "mac": message.mac_base64(),
                "ciphertext": message.ciphertext_base64(),
            }),
            "plaintext",
            &plaintext,
        ));
    }
    Ok(KEYS
        .into_iter()
        .map(|key| {
            keyed(
                json!({
                    "id": format!("{label}/key-{}", key.len()),
                    "type": "pk_decrypt",
                    "pickle": decryption.to_libolm_pickle(key),
                    "public_key": decryption.public_key().to_base64(),
                    "messages": messages,
                    "expect_repickle_identical": true,
                }),
                key,
            )
        })
        .collect())
}
