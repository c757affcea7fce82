//! `protee-vectors verify FILE [--only SECTION]`: replays a `protee-libolm-vectors` v1 file
//! (libolm's recorded inputs and outputs) through protee and compares every output.
//!
//! Prints one line per check, `PASS|FAIL|SKIP <section> <name>`; a FAIL line is followed by an
//! indented line with the expected (libolm) and the actual (protee) value. The last line is
//! `N passed, N failed`; SKIP lines are counted in neither. Exits 0 iff nothing failed, 1 if a
//! check failed, 2 if the file could not be read.

pub(crate) mod format;
mod megolm;
mod olm;
mod pickle;
mod pk;
mod sas;
mod utility;

use std::fmt::Debug;
use std::process::ExitCode;

use format::{FORMAT, FORMAT_VERSION, Header, VectorFile};

/// The sections of a vector file, in the order they are checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Olm,
    Megolm,
    Pickle,
    Sas,
    Pk,
    Utility,
}

impl Section {
    const ALL: [Section; 6] = [
        Section::Olm,
        Section::Megolm,
        Section::Pickle,
        Section::Sas,
        Section::Pk,
        Section::Utility,
    ];

    fn name(self) -> &'static str {
        match self {
            Section::Olm => "olm",
            Section::Megolm => "megolm",
            Section::Pickle => "pickle",
            Section::Sas => "sas",
            Section::Pk => "pk",
            Section::Utility => "utility",
        }
    }

    fn from_name(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Counts and prints check results.
#[derive(Default)]
pub struct Report {
    passed: usize,
    failed: usize,
}

impl Report {
    /// The checks under a section name of another kind of file (a primitive standard, a
    /// negative family).
    pub fn named(&mut self, section: &'static str) -> Checker<'_> {
        Checker {
            report: self,
            section,
        }
    }

    /// Prints the summary line, `N passed, N failed`; success iff nothing failed.
    pub fn finish(&self) -> ExitCode {
        println!("{} passed, {} failed", self.passed, self.failed);
        if self.failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    /// The checks of one section.
    pub fn section(&mut self, section: Section) -> Checker<'_> {
        Checker {
            report: self,
            section: section.name(),
        }
    }
}

/// Records checks under one section name.
pub struct Checker<'r> {
    report: &'r mut Report,
    section: &'static str,
}

impl Checker<'_> {
    pub fn pass(&mut self, name: &str) {
        self.report.passed += 1;
        println!("PASS {} {name}", self.section);
    }

    /// A failed check; `detail` says what was expected and what protee gave.
    pub fn fail(&mut self, name: &str, detail: &str) {
        self.report.failed += 1;
        println!("FAIL {} {name}", self.section);
        println!("    {detail}");
    }

    /// A check that cannot be made, with the reason.
    pub fn skip_because(&mut self, name: &str, reason: &str) {
        println!("SKIP {} {name} ({reason})", self.section);
    }

    /// Passes iff protee's value `got` equals libolm's `expected`. Returns whether it passed.
    pub fn eq<T: PartialEq + Debug + ?Sized>(&mut self, name: &str, expected: &T, got: &T) -> bool {
        if expected == got {
            self.pass(name);
            true
        } else {
            self.fail(
                name,
                &expected_vs_got(&format!("{expected:?}"), &format!("{got:?}")),
            );
            false
        }
    }

    /// Passes iff `ok`; `detail` explains a failure.
    pub fn ok(&mut self, name: &str, ok: bool, detail: impl FnOnce() -> String) -> bool {
        if ok {
            self.pass(name);
        } else {
            self.fail(name, &detail());
        }
        ok
    }
}

/// `expected X, got Y`; long values are cut to a window around their first difference.
fn expected_vs_got(expected: &str, got: &str) -> String {
    const SHORT: usize = 120;
    if expected.len() <= SHORT && got.len() <= SHORT {
        return format!("expected {expected}, got {got}");
    }
    let first_difference = expected
        .chars()
        .zip(got.chars())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.chars().count().min(got.chars().count()));
    let window = |text: &str| -> String {
        let start = first_difference.saturating_sub(20);
        let shown: String = text.chars().skip(start).take(80).collect();
        let more = if text.chars().count() > start + 80 {
            "…"
        } else {
            ""
        };
        format!("…{shown}{more} ({} characters)", text.chars().count())
    };
    format!(
        "expected {}, got {} (first difference at character {first_difference})",
        window(expected),
        window(got)
    )
}

fn usage() -> ExitCode {
    eprintln!("usage: protee-vectors verify FILE [--only olm|megolm|pickle|sas|pk|utility]");
    ExitCode::from(2)
}

pub fn run(args: &[String]) -> ExitCode {
    let (path, only) = match args {
        [path] => (path, None),
        [path, flag, section] if flag == "--only" => match Section::from_name(section) {
            Some(section) => (path, Some(section)),
            None => {
                eprintln!("unknown section {section:?}");
                return usage();
            }
        },
        _ => return usage(),
    };
    if only.is_none() {
        match other_format(path) {
            Ok(Some(run)) => return run,
            Ok(None) => {}
            Err(message) => {
                eprintln!("error: {path}: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let (vectors, raw) = match load(path) {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("error: {path}: {message}");
            return ExitCode::from(2);
        }
    };

    let mut report = Report::default();
    for section in Section::ALL {
        if only.is_some_and(|only| only != section) {
            continue;
        }
        let mut checker = report.section(section);
        match section {
            Section::Olm => olm::check(&vectors.olm, &mut checker),
            Section::Megolm => {
                megolm::check(&vectors.megolm, &vectors.pickle_key.hex.0, &mut checker)
            }
            Section::Pickle => {
                pickle::pickles(&raw, &mut checker);
                pickle::behaviour(&raw, &mut checker);
            }
            Section::Sas => sas::check(&vectors.sas, &mut checker),
            Section::Pk => pk::check(&vectors.pk, &mut checker),
            Section::Utility => utility::check(&vectors.utility, &mut checker),
        }
    }
    report.finish()
}

/// Runs the checks of a primitive or negative vector file (told apart by the top-level
/// `format`); `None` for any other format, which [`load`] then reads or refuses.
fn other_format(path: &str) -> Result<Option<ExitCode>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let header: Header = serde_json::from_str(&text)
        .map_err(|e| format!("not a vector file (no format header): {e}"))?;
    match header.format.as_str() {
        crate::primitives::FORMAT => crate::primitives::run(&text).map(Some),
        crate::negative::FORMAT => crate::negative::verify(&text).map(Some),
        _ => Ok(None),
    }
}

/// Reads the file as typed vectors, and as raw JSON for the pickle walk.
fn load(path: &str) -> Result<(VectorFile, serde_json::Value), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let header: Header = serde_json::from_str(&text)
        .map_err(|e| format!("not a {FORMAT} file (no format header): {e}"))?;
    if header.format != FORMAT || header.format_version != FORMAT_VERSION {
        return Err(format!(
            "format is {:?} version {}, expected {FORMAT:?} version {FORMAT_VERSION}",
            header.format, header.format_version
        ));
    }
    let mut vectors: VectorFile = serde_json::from_str(&text)
        .map_err(|e| format!("does not match the {FORMAT} v{FORMAT_VERSION} format: {e}"))?;
    vectors.olm.pickle_key = vectors.pickle_key.hex.0.clone();
    let raw = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok((vectors, raw))
}
