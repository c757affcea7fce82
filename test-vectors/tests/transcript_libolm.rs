//! `protee-vectors transcript` judged by libolm: the transcript for each seed must pass
//! `test-vectors/generator/libolm_check.py` completely, and the output must be deterministic.
//!
//! Needs python3 and libolm 3.2.x (Debian `libolm3`). Without libolm the libolm test fails when
//! the environment variable `CI` is set, and is skipped with a message otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

const SEEDS: [&str; 3] = [
    "transcript-test-1",
    "transcript-test-2",
    "transcript-test-3",
];

/// Sections also checked on their own (`--only`), for the first seed.
const ONLY: [&str; 4] = ["megolm", "sas", "pk", "pickle"];

fn transcript(seed: &str) -> Vec<u8> {
    transcript_of(seed, None)
}

fn transcript_of(seed: &str, only: Option<&str>) -> Vec<u8> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_protee-vectors"));
    command.args(["transcript", "--seed", seed]);
    if let Some(section) = only {
        command.args(["--only", section]);
    }
    let output = command.output().expect("run protee-vectors");
    assert!(
        output.status.success(),
        "protee-vectors transcript --seed {seed} (--only {only:?}) failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Has libolm check `transcript`; returns the number of checks, which all passed.
fn libolm_check(name: &str, transcript: &[u8]) -> u32 {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("transcript-{name}.json"));
    std::fs::write(&path, transcript).expect("write the transcript");
    let output = Command::new("python3")
        .arg(generator_dir().join("libolm_check.py"))
        .arg(&path)
        .output()
        .expect("run libolm_check.py");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "libolm rejects the transcript {name}:\n{report}"
    );
    let last = report.lines().last().unwrap_or_default();
    let passed = last
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse::<u32>().ok())
        .unwrap_or_else(|| panic!("{name}: unexpected last line {last:?}\n{report}"));
    assert!(passed > 0, "{name}: no checks ran");
    passed
}

/// The checks of section `section` in a transcript: every check's id starts with its
/// section's name (`olm/…`, `pickle/…`; types are shared between sections).
fn count_of_section(transcript: &[u8], section: &str) -> usize {
    let transcript: serde_json::Value = serde_json::from_slice(transcript).expect("valid JSON");
    let id_prefix = format!("{section}/");
    transcript["checks"]
        .as_array()
        .expect("a checks array")
        .iter()
        .filter(|c| {
            c["id"]
                .as_str()
                .is_some_and(|id| id.starts_with(&id_prefix))
        })
        .count()
}

fn generator_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("generator")
}

/// Whether the checker can load libolm: the same import the checker does.
fn libolm_available() -> Result<(), String> {
    let probe = Command::new("python3")
        .arg("-c")
        .arg("import sys; sys.path.insert(0, sys.argv[1]); import olmffi")
        .arg(generator_dir())
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if probe.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&probe.stderr).trim().to_owned())
    }
}

#[test]
fn libolm_accepts_the_transcripts() {
    if let Err(reason) = libolm_available() {
        if std::env::var_os("CI").is_some() {
            panic!("libolm is not installed (CI is set, so this is a failure): {reason}");
        }
        eprintln!("skipped: libolm not installed ({reason})");
        return;
    }
    for seed in SEEDS {
        let full = transcript(seed);
        libolm_check(seed, &full);
        // Once per section is enough (the full transcripts cover every seed): generating
        // is slow in debug builds.
        if seed != SEEDS[0] {
            continue;
        }
        for section in ONLY {
            assert!(
                count_of_section(&full, section) > 0,
                "seed {seed}: the full transcript has no {section} checks"
            );
            let alone = transcript_of(seed, Some(section));
            let passed = libolm_check(&format!("{seed}-{section}"), &alone);
            assert_eq!(
                passed as usize,
                count_of_section(&full, section),
                "seed {seed}: --only {section} and the full transcript differ in {section} checks"
            );
        }
    }
}

#[test]
fn the_transcript_depends_only_on_the_seed() {
    let first = transcript(SEEDS[0]);
    assert_eq!(
        first,
        transcript(SEEDS[0]),
        "the same seed gave different transcripts"
    );
    // Compare the checks, not the whole file: the producer line names the seed anyway.
    let checks = |bytes: &[u8]| -> serde_json::Value {
        let transcript: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
        transcript["checks"].clone()
    };
    assert_ne!(
        checks(&first),
        checks(&transcript(SEEDS[1])),
        "different seeds gave the same checks"
    );
}
