//! The `pk` section: the backup key made from its recorded random bytes (which libolm keeps as
//! the private key), every recorded `olm_pk_encrypt` replayed with its recorded ephemeral
//! random bytes (ephemeral key, MAC and ciphertext byte for byte) and libolm's message decrypted
//! back, and the signing key from its seed with every signature. The decryption key's pickle is
//! left to the pickle section.

use protee::pk::{PkDecryption, PkEncryption, PkMessage, PkSigning};
use protee::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature};

use super::Checker;
use super::format::{self, to_hex};
use super::sas::random_used;
use crate::replay_rng::ReplayRng;

pub fn check(pk: &format::Pk, c: &mut Checker) {
    let decryption = decryption(&pk.decryption, c);
    encryptions(pk, decryption.as_ref(), c);
    signing(&pk.signing, c);
}

/// `olm_pk_generate_key` with the recorded random bytes: they are the private key
/// (spec/sas-pk.md PK-KEY-1).
fn decryption(recorded: &format::PkDecryption, c: &mut Checker) -> Option<PkDecryption> {
    let random = &recorded.generate_key_random;
    let mut rng = ReplayRng::new(random.bytes.clone());
    let decryption = PkDecryption::new_with_rng(&mut rng);
    random_used("decryption.generate_key_random.used", &rng, random, c);
    c.eq(
        "decryption.private_key",
        to_hex(&recorded.private_key_hex.0).as_str(),
        &to_hex(decryption.to_bytes().as_slice()),
    );
    c.eq(
        "decryption.public_key",
        recorded.public_key.as_str(),
        &decryption.public_key().to_base64(),
    )
    .then_some(decryption)
}

/// Each recorded `olm_pk_encrypt` to the recorded public key, then `olm_pk_decrypt` of
/// libolm's message with the key made above.
fn encryptions(pk: &format::Pk, decryption: Option<&PkDecryption>, c: &mut Checker) {
    let recipient = Curve25519PublicKey::from_base64(&pk.decryption.public_key)
        .map_err(|e| e.to_string())
        .and_then(|key| PkEncryption::from_key(key).map_err(|e| e.to_string()));
    for (i, recorded) in pk.encryptions.iter().enumerate() {
        let at = format!("encryptions[{i}]");
        match &recipient {
            Ok(encryption) => encrypt(&at, encryption, recorded, c),
            Err(e) => c.fail(
                &format!("{at}.created"),
                &format!(
                    "libolm encrypted to {:?}, protee refused it: {e}",
                    pk.decryption.public_key
                ),
            ),
        }
        match decryption {
            Some(decryption) => decrypt(&at, decryption, recorded, c),
            None => c.fail(
                &format!("{at}.decrypt.plaintext"),
                "no decryption key (its public key differs from libolm's)",
            ),
        }
    }
}

/// spec/sas-pk.md PK-ENC-1, PK-KEYS-1: the recorded ephemeral bytes give libolm's ephemeral key,
/// MAC and ciphertext.
fn encrypt(at: &str, encryption: &PkEncryption, recorded: &format::PkEncryption, c: &mut Checker) {
    let mut rng = ReplayRng::new(recorded.random.bytes.clone());
    let message = encryption.encrypt(&recorded.plaintext.hex.0, &mut rng);
    random_used(&format!("{at}.random.used"), &rng, &recorded.random, c);
    c.eq(
        &format!("{at}.ephemeral_key"),
        recorded.ephemeral_key.as_str(),
        &message.ephemeral_key_base64(),
    );
    c.eq(
        &format!("{at}.mac"),
        recorded.mac.as_str(),
        &message.mac_base64(),
    );
    c.eq(
        &format!("{at}.ciphertext"),
        recorded.ciphertext.as_str(),
        &message.ciphertext_base64(),
    );
}

fn decrypt(at: &str, decryption: &PkDecryption, recorded: &format::PkEncryption, c: &mut Checker) {
    let name = format!("{at}.decrypt.plaintext");
    let plaintext =
        PkMessage::from_base64(&recorded.ciphertext, &recorded.mac, &recorded.ephemeral_key)
            .and_then(|message| decryption.decrypt(&message));
    match plaintext {
        Ok(plaintext) => {
            c.eq(
                &name,
                to_hex(&recorded.plaintext.hex.0).as_str(),
                &to_hex(&plaintext),
            );
        }
        Err(e) => c.fail(
            &name,
            &format!("libolm decrypted its message, protee refused it: {e}"),
        ),
    }
}

/// `olm_pk_signing_key_from_seed` with the recorded seed, then `olm_pk_sign` of each message;
/// each recorded signature must verify under the recorded public key (spec/sas-pk.md
/// PK-SIGN-1).
fn signing(recorded: &format::PkSigning, c: &mut Checker) {
    let seed: Result<&[u8; 32], _> = recorded.seed.bytes.as_slice().try_into();
    let Ok(seed) = seed else {
        c.fail(
            "signing.public_key",
            &format!(
                "the recorded seed is {} bytes; protee's seeds are 32",
                recorded.seed.length
            ),
        );
        return;
    };
    let signing = PkSigning::from_seed(seed);
    c.eq(
        "signing.public_key",
        recorded.public_key.as_str(),
        &signing.public_key().to_base64(),
    );
    let public_key = Ed25519PublicKey::from_base64(&recorded.public_key);
    for (i, signature) in recorded.signatures.iter().enumerate() {
        let at = format!("signing.signatures[{i}]");
        let message = &signature.message.hex.0;
        c.eq(
            &at,
            signature.signature.as_str(),
            &signing.sign(message).to_base64(),
        );
        let verified = match (
            &public_key,
            Ed25519Signature::from_base64(&signature.signature),
        ) {
            (Ok(key), Ok(parsed)) => key
                .verify(message, &parsed)
                .map_err(|e| format!("refused: {e}")),
            (Err(e), _) => Err(format!("the recorded public key does not decode: {e}")),
            (_, Err(e)) => Err(format!("the recorded signature does not decode: {e}")),
        };
        c.ok(&format!("{at}.verify"), verified.is_ok(), || {
            format!(
                "expected libolm's signature to verify under libolm's public key, {}",
                verified.clone().err().unwrap_or_default()
            )
        });
    }
}
