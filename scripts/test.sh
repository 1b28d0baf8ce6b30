#!/usr/bin/env bash
# Runs every test: installs what is missing, runs the Rust unit tests, builds
# the release bundle with Trunk, then runs the end-to-end tests in headless
# Chromium against real Synapse servers that the tests start and stop.
# Exits non-zero on any failure. Extra arguments go to Playwright
# (e.g. `scripts/test.sh tests/e2e/login.spec.mjs`).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

scripts/setup.sh || { echo "setup failed" >&2; exit 1; }

status=0
summary=()

say "Unit and property tests (cargo test)"
if cargo test --quiet 2>&1 | tee .setup-logs/unit.log; then
  passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' .setup-logs/unit.log | awk '{s += $4} END {print s + 0}')
  summary+=("unit: $passed passed, 0 failed")
else
  status=1
  summary+=("unit: FAILED (see above)")
fi

say "Formatting and lints (rustfmt, clippy for native and wasm32)"
if cargo fmt --check >.setup-logs/fmt.log 2>&1 &&
  cargo clippy --all-targets --quiet -- -D warnings 2>&1 | tee .setup-logs/clippy.log &&
  cargo clippy --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings 2>&1 | tee -a .setup-logs/clippy.log &&
  ! grep -q "^error" .setup-logs/clippy.log; then
  summary+=("lints: rustfmt and clippy (native, wasm32) clean")
else
  cat .setup-logs/fmt.log
  status=1
  summary+=("lints: FAILED (see above)")
fi

say "Component tests and the browser's cryptography (wasm-bindgen-test in Debian's headless Chromium)"
# webdriver.json names Debian's Chromium; no browser is ever downloaded.
if CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test components --test crypto 2>&1 |
  tee .setup-logs/components.log | grep -E "^test |test result|panicked"; then
  if ! grep -q "^test result: FAILED" .setup-logs/components.log && grep -q "^test result: ok" .setup-logs/components.log; then
    summary+=("components and browser crypto: $(grep -Eo '[0-9]+ passed' .setup-logs/components.log | awk '{s += $1} END {print s}') passed, 0 failed")
  else
    status=1
    summary+=("components: FAILED (see .setup-logs/components.log)")
  fi
else
  status=1
  summary+=("components: FAILED (see .setup-logs/components.log)")
fi

say "Release build (trunk build --release, with loopback servers and test hooks)"
# The tests' servers run on loopback, which the production CSP refuses; the
# `test-hooks` feature adds the one export the crash-screen test calls.
if CSP_ALLOW_LOOPBACK=1 trunk build --release --features test-hooks >.setup-logs/build.log 2>&1; then
  summary+=("build: ok ($(scripts/bundle-size.sh --short))")
else
  tail -n 60 .setup-logs/build.log
  echo "release build failed" >&2
  exit 1
fi

say "End-to-end tests (Playwright + Chromium + Synapse)"
if npx playwright test -c tests/playwright.config.mjs "$@" 2>&1 | tee .setup-logs/e2e.log; then
  summary+=("e2e: $(grep -Eo '[0-9]+ passed' .setup-logs/e2e.log | tail -1), 0 failed")
else
  status=1
  summary+=("e2e: $(grep -Eo '[0-9]+ (passed|failed|flaky)' .setup-logs/e2e.log | tail -3 | paste -sd, -)")
fi

say "Summary"
printf '  %s\n' "${summary[@]}"
exit "$status"
