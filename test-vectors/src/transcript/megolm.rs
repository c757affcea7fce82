//! The `megolm` section: protee is the sender of a Megolm session and libolm the receiver,
//! and libolm also rebuilds protee's outbound session from the same random bytes.
//!
//! * `megolm_outbound`: libolm creates the session from protee's 160 random bytes and
//!   re-encrypts protee's plaintexts; Megolm encryption is deterministic, so every ciphertext
//!   must match byte for byte (across the 255 → 256 step, where R2 is rehashed).
//! * `megolm_inbound`: libolm loads protee's session key (v2) or exported key (v1), decrypts
//!   protee's messages out of order and replayed, and exports at indices up to the edge of the
//!   2^31 window. Every message and export is also done by a protee inbound session that
//!   follows the checker's order exactly (all messages, then the exports in the given order),
//!   because an export or decrypt ahead of the cached latest ratchet moves it, and that decides
//!   which later indices are reachable.
//! * negative items: messages with a broken signature, messages before the first known index,
//!   and session keys libolm must refuse to load. protee must refuse each of them too, for the
//!   same reason (checked here, before the item is written).

use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
};
use protee::types::base64;
use protee::{MegolmDecryptionError, SessionKeyError};
use serde_json::{Value, json};

use super::{Draws, Result, hex, with_bytes, with_exact_rng};

/// Messages in the long outbound item: enough to cross index 255 → 256.
const MESSAGES: u32 = 264;
/// The index at which protee's session key is taken a second time (a key mid-session).
const LATE_KEY_INDEX: u32 = 260;
/// The index of the exported key the `exported` item starts from.
const EXPORT_INDEX: u32 = 100;
/// The index of the far exported key.
const FAR_EXPORT_INDEX: u32 = 65536;

pub(super) fn checks(draws: &mut Draws) -> Result<Vec<Value>> {
    let room = Room::new(
        draws,
        "megolm/outbound/room",
        MESSAGES,
        Some(LATE_KEY_INDEX),
    )?;
    let other = Room::new(draws, "megolm/outbound/other", 3, None)?;
    let mut checks = vec![room.item.clone(), other.item.clone()];

    let (session_key_item, exports) = from_session_key(draws, &room, &other)?;
    checks.push(session_key_item);
    checks.push(from_late_session_key(&room)?);
    checks.push(from_exported_key(&room, &exports.near)?);
    checks.push(from_far_exported_key(&room, &exports.far)?);
    checks.push(bad_signatures(&room, &other)?);
    checks.push(export_window(&room)?);
    checks.extend(rejected_keys(&room)?);
    Ok(checks)
}

// ---------------------------------------------------------------------------------------------
// The sender
// ---------------------------------------------------------------------------------------------

/// A message protee sent.
struct Sent {
    plaintext: Vec<u8>,
    message: MegolmMessage,
}

/// protee's outbound session, everything it sent, and the `megolm_outbound` item for it.
struct Room {
    sent: Vec<Sent>,
    /// The session key before the first message (index 0).
    session_key: SessionKey,
    /// The session key at [`LATE_KEY_INDEX`], if asked for.
    late_session_key: Option<SessionKey>,
    session_id: String,
    item: Value,
}

impl Room {
    fn new(draws: &mut Draws, label: &str, count: u32, late_key_at: Option<u32>) -> Result<Self> {
        let random = draws.take(&format!("{label}/random"), 160)?;
        let binary = draws.take(&format!("{label}/binary"), 48)?;
        let large_binary = draws.take(&format!("{label}/large-binary"), 4099)?;
        let mut session = with_exact_rng("megolm session", &random, |rng| {
            GroupSession::new_with_rng(rng)
        })?;
        let session_key = session.session_key();
        let session_id = session.session_id();
        let mut item = json!({
            "id": label,
            "type": "megolm_outbound",
            "random_hex": hex(&random),
            "expect": {
                "session_id": session_id,
                "message_index": session.message_index(),
                "session_key": session_key.to_base64(),
            },
        });

        let mut plaintexts = varied_plaintexts(binary, large_binary);
        let mut sent = Vec::new();
        let mut messages = Vec::new();
        let mut late_session_key = None;
        for i in 0..count {
            if Some(i) == late_key_at {
                late_session_key = Some(session.session_key());
            }
            let index = session.message_index();
            if index != i {
                return Err(format!("{label}: message {i} was sent at index {index}"));
            }
            let plaintext = if plaintexts.is_empty() {
                format!("group message {i} of {count}").into_bytes()
            } else {
                plaintexts.remove(0)
            };
            let message = session.encrypt(&plaintext);
            if message.message_index() != index {
                return Err(format!("{label}: message {i} carries the wrong index"));
            }
            messages.push(with_bytes(
                json!({ "message_index": index, "ciphertext": message.to_base64() }),
                "plaintext",
                &plaintext,
            ));
            sent.push(Sent { plaintext, message });
        }
        if session.message_index() != count {
            return Err(format!(
                "{label}: index {} after {count} messages",
                session.message_index()
            ));
        }
        item["messages"] = messages.into();
        Ok(Self {
            sent,
            session_key,
            late_session_key,
            session_id,
            item,
        })
    }

    fn sent(&self, index: u32) -> Result<&Sent> {
        self.sent
            .get(index as usize)
            .ok_or_else(|| format!("no message was sent at index {index}"))
    }
}

/// Plaintexts around the AES block size (empty, 15, 16, 17 bytes), UTF-8, binary, an event
/// body, and two over 1 KiB.
fn varied_plaintexts(binary: Vec<u8>, large_binary: Vec<u8>) -> Vec<Vec<u8>> {
    let long_text: String = (0..40)
        .map(|i| format!("line {i:02}: the quick brown fox jumps over the lazy dog\n"))
        .collect();
    vec![
        Vec::new(),
        b"fifteen bytes!!".to_vec(),
        b"sixteen bytes!!!".to_vec(),
        b"seventeen bytes!!".to_vec(),
        "groupe ✓ 🔐 — ünïcödé, 日本語".as_bytes().to_vec(),
        binary,
        vec![0x00; 16],
        br#"{"type":"m.room.message","content":{"msgtype":"m.text","body":"hello room"},"room_id":"!room:example.org"}"#.to_vec(),
        long_text.into_bytes(),
        large_binary,
    ]
}

// ---------------------------------------------------------------------------------------------
// The receiver
// ---------------------------------------------------------------------------------------------

/// A `megolm_inbound` item being written, with the protee session that does everything the
/// checker will have libolm do, in the same order.
struct Inbound {
    item: Value,
    session: InboundGroupSession,
    messages: Vec<Value>,
    exports: Vec<Value>,
}

impl Inbound {
    /// From a session key, as a recipient of `m.room_key` gets it (base64).
    fn from_session_key(id: &str, key: &SessionKey) -> Result<Self> {
        let text = key.to_base64();
        let key = SessionKey::from_base64(&text).map_err(|e| format!("{id}: {e}"))?;
        let session = InboundGroupSession::new(&key).map_err(|e| format!("{id}: {e}"))?;
        Ok(Self::start(id, "session_key", text, session))
    }

    /// From an exported key (base64).
    fn from_exported_key(id: &str, key: &ExportedSessionKey) -> Result<Self> {
        let text = key.to_base64();
        let key = ExportedSessionKey::from_base64(&text).map_err(|e| format!("{id}: {e}"))?;
        let session = InboundGroupSession::import(&key).map_err(|e| format!("{id}: {e}"))?;
        Ok(Self::start(id, "exported_session_key", text, session))
    }

    /// The checker compares `expect` right after loading, before any decrypt.
    fn start(id: &str, field: &str, key: String, session: InboundGroupSession) -> Self {
        let item = json!({
            "id": id,
            "type": "megolm_inbound",
            field: key,
            "expect": {
                "session_id": session.session_id(),
                "first_known_index": session.first_known_index(),
                "is_verified": session.libolm_is_verified(),
            },
        });
        Self {
            item,
            session,
            messages: Vec::new(),
            exports: Vec::new(),
        }
    }

    fn id(&self) -> String {
        self.item["id"].as_str().unwrap_or_default().to_owned()
    }

    /// The checker decrypts every message before it exports anything.
    fn no_exports_yet(&self) -> Result<()> {
        if self.exports.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}: a message after an export (the checker decrypts all messages first)",
                self.id()
            ))
        }
    }

    /// A message protee decrypts; libolm must get the same plaintext and index.
    fn deliver(&mut self, sent: &Sent) -> Result<()> {
        self.no_exports_yet()?;
        let text = sent.message.to_base64();
        let message =
            MegolmMessage::from_base64(&text).map_err(|e| format!("{}: {e}", self.id()))?;
        let decrypted = self
            .session
            .decrypt(&message)
            .map_err(|e| format!("{}: protee cannot decrypt its own message: {e}", self.id()))?;
        if decrypted.plaintext != sent.plaintext
            || decrypted.message_index != sent.message.message_index()
        {
            return Err(format!(
                "{}: protee decrypts a different message",
                self.id()
            ));
        }
        self.messages.push(with_bytes(
            json!({ "ciphertext": text, "message_index": decrypted.message_index }),
            "plaintext",
            &decrypted.plaintext,
        ));
        Ok(())
    }

    fn deliver_index(&mut self, room: &Room, index: u32) -> Result<()> {
        self.deliver(room.sent(index)?)
    }

    /// A message protee rejects with the error libolm calls `code`; libolm must reject it too.
    fn reject(&mut self, text: String, code: &str) -> Result<()> {
        self.no_exports_yet()?;
        let got = MegolmMessage::from_base64(&text)
            .map_err(|e| format!("{}: protee cannot parse a message: {e}", self.id()))
            .map(|message| self.session.decrypt(&message))?;
        match got {
            Err(e) if decryption_code(&e) == code => {}
            Err(e) => {
                return Err(format!(
                    "{}: protee rejects a message with {e}, {code} was meant",
                    self.id()
                ));
            }
            Ok(_) => {
                return Err(format!(
                    "{}: protee decrypts a message that should fail with {code}",
                    self.id()
                ));
            }
        }
        self.messages
            .push(json!({ "ciphertext": text, "expect_error": code }));
        Ok(())
    }

    /// An export libolm must reproduce byte for byte.
    fn export(&mut self, index: u32) -> Result<ExportedSessionKey> {
        let exported = self
            .session
            .export_at(index)
            .map_err(|e| format!("{}: protee cannot export at {index}: {e}", self.id()))?;
        self.exports.push(json!({
            "index": index,
            "exported_session_key": exported.to_base64(),
        }));
        Ok(exported)
    }

    fn finish(mut self) -> Value {
        if !self.messages.is_empty() {
            self.item["messages"] = self.messages.into();
        }
        if !self.exports.is_empty() {
            self.item["exports"] = self.exports.into();
        }
        self.item
    }
}

/// libolm's name for a decryption error (without `OLM_`).
fn decryption_code(error: &MegolmDecryptionError) -> &'static str {
    match error {
        MegolmDecryptionError::InvalidSignature => "BAD_SIGNATURE",
        MegolmDecryptionError::UnknownMessageIndex { .. } => "UNKNOWN_MESSAGE_INDEX",
        MegolmDecryptionError::InvalidMac => "BAD_MESSAGE_MAC",
        _ => "protee-only error",
    }
}

/// libolm's name for a session key it refuses to load. libolm does not check the Ed25519 key
/// itself: in a signed key, a key that is not a valid point just fails the signature check.
fn session_key_code(error: &SessionKeyError, signed: bool) -> &'static str {
    match error {
        SessionKeyError::InvalidSignature => "BAD_SIGNATURE",
        SessionKeyError::InvalidEd25519Key if signed => "BAD_SIGNATURE",
        SessionKeyError::InvalidLength { .. } | SessionKeyError::UnsupportedVersion { .. } => {
            "BAD_SESSION_KEY"
        }
        SessionKeyError::InvalidBase64 => "INVALID_BASE64",
        _ => "protee-only error",
    }
}

/// The message re-encoded with one byte of its Ed25519 signature (in R) flipped.
fn broken_signature(message: &MegolmMessage) -> Result<String> {
    let mut bytes = message.as_bytes().to_vec();
    let position = bytes.len() - 60;
    bytes[position] ^= 0x04;
    MegolmMessage::from_bytes(bytes)
        .map(|m| m.to_base64())
        .map_err(|e| format!("a message with a flipped signature byte does not parse: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

/// Exported keys taken from the session-key item (libolm checks them there) for later items.
struct Exports {
    near: ExportedSessionKey,
    far: ExportedSessionKey,
}

/// The session key at index 0: every message in a seeded order with replays, a message with a
/// broken signature and one from another session in between, then exports at near and far
/// indices, one of them back behind the cached latest ratchet.
fn from_session_key(draws: &mut Draws, room: &Room, other: &Room) -> Result<(Value, Exports)> {
    let id = "megolm/inbound/session-key";
    let mut order: Vec<u32> = (0..MESSAGES).collect();
    let random = draws.take(&format!("{id}/order"), 4 * MESSAGES as usize)?;
    for i in (1..order.len()).rev() {
        let word = random
            .get(4 * i..4 * i + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .ok_or("order: too few random bytes")?;
        order.swap(i, word as usize % (i + 1));
    }
    // Replays (Megolm allows the same index again), wherever they land after the shuffle.
    for (at, again) in [(10, 0), (40, 255), (80, 256), (120, 3), (200, 259)] {
        order.insert(at, again);
    }
    order.extend([0, MESSAGES - 1, 128]);

    let mut inbound = Inbound::from_session_key(id, &room.session_key)?;
    if inbound.session.session_id() != room.session_id {
        return Err(format!("{id}: the session id differs from the sender's"));
    }
    for (n, index) in order.into_iter().enumerate() {
        inbound.deliver_index(room, index)?;
        if n == 30 {
            inbound.reject(broken_signature(&room.sent(7)?.message)?, "BAD_SIGNATURE")?;
            inbound.deliver_index(room, 7)?;
        }
        if n == 150 {
            inbound.reject(other.sent(1)?.message.to_base64(), "BAD_SIGNATURE")?;
        }
    }
    let mut near = None;
    let mut far = None;
    for index in [
        0,
        1,
        EXPORT_INDEX,
        255,
        256,
        MESSAGES - 1,
        1000,
        65535,
        FAR_EXPORT_INDEX,
        (1 << 24) - 1,
        (1 << 24) + 3,
        5,
        300,
    ] {
        let exported = inbound.export(index)?;
        match index {
            EXPORT_INDEX => near = Some(exported),
            FAR_EXPORT_INDEX => far = Some(exported),
            _ => {}
        }
    }
    let exports = Exports {
        near: near.ok_or("no export at EXPORT_INDEX")?,
        far: far.ok_or("no export at FAR_EXPORT_INDEX")?,
    };
    Ok((inbound.finish(), exports))
}

/// The session key taken at [`LATE_KEY_INDEX`]: a recipient who joined mid-session.
fn from_late_session_key(room: &Room) -> Result<Value> {
    let key = room
        .late_session_key
        .as_ref()
        .ok_or("no session key was taken mid-session")?;
    let mut inbound = Inbound::from_session_key("megolm/inbound/late-session-key", key)?;
    for index in [262, LATE_KEY_INDEX, 263, 261, 262] {
        inbound.deliver_index(room, index)?;
    }
    for index in [LATE_KEY_INDEX - 1, 0, 255] {
        let text = room.sent(index)?.message.to_base64();
        inbound.reject(text, "UNKNOWN_MESSAGE_INDEX")?;
    }
    for index in [LATE_KEY_INDEX, 300, 70000] {
        inbound.export(index)?;
    }
    Ok(inbound.finish())
}

/// An exported key at [`EXPORT_INDEX`]: not verified until a message decrypts (the checker
/// reads `is_verified` before decrypting), nothing before the first known index, and the
/// signature checked before the index.
fn from_exported_key(room: &Room, key: &ExportedSessionKey) -> Result<Value> {
    let mut inbound = Inbound::from_exported_key("megolm/inbound/exported-key", key)?;
    if inbound.session.libolm_is_verified() || inbound.session.first_known_index() != EXPORT_INDEX {
        return Err("exported-key: unexpected state after import".into());
    }
    inbound.reject(
        room.sent(EXPORT_INDEX - 1)?.message.to_base64(),
        "UNKNOWN_MESSAGE_INDEX",
    )?;
    inbound.reject(room.sent(0)?.message.to_base64(), "UNKNOWN_MESSAGE_INDEX")?;
    inbound.reject(broken_signature(&room.sent(0)?.message)?, "BAD_SIGNATURE")?;
    for index in [EXPORT_INDEX, MESSAGES - 1, 150, EXPORT_INDEX, 256, 255] {
        inbound.deliver_index(room, index)?;
    }
    if !inbound.session.libolm_is_verified() {
        return Err("exported-key: libolm's verified flag is not set after a decrypt".into());
    }
    inbound.reject(
        room.sent(EXPORT_INDEX - 1)?.message.to_base64(),
        "UNKNOWN_MESSAGE_INDEX",
    )?;
    for index in [EXPORT_INDEX, EXPORT_INDEX + 1, 65536] {
        inbound.export(index)?;
    }
    Ok(inbound.finish())
}

/// An exported key at [`FAR_EXPORT_INDEX`]: every message sent is too early; exports up to the
/// far edge of the window ahead of it.
fn from_far_exported_key(room: &Room, key: &ExportedSessionKey) -> Result<Value> {
    let mut inbound = Inbound::from_exported_key("megolm/inbound/far-exported-key", key)?;
    for index in [0, MESSAGES - 1] {
        inbound.reject(
            room.sent(index)?.message.to_base64(),
            "UNKNOWN_MESSAGE_INDEX",
        )?;
    }
    for index in [
        FAR_EXPORT_INDEX,
        (1 << 24) + 3,
        FAR_EXPORT_INDEX + (1 << 31) - 1,
        FAR_EXPORT_INDEX + 1,
    ] {
        inbound.export(index)?;
    }
    Ok(inbound.finish())
}

/// Broken signatures on messages at several indices, and a message from another session
/// (signed by another key), each followed by the genuine message, which must still decrypt:
/// a rejected message changes nothing.
fn bad_signatures(room: &Room, other: &Room) -> Result<Value> {
    let mut inbound =
        Inbound::from_session_key("megolm/inbound/bad-signatures", &room.session_key)?;
    for index in [5, 0, 256, MESSAGES - 1] {
        let sent = room.sent(index)?;
        inbound.reject(broken_signature(&sent.message)?, "BAD_SIGNATURE")?;
        inbound.deliver(sent)?;
    }
    for sent in &other.sent {
        inbound.reject(sent.message.to_base64(), "BAD_SIGNATURE")?;
    }
    inbound.deliver_index(room, 1)?;
    Ok(inbound.finish())
}

/// libolm's index window from a fresh session at index 0: 2^31 is out of reach at first (it is
/// neither < 2^31 ahead of the latest ratchet nor of the initial one), but reachable once an
/// export at 2^31 − 1 has moved the latest ratchet; then 2^32 − 1, and 0 and 1 *through the
/// wrap* (ahead of the latest ratchet, so a different ratchet value than the initial one at 0,
/// exactly as libolm's `megolm_advance_to` does it).
fn export_window(room: &Room) -> Result<Value> {
    let id = "megolm/inbound/export-window";
    let mut fresh = Inbound::from_session_key(id, &room.session_key)?;
    if fresh.session.export_at(1 << 31).is_ok() {
        return Err(format!("{id}: a fresh session exports at 2^31"));
    }
    let initial = fresh.session.export_at(0).map_err(|e| e.to_string())?;

    let mut inbound = Inbound::from_session_key(id, &room.session_key)?;
    for index in [(1u32 << 31) - 1, 1 << 31, u32::MAX] {
        inbound.export(index)?;
    }
    let wrapped = inbound.export(0)?;
    if wrapped.to_base64() == initial.to_base64() {
        return Err(format!(
            "{id}: the export through the wrap is the initial ratchet"
        ));
    }
    inbound.export(1)?;
    Ok(inbound.finish())
}

/// Keys libolm must refuse to load, with the error it gives; protee refuses each too.
fn rejected_keys(room: &Room) -> Result<Vec<Value>> {
    let key = base64::decode(&room.session_key.to_base64()).map_err(|e| e.to_string())?;
    let exported = InboundGroupSession::new(&room.session_key)
        .map_err(|e| e.to_string())?
        .export_at_first_known_index();
    let exported = base64::decode(&exported.to_base64()).map_err(|e| e.to_string())?;
    let changed = |bytes: &[u8], position: usize, mask: u8| -> Vec<u8> {
        let mut bytes = bytes.to_vec();
        bytes[position] ^= mask;
        bytes
    };
    let (signed, unsigned) = ("session_key", "exported_session_key");
    // (name, field, key bytes). A session key is 02 | index (4) | ratchet (128) |
    // Ed25519 key (32) | signature (64) over the first 165 bytes; an export is 01 | the same
    // without the signature. libolm checks the version before the signature.
    let cases: [(&str, &str, Vec<u8>); 9] = [
        ("session-key/signature-r", signed, changed(&key, 170, 0x01)),
        ("session-key/signature-s", signed, changed(&key, 220, 0x80)),
        ("session-key/ratchet", signed, changed(&key, 40, 0x01)),
        ("session-key/index", signed, changed(&key, 4, 0x01)),
        ("session-key/signing-key", signed, changed(&key, 140, 0x01)),
        ("session-key/version", signed, changed(&key, 0, 0x03)),
        ("session-key/exported-key", signed, exported.clone()),
        (
            "exported-key/version",
            unsigned,
            changed(&exported, 0, 0x03),
        ),
        ("exported-key/session-key", unsigned, key),
    ];
    let mut items = Vec::new();
    for (name, field, bytes) in cases {
        let id = format!("megolm/inbound/rejected/{name}");
        let text = base64::encode(&bytes);
        let error = if field == signed {
            SessionKey::from_base64(&text).and_then(|k| InboundGroupSession::new(&k).map(|_| ()))
        } else {
            ExportedSessionKey::from_base64(&text)
                .and_then(|k| InboundGroupSession::import(&k).map(|_| ()))
        };
        let code = match error {
            Err(e) => session_key_code(&e, field == signed),
            Ok(()) => return Err(format!("{id}: protee loads the key")),
        };
        items.push(json!({
            "id": id,
            "type": "megolm_inbound",
            field: text,
            "expect_error": code,
        }));
    }
    Ok(items)
}
