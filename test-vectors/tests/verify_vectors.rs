//! Runs `protee-vectors verify` over every committed libolm vector file, and shows that the
//! checker can fail: a vector file with one ciphertext character changed (Olm, Megolm or PK),
//! one SAS MAC changed, or the export window attempts reordered, must not pass.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("libolm");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no vector files (*.json) in {}",
        dir.display()
    );
    files
}

fn verify(file: &Path, extra: &[&str]) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_protee-vectors"))
        .arg("verify")
        .arg(file)
        .args(extra)
        .output()
        .expect("run protee-vectors");
    let stdout = String::from_utf8(output.stdout.clone()).expect("UTF-8 output");
    (output, stdout)
}

fn count(stdout: &str, prefix: &str) -> usize {
    stdout
        .lines()
        .filter(|line| line.starts_with(prefix))
        .count()
}

#[test]
fn every_committed_vector_file_verifies() {
    // The megolm section encrypts 2^16 messages per file (slow in a debug build): run the
    // files at the same time.
    let runs: Vec<_> = vector_files()
        .into_iter()
        .map(|file| std::thread::spawn(move || (verify(&file, &[]), file)))
        .collect();
    for run in runs {
        let ((output, stdout), file) = run.join().expect("verify thread");
        let name = file.display();
        assert!(
            output.status.success(),
            "{name}: exit status {:?}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let last = stdout.lines().last().unwrap_or_default();
        assert!(
            last.ends_with(" passed, 0 failed"),
            "{name}: last line {last:?}"
        );
        assert_eq!(count(&stdout, "FAIL "), 0, "{name}:\n{stdout}");

        let olm = count(&stdout, "PASS olm ");
        let utility = count(&stdout, "PASS utility ");
        assert!(olm > 50, "{name}: only {olm} olm checks passed");
        assert!(utility >= 6, "{name}: only {utility} utility checks passed");
        let megolm = count(&stdout, "PASS megolm ");
        assert!(megolm > 250, "{name}: only {megolm} megolm checks passed");
        // Nothing is skipped.
        let skips: Vec<&str> = stdout.lines().filter(|l| l.starts_with("SKIP ")).collect();
        assert!(skips.is_empty(), "{name}: unexpected SKIPs: {skips:#?}");
        let pickle = count(&stdout, "PASS pickle ");
        assert!(pickle > 200, "{name}: only {pickle} pickle checks passed");
        for line in [
            "PASS megolm outbound.session_key_final",
            "PASS megolm messages[14].ciphertext",
            "PASS megolm high_index_messages[3].ciphertext",
            "PASS megolm high_index_messages[4].crafted_outbound_loaded",
            "PASS megolm high_index_messages[7].ciphertext",
            "PASS megolm high_index_messages[7].decrypt.plaintext",
            "PASS megolm inbound_from_session_key.exports[12]",
            "PASS megolm export_index_window.attempts[4]",
            "PASS megolm inbound_from_session_key_index_6.decrypt_errors[5]",
            "PASS megolm imported_at_index_3.is_verified_after_decrypt",
        ] {
            assert!(stdout.lines().any(|l| l == line), "{name}: no {line:?}");
        }
        // SAS and PK: every recorded item checked, nothing skipped (the PK decryption key's
        // pickle is listed under the pickle section).
        let sas = count(&stdout, "PASS sas ");
        let pk = count(&stdout, "PASS pk ");
        assert!(sas >= 30, "{name}: only {sas} sas checks passed");
        assert!(pk >= 25, "{name}: only {pk} pk checks passed");
        for section in ["sas", "pk", "utility"] {
            assert_eq!(
                count(&stdout, &format!("SKIP {section} ")),
                0,
                "{name}: {section} has SKIP lines:\n{stdout}"
            );
        }
        for line in [
            "PASS sas alice.random.used",
            "PASS sas bob.public_key",
            "PASS sas generate_bytes[0]",
            "PASS sas generate_bytes[0].emoji_indices",
            "PASS sas generate_bytes[1].decimals",
            "PASS sas generate_bytes[3]",
            "PASS sas macs[0].calculate_mac_fixed_base64",
            "PASS sas macs[1].calculate_mac",
            "PASS sas macs[2].calculate_mac_long_kdf",
            "PASS sas macs[2].verify_mac",
            "PASS sas macs[2].verify_mac_invalid_base64",
            "PASS sas macs[2].verify_mac_long_kdf",
            "PASS pk decryption.generate_key_random.used",
            "PASS pk decryption.public_key",
            "PASS pk encryptions[2].ephemeral_key",
            "PASS pk encryptions[2].mac",
            "PASS pk encryptions[3].ciphertext",
            "PASS pk encryptions[3].decrypt.plaintext",
            "PASS pk signing.public_key",
            "PASS pk signing.signatures[1]",
            "PASS pk signing.signatures[1].verify",
            "PASS pickle pk.decryption.pickle.repickled",
            "PASS pickle pk.decryption.pickle.empty_key_loaded",
            "PASS pickle olm.accounts.alice.pickle_after_create.repickled_empty_key",
            "PASS pickle olm.accounts.bob.loaded.signatures[1]",
            "PASS pickle olm.conversation.steps[3].from_pickle.pickle_after",
            "PASS pickle olm.conversation.steps[21].from_pickle.pickle_after",
            "PASS pickle megolm.outbound.pickle_final.repickled",
            "PASS pickle megolm.imported_at_index_3.pickle_after_decrypt.wrong_key",
        ] {
            assert!(stdout.lines().any(|l| l == line), "{name}: no {line:?}");
        }
        let passed: usize = last
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert_eq!(
            passed,
            count(&stdout, "PASS "),
            "{name}: the summary miscounts"
        );
    }
}

#[test]
fn a_tampered_ciphertext_fails() {
    let original = &vector_files()[0];
    let text = std::fs::read_to_string(original).expect("read vector file");
    let mut vectors: serde_json::Value = serde_json::from_str(&text).expect("JSON");

    // Change one character in the middle of the first recorded ciphertext (Alice's m0).
    let step = &mut vectors["olm"]["conversation"]["steps"][0];
    assert_eq!(step["op"], "encrypt");
    let ciphertext = step["ciphertext"].as_str().expect("ciphertext").to_owned();
    let middle = ciphertext.len() / 2;
    let flipped = if &ciphertext[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!(
        "{}{flipped}{}",
        &ciphertext[..middle],
        &ciphertext[middle + 1..]
    );
    step["ciphertext"] = serde_json::Value::String(tampered);

    let dir = std::env::temp_dir().join(format!("protee-verify-tamper-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("tampered.json");
    std::fs::write(&file, serde_json::to_string(&vectors).expect("serialize")).expect("write");

    let (output, stdout) = verify(&file, &["--only", "olm"]);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert!(
        !output.status.success(),
        "a tampered file verified:\n{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l == "FAIL olm conversation.steps[0].encrypt.ciphertext"),
        "no FAIL line for the tampered ciphertext:\n{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(!last.ends_with(" 0 failed"), "last line {last:?}");
}

#[test]
fn a_file_of_another_format_is_refused() {
    let dir = std::env::temp_dir().join(format!("protee-verify-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("other.json");
    std::fs::write(
        &file,
        r#"{"format": "something-else", "format_version": 1}"#,
    )
    .expect("write");
    let (output, _) = verify(&file, &[]);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("other.json"),
        "the error does not name the file: {stderr}"
    );
}

/// One character in the middle of `text` changed.
fn flip_middle(text: &str) -> String {
    let middle = text.len() / 2;
    let flipped = if &text[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    format!("{}{flipped}{}", &text[..middle], &text[middle + 1..])
}

#[test]
fn tampered_megolm_vectors_fail() {
    let original = &vector_files()[0];
    let text = std::fs::read_to_string(original).expect("read vector file");
    let mut vectors: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let megolm = &mut vectors["megolm"];

    // An outbound ciphertext (index 256), an export, the order of the window attempts (the
    // window depends on it), and the verification flag of the imported session.
    let message = &mut megolm["messages"][7];
    assert_eq!(message["index"], 256);
    let ciphertext = message["ciphertext"].as_str().expect("ciphertext");
    message["ciphertext"] = flip_middle(ciphertext).into();
    let export = &mut megolm["inbound_from_session_key"]["exports"][9];
    let key = export["exported_key"].as_str().expect("exported key");
    export["exported_key"] = flip_middle(key).into();
    let attempts = megolm["export_index_window"]["attempts"]
        .as_array_mut()
        .expect("attempts");
    assert!(attempts[1]["error"].is_string() && attempts[2]["error"].is_null());
    attempts.swap(1, 2);
    megolm["imported_at_index_3"]["is_verified_before_decrypt"] = true.into();

    let dir = std::env::temp_dir().join(format!(
        "protee-verify-megolm-tamper-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("tampered.json");
    std::fs::write(&file, serde_json::to_string(&vectors).expect("serialize")).expect("write");
    let (output, stdout) = verify(&file, &["--only", "megolm"]);
    std::fs::remove_dir_all(&dir).expect("clean up");

    assert!(
        !output.status.success(),
        "a tampered file verified:\n{stdout}"
    );
    let failed: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FAIL megolm "))
        .collect();
    let expected = [
        "messages[7].ciphertext",
        "messages[7].decrypt.plaintext",
        "inbound_from_session_key.exports[9]",
        // Now recorded as failing right after the export at 2^31-1, where libolm's window
        // (moved by that export) accepts it.
        "export_index_window.attempts[2]",
        "imported_at_index_3.is_verified_before_decrypt",
    ];
    for name in expected {
        assert!(failed.contains(&name), "no FAIL line for {name}:\n{stdout}");
    }
    // Besides those, only other fields of the changed message (which depend on where the
    // character sits) may fail.
    for name in failed {
        assert!(
            expected.contains(&name) || name.starts_with("messages[7]."),
            "unexpected FAIL line for {name}:\n{stdout}"
        );
    }
}

#[test]
fn tampered_sas_and_pk_vectors_fail() {
    let original = &vector_files()[0];
    let text = std::fs::read_to_string(original).expect("read vector file");
    let mut vectors: serde_json::Value = serde_json::from_str(&text).expect("JSON");

    // One SAS MAC (the correct-base64 one, which `verify_mac` is also given) and one PK
    // ciphertext (which the PK MAC does not cover, so only the plaintext can catch it).
    let mac = &mut vectors["sas"]["macs"][1]["calculate_mac_fixed_base64"];
    *mac = flip_middle(mac.as_str().expect("MAC")).into();
    let ciphertext = &mut vectors["pk"]["encryptions"][0]["ciphertext"];
    *ciphertext = flip_middle(ciphertext.as_str().expect("ciphertext")).into();

    let dir = std::env::temp_dir().join(format!(
        "protee-verify-sas-pk-tamper-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("tampered.json");
    std::fs::write(&file, serde_json::to_string(&vectors).expect("serialize")).expect("write");
    let (sas_output, sas_stdout) = verify(&file, &["--only", "sas"]);
    let (pk_output, pk_stdout) = verify(&file, &["--only", "pk"]);
    std::fs::remove_dir_all(&dir).expect("clean up");

    for (output, stdout, section, expected) in [
        (
            &sas_output,
            &sas_stdout,
            "sas",
            &["macs[1].calculate_mac_fixed_base64", "macs[1].verify_mac"][..],
        ),
        (
            &pk_output,
            &pk_stdout,
            "pk",
            &[
                "encryptions[0].ciphertext",
                "encryptions[0].decrypt.plaintext",
            ][..],
        ),
    ] {
        assert!(
            !output.status.success(),
            "a tampered file verified:\n{stdout}"
        );
        let prefix = format!("FAIL {section} ");
        let failed: Vec<&str> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect();
        assert_eq!(failed, expected, "unexpected FAIL lines:\n{stdout}");
        let last = stdout.lines().last().unwrap_or_default();
        assert!(last.ends_with(" 2 failed"), "last line {last:?}");
    }
}

#[test]
fn a_tampered_pickle_fails() {
    let original = &vector_files()[0];
    let text = std::fs::read_to_string(original).expect("read vector file");
    let mut vectors: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    // libolm's pickle of Bob's session after step 13, one character changed: the replay of
    // step 14 from it and the re-pickle of it must both fail.
    let pickle = &mut vectors["olm"]["conversation"]["steps"][13]["session_pickles_after"]["bob"];
    let text = pickle.as_str().expect("pickle").to_owned();
    *pickle = flip_middle(&text).into();

    let dir = std::env::temp_dir().join(format!("protee-verify-pickle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("tampered.json");
    std::fs::write(&file, serde_json::to_string(&vectors).expect("serialize")).expect("write");
    let (output, stdout) = verify(&file, &["--only", "pickle"]);
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert!(!output.status.success(), "a tampered pickle verified");
    for line in [
        "FAIL pickle olm.conversation.steps[13].session_pickles_after.bob.repickled",
        "FAIL pickle olm.conversation.steps[14].from_pickle",
    ] {
        assert!(stdout.lines().any(|l| l == line), "no {line:?}:\n{stdout}");
    }
}
