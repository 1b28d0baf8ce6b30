// Faults between the page and a real Synapse, injected by a proxy on
// loopback: for the initial load, a rename and a sign-out, each fault shows
// its message where the user acted, and once it is lifted the action
// succeeds with what the user typed still there.
import { createAccount, eventually, expect, signIn, test } from "./fixtures.mjs";
import { listDevices } from "../support/synapse.mjs";
import { startFaultProxy } from "../support/fault-proxy.mjs";

let proxy;
test.beforeEach(async ({ env }) => {
  proxy = await startFaultProxy(env.hsBase);
});
test.afterEach(async () => {
  await proxy?.close();
});

const UNREADABLE = "The homeserver sent an answer this page doesn't understand.";
const FAULTS = [
  {
    name: "connection refused",
    apply: () => proxy.down(),
    lift: () => proxy.up(),
    reason: "Couldn't reach the homeserver. Check your connection and try again.",
  },
  { name: "a stall past the timeout", kind: "stall", reason: "The homeserver didn't answer within 15 seconds." },
  { name: "HTTP 500", kind: "500", reason: "Internal server error" },
  { name: "429 with retry_after_ms", kind: "429", reason: "Too many attempts. Try again in 2 seconds." },
  { name: "truncated JSON", kind: "truncate", reason: UNREADABLE },
  { name: "wrongly typed fields", kind: "wrong-types", reason: UNREADABLE },
];

for (const fault of FAULTS) {
  test(`${fault.name}: load, rename and sign-out report it and recover`, async ({ page, env }) => {
    test.setTimeout(150_000);
    const apply = (where) => (fault.apply ? fault.apply() : proxy.setFault({ ...where, kind: fault.kind }));
    const lift = () => (fault.lift ? fault.lift() : proxy.setFault(null));
    const account = await createAccount(env.hsBase, [
      { id: "PHONE", name: "Pixel 8" },
      { id: "TABLET", name: "iPad" },
    ]);
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    await expect(page.getByTestId("device-tile-TABLET")).toBeVisible();

    // 1. The initial load: the message, a visible retry, recovery by itself.
    await apply({ method: "GET", path: /\/_matrix\/client\/v3\/devices$/ });
    await page.reload();
    const banner = page.getByTestId("load-error");
    await expect(banner).toContainText(`Couldn't load your sessions. ${fault.reason}`, { timeout: 30_000 });
    await expect(banner.getByTestId("load-retry-countdown")).toHaveText(/Trying again/);
    await expect(page.getByTestId("current-session-section").getByRole("status")).toHaveCount(0);
    await lift();
    await expect(page.getByTestId("device-tile-PHONE")).toBeVisible({ timeout: 45_000 });
    await expect(banner).toHaveCount(0);

    // 2. A rename: the message under the field, the typed name kept.
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    await details.getByTestId("device-heading-rename-cta").click();
    await details.getByTestId("device-rename-input").fill("Kitchen tablet");
    await apply({ method: "PUT", path: /\/devices\/PHONE$/ });
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByTestId("device-rename-error")).toHaveText(
      `Couldn't rename the session. ${fault.reason}`,
      { timeout: 30_000 },
    );
    await expect(details.getByTestId("device-rename-input")).toHaveValue("Kitchen tablet");
    await lift();
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByRole("heading", { name: "Kitchen tablet" })).toBeVisible();
    await eventually(async () =>
      (await listDevices(env.hsBase, account.logins.TABLET.accessToken)).some(
        (d) => d.device_id === "PHONE" && d.display_name === "Kitchen tablet",
      ),
    );

    // 3. A sign-out: the message in the dialog, the typed password kept.
    await page.getByTestId("device-tile-checkbox-TABLET").check();
    await page.getByTestId("sign-out-selection-cta").click();
    await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
    const dialog = page.getByRole("dialog", { name: "Confirm your identity" });
    await dialog.getByLabel("Password").fill(account.password);
    await apply({ method: "POST", path: /\/delete_devices$/, when: (body) => body.includes('"auth"') });
    await dialog.getByTestId("dialog-primary-button").click();
    await expect(dialog.getByRole("alert")).toHaveText(`Couldn't sign out. ${fault.reason}`, { timeout: 30_000 });
    await expect(dialog.getByLabel("Password")).toHaveValue(account.password);
    await lift();
    await dialog.getByTestId("dialog-primary-button").click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByTestId("device-tile-TABLET")).toHaveCount(0);
    const left = (await listDevices(env.hsBase, account.logins.PHONE.accessToken)).map((d) => d.device_id);
    expect(left).not.toContain("TABLET");
  });
}

test("a huge answer is refused with a message instead of filling memory", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
  proxy.setFault({ method: "GET", path: /\/_matrix\/client\/v3\/devices$/, kind: "huge" });
  await page.reload();
  await expect(page.getByTestId("load-error")).toContainText(
    "Couldn't load your sessions. The homeserver's answer was too large (over 32 MB).",
  );
  proxy.setFault(null);
  await page.getByTestId("load-retry").click();
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
});

test("double clicks on Save and Sign out send one request each", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
  await page.getByTestId("device-toggle-details-PHONE").click();
  const details = page.getByTestId("device-detail-PHONE");
  await details.getByTestId("device-heading-rename-cta").click();
  await details.getByTestId("device-rename-input").fill("Twice");
  await details.getByTestId("device-rename-submit-cta").dblclick();
  await expect(details.getByRole("heading", { name: "Twice" })).toBeVisible();
  expect(proxy.count("PUT", /\/devices\/PHONE$/)).toBe(1);

  await page.getByTestId("device-tile-checkbox-PHONE").check();
  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").dblclick();
  const dialog = page.getByRole("dialog", { name: "Confirm your identity" });
  await expect(dialog).toBeVisible();
  expect(proxy.count("POST", /\/delete_devices$/)).toBe(1);
  await dialog.getByLabel("Password").fill(account.password);
  await dialog.getByTestId("dialog-primary-button").dblclick();
  await expect(page.getByTestId("device-tile-PHONE")).toHaveCount(0);
  expect(proxy.count("POST", /\/delete_devices$/)).toBe(2);
});

test("a bulk sign-out the server carries out only in part says which sessions remain", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "PHONE", name: "Pixel 8" },
    { id: "TABLET", name: "Galaxy Tab" },
    { id: "LAPTOP", name: "Work laptop" },
  ]);
  await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
  proxy.setFault({ method: "POST", path: /\/delete_devices$/, kind: "keep", keep: ["LAPTOP"] });
  await page.getByTestId("device-tile-checkbox-TABLET").check();
  await page.getByTestId("device-tile-checkbox-LAPTOP").check();
  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
  const dialog = page.getByRole("dialog", { name: "Confirm your identity" });
  await dialog.getByLabel("Password").fill(account.password);
  await dialog.getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("sign-out-kept")).toHaveText(
    "The server did not sign out Work laptop: it is still listed. Try again, or sign it out from another device.",
  );
  await expect(page.getByTestId("announcement")).toHaveText("Signed out of 1 session.");
  await expect(page.getByTestId("device-tile-TABLET")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-LAPTOP")).toBeVisible();
  const left = (await listDevices(env.hsBase, account.logins.PHONE.accessToken)).map((d) => d.device_id);
  expect(left).toContain("LAPTOP");
  expect(left).not.toContain("TABLET");
});
