//! Writes the committed seed corpus, `fuzz/corpus/<target>/seed-*`, from libolm's recorded
//! vectors (`test-vectors/libolm/*.json`: messages, pickles, keys, signatures) and from the
//! fixtures the targets use (so that the fuzzer starts from messages that decrypt).
//!
//! ```sh
//! cd fuzz && cargo run --example seed_corpus            # rewrites every seed-* file
//! ```
//!
//! Deterministic: the same vectors give the same files. Old `seed-*` files are removed first;
//! entries libFuzzer added (other names) are left alone (and ignored by git).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, Session};
use protee::pk::PkDecryption;
use protee::types::base64;
use protee_fuzz::envelope::{self, NativeObject};
use protee_fuzz::fixtures::{self, NATIVE_KEY, PICKLE_KEY};
use protee_fuzz::rng::{FixedRng, SeedRng};
use serde_json::Value;

/// Seeds per target, by name; the BTreeMap keeps the output order stable.
#[derive(Default)]
struct Corpus(BTreeMap<&'static str, BTreeMap<String, Vec<u8>>>);

impl Corpus {
    fn add(&mut self, target: &'static str, label: impl Into<String>, bytes: Vec<u8>) {
        let seeds = self.0.entry(target).or_default();
        if !seeds.values().any(|b| *b == bytes) {
            seeds.insert(label.into(), bytes);
        }
    }

    fn prefixed(
        &mut self,
        target: &'static str,
        label: impl Into<String>,
        prefix: &[u8],
        body: &[u8],
    ) {
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(body);
        self.add(target, label, bytes);
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().expect("a string")
}

/// Every string value under `v` whose key is `name`, in document order.
fn strings_named<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == name
                    && let Some(text) = child.as_str()
                {
                    out.push(text);
                }
                strings_named(child, name, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| strings_named(i, name, out)),
        _ => {}
    }
}

/// The libolm pickle seeds of one kind: the string under the vectors' key (mode 0), under the
/// empty key (mode 2), and the body sealed by the target (mode 1, vectors' key).
#[allow(clippy::too_many_arguments)]
fn libolm_pickles<T>(
    corpus: &mut Corpus,
    target: &'static str,
    native_target: &'static str,
    label: &str,
    pickle: &Value,
    load: fn(&str, &[u8]) -> Result<T, protee::PickleError>,
    native: fn(&T, &mut FixedRng) -> String,
    native_object: NativeObject,
) {
    let keyed = s(&pickle["key"]);
    corpus.prefixed(target, format!("{label}-text"), &[0], keyed.as_bytes());
    if let Some(empty) = pickle.get("empty_key").and_then(Value::as_str) {
        corpus.prefixed(target, format!("{label}-empty-key"), &[2], empty.as_bytes());
    }
    let body = envelope::libolm_open(keyed, PICKLE_KEY).expect("the vectors' pickle opens");
    let mut prefix = vec![1, PICKLE_KEY.len() as u8];
    prefix.extend_from_slice(PICKLE_KEY);
    corpus.prefixed(target, format!("{label}-body"), &prefix, &body);
    // The same object in protee's native format.
    let object = load(keyed, PICKLE_KEY).expect("protee loads the vectors' pickle");
    let nonce = [0x24u8; 24];
    let text = native(&object, &mut FixedRng(nonce.to_vec()));
    corpus.prefixed(
        native_target,
        format!("{label}-text"),
        &[0],
        text.as_bytes(),
    );
    let (header, nonce, body) = envelope::native_open(&text, &NATIVE_KEY).expect("own pickle");
    assert_eq!(header, [envelope::NATIVE_VERSION, native_object as u8]);
    let mut prefix = vec![1];
    prefix.extend_from_slice(&nonce);
    corpus.prefixed(native_target, format!("{label}-body"), &prefix, &body);
}

fn from_vectors(corpus: &mut Corpus, tag: &str, v: &Value) {
    // Olm messages: every conversation message, both as bytes and as the event body text.
    let conversation = &v["olm"]["conversation"];
    let messages = conversation["messages"].as_array().expect("messages");
    for (i, m) in messages.iter().enumerate().take(6) {
        let text = s(&m["ciphertext"]);
        let bytes = base64::decode(text).expect("base64 message");
        let t = m["message_type"].as_u64().expect("type") as u8;
        let target = if t == 0 {
            "olm_pre_key_message"
        } else {
            "olm_message"
        };
        if t == 0 {
            corpus.add(target, format!("{tag}-m{i}"), bytes.clone());
            corpus.add(target, format!("{tag}-m{i}-text"), text.as_bytes().to_vec());
            // Its inner message, as a normal message.
            let inner = wire_inner(&bytes);
            corpus.prefixed("olm_message", format!("{tag}-m{i}-inner"), &[1], &inner);
        } else {
            corpus.prefixed(target, format!("{tag}-m{i}"), &[1], &bytes);
            corpus.prefixed(target, format!("{tag}-m{i}-text"), &[1], text.as_bytes());
        }
    }

    // Megolm messages, low and high indices.
    for (list, n) in [("messages", 4), ("high_index_messages", 3)] {
        for (i, m) in v["megolm"][list]
            .as_array()
            .expect("list")
            .iter()
            .enumerate()
            .take(n)
        {
            let text = s(&m["ciphertext"]);
            corpus.add(
                "megolm_message",
                format!("{tag}-{list}-{i}"),
                base64::decode(text).unwrap(),
            );
            corpus.add(
                "megolm_message",
                format!("{tag}-{list}-{i}-text"),
                text.as_bytes().to_vec(),
            );
        }
    }

    // Session keys and exports.
    let outbound = &v["megolm"]["outbound"];
    for name in [
        "session_key_index_0",
        "session_key_index_6",
        "session_key_final",
    ] {
        corpus.prefixed(
            "megolm_session_key",
            format!("{tag}-{name}"),
            &[0],
            s(&outbound[name]).as_bytes(),
        );
    }
    let exports = v["megolm"]["inbound_from_session_key"]["exports"]
        .as_array()
        .unwrap();
    for (i, e) in exports.iter().enumerate().take(3) {
        let text = s(&e["exported_key"]);
        corpus.prefixed(
            "megolm_exported_session_key",
            format!("{tag}-export-{i}-text"),
            &[0],
            text.as_bytes(),
        );
        corpus.prefixed(
            "megolm_exported_session_key",
            format!("{tag}-export-{i}-bytes"),
            &[1],
            &base64::decode(text).unwrap(),
        );
    }

    // Keys, signatures, key ids.
    let mut curve = Vec::new();
    strings_named(v, "curve25519", &mut curve);
    strings_named(v, "public_key", &mut curve);
    for (i, key) in curve.iter().filter(|k| k.len() == 43).enumerate().take(4) {
        corpus.prefixed(
            "base64_keys",
            format!("{tag}-curve25519-{i}"),
            &[0],
            key.as_bytes(),
        );
        corpus.prefixed(
            "sas",
            format!("{tag}-their-key-{i}"),
            &[0, 4, b'i', b'n', b'f', b'o', 0],
            key.as_bytes(),
        );
    }
    let mut ed = Vec::new();
    strings_named(v, "ed25519", &mut ed);
    for (i, key) in ed.iter().filter(|k| k.len() == 43).enumerate().take(2) {
        corpus.prefixed(
            "base64_keys",
            format!("{tag}-ed25519-{i}"),
            &[1],
            key.as_bytes(),
        );
        corpus.add(
            "base64_keys",
            format!("{tag}-ed25519-{i}-raw"),
            base64::decode(key).unwrap(),
        );
    }
    let mut signatures = Vec::new();
    strings_named(v, "signature", &mut signatures);
    for (i, sig) in signatures
        .iter()
        .filter(|k| k.len() == 86)
        .enumerate()
        .take(2)
    {
        corpus.prefixed(
            "base64_keys",
            format!("{tag}-signature-{i}"),
            &[2],
            sig.as_bytes(),
        );
    }
    let mut key_ids = Vec::new();
    strings_named(v, "key_id", &mut key_ids);
    for (i, id) in key_ids.iter().enumerate().take(2) {
        corpus.prefixed(
            "base64_keys",
            format!("{tag}-key-id-{i}"),
            &[3],
            id.as_bytes(),
        );
    }
    for (i, check) in v["utility"]["ed25519_verify"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .take(2)
    {
        let line = format!(
            "{}|{}|{}",
            s(&check["key"]),
            s(&check["signature"]),
            s(&check["message"]["utf8"])
        );
        corpus.prefixed(
            "base64_keys",
            format!("{tag}-verify-{i}"),
            &[4],
            line.as_bytes(),
        );
    }

    // PK messages (for the vectors' key: they reach the MAC check of the target's key).
    for (i, e) in v["pk"]["encryptions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .take(2)
    {
        let line = format!(
            "{}|{}|{}",
            s(&e["ciphertext"]),
            s(&e["mac"]),
            s(&e["ephemeral_key"])
        );
        corpus.prefixed(
            "pk_decrypt",
            format!("{tag}-message-{i}"),
            &[0],
            line.as_bytes(),
        );
    }

    // Pickles of every kind.
    let accounts = &v["olm"]["accounts"];
    for (who, which) in [
        ("alice", "pickle_after_create"),
        ("bob", "pickle_with_unpublished_keys"),
    ] {
        libolm_pickles(
            corpus,
            "pickle_libolm_account",
            "pickle_native_account",
            &format!("{tag}-{who}"),
            &accounts[who][which],
            Account::from_libolm_pickle,
            |a, r| a.pickle_with_rng(&NATIVE_KEY, r),
            NativeObject::Account,
        );
    }
    let steps = conversation["steps"].as_array().unwrap();
    for (i, step) in steps
        .iter()
        .enumerate()
        .filter(|(i, _)| [0, 5, 9, 13, 21].contains(i))
    {
        for party in ["alice", "bob"] {
            let Some(pickle) = step["session_pickles_after"][party].as_str() else {
                continue;
            };
            let wrapped = serde_json::json!({ "key": pickle });
            libolm_pickles(
                corpus,
                "pickle_libolm_session",
                "pickle_native_session",
                &format!("{tag}-step{i}-{party}"),
                &wrapped,
                Session::from_libolm_pickle,
                |x, r| x.pickle_with_rng(&NATIVE_KEY, r),
                NativeObject::Session,
            );
        }
    }
    let megolm = &v["megolm"];
    for which in ["pickle_after_init", "pickle_final"] {
        libolm_pickles(
            corpus,
            "pickle_libolm_group_session",
            "pickle_native_group_session",
            &format!("{tag}-{which}"),
            &megolm["outbound"][which],
            GroupSession::from_libolm_pickle,
            |x, r| x.pickle_with_rng(&NATIVE_KEY, r),
            NativeObject::GroupSession,
        );
    }
    for (section, which) in [
        ("inbound_from_session_key", "pickle_fresh"),
        ("inbound_from_session_key", "pickle_after_decrypting_all"),
        ("imported_at_index_3", "pickle_fresh"),
    ] {
        libolm_pickles(
            corpus,
            "pickle_libolm_inbound_group_session",
            "pickle_native_inbound_group_session",
            &format!("{tag}-{section}-{which}"),
            &megolm[section][which],
            InboundGroupSession::from_libolm_pickle,
            |x, r| x.pickle_with_rng(&NATIVE_KEY, r),
            NativeObject::InboundGroupSession,
        );
    }
    libolm_pickles(
        corpus,
        "pickle_libolm_pk",
        "pickle_native_pk",
        &format!("{tag}-pk"),
        &v["pk"]["decryption"]["pickle"],
        PkDecryption::from_libolm_pickle,
        |x, r| x.pickle_with_rng(&NATIVE_KEY, r),
        NativeObject::PkDecryption,
    );
    // An old (version 3) account body and the raw bodies the vectors record.
    let raw = hex(s(
        &accounts["bob"]["pickle_with_unpublished_keys"]["raw_hex"],
    ));
    let mut prefix = vec![1, 0];
    corpus.prefixed(
        "pickle_libolm_account",
        format!("{tag}-bob-raw-empty-key"),
        &prefix,
        &raw,
    );
    prefix = vec![1, 0];
    let mut v3 = raw.clone();
    v3[3] = 3;
    corpus.prefixed(
        "pickle_libolm_account",
        format!("{tag}-bob-v3-body"),
        &prefix,
        &v3,
    );
}

/// The inner normal message of a canonical pre-key message.
fn wire_inner(pre_key: &[u8]) -> Vec<u8> {
    protee_fuzz::wire::pre_key_inner(pre_key).to_vec()
}

/// Seeds from the targets' own fixtures: messages that decrypt.
fn from_fixtures(corpus: &mut Corpus) {
    let conversation = fixtures::conversation();
    for (i, sent) in conversation.messages.iter().enumerate() {
        let receiver = match sent.to {
            fixtures::Party::Bob => 0,
            fixtures::Party::Alice => 1,
        };
        let selector = receiver | ((sent.message_type as u8) << 2);
        corpus.prefixed(
            "olm_decrypt",
            format!("fixture-{i}"),
            &[selector],
            &sent.bytes,
        );
        if sent.message_type == 0 {
            corpus.prefixed(
                "olm_decrypt",
                format!("fixture-{i}-create"),
                &[2],
                &sent.bytes,
            );
            corpus.prefixed(
                "olm_decrypt",
                format!("fixture-{i}-create-any"),
                &[3],
                &sent.bytes,
            );
        }
    }
    let group = fixtures::group_conversation();
    for (i, (bytes, _)) in group.messages.iter().enumerate() {
        corpus.prefixed(
            "megolm_decrypt",
            format!("fixture-{i}"),
            &[(i % 3) as u8],
            bytes,
        );
    }
    // Signed session keys made by the target itself: seed | version | counter | ratchet.
    for (i, counter) in [0u32, 1, 0xffff_fff0].iter().enumerate() {
        let mut bytes = vec![1];
        bytes.extend_from_slice(&SeedRng::labelled("seed-key", i as u64).bytes::<32>());
        bytes.push(2);
        bytes.extend_from_slice(&counter.to_be_bytes());
        bytes.extend_from_slice(&SeedRng::labelled("seed-ratchet", i as u64).bytes::<128>());
        corpus.add("megolm_session_key", format!("signed-{i}"), bytes);
    }
    // PK: untouched, replaced ciphertext, changed MAC, replaced ephemeral key.
    for mode in [1u8, 3, 5, 7] {
        let mut bytes = vec![mode];
        bytes.extend_from_slice(b"pkseed01");
        bytes.push(20);
        bytes.extend_from_slice(b"backup key plaintext");
        bytes.extend_from_slice(&[0x10; 32]);
        corpus.add("pk_decrypt", format!("structured-{mode}"), bytes);
    }
    let mut raw = vec![1, 4, b'i', b'n', b'f', b'o', 0];
    raw.extend_from_slice(&[9; 32]);
    corpus.add("sas", "raw-key", raw);
    // The stateful targets take `arbitrary` input: a few byte strings of different lengths.
    for target in ["olm_stateful", "megolm_stateful", "olm_differential"] {
        for (i, length) in [64usize, 256, 1024].iter().enumerate() {
            let mut rng = SeedRng::labelled(target, i as u64);
            let bytes: Vec<u8> = (0..*length).map(|_| rng.bytes::<1>()[0]).collect();
            corpus.add(target, format!("random-{i}"), bytes);
        }
    }
}

/// vodozemac's own pickles of the vectors' objects (loaded from their libolm pickles), as text
/// and as the JSON body the target seals itself.
fn vodozemac_pickles(corpus: &mut Corpus, tag: &str, v: &Value) {
    use protee_fuzz::imports::VODOZEMAC_KEY;
    fn add(corpus: &mut Corpus, target: &'static str, label: String, pickle: String) {
        corpus.prefixed(target, format!("{label}-text"), &[0], pickle.as_bytes());
        let json = envelope::libolm_open(&pickle, &VODOZEMAC_KEY).expect("vodozemac's envelope");
        corpus.prefixed(target, format!("{label}-json"), &[1], &json);
    }
    let accounts = &v["olm"]["accounts"];
    for who in ["alice", "bob"] {
        let pickle = accounts[who]["pickle_with_unpublished_keys"]["key"]
            .as_str()
            .unwrap_or_else(|| s(&accounts[who]["pickle_after_create"]["key"]));
        let account = vodozemac::olm::Account::from_libolm_pickle(pickle, PICKLE_KEY).unwrap();
        add(
            corpus,
            "pickle_vodozemac_account",
            format!("{tag}-{who}"),
            account.pickle().encrypt(&VODOZEMAC_KEY),
        );
    }
    // An account of vodozemac's own (seeded Ed25519 key): the same JSON with the key as a seed.
    let account = vodozemac::olm::Account::from_libolm_pickle(
        s(&accounts["alice"]["pickle_after_create"]["key"]),
        PICKLE_KEY,
    )
    .unwrap();
    let json =
        envelope::libolm_open(&account.pickle().encrypt(&VODOZEMAC_KEY), &VODOZEMAC_KEY).unwrap();
    let mut value: Value = serde_json::from_slice(&json).unwrap();
    let seed: Vec<u8> = hex(s(&accounts["alice"]["ed25519_seed_hex"]));
    value["signing_key"] = serde_json::json!({ "Normal": seed });
    corpus.prefixed(
        "pickle_vodozemac_account",
        format!("{tag}-alice-seeded-json"),
        &[1],
        &serde_json::to_vec(&value).unwrap(),
    );
    let steps = v["olm"]["conversation"]["steps"].as_array().unwrap();
    for (i, step) in steps
        .iter()
        .enumerate()
        .filter(|(i, _)| [0, 5, 13, 21].contains(i))
    {
        for party in ["alice", "bob"] {
            let Some(pickle) = step["session_pickles_after"][party].as_str() else {
                continue;
            };
            let session = vodozemac::olm::Session::from_libolm_pickle(pickle, PICKLE_KEY).unwrap();
            add(
                corpus,
                "pickle_vodozemac_session",
                format!("{tag}-step{i}-{party}"),
                session.pickle().encrypt(&VODOZEMAC_KEY),
            );
        }
    }
    let megolm = &v["megolm"];
    let group = vodozemac::megolm::GroupSession::from_libolm_pickle(
        s(&megolm["outbound"]["pickle_final"]["key"]),
        PICKLE_KEY,
    )
    .unwrap();
    add(
        corpus,
        "pickle_vodozemac_group_session",
        format!("{tag}-final"),
        group.pickle().encrypt(&VODOZEMAC_KEY),
    );
    for (section, which) in [
        ("inbound_from_session_key", "pickle_fresh"),
        ("imported_at_index_3", "pickle_fresh"),
    ] {
        let inbound = vodozemac::megolm::InboundGroupSession::from_libolm_pickle(
            s(&megolm[section][which]["key"]),
            PICKLE_KEY,
        )
        .unwrap();
        add(
            corpus,
            "pickle_vodozemac_inbound_group_session",
            format!("{tag}-{section}"),
            inbound.pickle().encrypt(&VODOZEMAC_KEY),
        );
    }
}

/// Dehydrated devices of the fixture accounts (both have seeded Ed25519 keys).
fn dehydrated_devices(corpus: &mut Corpus) {
    use protee_fuzz::imports::DEHYDRATION_KEY;
    for (name, account) in [("alice", fixtures::alice()), ("bob", fixtures::bob())] {
        let nonce = [0x31u8; 12];
        let device = account
            .to_dehydrated_device(&DEHYDRATION_KEY, &mut FixedRng(nonce.to_vec()))
            .unwrap();
        let line = format!("{}|{}", device.ciphertext, device.nonce);
        corpus.prefixed(
            "dehydrated_device",
            format!("{name}-text"),
            &[0],
            line.as_bytes(),
        );
        let body =
            envelope::dehydrated_open(&device.ciphertext, &device.nonce, &DEHYDRATION_KEY).unwrap();
        let mut prefix = vec![1];
        prefix.extend_from_slice(&nonce);
        corpus.prefixed("dehydrated_device", format!("{name}-body"), &prefix, &body);
    }
}

fn main() {
    let fuzz_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let vectors_dir = fuzz_dir.join("../test-vectors/libolm");
    let mut files: Vec<PathBuf> = fs::read_dir(&vectors_dir)
        .expect("test-vectors/libolm")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut corpus = Corpus::default();
    for (n, file) in files.iter().enumerate().take(2) {
        let v: Value = serde_json::from_slice(&fs::read(file).unwrap()).expect("vector JSON");
        assert_eq!(
            s(&v["pickle_key"]["utf8"]).as_bytes(),
            PICKLE_KEY,
            "the vectors' pickle key"
        );
        from_vectors(&mut corpus, &format!("v{n}"), &v);
        vodozemac_pickles(&mut corpus, &format!("v{n}"), &v);
    }
    from_fixtures(&mut corpus);
    dehydrated_devices(&mut corpus);
    let (mut files_written, mut bytes_written) = (0usize, 0usize);
    for (target, seeds) in &corpus.0 {
        let dir = fuzz_dir.join("corpus").join(target);
        fs::create_dir_all(&dir).unwrap();
        remove_old_seeds(&dir);
        for (label, bytes) in seeds {
            fs::write(dir.join(format!("seed-{label}")), bytes).unwrap();
            files_written += 1;
            bytes_written += bytes.len();
        }
        println!("{target}: {} seeds", seeds.len());
    }
    println!("{files_written} files, {bytes_written} bytes");
}

fn remove_old_seeds(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("seed-"))
        {
            fs::remove_file(path).unwrap();
        }
    }
}
