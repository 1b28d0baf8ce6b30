// Renaming sessions, application details and push notifications.
import {
  createAccount,
  createPusher,
  eventually,
  expect,
  getAccountData,
  getPushers,
  putAccountData,
  recordRequests,
  signIn,
  storedLogin,
  test,
} from "./fixtures.mjs";
import path from "node:path";
import { listDevices, loginDevice, matrixCall, registerUser, startSynapse } from "../support/synapse.mjs";
import { RUN_DIR } from "../support/global-setup.mjs";
import { startFaultProxy } from "../support/fault-proxy.mjs";

async function open(page, env, sessions) {
  const account = await createAccount(env.hsBase, sessions);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  return account;
}

async function serverName(env, account, id) {
  const token = Object.values(account.logins)[0].accessToken;
  return (await listDevices(env.hsBase, token)).find((d) => d.device_id === id)?.display_name;
}

test.describe("rename", () => {
  test("renames another session with Save and the current one with Enter", async ({ page, env }) => {
    const account = await open(page, env, [{ id: "PHONE", name: "Pixel 8" }]);
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    await details.getByTestId("device-heading-rename-cta").click();
    const input = details.getByTestId("device-rename-input");
    await expect(input).toBeFocused();
    await expect(input).toHaveValue("Pixel 8");
    await input.fill("Alice's phone");
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByRole("heading", { name: "Alice's phone" })).toBeVisible();
    await expect(page.getByTestId("device-tile-PHONE").getByRole("heading")).toHaveText("Alice's phone");
    await expect(details.getByTestId("device-heading-rename-cta")).toBeFocused();
    expect(await serverName(env, account, "PHONE")).toBe("Alice's phone");
    await expect(page.getByTestId("announcement")).toHaveText("Session renamed.");

    const own = (await storedLogin(page)).device_id;
    await page.getByTestId("current-session-toggle-details").click();
    const mine = page.getByTestId(`device-detail-${own}`);
    await mine.getByTestId("device-heading-rename-cta").click();
    await mine.getByTestId("device-rename-input").fill("Work laptop");
    await mine.getByTestId("device-rename-input").press("Enter");
    await expect(page.getByTestId(`device-tile-${own}`).getByRole("heading")).toHaveText("Work laptop");
    expect(await serverName(env, account, own)).toBe("Work laptop");
  });

  test("Escape and Cancel leave the name as it was", async ({ page, env }) => {
    await open(page, env, [{ id: "PHONE", name: "Pixel 8" }]);
    const puts = recordRequests(page, "PUT", /\/devices\//);
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    await details.getByTestId("device-heading-rename-cta").click();
    await details.getByTestId("device-rename-input").fill("Something else");
    await details.getByTestId("device-rename-input").press("Escape");
    await expect(details.getByTestId("device-rename-input")).toHaveCount(0);
    await expect(details.getByRole("heading", { name: "Pixel 8" })).toBeVisible();
    await details.getByTestId("device-heading-rename-cta").click();
    await details.getByTestId("device-rename-input").fill("Other");
    await details.getByTestId("device-rename-cancel-cta").click();
    await expect(details.getByRole("heading", { name: "Pixel 8" })).toBeVisible();
    expect(puts).toHaveLength(0);
  });

  test("101 characters are refused with a message and the text is kept", async ({ page, env }) => {
    const account = await open(page, env, [{ id: "PHONE", name: "Pixel 8" }]);
    const puts = recordRequests(page, "PUT", /\/devices\//);
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    await details.getByTestId("device-heading-rename-cta").click();
    const long = "x".repeat(101);
    await details.getByTestId("device-rename-input").fill(long);
    await expect(details.getByTestId("device-rename-count")).toHaveText("101/100");
    await expect(details.getByTestId("device-rename-input")).toHaveAttribute("aria-invalid", "true");
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByTestId("device-rename-error")).toHaveText(
      "Session names can be at most 100 characters; this one has 101.",
    );
    await expect(details.getByTestId("device-rename-input")).toHaveValue(long);
    expect(puts).toHaveLength(0);
    expect(await serverName(env, account, "PHONE")).toBe("Pixel 8");
    // Exactly 100 is fine.
    await details.getByTestId("device-rename-input").fill("y".repeat(100));
    await expect(details.getByTestId("device-rename-error")).toHaveCount(0);
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByRole("heading", { level: 3 })).toHaveText("y".repeat(100));
  });

  test("an unchanged name sends nothing", async ({ page, env }) => {
    // Counted where the server sees it, through a proxy that changes nothing.
    const proxy = await startFaultProxy(env.hsBase);
    try {
      const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
      await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
      await page.getByTestId("device-toggle-details-PHONE").click();
      const details = page.getByTestId("device-detail-PHONE");
      await details.getByTestId("device-heading-rename-cta").click();
      await details.getByTestId("device-rename-submit-cta").click();
      await expect(details.getByTestId("device-rename-input")).toHaveCount(0);
      // A real rename afterwards: once it is through, the server has seen
      // every rename this page sent — exactly one.
      await details.getByTestId("device-heading-rename-cta").click();
      await details.getByTestId("device-rename-input").fill("Work phone");
      await details.getByTestId("device-rename-submit-cta").click();
      await expect(details.getByRole("heading", { name: "Work phone" })).toBeVisible();
      expect(proxy.count("PUT", /\/devices\/PHONE$/)).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test("a rename the server fails keeps the typed text for a retry", async ({ page, env }) => {
    const account = await open(page, env, [{ id: "PHONE", name: "Pixel 8" }]);
    // The server fails once (a fault Synapse cannot be asked to produce).
    let failed = 0;
    await page.route("**/_matrix/client/v3/devices/PHONE", (route) => {
      if (route.request().method() === "PUT" && failed++ === 0) {
        return route.fulfill({
          status: 500,
          contentType: "application/json",
          headers: { "Access-Control-Allow-Origin": "*" },
          body: JSON.stringify({ errcode: "M_UNKNOWN", error: "Internal server error" }),
        });
      }
      return route.continue();
    });
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    await details.getByTestId("device-heading-rename-cta").click();
    await details.getByTestId("device-rename-input").fill("Kitchen tablet");
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByTestId("device-rename-error")).toHaveText(
      "Couldn't rename the session. Internal server error",
    );
    await expect(details.getByTestId("device-rename-input")).toHaveValue("Kitchen tablet");
    await expect(details.getByTestId("device-rename-input")).toBeEnabled();
    await details.getByTestId("device-rename-submit-cta").click();
    await expect(details.getByRole("heading", { name: "Kitchen tablet" })).toBeVisible();
    expect(await serverName(env, account, "PHONE")).toBe("Kitchen tablet");
  });
});

test("shows application details from client-information account data", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "WEB", name: "Element Web" },
    { id: "DESK", name: "Element Desktop" },
    { id: "BOT", name: "bot" },
  ]);
  await putAccountData(env.hsBase, account.logins.WEB, "io.element.matrix_client_information.WEB", {
    name: "Element",
    version: "1.11.80",
    url: "https://app.element.io",
  });
  await putAccountData(env.hsBase, account.logins.DESK, "io.element.matrix_client_information.DESK", {
    name: "Element Nightly",
    version: 5,
    url: "javascript:alert(1)",
  });
  const syncs = recordRequests(page, "GET", /\/sync\?/);
  const perDevice = recordRequests(page, "GET", /\/account_data\//);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });

  await page.getByTestId("device-toggle-details-WEB").click();
  const web = page.getByTestId("device-detail-WEB").getByTestId("device-detail-metadata-application");
  await expect(web.getByRole("row", { name: /Name/ })).toHaveText(/Name\s*Element/);
  await expect(web.getByRole("row", { name: /Version/ })).toHaveText(/Version\s*1\.11\.80/);
  const link = web.getByRole("link", { name: "https://app.element.io" });
  await expect(link).toHaveAttribute("href", "https://app.element.io");
  await expect(link).toHaveAttribute("rel", "noopener noreferrer");

  await page.getByTestId("device-toggle-details-DESK").click();
  const desk = page.getByTestId("device-detail-DESK").getByTestId("device-detail-metadata-application");
  await expect(desk.getByRole("row", { name: /Name/ })).toHaveText(/Element Nightly/);
  // A number is not a version; a javascript: URL is text, not a link.
  await expect(desk.getByRole("row", { name: /Version/ })).toHaveCount(0);
  await expect(desk.getByRole("row", { name: /URL/ })).toHaveText(/javascript:alert\(1\)/);
  await expect(desk.getByRole("link")).toHaveCount(0);

  await page.getByTestId("device-toggle-details-BOT").click();
  await expect(page.getByTestId("device-detail-BOT").getByTestId("device-detail-metadata-application")).toHaveCount(0);
  // All of it came from one filtered /sync (plus the live long-poll), not per device.
  expect(syncs.length).toBeGreaterThanOrEqual(1);
  expect(perDevice).toHaveLength(0);
});

test("recording this session's client information is opt-in, and stale entries are pruned", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "KEEP", name: "kept" }, { id: "GONE", name: "deleted" }]);
  const keeper = account.logins.KEEP;
  await putAccountData(env.hsBase, keeper, "io.element.matrix_client_information.GONE", { name: "Old app" });
  // GONE signs out through the API before the page loads; its entry stays behind.
  await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/logout", {
    token: account.logins.GONE.accessToken,
    body: {},
  });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  // Pruned: the deleted session's entry is emptied.
  await eventually(async () => {
    const data = await getAccountData(env.hsBase, keeper, "io.element.matrix_client_information.GONE");
    return data === null || Object.keys(data).length === 0;
  });
  // Off by default: nothing recorded for this session.
  const optIn = page.getByTestId("client-info-opt-in");
  await expect(optIn).not.toBeChecked();
  expect(await getAccountData(env.hsBase, keeper, `io.element.matrix_client_information.${own}`)).toBeNull();

  await optIn.check();
  await expect(optIn).toBeChecked();
  const written = await eventually(() =>
    getAccountData(env.hsBase, keeper, `io.element.matrix_client_information.${own}`),
  );
  expect(written.name).toBe("Session Manager");
  expect(written.version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(written.url).toBe(new URL(env.appUrl).host);
  // Its own details now show the application.
  await page.getByTestId("current-session-toggle-details").click();
  await expect(
    page.getByTestId(`device-detail-${own}`).getByTestId("device-detail-metadata-application"),
  ).toContainText("Session Manager");

  await optIn.uncheck();
  await eventually(async () => {
    const data = await getAccountData(env.hsBase, keeper, `io.element.matrix_client_information.${own}`);
    return data === null || Object.keys(data).length === 0;
  });
});

test.describe("push notifications", () => {
  test("switches a session's pusher off and on", async ({ page, env }) => {
    const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }, { id: "BOT", name: "bot" }]);
    const pushkey = await createPusher(env.hsBase, account.logins.PHONE);
    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    const toggle = details.getByTestId("device-detail-push-notification-checkbox");
    await expect(toggle).toBeChecked();
    await expect(toggle).toHaveAccessibleName("Push notifications");
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    const token = account.logins.BOT.accessToken;
    await eventually(async () => {
      const p = (await getPushers(env.hsBase, token)).find((x) => x.pushkey === pushkey);
      return p && p["org.matrix.msc3881.enabled"] === false;
    });
    // Still the same session's pusher.
    const after = (await getPushers(env.hsBase, token)).find((x) => x.pushkey === pushkey);
    expect(after["org.matrix.msc3881.device_id"]).toBe("PHONE");
    await toggle.click();
    await expect(toggle).toBeChecked();
    await eventually(async () => {
      const p = (await getPushers(env.hsBase, token)).find((x) => x.pushkey === pushkey);
      return p && p["org.matrix.msc3881.enabled"] === true;
    });
    // A session without pusher or settings has no toggle.
    await page.getByTestId("device-toggle-details-BOT").click();
    await expect(page.getByTestId("device-detail-BOT").getByTestId("device-detail-push-notification")).toHaveCount(0);
  });

  test("silences a session through its local notification settings", async ({ page, env }) => {
    const account = await createAccount(env.hsBase, [{ id: "WEB", name: "Element Web" }]);
    const type = "org.matrix.msc3890.local_notification_settings.WEB";
    await putAccountData(env.hsBase, account.logins.WEB, type, { is_silenced: false });
    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
    await page.getByTestId("device-toggle-details-WEB").click();
    const toggle = page.getByTestId("device-detail-WEB").getByTestId("device-detail-push-notification-checkbox");
    await expect(toggle).toBeChecked();
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await eventually(async () => (await getAccountData(env.hsBase, account.logins.WEB, type))?.is_silenced === true);
  });

  test("a failed switch shows why and returns to the server's state", async ({ page, env }) => {
    const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
    await createPusher(env.hsBase, account.logins.PHONE);
    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
    await page.route("**/_matrix/client/v3/pushers/set", (route) =>
      route.fulfill({
        status: 502,
        headers: { "Access-Control-Allow-Origin": "*" },
        contentType: "text/html",
        body: "<html>Bad gateway</html>",
      }),
    );
    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    const toggle = details.getByTestId("device-detail-push-notification-checkbox");
    await toggle.click();
    await expect(details.getByTestId("push-error")).toHaveText(
      "Couldn't turn off notifications. The homeserver answered with an error (HTTP 502).",
    );
    await expect(toggle).toBeChecked();
    await expect(toggle).toBeEnabled();
  });
});

test.describe("on a server where push toggles (MSC3881) are switched on per user", () => {
  let hs;
  test.beforeAll(async () => {
    hs = await startSynapse({
      dataDir: path.join(RUN_DIR, `synapse-msc3881-${process.pid}`),
      overrides: { experimental_features: { msc3881_enabled: false, msc3391_enabled: true, msc3890_enabled: true } },
    });
  });
  test.afterAll(async () => {
    await hs?.stop();
  });

  test("a session's pusher gets its toggle once the account has the feature", async ({ page, env }) => {
    const account = await createAccount(hs.base, [{ id: "PHONE", name: "Pixel 8" }, { id: "WEB", name: "Element Web" }]);
    const pushkey = await createPusher(hs.base, account.logins.PHONE);
    const type = "org.matrix.msc3890.local_notification_settings.WEB";
    await putAccountData(hs.base, account.logins.WEB, type, { is_silenced: true });
    await signIn(page, { appUrl: env.appUrl, homeserver: hs.base, ...account });
    // Without the feature the server does not say which session a pusher
    // belongs to: no toggle for the phone, but local settings still work.
    await page.getByTestId("device-toggle-details-PHONE").click();
    await expect(page.getByTestId("device-detail-PHONE").getByTestId("device-detail-push-notification")).toHaveCount(0);
    await page.getByTestId("device-toggle-details-WEB").click();
    await expect(
      page.getByTestId("device-detail-WEB").getByTestId("device-detail-push-notification-checkbox"),
    ).not.toBeChecked();

    // An admin switches MSC3881 on for this account only; the anonymous
    // /versions still says no, the account's own /versions says yes.
    await registerUser(hs.base, "admin", "admin password", { admin: true });
    const admin = await loginDevice(hs.base, "admin", "admin password");
    await matrixCall(hs.base, "PUT", `/_synapse/admin/v1/experimental_features/${encodeURIComponent(account.userId)}`, {
      token: admin.accessToken,
      body: { features: { msc3881: true } },
    });
    await page.reload();
    await page.getByTestId("device-toggle-details-PHONE").click();
    const toggle = page.getByTestId("device-detail-PHONE").getByTestId("device-detail-push-notification-checkbox");
    await expect(toggle).toBeChecked();
    await expect(toggle).toBeEnabled();
    await toggle.click();
    await expect(toggle).not.toBeChecked();
    await eventually(async () => {
      const p = (await getPushers(hs.base, account.logins.WEB.accessToken)).find((x) => x.pushkey === pushkey);
      return p && p["org.matrix.msc3881.enabled"] === false;
    });
  });
});
