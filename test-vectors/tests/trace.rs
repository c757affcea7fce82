//! `protee-vectors trace`: the repository itself is fully traced and its
//! `spec/traceability.md` is current, and on small trees built here the checker refuses each
//! kind of gap and renders a complete tree.
//!
//! The rule IDs of the small trees are built at run time (`rule(n)`), so that this file, which
//! the checker scans as test code of the real repository, names no rule itself.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The exit code, stdout and stderr of `protee-vectors trace --root ROOT ARGS`.
fn trace(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_protee-vectors"))
        .arg("trace")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run protee-vectors");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    )
}

/// A rule ID of the small trees.
fn rule(n: u32) -> String {
    format!("{}-TREE-{n}", "OLM")
}

/// A repository tree in a temporary directory, removed when dropped.
struct Tree(PathBuf);

impl Tree {
    /// A tree whose spec defines `rule(1)` and `rule(2)`.
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("protee-trace-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let tree = Tree(dir);
        tree.file(
            "spec/olm.md",
            &format!(
                "# Olm\n\n- **{}** The first rule.\n- **{}** The second rule,\n  on two lines.\n",
                rule(1),
                rule(2)
            ),
        );
        tree
    }

    fn file(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create directory");
        std::fs::write(&path, text).expect("write file");
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.0.join(path)).expect("read file")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Code citing both rules, with a unit test at the end that cites rule 1.
fn cited_code() -> String {
    format!(
        "// spec/olm.md {}\nfn one() {{}}\n\n/// spec/olm.md {}\nfn two() {{}}\n\n\
         #[cfg(test)]\nmod tests {{\n    // spec/olm.md {}\n    #[test]\n    fn one() {{}}\n}}\n",
        rule(1),
        rule(2),
        rule(1)
    )
}

#[test]
fn the_repository_is_fully_traced_and_its_table_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (code, stdout, stderr) = trace(&root, &[]);
    assert_eq!(
        code, 0,
        "{stdout}{stderr}\nfix the gaps above; if only the table is stale, run \
         `cargo run -p protee-vectors -- trace --write`"
    );
}

#[test]
fn a_rule_cited_in_code_but_in_no_test_is_refused() {
    let tree = Tree::new("untested");
    tree.file(
        "src/lib.rs",
        &format!("// spec/olm.md {} {}\n", rule(1), rule(2)),
    );
    tree.file("tests/story.rs", &format!("// spec/olm.md {}\n", rule(1)));
    let (code, _, stderr) = trace(&tree.0, &["--write"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{} (spec/olm.md:4) is not cited in tests",
            rule(2)
        )),
        "{stderr}"
    );
    assert!(!stderr.contains(&format!("{} (", rule(1))), "{stderr}");
    // The table is written anyway and shows the gap.
    assert!(tree.read("spec/traceability.md").contains(&format!(
        "| {} | [src/lib.rs:1](../src/lib.rs#L1) | **none** |",
        rule(2)
    )));
}

#[test]
fn a_rule_cited_nowhere_is_refused() {
    let tree = Tree::new("uncited");
    tree.file("src/lib.rs", &format!("// spec/olm.md {}\n", rule(1)));
    tree.file("tests/story.rs", &format!("// spec/olm.md {}\n", rule(1)));
    let (code, _, stderr) = trace(&tree.0, &["--write"]);
    assert_eq!(code, 1, "{stderr}");
    for kind in ["code", "tests"] {
        let gap = format!("{} (spec/olm.md:4) is not cited in {kind}", rule(2));
        assert!(stderr.contains(&gap), "{stderr}");
    }
}

#[test]
fn a_citation_of_an_undefined_rule_is_refused() {
    let tree = Tree::new("undefined");
    tree.file("src/lib.rs", &cited_code());
    tree.file(
        "tests/story.rs",
        &format!("// spec/olm.md {}, {}\n", rule(2), rule(3)),
    );
    let (code, _, stderr) = trace(&tree.0, &["--write"]);
    assert_eq!(code, 1, "{stderr}");
    let problem = format!(
        "{} is cited in tests but no spec defines it: tests/story.rs:1",
        rule(3)
    );
    assert!(stderr.contains(&problem), "{stderr}");
}

#[test]
fn a_rule_defined_twice_is_refused() {
    let tree = Tree::new("twice");
    tree.file("spec/megolm.md", &format!("- **{}** Again.\n", rule(2)));
    tree.file("src/lib.rs", &cited_code());
    tree.file("tests/story.rs", &format!("// {}\n", rule(2)));
    let (code, _, stderr) = trace(&tree.0, &["--write"]);
    assert_eq!(code, 1, "{stderr}");
    let problem = format!(
        "{} defined twice: spec/megolm.md:1 and spec/olm.md:4",
        rule(2)
    );
    assert!(stderr.contains(&problem), "{stderr}");
}

#[test]
fn a_withdrawn_rule_needs_no_citation_but_may_keep_one() {
    let tree = Tree::new("withdrawn");
    tree.file(
        "spec/sas-pk.md",
        &format!(
            "- **{}** *withdrawn*: replaced by the second rule.\n",
            rule(3)
        ),
    );
    tree.file("src/lib.rs", &cited_code());
    tree.file(
        "tests/story.rs",
        &format!("// {} (was {})\n", rule(2), rule(3)),
    );
    let (code, stdout, stderr) = trace(&tree.0, &["--write"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("2 rules (1 withdrawn, not counted), 2 cited in code, 2 cited in tests"),
        "{stdout}"
    );
    let table = tree.read("spec/traceability.md");
    assert!(
        table.contains(&format!("| {} (withdrawn) | **none** |", rule(3))),
        "{table}"
    );
}

#[test]
fn a_complete_tree_passes_and_its_table_lists_every_place() {
    let tree = Tree::new("complete");
    tree.file("src/lib.rs", &cited_code());
    tree.file("test-vectors/src/check.rs", &format!("// {}\n", rule(2)));
    // Build output is not scanned: an undefined ID there is no problem.
    tree.file(
        "test-vectors/target/debug/build.rs",
        &format!("// {}\n", rule(9)),
    );

    let (code, stdout, stderr) = trace(&tree.0, &["--write"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("2 rules, 2 cited in code, 2 cited in tests"),
        "{stdout}"
    );
    let table = tree.read("spec/traceability.md");
    assert!(table.contains("## olm.md\n\n2 rules, 2 cited in code, 2 cited in tests.\n"));
    let row = |n: u32, code: &str, tests: &str| format!("| {} | {code} | {tests} |\n", rule(n));
    assert!(
        table.contains(&row(
            1,
            "[src/lib.rs:1](../src/lib.rs#L1)",
            "[src/lib.rs:9](../src/lib.rs#L9)"
        )),
        "{table}"
    );
    assert!(
        table.contains(&row(
            2,
            "[src/lib.rs:4](../src/lib.rs#L4)",
            "[test-vectors/src/check.rs:1](../test-vectors/src/check.rs#L1)"
        )),
        "{table}"
    );

    // The committed table is current: the check passes, and the same table comes out again.
    let (code, _, stderr) = trace(&tree.0, &[]);
    assert_eq!(code, 0, "{stderr}");
    trace(&tree.0, &["--write"]);
    assert_eq!(tree.read("spec/traceability.md"), table);

    // A citation that moves makes the committed table stale.
    tree.file("src/lib.rs", &format!("\n{}", cited_code()));
    let (code, _, stderr) = trace(&tree.0, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("spec/traceability.md is stale"), "{stderr}");
}
