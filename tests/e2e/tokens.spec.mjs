// Access tokens that expire and logins that end on the server. A dedicated
// Synapse issues access tokens that live 3 seconds.
import path from "node:path";
import { createAccount, expect, keys, recordRequests, signIn, storedLogin, test } from "./fixtures.mjs";
import { matrixCall, startSynapse } from "../support/synapse.mjs";
import { RUN_DIR } from "../support/global-setup.mjs";

let hs;
test.beforeAll(async () => {
  hs = await startSynapse({
    dataDir: path.join(RUN_DIR, `synapse-short-tokens-${process.pid}`),
    overrides: { refreshable_access_token_lifetime: "3s" },
  });
});
test.afterAll(async () => {
  await hs?.stop();
});

function countRefreshes(page) {
  return recordRequests(page, "POST", /\/_matrix\/client\/v3\/refresh$/);
}

/** Waits (by the clock) until a stored login's access token has expired. */
async function untilExpired(login) {
  await expect.poll(() => Date.now(), { timeout: 10_000 }).toBeGreaterThan(login.expires_at_ms + 200);
}

test("an access token about to expire is refreshed before it is used", async ({ page, env }) => {
  const account = await createAccount(hs.base, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: hs.base, ...account });
  const first = await storedLogin(page);
  expect(first.token_lifetime_ms).toBeGreaterThan(2000);
  expect(first.token_lifetime_ms).toBeLessThanOrEqual(3000);
  const refreshes = countRefreshes(page);
  await untilExpired(first);
  await page.reload();
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  await expect(page.getByTestId("load-error")).toHaveCount(0);
  expect(refreshes).toHaveLength(1);
  const second = await storedLogin(page);
  expect(second.access_token).not.toBe(first.access_token);
  expect(second.refresh_token).not.toBe(first.refresh_token);
  expect(second.device_id).toBe(first.device_id);
});

test("an expired token rejected by the server is refreshed and the request retried", async ({ page, env }) => {
  const account = await createAccount(hs.base, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: hs.base, ...account });
  // Pretend the token lasts for hours, so the app only learns of the expiry
  // from the server's 401 M_UNKNOWN_TOKEN (soft logout).
  const issued = await storedLogin(page);
  await page.evaluate((key) => {
    const login = JSON.parse(localStorage.getItem(key));
    login.expires_at_ms = Date.now() + 3_600_000;
    login.token_lifetime_ms = 3_600_000;
    localStorage.setItem(key, JSON.stringify(login));
  }, keys.login());
  await untilExpired(issued);
  const refreshes = countRefreshes(page);
  const rejected = [];
  page.on("response", (res) => {
    if (res.url().endsWith("/_matrix/client/v3/devices") && res.status() === 401) rejected.push(res.url());
  });
  await page.reload();
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  await expect(page.getByTestId("load-error")).toHaveCount(0);
  // Refused twice: in the round sent at start-up (by a client that cannot
  // renew the login, before the page exists), then by the page's own
  // request, which renews the token once and is retried.
  expect(rejected).toHaveLength(2);
  expect(refreshes).toHaveLength(1);
});

test("a login deleted on the server returns to sign-in with a message", async ({ page, env }) => {
  const account = await createAccount(hs.base, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: hs.base, ...account });
  const own = (await storedLogin(page)).device_id;
  // Another client of the account signs this session out.
  const auth = {
    type: "m.login.password",
    identifier: { type: "m.id.user", user: account.userId },
    password: account.password,
  };
  await matrixCall(hs.base, "POST", "/_matrix/client/v3/delete_devices", {
    token: account.logins.PHONE.accessToken,
    body: { devices: [own], auth },
  });
  await page.reload();
  await expect(page.getByTestId("login-notice")).toHaveText(
    "You were signed out: this session was signed out on the server (for example from another device).",
  );
  await expect(page.getByLabel("Password")).toBeVisible();
  expect(await storedLogin(page)).toBeNull();
});

test("a corrupt stored login is removed with a message", async ({ page, env }) => {
  await page.goto(env.appUrl);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.evaluate((key) => localStorage.setItem(key, "{not json"), keys.login());
  await page.reload();
  await expect(page.getByTestId("login-notice")).toHaveText(
    "The saved sign-in could not be read, so it was removed. Please sign in again.",
  );
  expect(await storedLogin(page)).toBeNull();
});
