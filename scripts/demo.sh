#!/usr/bin/env bash
# Runs the app against a local throwaway Synapse with a demo account.
# Installs what is missing first (see scripts/setup.sh). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec node scripts/demo.mjs
