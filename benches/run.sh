#!/usr/bin/env bash
# One documented command for the benchmark report: runs every criterion bench (protee and
# vodozemac side by side, plus the primitives), the allocation count, and writes
# benches/RESULTS.md and benches/results.svg.
#   bash benches/run.sh                  (5 passes, about 26 minutes on 2 cores; close other work)
#   BENCH_PASSES=1 bash benches/run.sh   (one pass, about 5 minutes)
# Each pass runs every bench once and keeps its own criterion baseline. In each side-by-side
# group criterion measures protee, then vodozemac, each alone; then the two are measured
# interleaved for BENCH_PAIRED seconds (1 ms blocks alternating between the libraries,
# benches/common/paired.rs), so that a drift of the machine's speed (seen on shared virtual
# machines: ±20% within seconds) weighs on both alike. The report takes the side-by-side
# figures and ratios from the interleaved blocks of all passes, and everything else (protee
# alone, the primitive bounds) from criterion's medians, median over the passes.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "$(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores);"
  echo "$(rustc --version); run on $(date -u +%Y-%m-%d)"
} | tr '\n' ' ' > benches/machine.txt
# One run: no figure may come from an earlier one.
rm -rf "${CARGO_TARGET_DIR:-target}/criterion"
passes=${BENCH_PASSES:-5}
export BENCH_PAIRED=${BENCH_PAIRED:-1.5}
for pass in $(seq 1 "$passes"); do
  for bench in primitives olm megolm pickle; do
    BENCH_PASS="pass$pass" cargo bench --bench "$bench" -- --warm-up-time 1 --measurement-time 1 --save-baseline "pass$pass"
  done
done
cargo test --release --test allocations -- --nocapture | grep '^|' > benches/allocations.md
{
  cargo test --release --test sizes -- --nocapture --exact pickle_size_table | grep '^|'
  echo
  cargo test --release --test sizes -- --nocapture --exact object_size_table | grep '^|'
} > benches/sizes.md
python3 benches/report.py
