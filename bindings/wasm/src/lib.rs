//! JavaScript bindings of protee for browsers and Node.js: see `bindings/wasm/README.md`.
//!
//! A thin layer: each class wraps one protee type, converts JavaScript values (strings,
//! `Uint8Array`s, `{ type, body }` objects) at the boundary, draws randomness from
//! `crypto.getRandomValues` for protee's `*_with_rng` functions, and turns protee's typed
//! errors into exceptions with a `name`, a `code` and protee's message (`error.rs`). Every
//! decrypting call is transactional: on any exception the object is unchanged.

#![no_std]
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

extern crate alloc;

mod account;
mod convert;
mod error;
mod group_session;
mod inbound_group_session;
mod pk;
mod random;
mod sas;
mod session;
mod utility;

pub use account::Account;
pub use error::Exception;
pub use group_session::GroupSession;
pub use inbound_group_session::InboundGroupSession;
pub use pk::{PkDecryption, PkEncryption, PkSigning};
pub use sas::{EstablishedSas, Sas};
pub use session::Session;
pub use utility::{ed25519_verify, sha256};

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_TYPES: &str = r#"
/** The public identity keys of an account, unpadded base64. */
export interface IdentityKeys {
  curve25519: string;
  ed25519: string;
}

/** An Olm message as in an `m.room.encrypted` to-device event: type 0 (pre-key) or 1. */
export interface OlmMessage {
  type: 0 | 1;
  body: string;
}

/** What `Account.createInboundSession` returns. */
export interface InboundCreationResult {
  session: Session;
  plaintext: string;
}

/** What `InboundGroupSession.decrypt` returns. */
export interface DecryptedGroupMessage {
  plaintext: string;
  messageIndex: number;
}

/** A PK (key backup) message, unpadded base64 fields. */
export interface PkMessage {
  ciphertext: string;
  mac: string;
  ephemeralKey: string;
}

/**
 * Every exception thrown by protee-wasm is an `Error` with these properties: `name` is the
 * protee error type, `code` its variant (e.g. `DecryptionError` / `InvalidMac`).
 */
export interface ProteeError extends Error {
  name:
    | "ArgumentError"
    | "RandomError"
    | "DecodeError"
    | "SignatureError"
    | "MessageError"
    | "DecryptionError"
    | "SessionCreationError"
    | "SessionKeyError"
    | "MegolmDecryptionError"
    | "PickleError"
    | "SasError"
    | "PkError";
  code: string;
}
"#;
