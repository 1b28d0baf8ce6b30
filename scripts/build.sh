#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh) and builds the release bundle
# into dist/. Used by the demo and the benchmark.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/setup.sh
echo "==> Building the app (trunk build --release)"
# The demo and the benchmark talk to a Synapse on loopback, which a
# production build's Content-Security-Policy does not allow.
CSP_ALLOW_LOOPBACK=1 trunk build --release >.setup-logs/build.log 2>&1 || { tail -n 60 .setup-logs/build.log; exit 1; }
