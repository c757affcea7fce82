//! The `pk` section: PK encryption (`m.megolm_backup.v1.curve25519-aes-sha2`) and PK signing.
//!
//! * `pk_encrypt`: protee encrypts to a recipient key with seeded ephemeral keys; libolm
//!   re-encrypts with the same 32 random bytes and must produce the same ephemeral key, MAC and
//!   ciphertext.
//! * `pk_decrypt`: libolm decrypts protee's messages with the private key. Also messages whose
//!   ciphertext was altered but which both still accept (the MAC covers nothing, and CBC with a
//!   derived IV lets the first block go), and rejected messages: protee must refuse each one
//!   too, and its error decides the libolm error code the item expects.
//! * `pk_signing`: libolm derives the key from protee's seed and must produce the same
//!   signatures; `ed25519_verify` items have libolm verify them.
//!
//! Never sent to libolm: an empty ciphertext or one whose length is not a multiple of 16
//! (libolm reads out of bounds), and inputs libolm accepts but protee deliberately refuses
//! (non-canonical base64, invalid characters, PKCS#7 padding libolm does not fully check).

use protee::PkError;
use protee::pk::{PkDecryption, PkEncryption, PkMessage, PkSigning};
use protee::types::base64;
use serde_json::{Value, json};

use super::{Draws, Result, hex, with_bytes, with_exact_rng};

pub(super) fn checks(draws: &mut Draws) -> Result<Vec<Value>> {
    let alice = Recipient::new(draws, "pk/recipient/a")?;
    let bob = Recipient::new(draws, "pk/recipient/b")?;
    let plaintexts = plaintexts(draws)?;

    let to_alice = encrypt_all(draws, "pk/encrypt/a", &alice, &plaintexts)?;
    let to_bob = encrypt_all(
        draws,
        "pk/encrypt/b",
        &bob,
        &plaintexts[plaintexts.len() - 3..],
    )?;

    let mut checks = vec![
        to_alice.item.clone(),
        to_bob.item.clone(),
        decrypt_item("pk/decrypt/a", &alice, &to_alice.sent)?,
        decrypt_item("pk/decrypt/b", &bob, &to_bob.sent)?,
        altered(&alice, &to_alice.sent)?,
        rejected(&alice, &to_alice.sent, &to_bob.sent)?,
        wrong_key(&bob, &to_alice.sent)?,
    ];
    checks.extend(signing(draws)?);
    Ok(checks)
}

/// A backup key: protee's `PkDecryption` from 32 seeded bytes.
struct Recipient {
    private: [u8; 32],
    key: PkDecryption,
}

impl Recipient {
    fn new(draws: &mut Draws, label: &str) -> Result<Self> {
        let private = draws.take_array::<32>(label)?;
        let key = with_exact_rng(label, &private, PkDecryption::new_with_rng)?;
        if *key.to_bytes() != private {
            return Err(format!("{label}: the private key is not the random bytes"));
        }
        Ok(Self { private, key })
    }

    /// The start of a `pk_decrypt` item.
    fn item(&self, id: &str) -> Value {
        json!({
            "id": id,
            "type": "pk_decrypt",
            "private_key_hex": hex(&self.private),
            "public_key": self.key.public_key().to_base64(),
        })
    }
}

/// Empty, the AES block edges, UTF-8, JSON, more than 1 KiB and binary; a seed-dependent
/// tag is mixed into some of them.
fn plaintexts(draws: &mut Draws) -> Result<Vec<Vec<u8>>> {
    let tag = hex(&draws.take("pk/plaintext/tag", 4)?);
    let binary = draws.take("pk/plaintext/binary", 45)?;
    let long: Vec<u8> = format!("backup {tag} ")
        .into_bytes()
        .into_iter()
        .chain((0..2000u32).flat_map(|i| format!("{i:04} ").into_bytes()))
        .take(1500)
        .collect();
    let json = format!(
        r#"{{"algorithm":"m.megolm.v1.aes-sha2","sender_key":"{tag}","session_key":"AQAAAA","forwarding_curve25519_key_chain":[]}}"#
    );
    Ok(vec![
        Vec::new(),
        b"fifteen bytes!!".to_vec(),
        b"sixteen bytes!!!".to_vec(),
        b"seventeen bytes!!".to_vec(),
        format!("thirty-two bytes, tag {tag}!!").into_bytes(),
        format!("clé de sauvegarde ✓ ünïcödé 🔐 — 鍵 {tag}").into_bytes(),
        json.into_bytes(),
        long,
        binary,
    ])
}

/// A message protee encrypted, with its plaintext.
struct Sent {
    plaintext: Vec<u8>,
    message: PkMessage,
}

impl Sent {
    /// A `messages[]` entry: the three base64 fields.
    fn fields(&self) -> Value {
        json!({
            "ephemeral_key": self.message.ephemeral_key_base64(),
            "mac": self.message.mac_base64(),
            "ciphertext": self.message.ciphertext_base64(),
        })
    }
}

struct Encrypted {
    sent: Vec<Sent>,
    item: Value,
}

/// protee encrypts every plaintext to `recipient`, each with its own 32 random bytes; the
/// `pk_encrypt` item has libolm do the same.
fn encrypt_all(
    draws: &mut Draws,
    label: &str,
    recipient: &Recipient,
    plaintexts: &[Vec<u8>],
) -> Result<Encrypted> {
    let encryption =
        PkEncryption::from_key(recipient.key.public_key()).map_err(|e| format!("{label}: {e}"))?;
    let mut sent = Vec::new();
    let mut messages = Vec::new();
    for (i, plaintext) in plaintexts.iter().enumerate() {
        let random = draws.take(&format!("{label}/{i}"), 32)?;
        let message = with_exact_rng(label, &random, |rng| encryption.encrypt(plaintext, rng))?;
        let one = Sent {
            plaintext: plaintext.clone(),
            message,
        };
        let mut entry = one.fields();
        entry["random_hex"] = hex(&random).into();
        messages.push(with_bytes(entry, "plaintext", plaintext));
        sent.push(one);
    }
    let item = json!({
        "id": label,
        "type": "pk_encrypt",
        "recipient_key": recipient.key.public_key().to_base64(),
        "messages": messages,
    });
    Ok(Encrypted { sent, item })
}

/// protee decrypts each message (through the base64 a recipient gets) and must get
/// `plaintext` back.
fn protee_decrypts(recipient: &Recipient, fields: &Value) -> std::result::Result<Vec<u8>, PkError> {
    let field = |name: &str| fields[name].as_str().unwrap_or_default().to_owned();
    let message =
        PkMessage::from_base64(&field("ciphertext"), &field("mac"), &field("ephemeral_key"))?;
    recipient.key.decrypt(&message)
}

fn decrypt_item(id: &str, recipient: &Recipient, sent: &[Sent]) -> Result<Value> {
    let mut messages = Vec::new();
    for (i, one) in sent.iter().enumerate() {
        let fields = one.fields();
        let plaintext =
            protee_decrypts(recipient, &fields).map_err(|e| format!("{id} message {i}: {e}"))?;
        if plaintext != one.plaintext {
            return Err(format!("{id} message {i}: protee decrypts to other bytes"));
        }
        messages.push(with_bytes(fields, "plaintext", &plaintext));
    }
    let mut item = recipient.item(id);
    item["messages"] = messages.into();
    Ok(item)
}

/// Messages changed in ways both libolm and protee accept: the expected plaintext is what
/// protee decrypts (it must decrypt them).
fn altered(recipient: &Recipient, sent: &[Sent]) -> Result<Value> {
    let id = "pk/decrypt/a/altered";
    let long = longest(sent)?;
    let mut cases: Vec<(&str, Value)> = Vec::new();

    // The MAC does not cover the ciphertext: a flipped bit in the first block garbles that
    // block and flips the same bit in the second; the padding at the end is untouched.
    let mut flipped = long.message.clone();
    flipped.ciphertext[3] ^= 0x40;
    cases.push(("first-block-flipped", fields_of(&flipped)));

    // The IV is derived, not sent: without the first block, the second decrypts to garbage and
    // the rest is intact.
    let mut dropped = long.message.clone();
    dropped.ciphertext.drain(..16);
    cases.push(("first-block-dropped", fields_of(&dropped)));

    // X25519 ignores the top bit of the public key.
    let mut key = long.message.ephemeral_key.to_bytes();
    key[31] ^= 0x80;
    let mut fields = long.fields();
    fields["ephemeral_key"] = base64::encode(&key).into();
    cases.push(("ephemeral-key-top-bit", fields));

    let mut messages = Vec::new();
    for (name, fields) in cases {
        let plaintext =
            protee_decrypts(recipient, &fields).map_err(|e| format!("{id}/{name}: {e}"))?;
        if plaintext == long.plaintext && name != "ephemeral-key-top-bit" {
            return Err(format!(
                "{id}/{name}: the change did not change the plaintext"
            ));
        }
        messages.push(with_bytes(fields, "plaintext", &plaintext));
    }
    let mut item = recipient.item(id);
    item["messages"] = messages.into();
    Ok(item)
}

/// Messages protee refuses; libolm must refuse them with the matching error.
fn rejected(recipient: &Recipient, sent: &[Sent], others: &[Sent]) -> Result<Value> {
    let id = "pk/decrypt/a/rejected";
    let long = longest(sent)?;
    let first = sent.first().ok_or("no messages")?;
    let other = others.first().ok_or("no messages to the other key")?;
    let mut cases: Vec<(&str, Value)> = Vec::new();

    let mut mac = long.message.clone();
    mac.mac[0] ^= 0x01;
    cases.push(("mac-flipped", fields_of(&mac)));

    let mut mac = long.message.clone();
    mac.mac[7] ^= 0x80;
    cases.push(("mac-last-byte", fields_of(&mac)));

    let mut swapped = long.message.clone();
    swapped.mac = first.message.mac;
    cases.push(("mac-of-another-message", fields_of(&swapped)));

    let mut swapped = long.message.clone();
    swapped.ephemeral_key = first.message.ephemeral_key;
    cases.push(("ephemeral-key-of-another-message", fields_of(&swapped)));

    let mut swapped = long.message.clone();
    swapped.ephemeral_key = other.message.ephemeral_key;
    swapped.mac = other.message.mac;
    cases.push(("key-and-mac-for-another-recipient", fields_of(&swapped)));

    let mut key = long.message.ephemeral_key.to_bytes();
    key[0] ^= 0x01;
    let mut fields = long.fields();
    fields["ephemeral_key"] = base64::encode(&key).into();
    cases.push(("ephemeral-key-flipped", fields));

    // The last padding byte becomes 0xff, more than the ciphertext length: the one padding
    // check libolm makes (it sets BAD_MESSAGE_MAC for it).
    // libolm accepts any padding up to the ciphertext length, so the message is shorter than
    // 255 bytes; it has two blocks at least, so the change is in the ciphertext, not the IV.
    let short = sent
        .iter()
        .filter(|one| (32..255).contains(&one.message.ciphertext.len()))
        .max_by_key(|one| one.plaintext.len())
        .ok_or_else(|| format!("{id}: no message of 2 to 15 blocks"))?;
    let padding = 16 - short.plaintext.len() % 16;
    let length = short.message.ciphertext.len();
    let mut padded = short.message.clone();
    // Padding bytes are at most 16, so the XOR gives 0xff exactly.
    padded.ciphertext[length - 17] ^= 0xff ^ padding as u8;
    cases.push(("padding-0xff", fields_of(&padded)));

    let mut fields = long.fields();
    let mac = long.message.mac_base64();
    fields["mac"] = mac[..10].into();
    cases.push(("mac-10-characters", fields));

    let mut fields = long.fields();
    fields["mac"] = format!("{mac}A").into();
    cases.push(("mac-12-characters", fields));

    let mut fields = long.fields();
    let key = long.message.ephemeral_key_base64();
    fields["ephemeral_key"] = key[..42].into();
    cases.push(("ephemeral-key-42-characters", fields));

    let mut fields = long.fields();
    fields["ephemeral_key"] = format!("{key}A").into();
    cases.push(("ephemeral-key-44-characters", fields));

    let mut messages = Vec::new();
    for (name, mut fields) in cases {
        let code = match protee_decrypts(recipient, &fields) {
            Ok(_) => return Err(format!("{id}/{name}: protee decrypts it")),
            Err(e) => pk_code(&e).ok_or_else(|| format!("{id}/{name}: unexpected {e:?}"))?,
        };
        fields["expect_error"] = code.into();
        messages.push(fields);
    }
    let mut item = recipient.item(id);
    item["messages"] = messages.into();
    Ok(item)
}

/// Messages for one key, decrypted with another: libolm's MAC check fails on each.
fn wrong_key(recipient: &Recipient, sent: &[Sent]) -> Result<Value> {
    let id = "pk/decrypt/wrong-key";
    let mut messages = Vec::new();
    for (i, one) in sent.iter().enumerate() {
        let mut fields = one.fields();
        let code = match protee_decrypts(recipient, &fields) {
            Ok(_) => return Err(format!("{id} message {i}: protee decrypts it")),
            Err(e) => pk_code(&e).ok_or_else(|| format!("{id} message {i}: unexpected {e:?}"))?,
        };
        fields["expect_error"] = code.into();
        messages.push(fields);
    }
    let mut item = recipient.item(id);
    item["messages"] = messages.into();
    Ok(item)
}

/// libolm's error for a message protee refuses with `error`; `None` for refusals libolm does
/// not share (they are not sent).
fn pk_code(error: &PkError) -> Option<&'static str> {
    match error {
        PkError::InvalidMac | PkError::InvalidPadding => Some("BAD_MESSAGE_MAC"),
        PkError::InvalidMacEncoding(_) | PkError::InvalidEphemeralKeyEncoding(_) => {
            Some("INVALID_BASE64")
        }
        _ => None,
    }
}

fn longest(sent: &[Sent]) -> Result<&Sent> {
    sent.iter()
        .max_by_key(|one| one.plaintext.len())
        .ok_or_else(|| "no messages".to_owned())
}

fn fields_of(message: &PkMessage) -> Value {
    json!({
        "ephemeral_key": message.ephemeral_key_base64(),
        "mac": message.mac_base64(),
        "ciphertext": message.ciphertext_base64(),
    })
}

/// `pk_signing` items for two seeded keys, and libolm verifying the signatures.
fn signing(draws: &mut Draws) -> Result<Vec<Value>> {
    let binary = draws.take("pk/signing/binary", 50)?;
    let long: Vec<u8> = (0..3000u32)
        .flat_map(|i| format!("{i:x}.").into_bytes())
        .take(2500)
        .collect();
    let messages: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"Hello, World".to_vec(),
        "signé ✓ 🔐 — ünïcödé 鍵".as_bytes().to_vec(),
        br#"{"keys":{"ed25519:base64+master+public+key":"base64+master+public+key"},"usage":["master"],"user_id":"@alice:example.org"}"#.to_vec(),
        long,
        binary,
    ];
    let mut checks = Vec::new();
    let mut verify = Vec::new();
    for name in ["master", "self-signing"] {
        let label = format!("pk/signing/{name}");
        let seed = draws.take_array::<32>(&label)?;
        let key = with_exact_rng(&label, &seed, PkSigning::new_with_rng)?;
        if key.public_key() != PkSigning::from_seed(&seed).public_key() {
            return Err(format!("{label}: new_with_rng and from_seed differ"));
        }
        let public_key = key.public_key().to_base64();
        let mut signatures = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            let signature = key.sign(message).to_base64();
            protee::utility::ed25519_verify(&public_key, message, &signature)
                .map_err(|e| format!("{label} message {i}: {e}"))?;
            signatures.push(with_bytes(
                json!({ "signature": signature }),
                "message",
                message,
            ));
            verify.push(with_bytes(
                json!({
                    "id": format!("{label}/verify/{i}"),
                    "type": "ed25519_verify",
                    "key": public_key,
                    "signature": signature,
                    "valid": true,
                }),
                "message",
                message,
            ));
        }
        checks.push(json!({
            "id": label,
            "type": "pk_signing",
            "seed_hex": hex(&seed),
            "public_key": public_key,
            "signatures": signatures,
        }));
    }
    checks.extend(verify);
    Ok(checks)
}
