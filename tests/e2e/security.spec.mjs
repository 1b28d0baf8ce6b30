// The page's security posture: a strict Content-Security-Policy with no
// violations, text that stays text, and no secrets where they could leak.
import fs from "node:fs";
import path from "node:path";
import { createAccount, expect, signIn, storedLogin, test } from "./fixtures.mjs";
import { ROOT } from "../support/synapse.mjs";

test("the built page carries a strict CSP and runs without violating it", async ({ page, env }) => {
  const html = fs.readFileSync(path.join(ROOT, "dist", "index.html"), "utf8");
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toMatch(/connect-src [^;]+/);
  // No inline script at all.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

  const violations = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  // Visit the parts that render dynamically: details, rename, menus, dialogs.
  await page.getByTestId("device-toggle-details-PHONE").click();
  await page.getByTestId("device-detail-PHONE").getByTestId("device-heading-rename-cta").click();
  await page.getByTestId("device-detail-PHONE").getByTestId("device-rename-cancel-cta").click();
  await page.locator("#device-list-filter").click();
  await page.getByTestId("filter-option-Verified").click();
  await page.getByTestId("devices-clear-filter-btn").click();
  await page.getByTestId("device-tile-checkbox-PHONE").check();
  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
  await expect(page.getByRole("dialog", { name: "Confirm your identity" })).toBeVisible();
  await page.getByRole("dialog").getByTestId("dialog-cancel-button").click();
  expect(await page.evaluate(() => window.__csp)).toEqual([]);
  expect(violations).toEqual([]);
});

test("a crash shows a reload screen that works under the CSP", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  // The app has no reachable panic; an exported test hook forces one.
  await page.evaluate(() => {
    try {
      window.wasmBindings.__test_panic();
    } catch {
      /* the panic surfaces as a WebAssembly trap */
    }
  });
  const crash = page.getByTestId("crash-screen");
  await expect(crash).toContainText("Something went wrong");
  await expect(crash).toHaveAttribute("role", "alert");
  await crash.getByRole("button", { name: "Reload" }).click();
  // Reloaded, still signed in.
  await expect(page.getByTestId("current-session-section")).toBeVisible();
});

test("display names with markup stay text everywhere", async ({ page, env }) => {
  const name = '"><script>alert(1)</script><b>bold</b>';
  const account = await createAccount(env.hsBase, [{ id: "XSS", name }]);
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs += 1;
    d.dismiss();
  });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-XSS").getByRole("heading")).toHaveText(name);
  await expect(page.locator("b, script:not([src])")).toHaveCount(0);
  await page.getByTestId("device-tile-checkbox-XSS").check();
  await expect(page.getByTestId("device-tile-checkbox-XSS")).toHaveAccessibleName(`Select ${name}`);
  expect(dialogs).toBe(0);
});

test("the access token never appears in the address, the console or the page", async ({ page, env }) => {
  const messages = [];
  page.on("console", (m) => messages.push(m.text()));
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const { access_token: token, refresh_token: refresh } = await storedLogin(page);
  // Force an error path too: a failed rename.
  await page.route("**/_matrix/client/v3/devices/PHONE", (route) =>
    route.request().method() === "PUT"
      ? route.fulfill({ status: 500, headers: { "Access-Control-Allow-Origin": "*" }, body: "{}" })
      : route.continue(),
  );
  await page.getByTestId("device-toggle-details-PHONE").click();
  await page.getByTestId("device-heading-rename-cta").click();
  await page.getByTestId("device-rename-input").fill("x");
  await page.getByTestId("device-rename-submit-cta").click();
  await expect(page.getByTestId("device-rename-error")).toBeVisible();
  const text = await page.evaluate(() => document.documentElement.outerHTML);
  for (const secret of [token, refresh]) {
    expect(page.url()).not.toContain(secret);
    expect(text).not.toContain(secret);
    expect(messages.join("\n")).not.toContain(secret);
  }
});

test("a control that disappears while focused does not crash the page", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  // Choosing a filter leaves focus on the filter button...
  await page.locator("#device-list-filter").click();
  await page.getByTestId("filter-option-NoEncryption").click();
  await expect(page.locator("#device-list-filter")).toBeFocused();
  // ...which leaves the page when a selection starts (a script click keeps focus there).
  await page.evaluate(() => document.querySelector('[data-testid="device-select-all-checkbox"]').click());
  await expect(page.getByTestId("list-header-label")).toHaveText("1 session selected");
  await expect(page.getByTestId("crash-screen")).toHaveCount(0);
  await page.getByTestId("cancel-selection-cta").click();
  await expect(page.locator("#device-list-filter")).toBeVisible();
});
