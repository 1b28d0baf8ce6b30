// The Sessions page: what it lists, in which order, and how it shows it.
import {
  createAccount,
  expect,
  listedSessionIds,
  signIn,
  storedLogin,
  test,
} from "./fixtures.mjs";
import { ORDERED_SESSIONS } from "../support/global-setup.mjs";
import { listDevices, loginDevice } from "../support/synapse.mjs";

// Element's tile format, computed independently with the browser's rules.
function expectedLabel(ts, now) {
  const d = new Date(ts);
  const n = new Date(now);
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
  if (ts + 6 * 86400000 >= now) {
    if (d.toDateString() === n.toDateString()) return time;
    return `${d.toLocaleDateString("en-US", { weekday: "short" })} ${time}`;
  }
  const monthDay = d.toLocaleDateString("en-US", { month: "short", day: "numeric" });
  return d.getFullYear() === n.getFullYear() ? monthDay : `${monthDay}, ${d.getFullYear()}`;
}

test("lists every session, most recent first, with name, last activity and IP", async ({ page, env, signInShared }) => {
  await signInShared(page, env.ordered);
  const seededIds = ORDERED_SESSIONS.map((s) => s.id);
  await expect(page.getByTestId("device-tile-NEVER_A")).toBeVisible();
  const shown = (await listedSessionIds(page)).filter((id) => seededIds.includes(id));
  // Never-used sessions last, by name: "Alpha phone" before "beta tablet".
  expect(shown).toEqual(["RECENT", "DAYS", "WEEKS", "OLD", "NEVER_A", "NEVER_B"]);

  const now = Date.now();
  for (const s of ORDERED_SESSIONS) {
    const tile = page.getByTestId(`device-tile-${s.id}`);
    await expect(tile.getByRole("heading")).toHaveText(s.name);
    const inactive = s.ageMs > 90 * 86400000;
    // As in Element, an inactive session's line leaves out its id.
    await expect(tile.getByTestId("device-metadata-deviceId")).toHaveCount(inactive ? 0 : 1);
    if (!inactive) await expect(tile.getByTestId("device-metadata-deviceId")).toHaveText(s.id);
    if (s.ageMs === undefined) {
      await expect(tile.getByTestId("device-metadata-lastActivity")).toHaveCount(0);
      await expect(tile.getByTestId("device-metadata-lastSeenIp")).toHaveCount(0);
    } else if (inactive) {
      // Older than 90 days: the tile says inactive instead of last activity.
      const ts = env.seededAt - s.ageMs;
      await expect(tile.getByTestId("device-metadata-inactive")).toHaveText(
        `Inactive for 90+ days (${expectedLabel(ts, now)})`,
      );
      await expect(tile.getByTestId("device-metadata-lastSeenIp")).toHaveText(s.ip);
    } else {
      const ts = env.seededAt - s.ageMs;
      await expect(tile.getByTestId("device-metadata-lastActivity")).toHaveText(
        `Last activity ${expectedLabel(ts, now)}`,
      );
      await expect(tile.getByTestId("device-metadata-lastSeenIp")).toHaveText(s.ip);
    }
  }
  // Spot-check the shapes: a year-old session carries its year.
  await expect(page.getByTestId("device-tile-OLD").getByTestId("device-metadata-inactive")).toHaveText(
    /^Inactive for 90\+ days \([A-Z][a-z]{2} \d{1,2}, \d{4}\)$/,
  );
  await page.getByTestId("device-toggle-details-OLD").click();
  await expect(page.getByTestId("device-detail-OLD").getByRole("row", { name: /Last activity/ })).toHaveText(
    /Last activity\s*[A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}/,
  );
});

test("a display name with markup is shown as text", async ({ page, env }) => {
  const evil = '<img src=x onerror=alert(1)>"><script>alert(2)</script>';
  const account = await createAccount(env.hsBase, [{ id: "EVIL", name: evil }]);
  let dialogs = 0;
  page.on("dialog", async (d) => {
    dialogs += 1;
    await d.dismiss();
  });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const tile = page.getByTestId("device-tile-EVIL");
  await expect(tile.getByRole("heading")).toHaveText(evil);
  await expect(tile.locator("img, script")).toHaveCount(0);
  await page.getByTestId("device-toggle-details-EVIL").click();
  await expect(page.getByTestId("device-detail-EVIL").getByRole("heading", { level: 3 })).toHaveText(evil);
  expect(dialogs).toBe(0);
});

test("a session without a display name is shown by its id", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "NAMELESS", name: "" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-NAMELESS").getByRole("heading")).toHaveText("NAMELESS");
});

test("expands sessions to their details, several at once", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "PHONE", name: "Pixel 8", ip: "198.51.100.23" },
    { id: "LAPTOP", name: "Firefox on Ubuntu", ip: "203.0.113.7" },
  ]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });

  const toggle = page.getByTestId("device-toggle-details-PHONE");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(toggle).toHaveAccessibleName("Show details of Pixel 8");
  await toggle.click();
  const details = page.getByTestId("device-detail-PHONE");
  await expect(details).toBeVisible();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(details.getByRole("row", { name: /Session ID/ })).toHaveText(/Session ID\s*PHONE/);
  await expect(details.getByRole("row", { name: /Last activity/ })).toHaveText(
    /Last activity\s*[A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}/,
  );
  await expect(details.getByRole("row", { name: /IP address/ })).toHaveText(/IP address\s*198\.51\.100\.23/);

  // Clicking the tile body expands too, and one open panel doesn't close another.
  await page.getByTestId("device-tile-LAPTOP").getByRole("heading").click();
  await expect(page.getByTestId("device-detail-LAPTOP")).toBeVisible();
  await expect(details).toBeVisible();
  await toggle.click();
  await expect(details).toHaveCount(0);
  await expect(page.getByTestId("device-detail-LAPTOP")).toBeVisible();

  // The current session has its own toggle and details.
  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("current-session-toggle-details").click();
  await expect(page.getByTestId(`device-detail-${own}`)).toBeVisible();
});

test("stays signed in across a reload", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const before = await storedLogin(page);
  await page.reload();
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  expect((await storedLogin(page)).device_id).toBe(before.device_id);
});

test("a failed load shows the error and Retry brings the list back", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  // The network drops the next device-list request (a fault Synapse can't make).
  let dropped = 0;
  await page.route("**/_matrix/client/v3/devices", async (route) => {
    if (dropped++ === 0) return route.abort("connectionrefused");
    return route.continue();
  });
  await page.reload();
  await expect(page.getByTestId("load-error")).toContainText(
    "Couldn't load your sessions. Couldn't reach the homeserver.",
  );
  await page.getByTestId("load-retry").click();
  await expect(page.getByTestId("load-error")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
});

test("signs out of the current session", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;

  await page.getByTestId("current-session-menu").click();
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Sign out" });
  await expect(dialog).toContainText("Are you sure you want to sign out of this session?");
  await dialog.getByTestId("dialog-primary-button").click();

  await expect(page.getByTestId("login-notice")).toHaveText("You signed out.");
  await expect(page.getByLabel("Password")).toBeVisible();
  expect(await storedLogin(page)).toBeNull();
  const remaining = (await listDevices(env.hsBase, account.logins.PHONE.accessToken)).map((d) => d.device_id);
  expect(remaining).toEqual(["PHONE"]);
  expect(remaining).not.toContain(own);
});

test("cancelling sign-out keeps the session", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("current-session-toggle-details").click();
  await page.getByTestId("device-detail-sign-out-cta").click();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const helper = await loginDevice(env.hsBase, account.username, account.password);
  const ids = (await listDevices(env.hsBase, helper.accessToken)).map((d) => d.device_id);
  expect(ids).toContain(own);
  await expect(page.getByTestId(`device-tile-${own}`)).toBeVisible();
});
