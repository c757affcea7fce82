//! Side-by-side measurement shared by the protee-vs-vodozemac benches.
//!
//! [`compare`] registers the two criterion functions of a group (`protee`, `vodozemac`), each
//! measured alone by criterion as usual. When `BENCH_PAIRED` is set (benches/run.sh sets it),
//! it then measures the two libraries *interleaved*: blocks of about 1 ms, alternating
//! protee, vodozemac, vodozemac, protee, ... for `BENCH_PAIRED` seconds, each block's time
//! divided by its iteration count. Both libraries are thus timed in the same stretch of
//! wall-clock time, so a shared machine's drift in speed (±20% within seconds on the
//! benchmark VM) weighs on both alike and cancels in their ratio. The per-block times go to
//! `target/criterion/<group>/paired/<BENCH_PASS>.json`, which benches/report.py reads.
//!
//! Each library is given as a function `run(n) -> time`: run the operation `n` times and
//! return the time of the measured part (setup outside the clock), like criterion's
//! `iter_custom`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;

/// `n` calls of `f`, timed (outputs dropped inside the clock, as criterion's `iter`).
pub fn timed<O>(mut f: impl FnMut() -> O) -> impl FnMut(u64) -> Duration {
    move |n| {
        let start = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        start.elapsed()
    }
}

/// `n` inputs made by `setup` outside the clock, then `routine` on each, timed (outputs
/// dropped outside the clock, as criterion's `iter_batched`).
#[allow(dead_code, reason = "compiled into every bench binary, used by some")]
pub fn timed_batched<I, O>(
    mut setup: impl FnMut() -> I,
    mut routine: impl FnMut(I) -> O,
) -> impl FnMut(u64) -> Duration {
    move |n| {
        let inputs: Vec<I> = (0..n).map(|_| setup()).collect();
        let mut outputs = Vec::with_capacity(inputs.len());
        let start = Instant::now();
        for input in inputs {
            outputs.push(black_box(routine(input)));
        }
        let elapsed = start.elapsed();
        drop(outputs);
        elapsed
    }
}

/// Registers `protee` and `vodozemac` in `group` (named `name`), then, with `BENCH_PAIRED`
/// set, measures them interleaved (module documentation).
pub fn compare(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    mut protee: impl FnMut(u64) -> Duration,
    mut vodozemac: impl FnMut(u64) -> Duration,
) {
    group.bench_function("protee", |b| b.iter_custom(&mut protee));
    group.bench_function("vodozemac", |b| b.iter_custom(&mut vodozemac));
    let Some(seconds) = std::env::var("BENCH_PAIRED")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    else {
        return;
    };
    let np = block_size(&mut protee);
    let nv = block_size(&mut vodozemac);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let (mut p, mut v) = (Vec::new(), Vec::new());
    let per_iteration = |t: Duration, n: u64| t.as_nanos() as f64 / n as f64;
    while Instant::now() < deadline || p.len() < 20 {
        // Alternate which library goes first, so neither always follows the other.
        if p.len() % 2 == 0 {
            p.push(per_iteration(protee(np), np));
            v.push(per_iteration(vodozemac(nv), nv));
        } else {
            v.push(per_iteration(vodozemac(nv), nv));
            p.push(per_iteration(protee(np), np));
        }
    }
    write(name, &p, &v);
}

/// Iterations for a block of about 1 ms (at least one), after one warm-up block.
fn block_size(run: &mut impl FnMut(u64) -> Duration) -> u64 {
    let mut n = 1;
    loop {
        let t = run(n);
        if t >= Duration::from_micros(1000) || n >= 1 << 20 {
            run(n);
            return n;
        }
        n *= 2;
    }
}

fn write(name: &str, protee: &[f64], vodozemac: &[f64]) {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let pass = std::env::var("BENCH_PASS").unwrap_or_else(|_| "new".into());
    // criterion's directory name for the group: these characters become '_'.
    let safe: String = name
        .chars()
        .map(|c| if "?\"/\\*<>:|^".contains(c) { '_' } else { c })
        .collect();
    let dir = format!("{target}/criterion/{safe}/paired");
    std::fs::create_dir_all(&dir).unwrap();
    let list = |xs: &[f64]| {
        xs.iter()
            .map(|x| format!("{x:.1}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let json = format!(
        "{{\"protee_ns\":[{}],\"vodozemac_ns\":[{}]}}\n",
        list(protee),
        list(vodozemac)
    );
    std::fs::write(format!("{dir}/{pass}.json"), json).unwrap();
}
