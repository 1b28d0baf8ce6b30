// End-to-end tests: Playwright driving Debian's Chromium (never a downloaded
// browser) against the release build and a real Synapse.
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support/chromium.mjs";

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./support/global-setup.mjs",
  outputDir: "../.test-run/artifacts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 1100, height: 900 },
    screenshot: "only-on-failure",
    trace: "off",
  },
});
