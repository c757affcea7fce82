#!/usr/bin/env bash
# Builds the npm package of protee-wasm into bindings/wasm/pkg/:
#   release build for wasm32-unknown-unknown, optimized for size (profile set here through
#   CARGO_PROFILE_RELEASE_*, so the workspace's Cargo.toml is untouched) → wasm-opt -Oz
#   → wasm-bindgen (--target web, TypeScript definitions) → package.json, node.mjs.
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli at the version pinned in
# Cargo.toml, and binaryen's wasm-opt (ci.sh installs them).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PKG="$HERE/pkg"
BUDGET_GZIP_BYTES=$((200 * 1024))

WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' "$HERE/Cargo.toml")"
VERSION="$(sed -n 's/^version = "\([0-9.]*\)"$/\1/p' "$HERE/Cargo.toml" | head -n 1)"
if [[ -z "$WASM_BINDGEN_VERSION" ]]; then
    echo "build.sh: no exact wasm-bindgen pin (wasm-bindgen = \"=X.Y.Z\") in Cargo.toml" >&2
    exit 1
fi
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
    echo "build.sh: wasm-bindgen $WASM_BINDGEN_VERSION is needed:" >&2
    echo "  cargo install wasm-bindgen-cli --version =$WASM_BINDGEN_VERSION --no-default-features" >&2
    exit 1
fi
command -v wasm-opt >/dev/null || { echo "build.sh: wasm-opt missing (apt-get install binaryen)" >&2; exit 1; }

echo "==> cargo build (release, size-optimized) for wasm32-unknown-unknown"
CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
CARGO_PROFILE_RELEASE_LTO=fat \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_PROFILE_RELEASE_PANIC=abort \
CARGO_PROFILE_RELEASE_DEBUG=false \
CARGO_PROFILE_RELEASE_STRIP=debuginfo \
    cargo build --manifest-path "$ROOT/Cargo.toml" -p protee-wasm --lib --release \
        --target wasm32-unknown-unknown --target-dir "$TARGET_DIR"

echo "==> wasm-opt -Oz ($(wasm-opt --version))"
# Before wasm-bindgen: Debian's binaryen 108 cannot parse the table.fill that wasm-bindgen's
# externref glue adds; on rustc's output it can. The features are those rustc enables by
# default for wasm32-unknown-unknown (Rust 1.82+ and 1.87+).
OPTIMIZED="$TARGET_DIR/wasm32-unknown-unknown/release/protee_wasm.opt.wasm"
wasm-opt -Oz \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$TARGET_DIR/wasm32-unknown-unknown/release/protee_wasm.wasm" -o "$OPTIMIZED"

echo "==> wasm-bindgen $WASM_BINDGEN_VERSION --target web"
rm -rf "$PKG"
wasm-bindgen --target web --out-dir "$PKG" --out-name protee_wasm \
    --remove-name-section --remove-producers-section "$OPTIMIZED"

echo "==> package.json, node.mjs"
# Node has no fetch() for file: URLs, so Node gets an entry that instantiates synchronously
# from the file; browsers and bundlers get wasm-bindgen's module (call its default export
# `init()` once before using the classes).
cat > "$PKG/node.mjs" <<'JS'
import { readFileSync } from "node:fs";
import { initSync } from "./protee_wasm.js";

initSync({ module: readFileSync(new URL("./protee_wasm_bg.wasm", import.meta.url)) });

export * from "./protee_wasm.js";
JS
cat > "$PKG/node.d.mts" <<'TS'
export * from "./protee_wasm.js";
TS
cat > "$PKG/package.json" <<JSON
{
  "name": "protee-wasm",
  "version": "$VERSION",
  "description": "Olm and Megolm (Matrix end-to-end encryption) for browsers and Node.js: protee, pure Rust, compiled to WebAssembly",
  "license": "Apache-2.0",
  "type": "module",
  "main": "protee_wasm.js",
  "types": "protee_wasm.d.ts",
  "exports": {
    ".": {
      "node": {
        "types": "./node.d.mts",
        "default": "./node.mjs"
      },
      "types": "./protee_wasm.d.ts",
      "default": "./protee_wasm.js"
    },
    "./protee_wasm_bg.wasm": "./protee_wasm_bg.wasm"
  },
  "files": [
    "protee_wasm_bg.wasm",
    "protee_wasm.js",
    "protee_wasm.d.ts",
    "protee_wasm_bg.wasm.d.ts",
    "node.mjs",
    "node.d.mts",
    "README.md"
  ],
  "sideEffects": [
    "./node.mjs"
  ],
  "engines": {
    "node": ">=19"
  }
}
JSON
cp "$HERE/README.md" "$PKG/README.md"

RAW=$(stat -c %s "$PKG/protee_wasm_bg.wasm")
GZIP=$(gzip -9 -c "$PKG/protee_wasm_bg.wasm" | wc -c)
echo "==> $PKG/protee_wasm_bg.wasm: $RAW bytes raw, $GZIP bytes gzipped (gzip -9; budget $BUDGET_GZIP_BYTES)"
if (( GZIP > BUDGET_GZIP_BYTES )); then
    echo "build.sh: the gzipped .wasm is over the budget of $BUDGET_GZIP_BYTES bytes" >&2
    exit 1
fi
