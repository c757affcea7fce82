//! Runs `protee-vectors verify` over every primitive and negative vector file, shows that the
//! checker fails on a corrupted vector, and that the negative files regenerate byte for byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.json in {}", dir.display());
    files
}

fn tool(args: &[&std::ffi::OsStr]) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_protee-vectors"))
        .args(args)
        .output()
        .expect("run protee-vectors");
    let stdout = String::from_utf8(output.stdout.clone()).expect("UTF-8 output");
    (output, stdout)
}

fn verify(file: &Path) -> (Output, String) {
    tool(&["verify".as_ref(), file.as_os_str()])
}

fn count(stdout: &str, prefix: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with(prefix)).count()
}

fn assert_all_pass(file: &Path, minimum: usize) {
    let (output, stdout) = verify(file);
    let name = file.display();
    assert!(
        output.status.success(),
        "{name}: {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let passed = count(&stdout, "PASS ");
    assert_eq!(count(&stdout, "FAIL "), 0, "{name}:\n{stdout}");
    assert!(passed >= minimum, "{name}: only {passed} checks passed");
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(last, format!("{passed} passed, 0 failed"), "{name}");
}

// spec/olm.md OLM-DH-1, OLM-SIG-1, OLM-SIG-2: the published vectors of X25519 and Ed25519 hold
// for protee, and every small-order key and non-strict signature is refused.
#[test]
fn every_primitive_vector_file_verifies() {
    let files = files("primitives");
    assert_eq!(files.len(), 5, "{files:?}");
    for file in files {
        assert_all_pass(&file, 6);
    }
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2, OLM-MAC-1, OLM-RECV-2, OLM-RECV-3, OLM-RECV-4,
// OLM-RECV-5; spec/megolm.md MEGOLM-MSG-2, MEGOLM-IN-3, MEGOLM-IN-4; spec/pickle.md
// PICKLE-LIBOLM-2, PICKLE-NATIVE-3: every negative vector gives its exact error and leaves the
// state unchanged.
#[test]
fn every_negative_vector_file_verifies() {
    let files = files("negative");
    assert_eq!(files.len(), 6, "{files:?}");
    let mut entries = 0;
    for file in &files {
        assert_all_pass(file, 10);
        let text = std::fs::read_to_string(file).expect("read");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        entries += json["entries"].as_array().expect("entries").len();
    }
    assert!(entries >= 60, "only {entries} negative entries");
}

fn corrupted(file: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> (Output, String) {
    let text = std::fs::read_to_string(file).expect("read");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    edit(&mut json);
    let dir = std::env::temp_dir().join(format!(
        "protee-corrupt-{}-{}",
        std::process::id(),
        file.file_stem().and_then(|s| s.to_str()).unwrap_or("x")
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("corrupted.json");
    std::fs::write(&path, serde_json::to_string(&json).expect("serialise")).expect("write");
    let result = verify(&path);
    std::fs::remove_dir_all(&dir).expect("clean up");
    result
}

#[test]
fn a_changed_expected_error_fails() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("negative/olm-messages.json");
    let (output, stdout) = corrupted(&file, |json| {
        let entry = &mut json["entries"][16];
        assert_eq!(entry["expected_error"], "DecryptionError::InvalidMac");
        entry["expected_error"] = "DecryptionError::InvalidPadding".into();
    });
    assert!(!output.status.success(), "verified:\n{stdout}");
    assert_eq!(count(&stdout, "FAIL "), 1, "{stdout}");
    assert!(stdout.contains("FAIL olm-messages entries[16]"), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or_default()
            .ends_with(" 1 failed")
    );
}

#[test]
fn an_expected_success_that_fails_is_caught() {
    // The Megolm replay entry expects success; a corrupted message must make it FAIL.
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("negative/megolm-messages.json");
    let (output, stdout) = corrupted(&file, |json| {
        let entries = json["entries"].as_array_mut().expect("entries");
        let replay = entries
            .iter_mut()
            .find(|e| e["expected_error"].is_null())
            .expect("the replay entry");
        let message = replay["input"]["message"]
            .as_str()
            .expect("message")
            .to_owned();
        let middle = message.len() / 2;
        let flipped = if &message[middle..=middle] == "A" {
            "B"
        } else {
            "A"
        };
        replay["input"]["message"] =
            format!("{}{flipped}{}", &message[..middle], &message[middle + 1..]).into();
    });
    assert!(!output.status.success(), "verified:\n{stdout}");
    assert_eq!(count(&stdout, "FAIL "), 1, "{stdout}");
}

#[test]
fn a_changed_primitive_output_byte_fails() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("primitives");
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "rfc7748-x25519.json",
            &["diffie_hellman", "shared_secret_hex"],
            "FAIL rfc7748 ",
        ),
        (
            "rfc8032-ed25519.json",
            &["rfc8032", "0", "signature_hex"],
            "FAIL rfc8032 ",
        ),
        (
            "rfc5869-hkdf.json",
            &["test_cases", "1", "okm_hex"],
            "FAIL rfc5869 ",
        ),
        (
            "rfc4231-hmac-sha256.json",
            &["test_cases", "4", "hmac_sha256_hex"],
            "FAIL rfc4231 ",
        ),
        (
            "sp800-38a-aes256-cbc.json",
            &["encrypt", "ciphertext_blocks_hex", "2"],
            "FAIL sp800-38a ",
        ),
    ];
    for (name, path, prefix) in cases {
        let (output, stdout) = corrupted(&dir.join(name), |json| {
            let mut value = json;
            for key in path {
                value = match key.parse::<usize>() {
                    Ok(i) => &mut value[i],
                    Err(_) => &mut value[*key],
                };
            }
            // Change the last byte (two hex digits).
            let text = value.as_str().expect("hex").to_owned();
            let last = u8::from_str_radix(&text[text.len() - 2..], 16).expect("hex");
            *value = format!("{}{:02x}", &text[..text.len() - 2], last ^ 1).into();
        });
        assert!(!output.status.success(), "{name} verified:\n{stdout}");
        assert!(count(&stdout, prefix) >= 1, "{name}:\n{stdout}");
    }
}

#[test]
fn the_negative_files_regenerate_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("protee-negative-regen-{}", std::process::id()));
    let (output, stdout) = tool(&["negative".as_ref(), "--write".as_ref(), dir.as_os_str()]);
    assert!(output.status.success(), "{stdout}");
    let committed = files("negative");
    for file in &committed {
        let name = file.file_name().expect("name");
        let fresh = std::fs::read(dir.join(name)).expect("regenerated file");
        let old = std::fs::read(file).expect("committed file");
        assert!(
            fresh == old,
            "{} does not regenerate byte for byte",
            file.display()
        );
    }
    let written = std::fs::read_dir(&dir).expect("list").count();
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(written, committed.len());
}
