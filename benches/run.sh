#!/usr/bin/env bash
# One documented command for the benchmark report: runs every criterion bench (protee and
# vodozemac side by side, plus the primitives), the allocation count, and writes
# benches/RESULTS.md and benches/results.svg.
#   bash benches/run.sh            (about 12 minutes; close other work for stable numbers)
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "$(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores);"
  echo "$(rustc --version); run on $(date -u +%Y-%m-%d)"
} | tr '\n' ' ' > benches/machine.txt
# One run: no figure may come from an earlier one.
rm -rf "${CARGO_TARGET_DIR:-target}/criterion"
for bench in primitives olm megolm pickle; do
  cargo bench --bench "$bench" -- --warm-up-time 1 --measurement-time 3
done
cargo test --release --test allocations -- --nocapture | grep '^|' > benches/allocations.md
python3 benches/report.py
