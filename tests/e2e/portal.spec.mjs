// Deploying inside a portal: config.json, a sub-path, theming, and running
// in a frame of another origin.
import path from "node:path";
import { createAccount, expect, storedLogin, test } from "./fixtures.mjs";
import { ROOT } from "../support/synapse.mjs";
import { portalPage, startStaticServer } from "../support/static-server.mjs";

const DIST = path.join(ROOT, "dist");
const servers = [];
async function serve(options) {
  const server = await startStaticServer({ dist: DIST, ...options });
  servers.push(server);
  return server;
}
test.afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

test("served under a sub-path with a locked homeserver, dark theme and a portal link", async ({ page, env }) => {
  const app = await serve({
    basePath: "/account/sessions/",
    config: {
      default_homeserver: env.hsBase,
      lock_homeserver: true,
      theme: "dark",
      brand: "Acme Portal",
      portal_url: "https://portal.example.org/account",
      portal_name: "Acme account",
    },
  });
  const failed = [];
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().includes("/_matrix/")) failed.push(`${r.status()} ${r.url()}`);
  });
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await page.goto(app.url);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveTitle("Sessions · Acme Portal");
  // No homeserver field: it is fixed by the portal.
  await expect(page.getByLabel("Homeserver")).toHaveCount(0);
  await expect(page.getByTestId("login-homeserver-locked")).toContainText(env.hsBase);
  await expect(page.getByTestId("portal-link")).toHaveText("← Back to Acme account");
  await expect(page.getByTestId("portal-link")).toHaveAttribute("href", "https://portal.example.org/account");
  // Dark colours.
  const colours = await page.evaluate(() => {
    const body = getComputedStyle(document.body);
    return { bg: body.backgroundColor, fg: body.color, theme: document.documentElement.dataset.theme };
  });
  expect(colours).toEqual({ bg: "rgb(21, 25, 30)", fg: "rgb(236, 239, 242)", theme: "dark" });

  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  const own = (await storedLogin(page, "/account/sessions/")).device_id;
  await expect(page.getByTestId(`device-tile-${own}`).getByRole("heading")).toHaveText("Acme Portal (Chrome on Linux)");
  // Links and filters keep the sub-path.
  await page.getByTestId("device-tile-checkbox-PHONE").check();
  await page.getByTestId("cancel-selection-cta").click();
  await page.locator("#device-list-filter").click();
  await page.getByTestId("filter-option-NoEncryption").click();
  expect(new URL(page.url()).pathname).toBe("/account/sessions/");
  await page.reload();
  await expect(page.locator("#device-list-filter")).toContainText("Show: No encryption");
  expect(failed).toEqual([]);
});

test("light theme and the configured accent colour", async ({ page, env }) => {
  const app = await serve({ config: { theme: "light", accent_color: "#ffcc00" } });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(app.url);
  const button = page.getByRole("button", { name: "Sign in" });
  await expect(button).toBeVisible();
  const styles = await button.evaluate((b) => {
    const s = getComputedStyle(b);
    return { bg: s.backgroundColor, fg: s.color, page: getComputedStyle(document.body).backgroundColor };
  });
  // Light even though the system prefers dark; black text on the yellow accent.
  expect(styles).toEqual({ bg: "rgb(255, 204, 0)", fg: "rgb(0, 0, 0)", page: "rgb(255, 255, 255)" });
});

test("auto theme follows the system setting", async ({ page, env }) => {
  const app = await serve({ config: {} });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(app.url);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(21, 25, 30)");
  await page.emulateMedia({ colorScheme: "light" });
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(255, 255, 255)");
});

test("an invalid config.json shows an error page naming the field", async ({ page }) => {
  const app = await serve({ config: '{"theme": "purple", "brand": "x"}' });
  await page.goto(app.url);
  await expect(page.getByTestId("config-error")).toContainText('config.json is invalid: "theme" must be');
  const typo = await serve({ config: '{"default_homserver": "x"}' });
  await page.goto(typo.url);
  await expect(page.getByTestId("config-error")).toContainText("default_homserver");
});

test("inside a frame of another origin: sign-in works and only the named parent hears about it", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  const portal = await serve({});
  const stranger = await serve({});
  const app = await serve({ config: { default_homeserver: env.hsBase, embed_parent_origin: portal.origin } });
  portal.setPage("/portal.html", portalPage(app.url));
  stranger.setPage("/portal.html", portalPage(app.url));

  await page.goto(`${portal.origin}/portal.html`);
  const frame = page.frameLocator("#app");
  await frame.getByLabel("Username").fill(account.username);
  await frame.getByLabel("Password").fill(account.password);
  await frame.getByRole("button", { name: "Sign in" }).click();
  await expect(frame.getByTestId("device-tile-PHONE")).toBeVisible();
  const received = await page.evaluate(() => window.received);
  const types = received.map((m) => m.data?.type);
  expect(types).toContain("matrix-sessions:signed-in");
  expect(types).toContain("matrix-sessions:height");
  expect(received.every((m) => m.origin === app.origin)).toBe(true);
  const signedIn = received.find((m) => m.data.type === "matrix-sessions:signed-in");
  expect(signedIn.data.user_id).toBe(account.userId);
  const height = received.filter((m) => m.data.type === "matrix-sessions:height").at(-1);
  expect(height.data.height).toBeGreaterThan(300);

  // Signing out is reported too.
  await frame.getByTestId("current-session-menu").click();
  await frame.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await frame.getByRole("dialog").getByTestId("dialog-primary-button").click();
  await expect(frame.getByTestId("login-notice")).toBeVisible();
  await expect
    .poll(async () => (await page.evaluate(() => window.received)).map((m) => m.data?.type))
    .toContain("matrix-sessions:signed-out");

  // A page of another origin framing the same app hears nothing.
  const strangerPage = await page.context().newPage();
  await strangerPage.goto(`${stranger.origin}/portal.html`);
  const strangerFrame = strangerPage.frameLocator("#app");
  await strangerFrame.getByLabel("Username").fill(account.username);
  await strangerFrame.getByLabel("Password").fill(account.password);
  await strangerFrame.getByRole("button", { name: "Sign in" }).click();
  await expect(strangerFrame.getByTestId("device-tile-PHONE")).toBeVisible();
  // Messages from one window to another arrive in order: once the frame's
  // own later message is in, anything the app had posted would be too.
  const frameWindow = strangerPage.frames().find((f) => f.url().startsWith(app.origin));
  await frameWindow.evaluate(() => window.parent.postMessage("test:marker", "*"));
  await expect.poll(() => strangerPage.evaluate(() => window.received.map((m) => m.data))).toContain("test:marker");
  expect(await strangerPage.evaluate(() => window.received.map((m) => m.data))).toEqual(["test:marker"]);
});
