//! The `utility` section: `olm_ed25519_verify` cases. protee decides whether each signature is
//! valid; libolm must come to the same answer.
//!
//! Cases where protee is deliberately stricter than libolm are left out, because libolm
//! accepts them (spec/olm.md OLM-SIG-1, OLM-B64-1): S + L instead of S (libolm only checks the
//! top three bits of S), small-order or non-canonical public keys, and base64 with
//! non-canonical trailing bits.

use protee::{Ed25519SecretKey, Ed25519Signature};
use serde_json::{Value, json};

use super::{Draws, Result, with_bytes};

pub(super) fn checks(draws: &mut Draws) -> Result<Vec<Value>> {
    let signer = Ed25519SecretKey::from_seed(&draws.take_array::<32>("utility/signer/seed")?);
    let other = Ed25519SecretKey::from_seed(&draws.take_array::<32>("utility/other/seed")?);
    let key = signer.public_key().to_base64();
    let random_message = draws.take("utility/message", 48)?;

    let messages: [(&str, Vec<u8>); 5] = [
        ("empty", Vec::new()),
        ("text", b"Hello, World".to_vec()),
        ("utf8", "signé ✓ 🔐 — ünïcödé".as_bytes().to_vec()),
        ("binary", random_message.clone()),
        (
            "json",
            br#"{"algorithms":["m.olm.v1.curve25519-aes-sha2"],"user_id":"@a:b"}"#.to_vec(),
        ),
    ];
    let mut cases: Vec<(String, String, Vec<u8>, String)> = Vec::new();
    for (name, message) in &messages {
        let signature = signer.sign(message).to_base64();
        cases.push((
            format!("valid/{name}"),
            key.clone(),
            message.clone(),
            signature,
        ));
    }

    let message = random_message;
    let signature = signer.sign(&message).to_bytes();
    let mut wrong_message = message.clone();
    if let Some(byte) = wrong_message.first_mut() {
        *byte ^= 0x01;
    }
    cases.push((
        "wrong-message".into(),
        key.clone(),
        wrong_message,
        encode(signature),
    ));
    cases.push((
        "truncated-message".into(),
        key.clone(),
        message[..message.len() - 1].to_vec(),
        encode(signature),
    ));
    cases.push((
        "other-key".into(),
        other.public_key().to_base64(),
        message.clone(),
        encode(signature),
    ));
    cases.push((
        "signature-by-other-key".into(),
        key.clone(),
        message.clone(),
        other.sign(&message).to_base64(),
    ));
    for (name, position, mask) in [
        ("flipped-r", 5, 0x10),
        ("flipped-s", 40, 0x01),
        ("s-top-bits", 63, 0xe0),
    ] {
        let mut changed = signature;
        changed[position] ^= mask;
        cases.push((name.into(), key.clone(), message.clone(), encode(changed)));
    }
    cases.push((
        "zero-signature".into(),
        key.clone(),
        message.clone(),
        encode([0; 64]),
    ));

    Ok(cases
        .into_iter()
        .map(|(name, key, message, signature)| {
            let valid = protee::utility::ed25519_verify(&key, &message, &signature).is_ok();
            let item = json!({
                "id": format!("utility/ed25519-verify/{name}"),
                "type": "ed25519_verify",
                "key": key,
                "signature": signature,
                "valid": valid,
            });
            with_bytes(item, "message", &message)
        })
        .collect())
}

fn encode(signature: [u8; 64]) -> String {
    Ed25519Signature::from_bytes(signature).to_base64()
}
