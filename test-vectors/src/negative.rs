//! Negative vectors (`test-vectors/negative/`, format `protee-negative-vectors` v1): inputs that
//! protee must refuse, each with the exact error the spec demands.
//!
//! - `protee-vectors negative --write [DIR]` regenerates the files ([`generate`]): honest objects
//!   built from a fixed seed, then one mutation each. The generator assigns `expected_error` from
//!   the mutation and the spec rule it breaks, never from what protee returns.
//! - `protee-vectors verify FILE` ([`verify`]) loads each entry's context through protee's public
//!   API, runs the operation and compares the error; for a failed decryption it also checks that
//!   the session's (or account's) pickle is byte-identical before and after.
//!
//! Errors are compared as text: protee's error is rendered `Type::Variant` followed by its
//! `Debug` fields, with the type of a wrapped protee error written too
//! (`SessionCreationError::Decryption(DecryptionError::InvalidMac)`). `expected_error` matches
//! when it equals that rendering, or the rendering cut before its first space or parenthesis
//! (`DecryptionError::TooBigMessageGap` matches `DecryptionError::TooBigMessageGap { gap: 2001,
//! max: 2000 }`). `null` means the operation must succeed (a documented protocol limit).

mod generate;

use std::fmt::Debug;
use std::process::ExitCode;

use protee::megolm::{ExportedSessionKey, InboundGroupSession, MegolmMessage, SessionKey};
use protee::olm::{Account, OlmMessage, Session};
use protee::pk::{PkDecryption, PkEncryption, PkMessage};
use protee::sas::Sas;
use protee::types::base64;
use protee::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature, utility};
use serde::{Deserialize, Serialize};

use crate::replay_rng::ReplayRng;
use crate::verify::Report;
use crate::verify::format::{from_hex, to_hex};

pub use generate::run;

pub const FORMAT: &str = "protee-negative-vectors";
pub const FORMAT_VERSION: u32 = 1;

/// `Type::Variant…` for a protee error; see the module documentation.
pub fn render_error(type_name: &str, error: &impl Debug) -> String {
    let debug = format!("{error:?}");
    if let Some((variant, rest)) = debug.split_once('(') {
        let inner = match (type_name, variant) {
            ("SessionCreationError", "Decryption") => Some("DecryptionError"),
            ("SasError", "InvalidPublicKey" | "InvalidMacEncoding") => Some("DecodeError"),
            (
                "PkError",
                "InvalidCiphertextEncoding" | "InvalidMacEncoding" | "InvalidEphemeralKeyEncoding",
            ) => Some("DecodeError"),
            _ => None,
        };
        if let Some(inner) = inner {
            return format!("{type_name}::{variant}({inner}::{rest}");
        }
    }
    format!("{type_name}::{debug}")
}

/// Whether `expected` names the rendered error `actual` (whole, or cut before its first space
/// or parenthesis). `ok` matches only `ok`.
pub fn same_error(expected: &str, actual: &str) -> bool {
    let cut = actual.split([' ', '(']).next().unwrap_or(actual);
    expected == actual || expected == cut
}

// ---------------------------------------------------------------------------------------------
// The file format
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
pub struct NegativeFile {
    pub format: String,
    pub format_version: u32,
    pub family: String,
    pub provenance: Provenance,
    /// Objects the entries act on, by name.
    pub contexts: std::collections::BTreeMap<String, Context>,
    pub entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
pub struct Provenance {
    pub generator: String,
    pub seed: String,
    pub date: String,
    pub how: String,
    pub comparison: String,
}

/// A protee object, as a libolm pickle (deterministic, so the files regenerate byte for byte).
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Context {
    OlmSession {
        libolm_pickle: String,
        pickle_key_hex: String,
        description: String,
    },
    OlmAccount {
        libolm_pickle: String,
        pickle_key_hex: String,
        description: String,
    },
    MegolmInbound {
        libolm_pickle: String,
        pickle_key_hex: String,
        description: String,
    },
    PkDecryption {
        private_key_hex: String,
        description: String,
    },
}

#[derive(Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub rule: Option<String>,
    pub input: Input,
    pub expected_error: Option<String>,
    pub why: String,
}

/// An operation and its arguments.
#[derive(Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case")]
pub enum Input {
    /// `OlmMessage::from_parts`, then `Session::decrypt` on the context.
    OlmDecrypt {
        context: String,
        message_type: usize,
        message: String,
        /// How many times the message is delivered; the last delivery is judged.
        deliveries: usize,
    },
    /// `OlmMessage::from_parts(0, …)`, then `Account::create_inbound_session` on the context.
    OlmCreateInbound {
        context: String,
        message: String,
        their_identity_key: Option<String>,
    },
    /// `Account::create_outbound_session` of a fresh account (from `account_random_hex`).
    OlmCreateOutbound {
        account_random_hex: String,
        session_random_hex: String,
        their_identity_key: String,
        their_one_time_key: String,
    },
    /// `MegolmMessage::from_base64`, then `InboundGroupSession::decrypt` on the context.
    MegolmDecrypt {
        context: String,
        message: String,
        deliveries: usize,
    },
    /// `SessionKey::from_base64`, then `InboundGroupSession::new`.
    MegolmSessionKey { session_key: String },
    /// `ExportedSessionKey::from_base64`, then `InboundGroupSession::import`.
    MegolmExportedKey { exported_key: String },
    /// `protee::utility::ed25519_verify`.
    Ed25519Verify {
        public_key: String,
        message_hex: String,
        signature: String,
    },
    /// `Ed25519PublicKey::from_base64`.
    Ed25519PublicKey { public_key: String },
    /// `Ed25519Signature::from_base64`.
    Ed25519Signature { signature: String },
    /// `Sas::new_with_rng` (the secret is `our_secret_hex`), then `diffie_hellman_with_base64`.
    SasDiffieHellman {
        our_secret_hex: String,
        their_public_key: String,
    },
    /// `PkEncryption::from_key`.
    PkEncryptionFromKey { recipient_key: String },
    /// `PkMessage::from_base64`, then `PkDecryption::decrypt` on the context.
    PkDecrypt {
        context: String,
        ciphertext: String,
        mac: String,
        ephemeral_key: String,
    },
    /// A pickle loaded as `object` (`olm_account`, `olm_session`, `megolm_inbound`,
    /// `pk_decryption`) from `format` (`libolm` or `native`).
    PickleLoad {
        object: String,
        format: String,
        pickle: String,
        pickle_key_hex: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

type Outcome = Result<(), String>;

pub fn verify(text: &str) -> Result<ExitCode, String> {
    let file: NegativeFile = serde_json::from_str(text)
        .map_err(|e| format!("does not match the {FORMAT} v{FORMAT_VERSION} format: {e}"))?;
    if file.format_version != FORMAT_VERSION {
        return Err(format!(
            "{FORMAT} version {}, expected {FORMAT_VERSION}",
            file.format_version
        ));
    }
    let section: &'static str = match file.family.as_str() {
        "olm-messages" => "olm-messages",
        "olm-prekey-messages" => "olm-prekey-messages",
        "megolm-messages" => "megolm-messages",
        "signatures" => "signatures",
        "keys" => "keys",
        "pickles" => "pickles",
        other => return Err(format!("unknown family {other:?}")),
    };
    let mut report = Report::default();
    let mut check = report.named(section);
    for (i, entry) in file.entries.iter().enumerate() {
        let name = format!("entries[{i}] ({})", entry.name);
        match run_entry(&file, entry) {
            Ok((outcome, unchanged)) => {
                let got = outcome.err().unwrap_or_else(|| "ok".to_owned());
                let expected = entry.expected_error.as_deref().unwrap_or("ok");
                check.ok(&name, same_error(expected, &got), || {
                    format!("expected {expected}, got {got}")
                });
                if let Some(unchanged) = unchanged {
                    check.ok(&format!("{name}.state_unchanged"), unchanged, || {
                        "the pickle differs after the failed operation".into()
                    });
                }
            }
            Err(problem) => check.fail(&name, &format!("cannot run the entry: {problem}")),
        }
    }
    Ok(report.finish())
}

fn hex(text: &str) -> Result<Vec<u8>, String> {
    from_hex(text)
}

fn key32(text: &str) -> Result<[u8; 32], String> {
    hex(text)?
        .try_into()
        .map_err(|_| "a pickle key or secret is not 32 bytes".to_owned())
}

fn context<'f>(file: &'f NegativeFile, name: &str) -> Result<&'f Context, String> {
    file.contexts
        .get(name)
        .ok_or_else(|| format!("no context {name:?}"))
}

/// The outcome, and for a failed state-changing operation whether the state is unchanged.
fn run_entry(file: &NegativeFile, entry: &Entry) -> Result<(Outcome, Option<bool>), String> {
    Ok(match &entry.input {
        Input::OlmDecrypt {
            context: name,
            message_type,
            message,
            deliveries,
        } => {
            let Context::OlmSession {
                libolm_pickle,
                pickle_key_hex,
                ..
            } = context(file, name)?
            else {
                return Err(format!("{name} is not an Olm session"));
            };
            let key = hex(pickle_key_hex)?;
            let mut session = Session::from_libolm_pickle(libolm_pickle, &key)
                .map_err(|e| format!("context {name}: {e}"))?;
            let message = match OlmMessage::from_parts(*message_type, message) {
                Ok(message) => message,
                Err(e) => return Ok((Err(render_error("MessageError", &e)), None)),
            };
            let mut outcome = Ok(());
            let mut unchanged = None;
            for _ in 0..*deliveries {
                let before = session.to_libolm_pickle(&key).map_err(|e| e.to_string())?;
                outcome = session
                    .decrypt(&message)
                    .map(|_| ())
                    .map_err(|e| render_error("DecryptionError", &e));
                let after = session.to_libolm_pickle(&key).map_err(|e| e.to_string())?;
                unchanged = outcome.is_err().then_some(before == after);
            }
            (outcome, unchanged)
        }
        Input::OlmCreateInbound {
            context: name,
            message,
            their_identity_key,
        } => {
            let Context::OlmAccount {
                libolm_pickle,
                pickle_key_hex,
                ..
            } = context(file, name)?
            else {
                return Err(format!("{name} is not an Olm account"));
            };
            let key = hex(pickle_key_hex)?;
            let mut account = Account::from_libolm_pickle(libolm_pickle, &key)
                .map_err(|e| format!("context {name}: {e}"))?;
            let message = match OlmMessage::from_parts(0, message) {
                Ok(OlmMessage::PreKey(message)) => message,
                Ok(_) => return Err("not a pre-key message".into()),
                Err(e) => return Ok((Err(render_error("MessageError", &e)), None)),
            };
            let their = match their_identity_key {
                Some(text) => {
                    Some(Curve25519PublicKey::from_base64(text).map_err(|e| e.to_string())?)
                }
                None => None,
            };
            let before = account.to_libolm_pickle(&key).map_err(|e| e.to_string())?;
            let outcome = account
                .create_inbound_session(their.as_ref(), &message)
                .map(|_| ())
                .map_err(|e| render_error("SessionCreationError", &e));
            let after = account.to_libolm_pickle(&key).map_err(|e| e.to_string())?;
            let unchanged = outcome.is_err().then_some(before == after);
            (outcome, unchanged)
        }
        Input::OlmCreateOutbound {
            account_random_hex,
            session_random_hex,
            their_identity_key,
            their_one_time_key,
        } => {
            let account = Account::new_with_rng(&mut ReplayRng::new(hex(account_random_hex)?));
            let identity =
                Curve25519PublicKey::from_base64(their_identity_key).map_err(|e| e.to_string())?;
            let one_time =
                Curve25519PublicKey::from_base64(their_one_time_key).map_err(|e| e.to_string())?;
            let outcome = account
                .create_outbound_session(
                    &identity,
                    &one_time,
                    &mut ReplayRng::new(hex(session_random_hex)?),
                )
                .map(|_| ())
                .map_err(|e| render_error("SessionCreationError", &e));
            (outcome, None)
        }
        Input::MegolmDecrypt {
            context: name,
            message,
            deliveries,
        } => {
            let Context::MegolmInbound {
                libolm_pickle,
                pickle_key_hex,
                ..
            } = context(file, name)?
            else {
                return Err(format!("{name} is not a Megolm inbound session"));
            };
            let key = hex(pickle_key_hex)?;
            let mut session = InboundGroupSession::from_libolm_pickle(libolm_pickle, &key)
                .map_err(|e| format!("context {name}: {e}"))?;
            let message = match MegolmMessage::from_base64(message) {
                Ok(message) => message,
                Err(e) => return Ok((Err(render_error("MessageError", &e)), None)),
            };
            let mut outcome = Ok(());
            let mut unchanged = None;
            for _ in 0..*deliveries {
                let before = session.to_libolm_pickle(&key);
                outcome = session
                    .decrypt(&message)
                    .map(|_| ())
                    .map_err(|e| render_error("MegolmDecryptionError", &e));
                unchanged = outcome
                    .is_err()
                    .then(|| before == session.to_libolm_pickle(&key));
            }
            (outcome, unchanged)
        }
        Input::MegolmSessionKey { session_key } => {
            let outcome = SessionKey::from_base64(session_key)
                .and_then(|key| InboundGroupSession::new(&key))
                .map(|_| ())
                .map_err(|e| render_error("SessionKeyError", &e));
            (outcome, None)
        }
        Input::MegolmExportedKey { exported_key } => {
            let outcome = ExportedSessionKey::from_base64(exported_key)
                .and_then(|key| InboundGroupSession::import(&key))
                .map(|_| ())
                .map_err(|e| render_error("SessionKeyError", &e));
            (outcome, None)
        }
        Input::Ed25519Verify {
            public_key,
            message_hex,
            signature,
        } => {
            let outcome = utility::ed25519_verify(public_key, &hex(message_hex)?, signature)
                .map_err(|e| render_error("SignatureError", &e));
            (outcome, None)
        }
        Input::Ed25519PublicKey { public_key } => {
            let outcome = Ed25519PublicKey::from_base64(public_key)
                .map(|_| ())
                .map_err(|e| render_error("DecodeError", &e));
            (outcome, None)
        }
        Input::Ed25519Signature { signature } => {
            let outcome = Ed25519Signature::from_base64(signature)
                .map(|_| ())
                .map_err(|e| render_error("DecodeError", &e));
            (outcome, None)
        }
        Input::SasDiffieHellman {
            our_secret_hex,
            their_public_key,
        } => {
            let sas = Sas::new_with_rng(&mut ReplayRng::new(hex(our_secret_hex)?));
            let outcome = sas
                .diffie_hellman_with_base64(their_public_key)
                .map(|_| ())
                .map_err(|e| render_error("SasError", &e));
            (outcome, None)
        }
        Input::PkEncryptionFromKey { recipient_key } => {
            let key = Curve25519PublicKey::from_base64(recipient_key).map_err(|e| e.to_string())?;
            let outcome = PkEncryption::from_key(key)
                .map(|_| ())
                .map_err(|e| render_error("PkError", &e));
            (outcome, None)
        }
        Input::PkDecrypt {
            context: name,
            ciphertext,
            mac,
            ephemeral_key,
        } => {
            let Context::PkDecryption {
                private_key_hex, ..
            } = context(file, name)?
            else {
                return Err(format!("{name} is not a PK decryption key"));
            };
            let decryption = PkDecryption::from_bytes(&key32(private_key_hex)?);
            let outcome = PkMessage::from_base64(ciphertext, mac, ephemeral_key)
                .and_then(|message| decryption.decrypt(&message))
                .map(|_| ())
                .map_err(|e| render_error("PkError", &e));
            (outcome, None)
        }
        Input::PickleLoad {
            object,
            format,
            pickle,
            pickle_key_hex,
        } => {
            let key = hex(pickle_key_hex)?;
            let outcome = match (object.as_str(), format.as_str()) {
                ("olm_account", "libolm") => Account::from_libolm_pickle(pickle, &key).map(drop),
                ("olm_session", "libolm") => Session::from_libolm_pickle(pickle, &key).map(drop),
                ("megolm_inbound", "libolm") => {
                    InboundGroupSession::from_libolm_pickle(pickle, &key).map(drop)
                }
                ("pk_decryption", "libolm") => {
                    PkDecryption::from_libolm_pickle(pickle, &key).map(drop)
                }
                ("olm_account", "native") => {
                    Account::from_pickle(pickle, &key32(pickle_key_hex)?).map(drop)
                }
                ("olm_session", "native") => {
                    Session::from_pickle(pickle, &key32(pickle_key_hex)?).map(drop)
                }
                ("megolm_inbound", "native") => {
                    InboundGroupSession::from_pickle(pickle, &key32(pickle_key_hex)?).map(drop)
                }
                ("pk_decryption", "native") => {
                    PkDecryption::from_pickle(pickle, &key32(pickle_key_hex)?).map(drop)
                }
                _ => return Err(format!("unknown pickle {object} in format {format}")),
            };
            (
                outcome.map_err(|error| render_error("PickleError", &error)),
                None,
            )
        }
    })
}

/// Hex of bytes, for the generator.
pub(crate) fn hex_of(bytes: &[u8]) -> String {
    to_hex(bytes)
}

/// Unpadded base64, for the generator.
pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::encode(bytes)
}
