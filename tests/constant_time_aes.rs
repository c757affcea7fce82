//! spec/olm.md OLM-CIPHER-3: AES runs in constant time.
//!
//! A unit test cannot measure cache timing reliably, so this test pins the property to the
//! implementation instead: protee's only AES is RustCrypto's `aes` 0.9 from crates.io, whose
//! every backend avoids secret-indexed tables (AES-NI on x86, the ARMv8 AES instructions, or a
//! bitsliced software fallback), unlike libolm's table-based AES (CVE-2024-45191). Changing the
//! AES dependency makes this test fail and sends the change to review.

use std::path::Path;

/// A `[[package]]` block of `Cargo.lock`.
#[derive(Debug, Default)]
struct Locked {
    name: String,
    version: String,
    source: String,
    /// As written: `"aes"`, or `"aes 0.9.4"` when two versions are locked.
    dependencies: Vec<String>,
}

fn locked_packages() -> Vec<Locked> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let value = |line: &str, key: &str| {
        let rest = line.strip_prefix(key)?.strip_prefix(" = ")?;
        Some(rest.trim_matches('"').to_owned())
    };
    let mut packages = Vec::new();
    for block in text.split("[[package]]").skip(1) {
        let mut package = Locked::default();
        let mut in_dependencies = false;
        for line in block.lines() {
            if in_dependencies && line.starts_with(' ') {
                let dependency = line.trim().trim_end_matches(',').trim_matches('"');
                package.dependencies.push(dependency.to_owned());
                continue;
            }
            in_dependencies = line.starts_with("dependencies = [");
            if let Some(name) = value(line, "name") {
                package.name = name;
            } else if let Some(version) = value(line, "version") {
                package.version = version;
            } else if let Some(source) = value(line, "source") {
                package.source = source;
            }
        }
        packages.push(package);
    }
    packages
}

#[test]
fn protee_encrypts_with_rustcrypto_aes_whose_every_backend_is_constant_time() {
    let packages = locked_packages();
    let protee = packages
        .iter()
        .find(|p| p.name == "protee")
        .expect("protee is in Cargo.lock");
    let other_aes = [
        "aes-soft",
        "openssl",
        "openssl-sys",
        "ring",
        "boring",
        "aws-lc-rs",
    ];
    for dependency in &protee.dependencies {
        let name = dependency.split(' ').next().unwrap_or_default();
        assert!(
            !other_aes.contains(&name),
            "protee depends on {name}: review spec/olm.md OLM-CIPHER-3 before adding an AES"
        );
    }
    let aes = protee
        .dependencies
        .iter()
        .find(|d| *d == "aes" || d.starts_with("aes "))
        .expect("protee's AES comes from the `aes` crate");
    let aes = packages
        .iter()
        .find(|p| p.name == "aes" && (aes == "aes" || *aes == format!("aes {}", p.version)))
        .expect("the `aes` protee uses is locked");
    assert!(
        aes.version.starts_with("0.9."),
        "`aes` {}: check that every backend of this version is constant-time",
        aes.version
    );
    assert_eq!(
        aes.source, "registry+https://github.com/rust-lang/crates.io-index",
        "`aes` must come from crates.io"
    );
}
