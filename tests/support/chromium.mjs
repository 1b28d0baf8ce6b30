// Debian's Chromium, headless, as the tests and the benchmark start it: no
// downloaded browser, and no background connections (this machine's closed
// network refuses them).
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
