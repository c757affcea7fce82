//! `protee-vectors trace [--root DIR] [--write]`: checks that every spec rule is cited by the
//! code and by a test, and renders `spec/traceability.md`.
//!
//! - A rule is a Markdown bullet `- **ID** text` in `DIR/spec/*.md`, where ID is
//!   `PREFIX-WORD-…-N`: PREFIX one of [`PREFIXES`], words of upper-case letters and digits, N a
//!   number. A bullet whose text starts with `*withdrawn*` defines a withdrawn rule: it may
//!   still be cited but needs no citation.
//! - A citation is any occurrence of an ID in a `.rs` file. Test code is everything under
//!   `tests/`, `test-vectors/` and `fuzz/`, every `src/**/tests.rs`, and each other `src/` file
//!   from its first line starting with `#[cfg(test)]` to its end (unit tests come last). The
//!   rest of `src/` is code. `target/` and hidden directories are skipped.
//!
//! Exit 1, listing every problem, when a rule has no code or no test citation, when code,
//! tests or spec text name an ID that no spec defines, when an ID is defined twice, or (without
//! `--write`) when the committed `spec/traceability.md` differs from the rendering. With
//! `--write` the file is written first. Exit 2 on a usage or I/O error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The rule ID prefixes, one per spec document family.
const PREFIXES: [&str; 5] = ["MEGOLM", "OLM", "SAS", "PK", "PICKLE"];
/// The generated file, relative to the root.
const OUTPUT: &str = "spec/traceability.md";
/// Folders whose `.rs` files are all test code.
const TEST_DIRS: [&str; 3] = ["tests", "test-vectors", "fuzz"];

type Result<T> = std::result::Result<T, String>;

/// A rule definition.
struct Rule {
    id: String,
    /// `spec/olm.md:123`, for messages.
    place: String,
    withdrawn: bool,
}

/// One spec document and the rules it defines, in document order.
struct SpecFile {
    /// File name inside `spec/`, e.g. `olm.md`.
    name: String,
    rules: Vec<Rule>,
}

/// A place that names an ID: a path relative to the root, with `/`, and a 1-based line.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    path: String,
    line: usize,
}

/// Where each ID is named, by kind.
#[derive(Default)]
struct Citations {
    code: BTreeMap<String, BTreeSet<Place>>,
    tests: BTreeMap<String, BTreeSet<Place>>,
    /// IDs named in spec prose (not definitions); checked only for being defined.
    spec: BTreeMap<String, BTreeSet<Place>>,
}

pub fn run(args: &[String]) -> ExitCode {
    let (root, write) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("trace: {message}");
            eprintln!("usage: protee-vectors trace [--root DIR] [--write]");
            return ExitCode::from(2);
        }
    };
    match check(&root, write) {
        Ok(problems) if problems.is_empty() => ExitCode::SUCCESS,
        Ok(problems) => {
            for problem in &problems {
                eprintln!("trace: {problem}");
            }
            eprintln!("trace: {} problem(s)", problems.len());
            ExitCode::from(1)
        }
        Err(message) => {
            eprintln!("trace: {message}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(args: &[String]) -> Result<(PathBuf, bool)> {
    let mut root = None;
    let mut write = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--write" => write = true,
            "--root" => {
                root = Some(PathBuf::from(
                    rest.next().ok_or("--root needs a directory")?,
                ))
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((root.unwrap_or_else(default_root), write))
}

/// The repository root: the parent of `CARGO_MANIFEST_DIR` (set by `cargo run`, else the
/// value this binary was built with) if it has a `spec/` folder, else the current directory.
fn default_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    match manifest_dir.parent() {
        Some(parent) if parent.join("spec").is_dir() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads, renders, writes or compares; returns the problems found.
fn check(root: &Path, write: bool) -> Result<Vec<String>> {
    let specs = read_specs(root)?;
    let citations = read_citations(root, &specs)?;
    let mut problems = gaps(&specs, &citations);
    let rendered = render(&specs, &citations);
    let output = root.join(OUTPUT);
    if write {
        fs::write(&output, &rendered)
            .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
        println!("trace: wrote {OUTPUT}");
    } else {
        match fs::read_to_string(&output) {
            Ok(committed) if committed == rendered => {}
            Ok(_) => problems.push(format!(
                "{OUTPUT} is stale: run `cargo run -p protee-vectors -- trace --write`"
            )),
            Err(e) => problems.push(format!(
                "cannot read {OUTPUT} ({e}): run `cargo run -p protee-vectors -- trace --write`"
            )),
        }
    }
    println!(
        "trace: {}",
        count_line(specs.iter().flat_map(|s| &s.rules), &citations)
    );
    Ok(problems)
}

/// Every rule definition of `spec/*.md` except the generated file, files sorted by name.
fn read_specs(root: &Path) -> Result<Vec<SpecFile>> {
    let dir = root.join("spec");
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && format!("spec/{name}") != OUTPUT {
            names.push(name);
        }
    }
    names.sort();
    let mut specs = Vec::new();
    for name in names {
        let text = read(&dir.join(&name))?;
        let mut rules = Vec::new();
        for (line_no, line) in lines_outside_fences(&text) {
            if let Some((id, rest)) = definition(line) {
                rules.push(Rule {
                    id: id.to_string(),
                    place: format!("spec/{name}:{line_no}"),
                    withdrawn: rest.trim_start().starts_with("*withdrawn*"),
                });
            }
        }
        specs.push(SpecFile { name, rules });
    }
    Ok(specs)
}

/// Lines with their 1-based numbers, leaving out fenced code blocks.
fn lines_outside_fences(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut in_fence = false;
    text.lines().enumerate().filter_map(move |(i, line)| {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            return None;
        }
        (!in_fence).then_some((i + 1, line))
    })
}

/// `- **ID** rest` → (ID, rest).
fn definition(line: &str) -> Option<(&str, &str)> {
    let inner = line.trim_start().strip_prefix("- **")?;
    let (id, rest) = inner.split_once("**")?;
    (rule_ids(id).as_slice() == [id]).then_some((id, rest))
}

/// Every rule ID in `text`, in order. An ID must not be glued to a preceding
/// letter, digit, `_` or `-` (so a MEGOLM ID never also yields an OLM one) nor to a following
/// letter, digit or `_`.
fn rule_ids(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let glued = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let at_boundary = start == 0 || !(glued(bytes[start - 1]) || bytes[start - 1] == b'-');
        let prefix = PREFIXES
            .iter()
            .find(|p| bytes[start..].starts_with(p.as_bytes()));
        let (true, Some(prefix)) = (at_boundary, prefix) else {
            start += 1;
            continue;
        };
        // Take "-WORD" groups greedily; the last must be all digits, and there must be two.
        let mut end = start + prefix.len();
        let mut groups = 0;
        let mut last_numeric = false;
        while end + 1 < bytes.len() && bytes[end] == b'-' && is_word(bytes[end + 1]) {
            let word_start = end + 1;
            end = word_start;
            while end < bytes.len() && is_word(bytes[end]) {
                end += 1;
            }
            groups += 1;
            last_numeric = bytes[word_start..end].iter().all(u8::is_ascii_digit);
        }
        if groups >= 2 && last_numeric && !(end < bytes.len() && glued(bytes[end])) {
            found.push(&text[start..end]);
        }
        start = end.max(start + 1);
    }
    found
}

/// Scans the spec prose, the code and the tests.
fn read_citations(root: &Path, specs: &[SpecFile]) -> Result<Citations> {
    let mut citations = Citations::default();
    for spec in specs {
        let path = format!("spec/{}", spec.name);
        let text = read(&root.join(&path))?;
        for (line_no, line) in lines_outside_fences(&text) {
            let defined = definition(line).map(|(id, _)| id);
            for id in rule_ids(line) {
                if Some(id) != defined {
                    add(&mut citations.spec, id, &path, line_no);
                }
            }
        }
    }
    for file in rs_files(root, &root.join("src"))? {
        let text = read(&root.join(&file))?;
        let all_tests = file.ends_with("/tests.rs") || file.contains("/tests/");
        let mut in_tests = all_tests;
        for (i, line) in text.lines().enumerate() {
            in_tests |= line.starts_with("#[cfg(test)]");
            let map = if in_tests {
                &mut citations.tests
            } else {
                &mut citations.code
            };
            for id in rule_ids(line) {
                add(map, id, &file, i + 1);
            }
        }
    }
    for dir in TEST_DIRS {
        for file in rs_files(root, &root.join(dir))? {
            let text = read(&root.join(&file))?;
            for (i, line) in text.lines().enumerate() {
                for id in rule_ids(line) {
                    add(&mut citations.tests, id, &file, i + 1);
                }
            }
        }
    }
    Ok(citations)
}

fn add(map: &mut BTreeMap<String, BTreeSet<Place>>, id: &str, path: &str, line: usize) {
    let place = Place {
        path: path.to_string(),
        line,
    };
    map.entry(id.to_string()).or_default().insert(place);
}

/// The `.rs` files under `dir` (none if it does not exist), as sorted root-relative paths,
/// skipping `target/` and hidden directories.
fn rs_files(root: &Path, dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
                .path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
                files.push(parts.join("/"));
            }
        }
    }
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Duplicate definitions, uncited rules and undefined IDs, in a stable order.
fn gaps(specs: &[SpecFile], citations: &Citations) -> Vec<String> {
    let mut problems = Vec::new();
    let mut defined: BTreeMap<&str, &Rule> = BTreeMap::new();
    for rule in specs.iter().flat_map(|s| &s.rules) {
        if let Some(first) = defined.insert(&rule.id, rule) {
            problems.push(format!(
                "{} defined twice: {} and {}",
                rule.id, first.place, rule.place
            ));
        }
    }
    for rule in specs.iter().flat_map(|s| &s.rules).filter(|r| !r.withdrawn) {
        for (kind, map) in [("code", &citations.code), ("tests", &citations.tests)] {
            if !map.contains_key(&rule.id) {
                problems.push(format!(
                    "{} ({}) is not cited in {kind}",
                    rule.id, rule.place
                ));
            }
        }
    }
    for (kind, map) in [
        ("code", &citations.code),
        ("tests", &citations.tests),
        ("spec text", &citations.spec),
    ] {
        for (id, places) in map
            .iter()
            .filter(|(id, _)| !defined.contains_key(id.as_str()))
        {
            let places: Vec<_> = places
                .iter()
                .map(|p| format!("{}:{}", p.path, p.line))
                .collect();
            problems.push(format!(
                "{id} is cited in {kind} but no spec defines it: {}",
                places.join(", ")
            ));
        }
    }
    problems
}

/// The text of `spec/traceability.md`.
fn render(specs: &[SpecFile], citations: &Citations) -> String {
    let mut out = String::new();
    let all = specs.iter().flat_map(|s| &s.rules);
    out.push_str(
        "# Rule traceability\n\n\
         Generated by `cargo run -p protee-vectors -- trace --write` from the rule bullets in\n\
         `spec/*.md` and the rule IDs named in the code and the tests. Do not edit it by hand.\n\
         `protee-vectors trace` (run by CI) fails when this file is stale, when a rule is not\n\
         cited both in the code and in a test, when an ID is cited that no spec defines, or\n\
         when an ID is defined twice.\n\n\
         *code*: `src/` outside unit tests. *tests*: `tests/`, `test-vectors/` (the `verify` and\n\
         `transcript` tools and their tests), `fuzz/`, `src/**/tests.rs`, and every `src/` file\n\
         from its first line starting with `#[cfg(test)]` to its end. Rules are listed in\n\
         document order, places by path and line.\n\n",
    );
    let _ = writeln!(out, "Total: {}.", count_line(all, citations));
    for spec in specs.iter().filter(|s| !s.rules.is_empty()) {
        let _ = write!(
            out,
            "\n## {}\n\n{}.\n\n| rule | code | tests |\n|---|---|---|\n",
            spec.name,
            count_line(&spec.rules, citations)
        );
        for rule in &spec.rules {
            let name = if rule.withdrawn {
                format!("{} (withdrawn)", rule.id)
            } else {
                rule.id.clone()
            };
            let _ = writeln!(
                out,
                "| {name} | {} | {} |",
                links(citations.code.get(&rule.id)),
                links(citations.tests.get(&rule.id))
            );
        }
    }
    out
}

/// `N rules, N cited in code, N cited in tests` (withdrawn rules counted apart).
fn count_line<'a>(rules: impl IntoIterator<Item = &'a Rule>, citations: &Citations) -> String {
    let (mut total, mut withdrawn, mut code, mut tests) = (0, 0, 0, 0);
    for rule in rules {
        if rule.withdrawn {
            withdrawn += 1;
            continue;
        }
        total += 1;
        code += usize::from(citations.code.contains_key(&rule.id));
        tests += usize::from(citations.tests.contains_key(&rule.id));
    }
    let withdrawn = match withdrawn {
        0 => String::new(),
        n => format!(" ({n} withdrawn, not counted)"),
    };
    format!("{total} rules{withdrawn}, {code} cited in code, {tests} cited in tests")
}

/// Markdown links to each place, relative to `spec/`, or a marked gap.
fn links(places: Option<&BTreeSet<Place>>) -> String {
    let Some(places) = places else {
        return "**none**".to_string();
    };
    let links: Vec<_> = places
        .iter()
        .map(|p| format!("[{0}:{1}](../{0}#L{1})", p.path, p.line))
        .collect();
    links.join("<br>")
}

#[cfg(test)]
mod tests {
    use super::{definition, rule_ids};

    #[test]
    fn ids_are_found_only_as_whole_tokens() {
        let a = ["OLM", "RECV", "4"].join("-");
        let b = ["MEGOLM", "IN", "2"].join("-");
        let c = ["PICKLE", "LIBOLM", "ACCOUNT", "1"].join("-");
        let d = ["OLM", "3DH", "1"].join("-");
        let text = format!("// spec/olm.md {a}, ({b}) {c}: {d}.");
        assert_eq!(rule_ids(&text), [&a, &b, &c, &d]);
        let not_ids = [
            "OLM_ROOT",
            "OLM-KEYS",
            "XOLM-A-1",
            "OLM-A-1b",
            "OLM-1",
            "CVE-2024-1",
        ];
        for text in not_ids {
            assert!(rule_ids(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_definition_is_a_bullet_starting_with_a_bold_id() {
        let id = ["SAS", "MAC", "3"].join("-");
        let line = format!("- **{id}** *Legacy.* text");
        assert_eq!(definition(&line), Some((id.as_str(), " *Legacy.* text")));
        assert_eq!(definition(&format!("  `- **{id}** text`")), None);
        assert_eq!(definition(&format!("- **{id} and more** text")), None);
    }
}
