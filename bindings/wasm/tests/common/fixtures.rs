//! The JSON fixtures that carry values between native protee and the bindings:
//! - `fixtures/native.json`: made by native protee with a fixed RNG
//!   (`tests/native_interop.rs`, `PROTEE_WASM_WRITE_FIXTURES=1` rewrites it); the Chromium and
//!   Node suites (`tests/interop.rs`) decrypt and load it and must compute the same bytes.
//! - `fixtures/from_browser.json`: made in headless Chromium by `demo/e2e.mjs`; native protee
//!   reads it back (`tests/native_interop.rs`).

use serde::{Deserialize, Serialize};

/// `fixtures/native.json`.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeFixtures {
    /// How the file was made.
    pub about: String,
    /// The native pickle key, 32 bytes in unpadded base64.
    pub native_pickle_key: String,
    /// The libolm pickle key, a string (used as its UTF-8 bytes).
    pub libolm_pickle_key: String,
    pub alice: AccountFixture,
    pub bob: AccountFixture,
    pub olm: OlmFixture,
    pub megolm: MegolmFixture,
    pub pk: PkFixture,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFixture {
    pub curve25519: String,
    pub ed25519: String,
    pub libolm_pickle: String,
    pub native_pickle: String,
    pub signed_message: String,
    pub signature: String,
}

/// Alice → Bob, made natively. Bob's pickles are taken before he received anything.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OlmFixture {
    pub session_id: String,
    /// The one-time key of Bob's that Alice used.
    pub used_one_time_key: String,
    /// A one-time key of Bob's that no fixture uses: the browser starts its session with it.
    pub unused_one_time_key: String,
    /// Alice's messages, in order (all pre-key messages: Bob has not answered).
    pub messages: Vec<OlmMessageFixture>,
    /// Alice's session after sending `messages`.
    pub alice_session_libolm_pickle: String,
    pub alice_session_native_pickle: String,
    /// What Alice's session encrypts next (no randomness needed): the browser must compute
    /// exactly this body from the pickled session.
    pub next: OlmMessageFixture,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OlmMessageFixture {
    #[serde(rename = "type")]
    pub message_type: u8,
    pub body: String,
    pub plaintext: String,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MegolmFixture {
    pub session_id: String,
    /// The session key at index 0.
    pub session_key: String,
    /// The inbound session exported at index 1.
    pub exported_at_1: String,
    pub messages: Vec<MegolmMessageFixture>,
    /// The outbound session after `messages`.
    pub group_libolm_pickle: String,
    pub group_native_pickle: String,
    /// What the outbound session encrypts next: the browser must compute exactly this.
    pub next: MegolmMessageFixture,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MegolmMessageFixture {
    pub index: u32,
    pub ciphertext: String,
    pub plaintext: String,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PkFixture {
    pub public_key: String,
    pub decryption_libolm_pickle: String,
    pub decryption_native_pickle: String,
    pub message: PkMessageFixture,
    pub plaintext: String,
    /// A PK signing seed, 32 bytes in unpadded base64.
    pub signing_seed: String,
    pub signing_public_key: String,
    pub signed_message: String,
    pub signature: String,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PkMessageFixture {
    pub ciphertext: String,
    pub mac: String,
    pub ephemeral_key: String,
}

/// `fixtures/from_browser.json`: made in Chromium by `demo/e2e.mjs` with the bindings, from
/// fresh randomness, to be read back by native protee.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserFixtures {
    pub about: String,
    pub user_agent: String,
    /// The native pickle key, 32 bytes in unpadded base64.
    pub native_pickle_key: String,
    pub libolm_pickle_key: String,
    /// A new account made in the browser.
    pub account: BrowserAccount,
    /// The browser account's pre-key message to the fixture Bob, on his unused one-time key.
    pub olm_message_to_bob: BrowserOlmMessage,
    pub megolm: BrowserMegolm,
    /// Encrypted to the fixture's PK public key.
    pub pk_message: PkMessageFixture,
    pub pk_plaintext: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserAccount {
    pub curve25519: String,
    pub ed25519: String,
    pub native_pickle: String,
    pub libolm_pickle: String,
    pub signed_message: String,
    pub signature: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BrowserOlmMessage {
    #[serde(rename = "type")]
    pub message_type: u8,
    pub body: String,
    pub plaintext: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserMegolm {
    pub session_key: String,
    pub native_pickle: String,
    pub messages: Vec<MegolmMessageFixture>,
}
