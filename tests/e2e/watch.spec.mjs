// Keeping watch: sessions new since the last visit (and live while the page
// is open, with an opt-in browser notification), the history of sessions
// that went away, and the device type at a glance — against the real Synapse.
import { createAccount, expect, listedSessionIds, signIn, test } from "./fixtures.mjs";
import { expectNoAxeViolations } from "./a11y.mjs";
import { loginDevice, matrixCall } from "../support/synapse.mjs";

test("a session that signed in between two visits is New until marked as reviewed", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  // The first visit marks nothing.
  await expect(page.getByTestId("new-sessions-notice")).toHaveCount(0);
  await expect(page.getByTestId("device-new-badge")).toHaveCount(0);

  await page.goto("about:blank");
  await loginDevice(env.hsBase, account.username, account.password, { deviceId: "TABLET", displayName: "Galaxy Tab" });
  await page.goto(env.appUrl);
  const notice = page.getByTestId("new-sessions-notice");
  await expect(notice.getByTestId("new-sessions-summary")).toHaveText(/^1 session signed in since \d\d:\d\d\.$/);
  await expect(page.getByTestId("device-tile-TABLET").getByTestId("device-new-badge")).toHaveText("New");
  await expect(page.getByTestId("device-tile-PHONE").getByTestId("device-new-badge")).toHaveCount(0);
  await expectNoAxeViolations(page, "new sessions notice");
  await page.screenshot({ path: ".test-run/screens/new-since-last-visit.png", fullPage: true });

  // Review filters to the new ones, in the address like any filter.
  await notice.getByRole("button", { name: "Review", exact: true }).click();
  await expect(page.locator("#device-list-filter")).toContainText("Show: New");
  await expect.poll(() => listedSessionIds(page)).toEqual(["TABLET"]);
  expect(new URL(page.url()).searchParams.get("filter")).toBe("new");
  // Still New on the next visit.
  await page.reload();
  await expect(page.getByTestId("device-tile-TABLET").getByTestId("device-new-badge")).toBeVisible();

  await page.getByRole("button", { name: "Mark as reviewed" }).click();
  await expect(page.getByTestId("new-sessions-notice")).toHaveCount(0);
  await expect(page.getByTestId("device-new-badge")).toHaveCount(0);
  await expect(page.locator("#device-list-filter")).toContainText("Show: All");
  await page.reload();
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  await expect(page.getByTestId("new-sessions-notice")).toHaveCount(0);
});

test("a session that signs in while the page is open is announced, and notified once opted in", async ({
  page,
  context,
  env,
}) => {
  await context.grantPermissions(["notifications"]);
  // Records the page's notifications (the browser's own would need a desktop).
  await page.addInitScript(() => {
    window.__notifications = [];
    window.Notification = class {
      static permission = "granted";
      static requestPermission = async () => "granted";
      constructor(title, options) {
        window.__notifications.push({ title, body: options?.body, tag: options?.tag });
      }
    };
  });
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();

  await loginDevice(env.hsBase, account.username, account.password, { deviceId: "LAPTOP", displayName: "New laptop" });
  await expect(page.getByTestId("announcement")).toHaveText("New session signed in: New laptop", { timeout: 15_000 });
  await expect(page.getByTestId("device-tile-LAPTOP").getByTestId("device-new-badge")).toBeVisible();
  expect(await page.evaluate(() => window.__notifications)).toEqual([]);

  const optIn = page.getByLabel(/Notify me in this browser when a new session signs in/);
  await optIn.check();
  await expect(optIn).toBeChecked();
  await loginDevice(env.hsBase, account.username, account.password, { deviceId: "INTRUDER", displayName: "Unknown PC" });
  await expect(page.getByTestId("announcement")).toHaveText("New session signed in: Unknown PC", { timeout: 15_000 });
  expect(await page.evaluate(() => window.__notifications)).toEqual([
    {
      title: "New session signed in",
      body: `Unknown PC signed in to ${account.userId}. If it wasn't you, sign it out on the Sessions page.`,
      tag: "matrix-sessions-new-session",
    },
  ]);
  // The choice is kept for the next visit.
  await page.reload();
  await expect(page.getByLabel(/Notify me in this browser/)).toBeChecked();
  await expect(page.getByTestId("new-sessions-summary")).toHaveText(/^2 sessions signed in since/);
});

test("notifications the browser refuses leave the switch off with the reason", async ({ page, env }) => {
  await page.addInitScript(() => {
    window.Notification = class {
      static permission = "default";
      static requestPermission = async () => "denied";
    };
  });
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const optIn = page.getByLabel(/Notify me in this browser/);
  await optIn.click();
  await expect(page.getByTestId("notify-opt-in-error")).toHaveText(
    "The browser does not allow notifications for this page. Allow them in the browser's site settings to turn this on.",
  );
  await expect(optIn).not.toBeChecked();
});

test("the history shows a session signed out elsewhere, and clears", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "PHONE", name: "Pixel 8" },
    { id: "TABLET", name: "Galaxy Tab", ip: "198.51.100.9" },
  ]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-TABLET")).toBeVisible();
  await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/logout", { token: account.logins.TABLET.accessToken, body: {} });
  await expect(page.getByTestId("device-tile-TABLET")).toHaveCount(0, { timeout: 15_000 });

  const history = page.getByTestId("history-section");
  await history.getByText("Signed-out sessions (1)").click();
  const item = history.getByTestId("history-item-TABLET");
  await expect(item).toContainText("Galaxy Tab");
  await expect(item).toContainText("TABLET");
  await expect(item).toContainText("Last activity");
  await expect(item).toContainText("Gone since");
  await expect(item.getByTestId("history-how")).toHaveText("Signed out elsewhere");
  await expectNoAxeViolations(page, "history open");
  await history.screenshot({ path: ".test-run/screens/history.png" });
  // Kept across visits.
  await page.reload();
  await page.getByTestId("history-section").getByText("Signed-out sessions (1)").click();
  await page.getByRole("button", { name: "Clear history" }).click();
  await expect(page.getByTestId("history-section")).toContainText("No signed-out sessions yet.");
  await expect(page.getByTestId("announcement")).toHaveText("History cleared.");
  await page.reload();
  await expect(page.getByTestId("history-section")).toContainText("Signed-out sessions (0)");
});

test("each tile's icon names its device type", async ({ page, env }) => {
  const sessions = [
    { id: "ANDROID", name: "Element Android", type: "Mobile session" },
    { id: "IPHONE", name: "Element X iOS", type: "Mobile session" },
    { id: "DESKTOP", name: "Element Desktop: macOS", type: "Desktop session" },
    { id: "WEB", name: "app.element.io: Firefox on Windows", type: "Web session" },
    { id: "BOT", name: "maubot", type: "Bot session" },
    { id: "PLAIN", name: "QWERTY", type: "Unknown session type" },
  ];
  const account = await createAccount(env.hsBase, sessions);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  for (const s of sessions) {
    const tile = page.getByTestId(`device-tile-${s.id}`);
    await expect(tile.getByRole("img", { name: s.type })).toBeVisible();
  }
  await page.setViewportSize({ width: 360, height: 900 });
  await page.getByTestId("other-sessions-section").screenshot({ path: ".test-run/screens/device-types-360.png" });
});
