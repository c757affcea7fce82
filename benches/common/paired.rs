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
//! Where the stack happens to lie changes an operation's speed by up to 30% on this machine
//! (the same binary, Megolm decrypt: 33 µs in one process, 43 µs in another started with a
//! different environment size; curve25519-dalek's tables and the stack alias in the cache).
//! So that no library wins or loses by the luck of one layout, successive rounds run at 16
//! stack offsets spread over a 4 KiB page, the same offset for every library of a round.
//!
//! [`compare_with_bound`] adds the operation's bound (benches/common/bounds.rs) to the
//! interleaving, so that protee / bound is measured the same way.
//!
//! Each library is given as a function `run(n) -> time`: run the operation `n` times and
//! return the time of the measured part (setup outside the clock), like criterion's
//! `iter_custom`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;

use crate::bounds::{Bound, Primitives, describe};

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
#[allow(dead_code, reason = "compiled into every bench binary, used by some")]
pub fn compare(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    protee: impl FnMut(u64) -> Duration,
    vodozemac: impl FnMut(u64) -> Duration,
) {
    measure(
        group,
        name,
        protee,
        vodozemac,
        None::<(Bound, fn(u64) -> Duration)>,
    );
}

/// [`compare`], and with `BENCH_PAIRED` set the operation's bound (the primitives it cannot
/// avoid, benches/common/bounds.rs) joins the interleaving: each round times protee,
/// vodozemac and the bound, one block each, in an order that rotates from round to round.
#[allow(dead_code, reason = "compiled into every bench binary, used by some")]
pub fn compare_with_bound(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    protee: impl FnMut(u64) -> Duration,
    vodozemac: impl FnMut(u64) -> Duration,
    bound: Bound,
) {
    let mut primitives = Primitives::new();
    let run_bound = move |n: u64| {
        let start = Instant::now();
        for _ in 0..n {
            primitives.run_bound(bound);
        }
        start.elapsed()
    };
    measure(group, name, protee, vodozemac, Some((bound, run_bound)));
}

fn measure<B: FnMut(u64) -> Duration>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    mut protee: impl FnMut(u64) -> Duration,
    mut vodozemac: impl FnMut(u64) -> Duration,
    mut bound: Option<(Bound, B)>,
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
    let nb = bound.as_mut().map(|(_, run)| block_size(run));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let (mut p, mut v, mut b) = (Vec::new(), Vec::new(), Vec::new());
    let per_iteration = |t: Duration, n: u64| t.as_nanos() as f64 / n as f64;
    let mut round = 0usize;
    while Instant::now() < deadline || p.len() < 20 {
        // Rotate which one goes first, so none always follows another; all three of a round
        // run at the same stack offset, which changes from round to round.
        let offset = round % STACK_OFFSETS;
        for slot in 0..3 {
            match (slot + round) % 3 {
                0 => p.push(per_iteration(
                    at_stack_offset(offset, &mut || protee(np)),
                    np,
                )),
                1 => v.push(per_iteration(
                    at_stack_offset(offset, &mut || vodozemac(nv)),
                    nv,
                )),
                _ => {
                    if let (Some((_, run)), Some(n)) = (bound.as_mut(), nb) {
                        b.push(per_iteration(at_stack_offset(offset, &mut || run(n)), n));
                    }
                }
            }
        }
        round += 1;
    }
    write(name, &p, &v, bound.map(|(bound, _)| (describe(bound), b)));
}

/// How many stack positions the blocks cycle through: 0, 256, ..., 3840 bytes below the
/// harness's frame, every 256-byte step of a 4 KiB page.
const STACK_OFFSETS: usize = 16;

/// Runs `f` with the stack `256 × k` bytes deeper (`k < STACK_OFFSETS`).
fn at_stack_offset(k: usize, f: &mut dyn FnMut() -> Duration) -> Duration {
    match k {
        0 => padded::<0>(f),
        1 => padded::<256>(f),
        2 => padded::<512>(f),
        3 => padded::<768>(f),
        4 => padded::<1024>(f),
        5 => padded::<1280>(f),
        6 => padded::<1536>(f),
        7 => padded::<1792>(f),
        8 => padded::<2048>(f),
        9 => padded::<2304>(f),
        10 => padded::<2560>(f),
        11 => padded::<2816>(f),
        12 => padded::<3072>(f),
        13 => padded::<3328>(f),
        14 => padded::<3584>(f),
        _ => padded::<3840>(f),
    }
}

/// `f` called below a frame of `BYTES` bytes that the optimiser cannot remove.
#[inline(never)]
fn padded<const BYTES: usize>(f: &mut dyn FnMut() -> Duration) -> Duration {
    let padding = [0u8; BYTES];
    black_box(&padding);
    let elapsed = f();
    black_box(&padding);
    elapsed
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

fn write(name: &str, protee: &[f64], vodozemac: &[f64], bound: Option<(String, Vec<f64>)>) {
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
    let bound = bound
        .map(|(text, times)| format!(",\"bound\":\"{text}\",\"bound_ns\":[{}]", list(&times)))
        .unwrap_or_default();
    let json = format!(
        "{{\"protee_ns\":[{}],\"vodozemac_ns\":[{}]{bound}}}\n",
        list(protee),
        list(vodozemac)
    );
    std::fs::write(format!("{dir}/{pass}.json"), json).unwrap();
}
