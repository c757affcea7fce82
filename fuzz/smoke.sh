#!/usr/bin/env bash
# Fuzz smoke test for CI: builds every fuzz target and runs each for a fixed short time,
# starting from its committed seeds (fuzz/corpus/<target>/seed-*). Fails on any crash
# (panic, failed assertion), timeout, out-of-memory or leak.
#
#   bash fuzz/smoke.sh              # 10 s per target, two targets at a time
#   FUZZ_SECONDS=60 bash fuzz/smoke.sh
#
# New corpus entries go to a temporary directory: the working tree is not touched (except
# fuzz/target, the build). Takes about 4 minutes on 2 cores from a cold build (build 75 s,
# runs 160 s; see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-10}
parallel=${FUZZ_PARALLEL:-2}

# cargo-fuzz passes nightly-only flags (-Zsanitizer=address, ...) to rustc; the machine has
# only a stable toolchain, which accepts them with RUSTC_BOOTSTRAP=1.
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

started=$SECONDS
# --no-cfg-fuzzing: vodozemac skips its MAC and signature checks under cfg(fuzzing), which
# would make the differential target compare protee with a vodozemac that accepts anything.
cargo fuzz build --no-cfg-fuzzing
built=$SECONDS

host=$(rustc -vV | sed -n 's/^host: //p')
bin="target/$host/release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_target() {
  local target=$1
  mkdir -p "$work/corpus/$target"
  if "$bin/$target" "$work/corpus/$target" "corpus/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$target-" >"$work/$target.log" 2>&1; then
    echo "ok   $target $(grep -o 'number_of_executed_units: [0-9]*' "$work/$target.log" | grep -o '[0-9]*') runs"
  else
    echo "FAIL $target"
    tail -n 40 "$work/$target.log"
    ls "$work/$target-"* 2>/dev/null | while read -r artifact; do
      echo "input: $(basename "$artifact"): $(od -An -tx1 -v "$artifact" | tr -d ' \n' | head -c 2000)"
    done
    return 1
  fi
}

failed=0
running=0
for target in $(cargo fuzz list); do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done

echo "fuzz smoke: build $((built - started)) s, runs $((SECONDS - built)) s, ${seconds} s per target"
if [ "$failed" -ne 0 ]; then
  echo "fuzz smoke: FAILED (reproduce: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run --no-cfg-fuzzing <target> <input file>)"
  exit 1
fi
echo "fuzz smoke: all targets passed"
