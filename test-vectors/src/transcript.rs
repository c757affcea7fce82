//! `protee-vectors transcript --seed SEED [--only SECTION]`: protee plays "the other
//! implementation" and prints a `protee-libolm-transcript` v1 JSON for
//! `test-vectors/generator/libolm_check.py`, which has libolm redo or read everything protee did.
//!
//! All randomness comes from the seed ([`Draws`]), so the same seed always gives the same bytes.
//! Wherever libolm has to rebuild a party (an account, or its half of a conversation), the
//! transcript carries the random bytes protee used for it, and libolm must reach the same keys
//! and ciphertexts byte for byte.

mod megolm;
mod olm;
mod pickle;
mod pk;
mod sas;
mod utility;

use std::collections::BTreeSet;
use std::process::ExitCode;

use protee::olm::{Account, OlmMessage, Session};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::replay_rng::ReplayRng;

/// Errors are messages for stderr; a failure here is a bug in protee or in this generator.
type Result<T> = std::result::Result<T, String>;

const FORMAT: &str = "protee-libolm-transcript";
const RNG_DOMAIN: &[u8] = b"protee-transcript/v1";
/// The transcript's pickle key (top-level `pickle_key`), used wherever an item gives none.
pub(crate) const PICKLE_KEY: &[u8] = b"protee transcript pickle key";

/// Every section the transcript format knows, in output order, with its generator
/// (`None`: not written yet, the section has no checks).
type Section = fn(&mut Draws) -> Result<Vec<Value>>;
const SECTIONS: &[(&str, Option<Section>)] = &[
    ("olm", Some(olm::checks)),
    ("utility", Some(utility::checks)),
    ("megolm", Some(megolm::checks)),
    ("sas", Some(sas::checks)),
    ("pk", Some(pk::checks)),
    ("pickle", Some(pickle::checks)),
];

pub fn run(args: &[String]) -> ExitCode {
    let (seed, only) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("transcript: {message}");
            eprintln!("usage: protee-vectors transcript --seed SEED [--only SECTION]");
            return ExitCode::from(2);
        }
    };
    match build(&seed, only.as_deref()) {
        Ok(transcript) => match serde_json::to_string_pretty(&transcript) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("transcript: cannot serialise: {e}");
                ExitCode::FAILURE
            }
        },
        Err(message) => {
            eprintln!("transcript: {message}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<(String, Option<String>)> {
    let mut seed = None;
    let mut only = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--seed" => seed = Some(value.clone()),
            "--only" => {
                if !SECTIONS.iter().any(|(name, _)| name == value) {
                    let names: Vec<&str> = SECTIONS.iter().map(|(name, _)| *name).collect();
                    return Err(format!(
                        "unknown section {value:?} (one of {})",
                        names.join(", ")
                    ));
                }
                only = Some(value.clone());
            }
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok((seed.ok_or("--seed is required")?, only))
}

fn build(seed: &str, only: Option<&str>) -> Result<Value> {
    let mut draws = Draws::new(seed);
    let mut checks = Vec::new();
    for (name, generate) in SECTIONS {
        if only.is_some_and(|wanted| wanted != *name) {
            continue;
        }
        match generate {
            Some(generate) => {
                let section = generate(&mut draws).map_err(|e| format!("section {name}: {e}"))?;
                eprintln!("section {name}: {} checks", section.len());
                checks.extend(section);
            }
            None if only.is_some() => {
                eprintln!("section {name}: not implemented yet, the transcript has 0 checks")
            }
            None => {}
        }
    }
    Ok(json!({
        "format": FORMAT,
        "format_version": 1,
        "producer": format!(
            "protee {} (protee-vectors transcript), seed {seed:?}",
            env!("CARGO_PKG_VERSION")
        ),
        "pickle_key": std::str::from_utf8(PICKLE_KEY).map_err(|e| e.to_string())?,
        "checks": checks,
    }))
}

/// The seeded randomness of the harness:
/// `random(label, n)` = the first `n` bytes of
/// `SHA256(D || 00 || seed || 00 || label || 00 || u32be(i))` for i = 0, 1, …,
/// with D = `protee-transcript/v1`. Each label may be drawn once, so no draw depends on the
/// order in which the transcript is written.
pub(crate) struct Draws {
    seed: String,
    labels: BTreeSet<String>,
}

impl Draws {
    fn new(seed: &str) -> Self {
        Self {
            seed: seed.to_owned(),
            labels: BTreeSet::new(),
        }
    }

    pub(crate) fn take(&mut self, label: &str, n: usize) -> Result<Vec<u8>> {
        if !self.labels.insert(label.to_owned()) {
            return Err(format!("random label drawn twice: {label}"));
        }
        let mut out = Vec::with_capacity(n);
        let mut block: u32 = 0;
        while out.len() < n {
            let digest = Sha256::new()
                .chain_update(RNG_DOMAIN)
                .chain_update([0])
                .chain_update(self.seed.as_bytes())
                .chain_update([0])
                .chain_update(label.as_bytes())
                .chain_update([0])
                .chain_update(block.to_be_bytes())
                .finalize();
            out.extend_from_slice(&digest);
            block += 1;
        }
        out.truncate(n);
        Ok(out)
    }

    pub(crate) fn take_array<const N: usize>(&mut self, label: &str) -> Result<[u8; N]> {
        let bytes = self.take(label, N)?;
        bytes
            .try_into()
            .map_err(|_| format!("{label}: wrong length"))
    }
}

/// Runs `f` with an RNG that yields exactly `bytes`, and fails unless protee drew all of them
/// and no more.
pub(crate) fn with_exact_rng<T>(
    what: &str,
    bytes: &[u8],
    f: impl FnOnce(&mut ReplayRng) -> T,
) -> Result<T> {
    let mut rng = ReplayRng::new(bytes.to_vec());
    let value = f(&mut rng);
    if rng.exactly_consumed() {
        Ok(value)
    } else {
        Err(format!(
            "{what}: protee drew {} random bytes, {} were given",
            rng.consumed(),
            bytes.len()
        ))
    }
}

/// An account as the transcript describes it: the random bytes of `olm_create_account`,
/// `olm_account_generate_one_time_keys`, each `olm_account_generate_fallback_key`, and whether
/// `olm_account_mark_keys_as_published` was called last. protee and libolm both build it.
pub(crate) struct AccountSpec {
    pub(crate) create: Vec<u8>,
    pub(crate) one_time_keys: Vec<u8>,
    pub(crate) fallback_keys: Vec<Vec<u8>>,
    pub(crate) publish: bool,
}

impl AccountSpec {
    /// Draws the random bytes for an account with `otks` one-time keys and `fallbacks`
    /// fallback keys.
    pub(crate) fn draw(
        draws: &mut Draws,
        label: &str,
        otks: usize,
        fallbacks: usize,
        publish: bool,
    ) -> Result<Self> {
        let create = draws.take(&format!("{label}/create"), 64)?;
        let one_time_keys = draws.take(&format!("{label}/one_time_keys"), 32 * otks)?;
        let fallback_keys = (0..fallbacks)
            .map(|i| draws.take(&format!("{label}/fallback_key/{i}"), 32))
            .collect::<Result<_>>()?;
        Ok(Self {
            create,
            one_time_keys,
            fallback_keys,
            publish,
        })
    }

    /// protee's account from these bytes.
    pub(crate) fn build(&self) -> Result<Account> {
        let mut account = with_exact_rng("create account", &self.create, |rng| {
            Account::new_with_rng(rng)
        })?;
        let count = self.one_time_keys.len() / 32;
        with_exact_rng("one-time keys", &self.one_time_keys, |rng| {
            account.generate_one_time_keys(count, rng)
        })?;
        for bytes in &self.fallback_keys {
            with_exact_rng("fallback key", bytes, |rng| {
                account.generate_fallback_key(rng)
            })?;
        }
        if self.publish {
            account.mark_keys_as_published();
        }
        Ok(account)
    }

    /// The transcript's account spec (`expect` is added by the caller when wanted).
    pub(crate) fn to_json(&self) -> Value {
        let mut spec = json!({ "create_random_hex": hex(&self.create) });
        if !self.one_time_keys.is_empty() {
            spec["one_time_keys_random_hex"] = hex(&self.one_time_keys).into();
        }
        if !self.fallback_keys.is_empty() {
            let hexes: Vec<String> = self.fallback_keys.iter().map(|b| hex(b)).collect();
            spec["fallback_keys_random_hex"] = hexes.into();
        }
        if self.publish {
            spec["mark_keys_as_published"] = true.into();
        }
        spec
    }
}

/// Everything the checker can compare about an account, as protee sees it.
pub(crate) fn account_expect(account: &Account) -> Value {
    let keys = |list: Vec<(protee::KeyId, protee::Curve25519PublicKey)>| -> Value {
        list.into_iter()
            .map(|(id, key)| (id.to_base64(), Value::from(key.to_base64())))
            .collect()
    };
    json!({
        "curve25519": account.curve25519_key().to_base64(),
        "ed25519": account.ed25519_key().to_base64(),
        "identity_keys_json": account.identity_keys_json(),
        "one_time_keys": keys(account.one_time_keys()),
        "fallback_key": keys(account.fallback_key().into_iter().collect()),
        "unpublished_fallback_key": keys(account.unpublished_fallback_key().into_iter().collect()),
        "max_number_of_one_time_keys": account.max_number_of_one_time_keys(),
    })
}

/// `session.encrypt` with exactly the bytes libolm's `olm_encrypt` would take.
pub(crate) fn encrypt_exact(
    session: &mut Session,
    plaintext: &[u8],
    random: &[u8],
) -> Result<OlmMessage> {
    with_exact_rng("encrypt", random, |rng| session.encrypt(plaintext, rng))
}

/// A byte field in the transcript's convention: `NAME` when the bytes are UTF-8, else `NAME_hex`.
pub(crate) fn bytes_field(name: &str, bytes: &[u8]) -> (String, Value) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (name.to_owned(), text.into()),
        Err(_) => (format!("{name}_hex"), hex(bytes).into()),
    }
}

/// Adds [`bytes_field`] to a JSON object.
pub(crate) fn with_bytes(mut object: Value, name: &str, bytes: &[u8]) -> Value {
    let (key, value) = bytes_field(name, bytes);
    object[key] = value;
    object
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
