//! Typed view of a `protee-libolm-vectors` v1 file, as written by
//! `test-vectors/generator/libolm_vectors.py` (field meanings: that script, and
//! test-vectors/generator/README.md, "Vector file format").
//!
//! Only the fields the checker uses, or names in its SKIP lines, are declared; serde ignores the
//! others (private keys other than PK's, `describe` strings, pickles: the pickle section walks
//! the raw JSON).
//! A missing or ill-typed field is a load error that names the file, line and column.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

pub const FORMAT: &str = "protee-libolm-vectors";
pub const FORMAT_VERSION: u32 = 1;

/// Just enough to reject a file of another format before reading the rest.
#[derive(Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
}

#[derive(Deserialize)]
pub struct VectorFile {
    pub pickle_key: Bytes,
    pub olm: Olm,
    pub megolm: Megolm,
    pub sas: Sas,
    pub pk: Pk,
    pub utility: Utility,
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/// Bytes written as a lowercase or uppercase hex string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hex(pub Vec<u8>);

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        from_hex(&text).map(Hex).map_err(serde::de::Error::custom)
    }
}

/// A byte string that may be text: `{"utf8": str|null, "hex": str}`. Only `hex` is used.
#[derive(Deserialize)]
pub struct Bytes {
    pub hex: Hex,
}

/// Random bytes libolm was given: `length` is what libolm's `*_random_length` asked for.
#[derive(Deserialize)]
#[serde(try_from = "RawRandom")]
pub struct Random {
    pub length: usize,
    pub bytes: Vec<u8>,
}

#[derive(Deserialize)]
struct RawRandom {
    length: usize,
    hex: Hex,
}

impl TryFrom<RawRandom> for Random {
    type Error = String;
    fn try_from(raw: RawRandom) -> Result<Self, String> {
        if raw.hex.0.len() != raw.length {
            return Err(format!(
                "random: length is {} but hex holds {} bytes",
                raw.length,
                raw.hex.0.len()
            ));
        }
        Ok(Self {
            length: raw.length,
            bytes: raw.hex.0,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Alice,
    Bob,
}

impl Party {
    pub const BOTH: [Party; 2] = [Party::Alice, Party::Bob];

    pub fn name(self) -> &'static str {
        match self {
            Party::Alice => "alice",
            Party::Bob => "bob",
        }
    }
}

/// A value recorded for both parties; `null` where the party has no session yet.
#[derive(Deserialize)]
pub struct PerParty<T> {
    pub alice: Option<T>,
    pub bob: Option<T>,
}

impl<T> PerParty<T> {
    pub fn get(&self, party: Party) -> Option<&T> {
        match party {
            Party::Alice => self.alice.as_ref(),
            Party::Bob => self.bob.as_ref(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// olm
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct Olm {
    /// Not in the file's `olm` object: the top-level pickle key, filled in after loading.
    #[serde(skip)]
    pub pickle_key: Vec<u8>,
    pub accounts: Accounts,
    pub outbound_session: OutboundSession,
    pub conversation: Conversation,
    pub fallback_session: FallbackSession,
}

#[derive(Deserialize)]
pub struct Accounts {
    pub alice: Account,
    pub bob: BobAccount,
}

#[derive(Deserialize)]
pub struct Account {
    pub create_random: Random,
    pub identity_keys_json: String,
    pub curve25519: String,
    pub ed25519: String,
    pub max_number_of_one_time_keys: usize,
    pub signatures: Vec<Signature>,
}

#[derive(Deserialize)]
pub struct Signature {
    pub message: Bytes,
    pub signature: String,
}

/// Bob's account: what Alice's has, plus one-time keys and a fallback key.
#[derive(Deserialize)]
pub struct BobAccount {
    #[serde(flatten)]
    pub account: Account,
    pub one_time_keys: OneTimeKeys,
    pub fallback_key: FallbackKey,
    pub after_mark_keys_as_published: AfterMarkKeysAsPublished,
}

#[derive(Deserialize)]
pub struct OneTimeKeys {
    pub count: usize,
    pub random: Random,
    pub json: String,
    pub keys: Vec<OneTimeKey>,
}

#[derive(Deserialize)]
pub struct OneTimeKey {
    pub key_id: String,
    pub key_id_int: u32,
    pub public: String,
}

#[derive(Deserialize)]
pub struct FallbackKey {
    pub random: Random,
    pub key_id: String,
    pub key_id_int: u32,
    pub public: String,
    pub unpublished_json_before_publish: String,
    pub json_before_publish: String,
}

#[derive(Deserialize)]
pub struct AfterMarkKeysAsPublished {
    pub one_time_keys_json: String,
    pub fallback_key_json: String,
    pub unpublished_fallback_key_json: String,
}

#[derive(Deserialize)]
pub struct OutboundSession {
    pub creator: Party,
    pub their_identity_key: String,
    pub their_one_time_key: String,
    pub random: Random,
    pub session_id: String,
}

#[derive(Deserialize)]
pub struct Conversation {
    pub session_id: String,
    pub steps: Vec<Step>,
    pub messages: Vec<ConversationMessage>,
}

/// One libolm call in the conversation, and both parties' state after it.
#[derive(Deserialize)]
pub struct Step {
    pub party: Party,
    #[serde(flatten)]
    pub op: Op,
    pub session_ids: PerParty<String>,
    pub has_received_message: PerParty<bool>,
    pub next_encrypt_random_length: PerParty<usize>,
    pub next_encrypt_message_type: PerParty<usize>,
    /// libolm's pickle of each party's session after the step, under the file's pickle key.
    pub session_pickles_after: PerParty<String>,
}

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// `olm_encrypt` by `party`.
    Encrypt {
        message: String,
        plaintext: Bytes,
        random: Random,
        message_type: usize,
        ciphertext: String,
    },
    /// `olm_create_inbound_session[_from]` on `party`'s account; nothing is decrypted yet.
    CreateInbound {
        message: String,
        function: InboundFunction,
        their_identity_key: String,
        /// Message id → `olm_matches_inbound_session` on the new session.
        matches_inbound_session: BTreeMap<String, bool>,
        /// Message id → `olm_matches_inbound_session_from` with `their_identity_key`.
        matches_inbound_session_from: BTreeMap<String, bool>,
    },
    /// `olm_decrypt` by `party`.
    Decrypt {
        message: String,
        message_type: usize,
        plaintext: Bytes,
    },
    /// `olm_remove_one_time_keys(account, party's session)`.
    RemoveOneTimeKeys {
        account: Party,
        returned: u32,
        one_time_keys_json_after: String,
    },
}

#[derive(Clone, Copy, Deserialize)]
pub enum InboundFunction {
    /// Checks the sender's identity key given in the step.
    #[serde(rename = "olm_create_inbound_session_from")]
    From,
    /// No sender key.
    #[serde(rename = "olm_create_inbound_session")]
    Any,
}

#[derive(Deserialize)]
pub struct ConversationMessage {
    pub sender: Party,
    pub receiver: Party,
    pub message_type: usize,
    pub ciphertext: String,
    pub decoded: DecodedMessage,
    pub sender_session_id: String,
    pub receiver_session_id: Option<String>,
}

/// The wire fields of a recorded message, as the generator's own decoder read them.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum DecodedMessage {
    PreKey(DecodedPreKey),
    Normal(DecodedNormal),
}

#[derive(Deserialize)]
pub struct DecodedPreKey {
    pub version: u8,
    pub one_time_key: String,
    pub base_key: String,
    pub identity_key: String,
    pub message: DecodedNormal,
}

#[derive(Deserialize)]
pub struct DecodedNormal {
    pub version: u8,
    pub ratchet_key: String,
    pub counter: u32,
    pub ciphertext_hex: Hex,
    pub mac_hex: Hex,
}

/// A second session, on Bob's fallback key. Bob uses `olm_create_inbound_session` (no sender
/// key) on the first message, then `olm_remove_one_time_keys`, which keeps a fallback key.
#[derive(Deserialize)]
pub struct FallbackSession {
    pub their_identity_key: String,
    pub their_fallback_key: String,
    pub create_outbound_random: Random,
    pub session_id: String,
    pub messages: Vec<FallbackMessage>,
    pub remove_one_time_keys_returned: u32,
}

#[derive(Deserialize)]
pub struct FallbackMessage {
    pub sender: Party,
    pub random: Random,
    pub message_type: usize,
    pub ciphertext: String,
    pub plaintext: Bytes,
}

// ---------------------------------------------------------------------------------------------
// utility
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct Utility {
    pub sha256: Vec<Sha256Case>,
    pub ed25519_verify: Vec<VerifyCase>,
}

#[derive(Deserialize)]
pub struct Sha256Case {
    pub input: Bytes,
    pub output: String,
}

#[derive(Deserialize)]
pub struct VerifyCase {
    pub key: String,
    pub message: Bytes,
    pub signature: String,
    pub valid: bool,
}

// ---------------------------------------------------------------------------------------------
// megolm
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct Megolm {
    pub outbound: MegolmOutbound,
    pub messages: Vec<MegolmMessage>,
    pub high_index_messages: Vec<MegolmMessage>,
    pub inbound_from_session_key: MegolmInbound,
    pub export_index_window: ExportIndexWindow,
    pub inbound_from_session_key_index_6: MegolmInboundIndex6,
    pub imported_at_index_3: MegolmImported,
}

/// `olm_init_outbound_group_session`, then the session driven through every index up to
/// `message_index_final`: each index encrypts a recorded message's plaintext, or else
/// `filler_plaintext`.
#[derive(Deserialize)]
pub struct MegolmOutbound {
    pub init_random: Random,
    /// The first 128 random bytes: the ratchet R0..R3 at counter 0.
    pub ratchet_initial_hex: Hex,
    /// What libolm stores as the Ed25519 private key: SHA-512(seed), clamped.
    pub signing_key_expanded_private_hex: Hex,
    pub session_id: String,
    pub message_index_after_init: u32,
    pub session_key_index_0: String,
    pub session_key_index_6: String,
    pub filler_plaintext: Bytes,
    pub message_index_final: u32,
    pub session_key_final: String,
    pub pickle_final: Pickle,
}

/// A pickle under the fixed key and its decrypted body.
#[derive(Deserialize)]
pub struct Pickle {
    pub key: String,
    pub raw_hex: Hex,
}

#[derive(Deserialize)]
pub struct MegolmMessage {
    pub index: u32,
    pub plaintext: Bytes,
    pub ciphertext: String,
    pub decoded: DecodedMegolm,
}

/// The wire fields of a recorded Megolm message, as the generator's own decoder read them.
#[derive(Deserialize)]
pub struct DecodedMegolm {
    pub version: u8,
    pub message_index: u32,
    pub ciphertext_hex: Hex,
    pub mac_hex: Hex,
    pub signature: String,
}

/// `olm_init_inbound_group_session` from `session_key_index_0`; every message is decrypted
/// (in file order), then `exports` are made in order.
#[derive(Deserialize)]
pub struct MegolmInbound {
    pub session_id: String,
    pub first_known_index: u32,
    pub is_verified_before_decrypt: bool,
    pub is_verified_after_decrypt: bool,
    pub exports: Vec<MegolmExport>,
}

#[derive(Deserialize)]
pub struct MegolmExport {
    pub index: u64,
    pub exported_key: String,
}

/// Exports attempted in order on a fresh inbound session from `session_key_index_0`.
#[derive(Deserialize)]
pub struct ExportIndexWindow {
    pub attempts: Vec<ExportAttempt>,
}

/// Exactly one of `exported_key` (success) and `error` (libolm's error code) is set.
#[derive(Deserialize)]
pub struct ExportAttempt {
    pub index: u64,
    pub exported_key: Option<String>,
    pub error: Option<String>,
}

/// `olm_init_inbound_group_session` from `session_key_index_6`.
#[derive(Deserialize)]
pub struct MegolmInboundIndex6 {
    pub session_id: String,
    pub first_known_index: u32,
    pub is_verified: bool,
    pub decrypt_errors: Vec<MegolmDecryptError>,
}

/// Decrypting the recorded message at `index` failed with libolm's error code `error`.
#[derive(Deserialize)]
pub struct MegolmDecryptError {
    pub index: u32,
    pub error: String,
}

/// `olm_import_inbound_group_session` of the export at index 3 of the first inbound session.
#[derive(Deserialize)]
pub struct MegolmImported {
    pub exported_key: String,
    pub session_id: String,
    pub first_known_index: u32,
    pub is_verified_before_decrypt: bool,
    pub decrypt_index_2_error: String,
    pub is_verified_after_decrypt: bool,
    pub export_at_3_roundtrip: String,
}

// ---------------------------------------------------------------------------------------------
// sas, pk
// ---------------------------------------------------------------------------------------------

/// Two `olm_create_sas` sides, each given the other's public key. Names are libolm's:
/// `calculate_mac` is the variant with the in-place base64 bug.
#[derive(Deserialize)]
pub struct Sas {
    pub alice: SasSide,
    pub bob: SasSide,
    pub generate_bytes: Vec<SasBytes>,
    pub macs: Vec<SasMac>,
}

#[derive(Deserialize)]
pub struct SasSide {
    pub random: Random,
    pub public_key: String,
}

#[derive(Deserialize)]
pub struct SasBytes {
    pub info: Bytes,
    pub length: usize,
    pub output_hex: Hex,
}

#[derive(Deserialize)]
pub struct SasMac {
    pub input: Bytes,
    pub info: Bytes,
    pub calculate_mac: String,
    pub calculate_mac_fixed_base64: String,
    pub calculate_mac_long_kdf: String,
}

#[derive(Deserialize)]
pub struct Pk {
    pub decryption: PkDecryption,
    pub encryptions: Vec<PkEncryption>,
    pub signing: PkSigning,
}

#[derive(Deserialize)]
pub struct PkDecryption {
    pub generate_key_random: Random,
    /// `olm_pk_get_private_key` after generating: the random bytes themselves.
    pub private_key_hex: Hex,
    pub public_key: String,
}

#[derive(Deserialize)]
pub struct PkEncryption {
    pub plaintext: Bytes,
    pub random: Random,
    pub ephemeral_key: String,
    pub mac: String,
    pub ciphertext: String,
}

#[derive(Deserialize)]
pub struct PkSigning {
    pub seed: Random,
    pub public_key: String,
    pub signatures: Vec<Signature>,
}

// ---------------------------------------------------------------------------------------------
// hex
// ---------------------------------------------------------------------------------------------

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    fn nibble(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    fn byte(pair: &[u8]) -> Option<u8> {
        match pair {
            [high, low] => Some(nibble(*high)? << 4 | nibble(*low)?),
            _ => None,
        }
    }
    if !text.len().is_multiple_of(2) {
        return Err(format!("hex string of odd length {}", text.len()));
    }
    text.as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| byte(pair).ok_or_else(|| format!("invalid hex at character {}", 2 * i)))
        .collect()
}
