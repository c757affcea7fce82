#!/usr/bin/env bash
# One documented command for the benchmark report: runs every criterion bench (protee and
# vodozemac side by side, plus the primitives), the allocation count, and writes
# benches/RESULTS.md and benches/results.svg.
#   bash benches/run.sh                  (5 passes, about 15 minutes; close other work)
#   BENCH_PASSES=1 bash benches/run.sh   (one pass, about 5 minutes)
# Each pass runs every bench once (protee and vodozemac back to back in each group) and keeps
# its own criterion baseline; the report takes, per row, the median over the passes of each
# library's median and of their ratio, so a slow drift of the machine's speed (seen on shared
# virtual machines: ±20% within minutes) weighs on both libraries alike.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "$(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores);"
  echo "$(rustc --version); run on $(date -u +%Y-%m-%d)"
} | tr '\n' ' ' > benches/machine.txt
# One run: no figure may come from an earlier one.
rm -rf "${CARGO_TARGET_DIR:-target}/criterion"
passes=${BENCH_PASSES:-5}
for pass in $(seq 1 "$passes"); do
  for bench in primitives olm megolm pickle; do
    cargo bench --bench "$bench" -- --warm-up-time 1 --measurement-time 1 --save-baseline "pass$pass"
  done
done
cargo test --release --test allocations -- --nocapture | grep '^|' > benches/allocations.md
python3 benches/report.py
