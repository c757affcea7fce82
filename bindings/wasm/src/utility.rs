//! The stand-alone helpers: SHA-256 and Ed25519 signature checks.

use alloc::string::String;

use wasm_bindgen::prelude::*;

use crate::error::Exception;

/// The SHA-256 of the UTF-8 of `input`, unpadded base64.
#[wasm_bindgen]
pub fn sha256(input: &str) -> String {
    protee::utility::sha256(input.as_bytes())
}

/// Checks the Ed25519 `signature` of the UTF-8 of `message` under `key` (both unpadded
/// base64); throws a `SignatureError` if it does not verify (strict Ed25519).
#[wasm_bindgen(js_name = ed25519Verify)]
pub fn ed25519_verify(key: &str, message: &str, signature: &str) -> Result<(), Exception> {
    Ok(protee::utility::ed25519_verify(
        key,
        message.as_bytes(),
        signature,
    )?)
}
