//! `protee-vectors`: checks protee against libolm.
//!
//! - `protee-vectors verify FILE [--only SECTION]`: replays a `protee-libolm-vectors` v1 file.
//! - `protee-vectors transcript --seed SEED [--only SECTION]`: prints a
//!   `protee-libolm-transcript` v1 JSON for `libolm_check.py` to judge.
//! - `protee-vectors negative --write [DIR]`: regenerates the negative vectors
//!   (`test-vectors/negative/`); `verify` also reads them and the primitive vectors.
//! - `protee-vectors trace [--root DIR] [--write]`: checks that every spec rule is cited in code
//!   and in tests, and renders `spec/traceability.md`.

use std::process::ExitCode;

mod libolm_envelope;
mod negative;
mod primitives;
mod replay_rng;
mod trace;
mod transcript;
mod verify;

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  protee-vectors verify FILE [--only SECTION]\n  protee-vectors transcript --seed SEED [--only SECTION]\n  protee-vectors trace [--root DIR] [--write]\n  protee-vectors negative --write [DIR]\nsections: olm, megolm, pickle, sas, pk, utility"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("verify") => verify::run(&args[1..]),
        Some("transcript") => transcript::run(&args[1..]),
        Some("trace") => trace::run(&args[1..]),
        Some("negative") => negative::run(&args[1..]),
        _ => usage(),
    }
}
