#!/usr/bin/env bash
# The benchmark (not a test): installs what is missing, builds the release
# bundle, then measures the page on accounts with 10, 200 and 2,000 sessions
# against its own Synapse. Prints a table and writes .bench/results.json.
# BENCH_SIZES=10,200 and BENCH_RUNS=3 change what is measured.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

scripts/setup.sh
echo "==> Building the app (trunk build --release)"
trunk build --release >.setup-logs/build.log 2>&1 || { tail -n 60 .setup-logs/build.log; exit 1; }
exec node tests/bench/bench.mjs
