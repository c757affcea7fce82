#!/usr/bin/env bash
# A long fuzzing campaign: every target (or the ones given) for a time budget each, in two
# lanes at the lowest CPU priority, then a table of executions per target from libFuzzer's
# final statistics.
#
#   bash fuzz/campaign.sh 600                          # every target, 600 s each
#   bash fuzz/campaign.sh 600 olm_stateful=3600 sas    # olm_stateful 1 h, sas 600 s
#   FUZZ_LANES=1 FUZZ_SANITIZER=address bash fuzz/campaign.sh 300
#
# The corpus grows in fuzz/corpus/<target>/ (new entries are git-ignored; only seed-* files
# are committed). Findings go to fuzz/artifacts/<target>/; logs to fuzz/artifacts/logs/.
# The default sanitizer is LeakSanitizer alone: protee is safe Rust (forbid(unsafe_code)) and
# LSan-only builds run 2-3 times faster than AddressSanitizer ones while still reporting
# leaks; the CI smoke test (smoke.sh) uses AddressSanitizer.
set -euo pipefail
cd "$(dirname "$0")"

default=${1:?usage: campaign.sh SECONDS [TARGET[=SECONDS]]...}
shift
lanes=${FUZZ_LANES:-2}
sanitizer=${FUZZ_SANITIZER:-leak}
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
target_dir="target/campaign-$sanitizer"
nice -n 19 cargo fuzz build --no-cfg-fuzzing -s "$sanitizer" --target-dir "$target_dir"
host=$(rustc -vV | sed -n 's/^host: //p')
bin="$target_dir/$host/release"

declare -a jobs=()
if [ "$#" -eq 0 ]; then
  for t in $(cargo fuzz list); do jobs+=("$t=$default"); done
else
  for arg in "$@"; do
    case "$arg" in
      *=*) jobs+=("$arg") ;;
      *) jobs+=("$arg=$default") ;;
    esac
  done
fi

mkdir -p artifacts/logs
lane() {
  local lane=$1
  local i=0
  for job in "${jobs[@]}"; do
    if [ $((i % lanes)) -eq "$lane" ]; then
      local target=${job%%=*} seconds=${job#*=}
      mkdir -p "corpus/$target" "artifacts/$target"
      local begin=$SECONDS
      set +e
      nice -n 19 "$bin/$target" "corpus/$target" -max_total_time="$seconds" -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
        >"artifacts/logs/$target.log" 2>&1
      local rc=$?
      set -e
      local runs
      runs=$(grep -o 'number_of_executed_units: [0-9]*' "artifacts/logs/$target.log" | grep -o '[0-9]*' || echo 0)
      printf '%-40s %12s runs %6s s  exit %s\n' "$target" "$runs" "$((SECONDS - begin))" "$rc"
    fi
    i=$((i + 1))
  done
}

started=$SECONDS
for ((l = 0; l < lanes; l++)); do
  lane "$l" >"artifacts/logs/lane-$l.txt" &
done
wait
echo "campaign: $((SECONDS - started)) s wall, sanitizer $sanitizer"
cat artifacts/logs/lane-*.txt | sort
awk '{ total += $2; if ($NF != 0) failed++ } END { printf "total: %d runs, %d target(s) with a finding\n", total, failed }' \
  artifacts/logs/lane-*.txt
ls artifacts/*/ 2>/dev/null | grep -E '^(crash|leak|timeout|oom|slow-unit)-' && exit 1 || true
