// Several tabs of one browser share one login: signing out in one signs out
// the others, and an expired token is refreshed once, not once per tab.
import path from "node:path";
import { createAccount, expect, recordRequests, signIn, storedLogin, test } from "./fixtures.mjs";
import { startSynapse } from "../support/synapse.mjs";
import { startFaultProxy } from "../support/fault-proxy.mjs";
import { RUN_DIR } from "../support/global-setup.mjs";

test("signing out in one tab returns the other to the sign-in page", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const second = await page.context().newPage();
  await second.goto(env.appUrl);
  await expect(second.getByTestId("device-tile-PHONE")).toBeVisible();

  await page.getByTestId("current-session-menu").click();
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("login-notice")).toHaveText("You signed out.");
  await expect(second.getByTestId("login-notice")).toHaveText("You signed out in another tab.");
  await expect(second.getByLabel("Password")).toBeVisible();
  expect(await storedLogin(second)).toBeNull();
});

test("signing in in one tab signs in the other", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await page.goto(env.appUrl);
  const second = await page.context().newPage();
  await second.goto(env.appUrl);
  await expect(second.getByLabel("Password")).toBeVisible();
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(second.getByTestId("device-tile-PHONE")).toBeVisible();
});

test.describe("with access tokens that expire after 15 seconds", () => {
  let hs;
  let proxy;
  test.beforeAll(async () => {
    hs = await startSynapse({
      dataDir: path.join(RUN_DIR, `synapse-tabs-${process.pid}`),
      // Shorter than the 30-second /sync long-poll, longer than the gap
      // between the two tabs' polls: one expiry, seen by both tabs.
      overrides: { refreshable_access_token_lifetime: "15s" },
    });
    proxy = await startFaultProxy(hs.base);
  });
  test.afterAll(async () => {
    await proxy?.close();
    await hs?.stop();
  });

  test("two idle tabs refresh an expired token only once", async ({ page, env }) => {
    test.setTimeout(120_000);
    const account = await createAccount(hs.base, [{ id: "PHONE", name: "Pixel 8" }]);
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    const second = await page.context().newPage();
    const consoleLines = [];
    page.on("console", (m) => consoleLines.push(`${Date.now() % 100000} A ${m.text()}`));
    second.on("console", (m) => consoleLines.push(`${Date.now() % 100000} B ${m.text()}`));
    await second.goto(env.appUrl);
    await expect(second.getByTestId("device-tile-PHONE")).toBeVisible();
    const before = proxy.count("POST", /\/refresh$/);
    // Each tab's long-polls, with the token each one sent.
    const syncsA = recordRequests(page, "GET", /\/sync\?/);
    const syncsB = recordRequests(second, "GET", /\/sync\?/);
    // Both tabs now wait in their /sync long-polls (30 s) while the token
    // expires (15 s); when the polls return, both need a fresh token: wait
    // until the server saw a refresh, and then both tabs polling with the
    // token it issued (so neither is still about to refresh).
    await expect
      .poll(() => proxy.count("POST", /\/refresh$/), { timeout: 70_000, intervals: [500] })
      .toBeGreaterThan(before);
    await expect
      .poll(
        async () => {
          const fresh = `Bearer ${(await storedLogin(page)).access_token}`;
          return syncsA.some((r) => r.auth === fresh) && syncsB.some((r) => r.auth === fresh);
        },
        { timeout: 70_000, intervals: [500] },
      )
      .toBe(true);
    const log = proxy.requests.map((r) => `${r.at % 100000} ${r.method} ${r.path} ${r.auth}`).join("\n") + "\n" + consoleLines.join("\n");
    if (process.env.DEBUG_TABS) console.log(log);
    // Each expired token is refreshed once, by one tab: no refresh token is
    // ever sent twice. (When the tabs' long-polls drift more than the token's
    // lifetime apart, a second, later refresh of the *new* token is right.)
    const refreshTokens = proxy.requests
      .filter((r) => r.method === "POST" && r.path.endsWith("/refresh"))
      .map((r) => JSON.parse(r.body).refresh_token);
    expect(refreshTokens.length - before, log).toBeGreaterThanOrEqual(1);
    expect(new Set(refreshTokens).size, log).toBe(refreshTokens.length);
    // Both tabs carry on with the same, fresh tokens.
    const [a, b] = [await storedLogin(page), await storedLogin(second)];
    expect(a.access_token).toBe(b.access_token);
    await expect(page.getByTestId("live-problem")).toHaveCount(0);
    await expect(second.getByTestId("live-problem")).toHaveCount(0);
    await second.reload();
    await expect(second.getByTestId("device-tile-PHONE")).toBeVisible();
    await expect(second.getByTestId("load-error")).toHaveCount(0);
  });
});
