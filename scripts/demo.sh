#!/usr/bin/env bash
# Runs the app against a local throwaway Synapse with a demo account.
# Installs what is missing first (see scripts/setup.sh). Ctrl-C stops it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/setup.sh
echo "==> Building the app (trunk build --release)"
trunk build --release >.setup-logs/build.log 2>&1 || { tail -n 60 .setup-logs/build.log; exit 1; }
exec node scripts/demo.mjs
