#!/usr/bin/env bash
# Regenerate the committed libolm vector files and check they are byte-identical.
#
#   test-vectors/generator/regenerate.sh           # check only; exit 1 on any difference
#   test-vectors/generator/regenerate.sh --write   # overwrite test-vectors/libolm/ instead
#
# Needs libolm 3.2.13 (Debian libolm3) and python3 with `cryptography` (see setup.sh).
# PYTHON selects the interpreter (default python3); LIBOLM_PATH another libolm build.
set -euo pipefail
cd "$(dirname "$0")/../.."            # repository root
PY=${PYTHON:-python3}
GEN=test-vectors/generator/libolm_vectors.py
DIR=test-vectors/libolm
SEEDS=(protee-dev-1 protee-seed-2 protee-seed-3)
EXPECTED_LIBOLM=3.2.13
export PYTHONDONTWRITEBYTECODE=1

write=0
case "${1:-}" in
  "") ;;
  --write) write=1 ;;
  *) echo "usage: $0 [--write]" >&2; exit 2 ;;
esac

ver=$(cd test-vectors/generator && "$PY" -c 'import olmffi; print(olmffi.library_version())')
if [ "$ver" != "$EXPECTED_LIBOLM" ]; then
  echo "warning: libolm $ver loaded, the committed vectors come from $EXPECTED_LIBOLM" \
       "(the generator.libolm_version field will differ)" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for seed in "${SEEDS[@]}"; do
  f="vectors-$seed.json"
  if ! "$PY" "$GEN" --seed "$seed" --out "$tmp/$f" 2>"$tmp/err"; then
    cat "$tmp/err" >&2; echo "FAILED: generator error for seed $seed" >&2; exit 1
  fi
  if [ "$write" = 1 ]; then
    cp "$tmp/$f" "$DIR/$f"
    echo "wrote   $DIR/$f  $(sha256sum "$DIR/$f" | cut -d' ' -f1)"
  elif [ ! -f "$DIR/$f" ]; then
    echo "MISSING $DIR/$f"; fail=1
  elif cmp -s "$tmp/$f" "$DIR/$f"; then
    echo "same    $DIR/$f  $(sha256sum "$DIR/$f" | cut -d' ' -f1)"
  else
    echo "DIFFERS $DIR/$f  (committed $(sha256sum "$DIR/$f" | cut -d' ' -f1)," \
         "regenerated $(sha256sum "$tmp/$f" | cut -d' ' -f1))"
    fail=1
  fi
done
if [ "$fail" = 0 ]; then echo "ok: ${#SEEDS[@]} vector files reproduced byte for byte"; else echo "FAILED" >&2; fi
exit "$fail"
