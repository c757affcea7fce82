#!/usr/bin/env bash
# Install what test-vectors/generator needs (Debian bookworm, as root). Idempotent.
#   libolm3 + libolm-dev : libolm 3.2.13, the C library the scripts drive through ctypes
#   cryptography (Python): only used to open libolm's pickle envelope (raw_hex in the vectors)
# Adapted from shared/libolm-harness/setup.sh (the optional vodozemac venv is not needed here).
set -euo pipefail
cd "$(dirname "$0")"
if ! dpkg -s libolm3 libolm-dev >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y libolm3 libolm-dev
fi
PY=${PYTHON:-python3}
"$PY" -c 'import cryptography' 2>/dev/null || "$PY" -m pip install cryptography
# (Debian's /usr/bin/python3 instead: apt-get install -y python3-cryptography)
PYTHONDONTWRITEBYTECODE=1 "$PY" -c 'import olmffi; print("libolm", olmffi.library_version(), "loaded from", olmffi.LIB_PATH)'
