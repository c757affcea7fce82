#!/usr/bin/env bash
# Everything CI needs for the WebAssembly bindings, from a clean machine (run as root, or with
# sudo for apt-get): installs what is missing (Debian chromium, chromium-driver, binaryen; the
# wasm32 target; wasm-bindgen-cli at the version pinned in Cargo.toml), builds the npm package
# (build.sh), lints, runs the wasm-bindgen-test suites in Node and in headless Chromium, the
# native interop tests, and the demo's end-to-end test; prints the .wasm sizes and the time.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
START=$(date +%s)
section() { echo; echo "=== $* ($(($(date +%s) - START)) s)"; }

section "tools"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v wasm-opt >/dev/null || missing+=(binaryen)
if ((${#missing[@]})); then
    SUDO=""
    [[ "$(id -u)" == 0 ]] || SUDO="sudo"
    echo "apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' "$HERE/Cargo.toml")"
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
    # Without default features: no TLS stack (the test runner only talks to a local
    # chromedriver), which halves the build. --locked first; if the registry lacks a version
    # the CLI's lock file names, resolve afresh at the same CLI version.
    cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --no-default-features --locked \
        || cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --no-default-features
fi
echo "$(wasm-bindgen --version), $(wasm-opt --version), $(chromium --version), $(chromedriver --version | cut -d' ' -f1-2), node $(node --version)"

section "build.sh"
"$HERE/build.sh"

section "clippy (wasm32)"
cargo clippy --manifest-path "$ROOT/Cargo.toml" -p protee-wasm --target wasm32-unknown-unknown \
    --all-targets -- -D warnings

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
section "wasm-bindgen-test in Node"
cargo test --manifest-path "$ROOT/Cargo.toml" -p protee-wasm --target wasm32-unknown-unknown --tests

section "wasm-bindgen-test in headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$HERE/webdriver.json" \
    cargo test --manifest-path "$ROOT/Cargo.toml" -p protee-wasm --target wasm32-unknown-unknown --tests

section "demo end-to-end test in headless Chromium"
(cd "$HERE/demo" && npm ci --no-audit --no-fund --loglevel=error)
FROM_BROWSER="$(mktemp --suffix=.json)"
PROTEE_WASM_FROM_BROWSER="$FROM_BROWSER" node "$HERE/demo/e2e.mjs"

section "native protee reads the committed and the fresh browser values"
cargo test --manifest-path "$ROOT/Cargo.toml" -p protee-wasm --test native_interop
PROTEE_WASM_FROM_BROWSER="$FROM_BROWSER" \
    cargo test --manifest-path "$ROOT/Cargo.toml" -p protee-wasm --test native_interop \
    native_protee_reads_what_the_browser_made
rm -f "$FROM_BROWSER"

section "sizes"
WASM="$HERE/pkg/protee_wasm_bg.wasm"
echo "protee_wasm_bg.wasm: $(stat -c %s "$WASM") bytes raw, $(gzip -9 -c "$WASM" | wc -c) bytes gzipped"
echo "ci.sh: done in $(($(date +%s) - START)) s"
