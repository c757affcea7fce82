//! The pickle section: every pickle libolm wrote, wherever it sits in the file. Each one is
//! loaded by protee under the fixed key and under the empty key, and written back under both:
//! the four results must equal libolm's pickles byte for byte. A wrong key must be refused.
//! spec/pickle.md PICKLE-LIBOLM-1, PICKLE-LIBOLM-2, PICKLE-LIBOLM-ACCOUNT-1,
//! PICKLE-LIBOLM-ACCOUNT-2, PICKLE-LIBOLM-SESSION-1, PICKLE-LIBOLM-SESSION-2,
//! PICKLE-LIBOLM-GROUP-1, PICKLE-LIBOLM-INBOUND-1, PICKLE-LIBOLM-PK-1 against libolm's own
//! pickles.

use protee::PickleError;
use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::Account;
use protee::olm::session::Session;
use protee::pk::PkDecryption;
use serde_json::Value;

use super::Checker;

/// Which object a pickle holds, from where it sits in the file.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Account,
    Session,
    GroupSession,
    InboundGroupSession,
    PkDecryption,
}

fn kind_of(path: &str) -> Kind {
    let last = path.rsplit('.').next().unwrap_or(path);
    if path.starts_with("pk.") {
        Kind::PkDecryption
    } else if path.starts_with("megolm.outbound.") {
        Kind::GroupSession
    } else if path.starts_with("megolm.") {
        Kind::InboundGroupSession
    } else if path.starts_with("olm.accounts.") || last.contains("account") {
        Kind::Account
    } else {
        Kind::Session
    }
}

/// Loads a pickle as `kind` and writes it back under `write_key`.
fn round_trip(
    kind: Kind,
    pickle: &str,
    key: &[u8],
    write_key: &[u8],
) -> Result<String, PickleError> {
    match kind {
        Kind::Account => Account::from_libolm_pickle(pickle, key)?.to_libolm_pickle(write_key),
        Kind::Session => Session::from_libolm_pickle(pickle, key)?.to_libolm_pickle(write_key),
        Kind::GroupSession => {
            Ok(GroupSession::from_libolm_pickle(pickle, key)?.to_libolm_pickle(write_key))
        }
        Kind::InboundGroupSession => {
            Ok(InboundGroupSession::from_libolm_pickle(pickle, key)?.to_libolm_pickle(write_key))
        }
        Kind::PkDecryption => {
            Ok(PkDecryption::from_libolm_pickle(pickle, key)?.to_libolm_pickle(write_key))
        }
    }
}

fn hex_field(root: &Value, field: &str) -> Vec<u8> {
    let hex = root[field]["hex"].as_str().unwrap_or("");
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// Every pickle in the file, wherever it sits (olm included), named by its JSON path: a value
/// under a key containing "pickle", except the top-level `pickle_key` and `empty_pickle_key`
/// (inputs, not pickles).
pub fn pickles(root: &Value, c: &mut Checker) {
    let key = hex_field(root, "pickle_key");
    let empty = hex_field(root, "empty_pickle_key");
    let mut found = Vec::new();
    find_pickles(root, "", &mut found);
    for (path, value) in found {
        let kind = kind_of(&path);
        let (with_key, with_empty) = match value {
            Value::String(s) => (s.as_str(), None),
            Value::Object(map) => (
                map.get("key").and_then(Value::as_str).unwrap_or(""),
                map.get("empty_key").and_then(Value::as_str),
            ),
            _ => ("", None),
        };
        let mut check = |name: &str, expected: &str, got: Result<String, PickleError>| {
            let name = format!("{path}.{name}");
            match got {
                Ok(got) => {
                    c.eq(&name, expected, got.as_str());
                }
                Err(e) => c.fail(
                    &name,
                    &format!("expected {kind:?} pickle {expected}, got error {e:?}"),
                ),
            }
        };
        check(
            "repickled",
            with_key,
            round_trip(kind, with_key, &key, &key),
        );
        if let Some(with_empty) = with_empty {
            check(
                "repickled_empty_key",
                with_empty,
                round_trip(kind, with_key, &key, &empty),
            );
            check(
                "empty_key_loaded",
                with_key,
                round_trip(kind, with_empty, &empty, &key),
            );
        }
        let wrong = round_trip(kind, with_key, b"wrong key", &key);
        c.eq(
            &format!("{path}.wrong_key"),
            &Err(PickleError::InvalidMac),
            &wrong.map(|_| ()),
        );
    }
}

fn find_pickles<'v>(value: &'v Value, path: &str, found: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = join(path, key);
                let is_pickle_key_input =
                    path.is_empty() && (key == "pickle_key" || key == "empty_pickle_key");
                if key.contains("pickle") && !is_pickle_key_input {
                    pickle_items(child, &child_path, found);
                } else {
                    find_pickles(child, &child_path, found);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                find_pickles(item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// A pickle is a string (one pickle under the fixed key) or a `{"key", "empty_key", "raw_hex"}`
/// object; any other object groups pickles by name (`final_pickles`, `session_pickles_after`).
/// `null` means there is nothing to pickle (a party without a session).
fn pickle_items<'v>(value: &'v Value, path: &str, found: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Null => {}
        Value::Object(map) if !map.contains_key("key") => {
            for (key, child) in map {
                pickle_items(child, &join(path, key), found);
            }
        }
        _ => found.push((path.to_owned(), value)),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A pickle under the fixed key: a string, or the `key` of a `{"key", "empty_key", "raw_hex"}`.
fn pickle_text(value: &Value) -> Option<&str> {
    value.as_str().or_else(|| value["key"].as_str())
}

/// Bytes from a `{"hex": …}` value.
fn hex_of(value: &Value) -> Vec<u8> {
    let hex = value["hex"].as_str().unwrap_or("");
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// Objects loaded from libolm's pickles must behave exactly as libolm's did: accounts sign
/// (with libolm's expanded Ed25519 key), the outbound group session encrypts, the PK key
/// decrypts, and every conversation step replayed on a session loaded from the previous
/// step's pickle leaves the session in the state libolm pickled after that step, byte for byte.
pub fn behaviour(root: &Value, c: &mut Checker) {
    let key = hex_field(root, "pickle_key");
    let key = key.as_slice();
    for name in ["alice", "bob"] {
        let account = &root["olm"]["accounts"][name];
        let at = format!("olm.accounts.{name}.loaded");
        let pickle = account["pickle_after_create"]["key"].as_str().unwrap_or("");
        let loaded = match Account::from_libolm_pickle(pickle, key) {
            Ok(a) => a,
            Err(e) => {
                c.fail(&at, &format!("expected an account, got {e:?}"));
                continue;
            }
        };
        c.eq(
            &format!("{at}.identity_keys_json"),
            account["identity_keys_json"].as_str().unwrap_or(""),
            loaded.identity_keys_json().as_str(),
        );
        for (i, s) in account["signatures"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            c.eq(
                &format!("{at}.signatures[{i}]"),
                s["signature"].as_str().unwrap_or(""),
                loaded.sign(&hex_of(&s["message"])).to_base64().as_str(),
            );
        }
    }

    let megolm = &root["megolm"];
    let pickle = megolm["outbound"]["pickle_after_init"]["key"]
        .as_str()
        .unwrap_or("");
    match GroupSession::from_libolm_pickle(pickle, key) {
        Ok(mut outbound) => {
            for (i, m) in megolm["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                if m["index"].as_u64() != Some(u64::from(outbound.message_index())) {
                    break;
                }
                c.eq(
                    &format!("megolm.outbound.loaded.messages[{i}].ciphertext"),
                    m["ciphertext"].as_str().unwrap_or(""),
                    outbound
                        .encrypt(&hex_of(&m["plaintext"]))
                        .to_base64()
                        .as_str(),
                );
            }
        }
        Err(e) => c.fail("megolm.outbound.loaded", &format!("got {e:?}")),
    }

    let pk = &root["pk"];
    let pickle = pk["decryption"]["pickle"]["key"].as_str().unwrap_or("");
    match PkDecryption::from_libolm_pickle(pickle, key) {
        Ok(decryption) => {
            c.eq(
                "pk.decryption.loaded.public_key",
                pk["decryption"]["public_key"].as_str().unwrap_or(""),
                decryption.public_key().to_base64().as_str(),
            );
            for (i, e) in pk["encryptions"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let message = protee::pk::PkMessage::from_base64(
                    e["ciphertext"].as_str().unwrap_or(""),
                    e["mac"].as_str().unwrap_or(""),
                    e["ephemeral_key"].as_str().unwrap_or(""),
                );
                let plaintext = message.and_then(|m| decryption.decrypt(&m));
                c.eq(
                    &format!("pk.decryption.loaded.encryptions[{i}].plaintext"),
                    &Ok(hex_of(&e["plaintext"])),
                    &plaintext,
                );
            }
        }
        Err(e) => c.fail("pk.decryption.loaded", &format!("got {e:?}")),
    }

    conversation(root, key, c);
}

/// Each encrypt or decrypt step, made on the acting party's session loaded from the previous
/// step's pickle (the outbound session's own pickle before step 0); the session is then
/// pickled and compared with libolm's pickle after the step.
fn conversation(root: &Value, key: &[u8], c: &mut Checker) {
    let steps = root["olm"]["conversation"]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ciphertext_of = |name: &str| {
        steps
            .iter()
            .find(|s| s["op"] == "encrypt" && s["message"] == name)
            .map(|s| {
                (
                    s["message_type"].as_u64().unwrap_or(9),
                    s["ciphertext"].as_str().unwrap_or(""),
                )
            })
    };
    let mut before = serde_json::json!({
        "alice": root["olm"]["outbound_session"]["pickle"],
        "bob": Value::Null,
    });
    for step in &steps {
        let n = step["step"].as_u64().unwrap_or(0);
        let party = step["party"].as_str().unwrap_or("");
        let at = format!("olm.conversation.steps[{n}].from_pickle");
        let pickle = pickle_text(&before[party]);
        let after = pickle_text(&step["session_pickles_after"][party]).unwrap_or("");
        let op = step["op"].as_str().unwrap_or("");
        if let (Some(pickle), "encrypt" | "decrypt") = (pickle, op) {
            let mut session = match Session::from_libolm_pickle(pickle, key) {
                Ok(s) => s,
                Err(e) => {
                    c.fail(&at, &format!("expected a session, got {e:?}"));
                    before = step["session_pickles_after"].clone();
                    continue;
                }
            };
            if op == "encrypt" {
                let mut rng = crate::replay_rng::ReplayRng::new(hex_of(&step["random"]));
                let message = session.encrypt(&hex_of(&step["plaintext"]), &mut rng);
                let (_, body) = message.to_parts();
                c.eq(
                    &format!("{at}.ciphertext"),
                    step["ciphertext"].as_str().unwrap_or(""),
                    body.as_str(),
                );
            } else {
                let name = step["message"].as_str().unwrap_or("");
                let plaintext = ciphertext_of(name)
                    .and_then(|(t, body)| {
                        protee::olm::messages::OlmMessage::from_parts(t as usize, body).ok()
                    })
                    .map(|m| session.decrypt(&m));
                c.eq(
                    &format!("{at}.plaintext"),
                    &Some(Ok(hex_of(&step["plaintext"]))),
                    &plaintext,
                );
            }
            match session.to_libolm_pickle(key) {
                Ok(pickled) => {
                    c.eq(&format!("{at}.pickle_after"), after, pickled.as_str());
                }
                Err(e) => c.fail(&format!("{at}.pickle_after"), &format!("got {e:?}")),
            }
        }
        before = step["session_pickles_after"].clone();
    }
}
