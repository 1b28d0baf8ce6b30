#!/usr/bin/env bash
# Installs everything the demo and the tests need, skipping what is already
# there: the wasm32 target, Trunk 0.21.14, wasm-bindgen-cli at the version in
# Cargo.lock, npm packages (binaryen's wasm-opt, Playwright), a Synapse venv,
# and Debian's Chromium. Safe to run again; a second run takes seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
SYNAPSE_VERSION="1.163.2"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)"
LOGS="$ROOT/.setup-logs"
mkdir -p "$LOGS"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ---- background jobs: network-bound installs run while cargo compiles ----
pids=()

# The colour emoji font: without it the emoji verification dialog's pictures
# show empty boxes (a real desktop has one; a server image does not).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null ||
  ! fc-list 2>/dev/null | grep -qi 'color emoji'; then
  say "Installing Chromium and the emoji font (Debian packages) in the background"
  (
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq && as_root apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji
  ) >"$LOGS/chromium.log" 2>&1 &
  pids+=("$!:chromium")
else
  say "Chromium already installed ($(command -v chromium))"
fi

# The installed package's metadata, not synapse.__version__: inside a git
# checkout that reads "1.163.2 (b=main,<commit>)" and never matches.
if [ ! -x .synapse-venv/bin/python ] ||
  ! .synapse-venv/bin/python -c "import importlib.metadata as m,sys; sys.exit(m.version('matrix-synapse') != '$SYNAPSE_VERSION')" 2>/dev/null; then
  say "Installing Synapse $SYNAPSE_VERSION into .synapse-venv in the background"
  (
    rm -rf .synapse-venv
    python3 -m venv .synapse-venv
    .synapse-venv/bin/pip install -q "matrix-synapse==$SYNAPSE_VERSION"
  ) >"$LOGS/synapse.log" 2>&1 &
  pids+=("$!:synapse")
else
  say "Synapse $SYNAPSE_VERSION already installed (.synapse-venv)"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/playwright ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing npm packages (binaryen, Playwright) in the background"
  # Playwright must never download a browser: the tests use Debian's Chromium.
  (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) >"$LOGS/npm.log" 2>&1 &
  pids+=("$!:npm")
else
  say "npm packages up to date"
fi

# ---- Rust tools (CPU-bound, one after the other) ----
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "Building Trunk $TRUNK_VERSION (about 20 minutes on 2 cores)"
  (cd "$HOME" && cargo install trunk --version "$TRUNK_VERSION" --locked)
else
  say "Trunk $TRUNK_VERSION already installed"
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "Building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes)"
  (cd "$HOME" && cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force)
else
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION already installed"
fi

# ---- wait for the background jobs ----
failed=0
for entry in "${pids[@]}"; do
  pid="${entry%%:*}"
  name="${entry#*:}"
  if ! wait "$pid"; then
    echo "setup: installing $name failed; log:" >&2
    tail -n 40 "$LOGS/$name.log" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1

say "Tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -c 40), Synapse $SYNAPSE_VERSION"
