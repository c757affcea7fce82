//! The `sas` section: a SAS verification between libolm and protee.
//!
//! The checker's `sas` item is libolm's side: libolm makes its key from `our_random_hex`, takes
//! `their_public_key` and computes the bytes and MACs from there. protee plays the other
//! device: it makes its own key from its own random bytes (that public key is
//! `their_public_key`), agrees on the secret with libolm's public key, and computes every
//! expected value from *its* side. SAS is symmetric, so both sides must arrive at the same
//! bytes and MACs; `our_public_key` (protee's view of libolm's key) is checked too.
//!
//! protee also computes everything a second time from libolm's side (it can, having the same
//! random bytes) and fails if the two sides disagree, which would point at protee rather
//! than libolm.

use protee::sas::{EstablishedSas, Sas};
use serde_json::{Value, json};

use super::{Draws, Result, hex, with_bytes, with_exact_rng};

/// SAS verifications per seed.
const VERIFICATIONS: usize = 3;

pub(super) fn checks(draws: &mut Draws) -> Result<Vec<Value>> {
    (0..VERIFICATIONS).map(|i| verification(draws, i)).collect()
}

/// One verification: libolm is device A (`our`), protee is device B (`its`).
fn verification(draws: &mut Draws, n: usize) -> Result<Value> {
    let label = format!("sas/{n}");
    let our_random = draws.take(&format!("{label}/libolm"), 32)?;
    let its_random = draws.take(&format!("{label}/protee"), 32)?;
    let binary = draws.take(&format!("{label}/binary"), 40)?;
    let txid = hex(&draws.take(&format!("{label}/txid"), 12)?);

    let ours = with_exact_rng("libolm's SAS", &our_random, Sas::new_with_rng)?;
    let its = with_exact_rng("protee's SAS", &its_random, Sas::new_with_rng)?;
    let our_public_key = ours.public_key().to_base64();
    let its_public_key = its.public_key().to_base64();
    let sas = its
        .diffie_hellman_with_base64(&our_public_key)
        .map_err(|e| format!("{label}: protee's side: {e}"))?;
    let mirror = ours
        .diffie_hellman_with_base64(&its_public_key)
        .map_err(|e| format!("{label}: libolm's side in protee: {e}"))?;

    // Matrix-style infos (m.sas.v1): libolm is @alice's device, protee @bob's.
    let (alice, bob) = (
        format!("@alice:example.org|ALICEDEVICE{n}|{our_public_key}"),
        format!("@bob:example.org|BOBDEVICE{n}|{its_public_key}"),
    );
    let sas_info = format!("MATRIX_KEY_VERIFICATION_SAS|{alice}|{bob}|{txid}");
    let long_length = if n == 0 {
        EstablishedSas::MAX_BYTES
    } else {
        1000 + 333 * n
    };
    let requests: Vec<(Vec<u8>, usize)> = vec![
        (sas_info.clone().into_bytes(), 6),
        (sas_info.clone().into_bytes(), 5),
        (sas_info.into_bytes(), 32),
        (b"SAS".to_vec(), 1),
        ("info ✓ ünïcödé 🔐".as_bytes().to_vec(), 7),
        (Vec::new(), 33),
        (binary.clone(), 64),
        (format!("long output {n}").into_bytes(), long_length),
    ];
    let mut bytes = Vec::new();
    for (info, length) in requests {
        let output = sas
            .bytes(&info, length)
            .map_err(|e| format!("{label}: {e}"))?;
        let check = mirror
            .bytes(&info, length)
            .map_err(|e| format!("{label}: {e}"))?;
        if output != check {
            return Err(format!(
                "{label}: protee's two sides derive different {length} bytes"
            ));
        }
        let item = json!({ "length": length, "output_hex": hex(&output) });
        bytes.push(with_bytes(item, "info", &info));
    }

    // MACs as protee (@bob) would send them for its keys (Matrix MAC info: no separators),
    // and MACs of odd inputs.
    let mac_info = |key_id: &str| {
        format!(
            "MATRIX_KEY_VERIFICATION_MAC@bob:example.orgBOBDEVICE{n}\
             @alice:example.orgALICEDEVICE{n}{txid}{key_id}"
        )
        .into_bytes()
    };
    let long_input: Vec<u8> = (0..5000u32)
        .flat_map(|i| format!("{i},").into_bytes())
        .take(4099 + n)
        .collect();
    let inputs: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (
            its_public_key.clone().into_bytes(),
            mac_info(&format!("ed25519:BOBDEVICE{n}")),
        ),
        (
            format!("ed25519:BOBDEVICE{n},ed25519:{its_public_key}").into_bytes(),
            mac_info("KEY_IDS"),
        ),
        (Vec::new(), mac_info("empty")),
        (b"Hello world!".to_vec(), b"MAC".to_vec()),
        (
            "clé ✓ ünïcödé 🔐 — 鍵".as_bytes().to_vec(),
            "info ✓ 🔐".as_bytes().to_vec(),
        ),
        (b"empty info".to_vec(), Vec::new()),
        (binary, mac_info("binary")),
        (long_input, mac_info("long")),
    ];
    let mut macs = Vec::new();
    for (input, info) in inputs {
        let values = [
            ("mac", sas.calculate_mac(&input, &info)),
            (
                "mac_invalid_base64",
                sas.calculate_mac_invalid_base64(&input, &info),
            ),
            ("mac_long_kdf", sas.calculate_mac_long_kdf(&input, &info)),
        ];
        let mirrored = [
            mirror.calculate_mac(&input, &info),
            mirror.calculate_mac_invalid_base64(&input, &info),
            mirror.calculate_mac_long_kdf(&input, &info),
        ];
        let mut item = json!({});
        for ((field, value), check) in values.into_iter().zip(mirrored) {
            if value != check {
                return Err(format!(
                    "{label}: protee's two sides compute different {field}"
                ));
            }
            item[field] = value.into();
        }
        item = with_bytes(item, "input", &input);
        macs.push(with_bytes(item, "info", &info));
    }

    Ok(json!({
        "id": label,
        "type": "sas",
        "our_random_hex": hex(&our_random),
        "our_public_key": our_public_key,
        "their_public_key": its_public_key,
        "bytes": bytes,
        "macs": macs,
    }))
}
