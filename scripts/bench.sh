#!/usr/bin/env bash
# The benchmark (not a test): installs what is missing, builds the release
# bundle, then measures the page on accounts with 10, 200 and 2,000 sessions
# against its own Synapse. Prints a table and writes .bench/results.json.
# BENCH_SIZES=10,200 and BENCH_RUNS=3 change what is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec node tests/bench/bench.mjs
