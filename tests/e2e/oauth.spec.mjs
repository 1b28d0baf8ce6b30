// OAuth 2.0 sign-in (the Matrix 2.0 way) against a REAL Synapse in MAS mode
// (it refuses password login and registration, so it is a dedicated server),
// paired with the test-owned authorization server that plays MAS for what
// Synapse cannot do (tests/support/fake-mas.mjs): registration, the
// authorization page, tokens with real PKCE checks, revocation, introspection
// for Synapse, and provisioning users and devices through Synapse's own
// /_synapse/mas/ API.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eventually, expect, getPushers, keys, storedLogin, test, uniqueName } from "./fixtures.mjs";
import { ROOT, listDevices, startSynapse } from "../support/synapse.mjs";
import { masSynapseOverrides, startFakeMas } from "../support/fake-mas.mjs";
import { oauthDevice } from "../support/oauth-device.mjs";
import { createPusher } from "../support/seed.mjs";
import { portalPage, startStaticServer } from "../support/static-server.mjs";
import { RUN_DIR } from "../support/global-setup.mjs";
import { expectNoAxeViolations } from "./a11y.mjs";

const SECRET = crypto.randomBytes(24).toString("hex");
const SCREENS = path.join(ROOT, ".test-run", "screens");
let mas;
let hs;
test.beforeAll(async () => {
  // Synapse reads the authorization server's metadata once, at start.
  mas = await startFakeMas({ secret: SECRET });
  hs = await startSynapse({
    dataDir: path.join(RUN_DIR, `synapse-mas-${process.pid}`),
    overrides: masSynapseOverrides(mas.base, SECRET),
  });
  mas.setSynapse(hs.base);
});
test.afterAll(async () => {
  await hs?.stop();
  await mas?.close();
});
test.afterEach(() => {
  mas.setRegistrationPolicy({ allowInsecureUris: true });
  Object.assign(mas.config, { accessTokenTtlSeconds: 300, codeTtlSeconds: 600 });
});

const issuerHost = () => new URL(mas.issuer).host;

async function newUser(prefix = "oauth") {
  const username = uniqueName(prefix);
  await mas.addUser(username, "mas-password", { displayName: username });
  return { username, password: "mas-password", userId: `@${username}:localhost` };
}

/** Looks the homeserver up on the sign-in page and presses the OAuth choice. */
async function startOAuth(page, appUrl) {
  await page.goto(appUrl);
  await page.getByLabel("Homeserver").fill(hs.base);
  await page.getByLabel("Homeserver").blur();
  const button = page.getByRole("button", { name: `Continue at ${issuerHost()}` });
  await expect(button).toBeVisible();
  await button.click();
}

/** The authorization server's sign-in form. */
async function authorize(page, { username, password }, action = "Continue") {
  await page.getByLabel("Username").fill(username);
  if (action === "Continue") await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: action, exact: true }).click();
}

async function oauthSignIn(page, appUrl, user) {
  await startOAuth(page, appUrl);
  await authorize(page, user);
  await expect(page.getByTestId("current-session-section")).toBeVisible();
}

test("signs in with OAuth 2.0: the page lists the account's sessions, its own as current", async ({ page, env }) => {
  const user = await newUser();
  await oauthDevice(mas, { ...user, deviceId: "PHONEDEVICE1" });
  const exchanges = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/oauth2/token")) exchanges.push(new URLSearchParams(r.postData() ?? ""));
  });
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(hs.base);
  await page.getByLabel("Homeserver").blur();
  await expect(page.getByRole("button", { name: `Continue at ${issuerHost()}` })).toBeVisible();
  // Synapse in MAS mode has no /login: no password form, no SSO buttons.
  await expect(page.getByLabel("Password")).toHaveCount(0);
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, "oauth-sign-in-choice.png") });
  await page.getByRole("button", { name: `Continue at ${issuerHost()}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${mas.base}/authorize\\?`));
  const authorizeUrl = new URL(page.url());
  expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
  expect(authorizeUrl.searchParams.get("response_mode")).toBe("fragment");
  const scope = authorizeUrl.searchParams.get("scope").split(" ");
  expect(scope[0]).toBe("urn:matrix:client:api:*");
  const deviceId = scope[1].replace("urn:matrix:client:device:", "");
  expect(deviceId).toMatch(/^[A-Z0-9]{12}$/);
  await authorize(page, user);

  await expect(page.getByTestId("current-session-section")).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(`Signed in as ${user.userId}`);
  await expect(page.getByTestId("device-tile-PHONEDEVICE1")).toBeVisible();
  // The code and state left the address at once.
  expect(new URL(page.url()).hash).toBe("");
  const login = await storedLogin(page);
  expect(login.device_id).toBe(deviceId);
  expect(login.oauth.issuer).toBe(mas.issuer);
  expect(login.oauth.client_id).toMatch(/^[0-9A-Z]{26}$/);
  // A real Synapse device with the requested id; the code was exchanged once, with the verifier.
  const ids = (await listDevices(hs.base, login.access_token)).map((d) => d.device_id);
  expect(ids).toEqual(expect.arrayContaining([deviceId, "PHONEDEVICE1"]));
  expect(exchanges.map((f) => f.get("grant_type"))).toEqual(["authorization_code"]);
  expect(exchanges[0].get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await page.screenshot({ path: path.join(SCREENS, "oauth-sessions.png"), fullPage: true });

  // A reload keeps the login.
  await page.reload();
  await expect(page.getByTestId("device-tile-PHONEDEVICE1")).toBeVisible();
  expect((await storedLogin(page)).access_token).toBe(login.access_token);
});

test("renaming and push switches work in MAS mode; sign-outs link to the account page", async ({ browser, page, env }) => {
  const user = await newUser();
  const phone = await oauthDevice(mas, { ...user, deviceId: "PHONEDEVICE2" });
  const pushkey = await createPusher(hs.base, phone);
  await oauthSignIn(page, env.appUrl, user);

  await page.getByTestId("device-toggle-details-PHONEDEVICE2").click();
  const details = page.getByTestId("device-detail-PHONEDEVICE2");
  await details.getByTestId("device-heading-rename-cta").click();
  await details.getByTestId("device-rename-input").fill("Work phone");
  await details.getByTestId("device-rename-submit-cta").click();
  await expect(details.getByRole("heading", { name: "Work phone" })).toBeVisible();
  await eventually(async () => {
    const d = (await listDevices(hs.base, phone.accessToken)).find((x) => x.device_id === "PHONEDEVICE2");
    return d?.display_name === "Work phone";
  });
  await details.getByTestId("device-detail-push-notification-checkbox").click();
  await eventually(async () => {
    const p = (await getPushers(hs.base, phone.accessToken)).find((x) => x.pushkey === pushkey);
    return p?.["org.matrix.msc3881.enabled"] === false;
  });

  // No bulk sign-out: each session links to the account page, signing out with device_delete.
  await expect(page.getByTestId("device-select-all-checkbox")).toHaveCount(0);
  await expect(page.getByTestId("account-management-link")).toHaveAttribute(
    "href",
    `${mas.base}/account/?action=org.matrix.devices_list`,
  );
  const signOut = details.getByTestId("device-detail-sign-out-link");
  await expect(signOut).toHaveAttribute(
    "href",
    `${mas.base}/account/?action=org.matrix.device_delete&device_id=PHONEDEVICE2`,
  );
  await expect(details.getByTestId("device-detail-manage-cta")).toHaveAttribute(
    "href",
    `${mas.base}/account/?action=org.matrix.device_view&device_id=PHONEDEVICE2`,
  );
  // The user signs it out there; the page drops it live.
  const tabPromise = page.context().waitForEvent("page");
  await signOut.click();
  const tab = await tabPromise;
  await expect(tab.getByTestId("action")).toHaveText("org.matrix.device_delete");
  await tab.getByLabel("Username").fill(user.username);
  await tab.getByRole("button", { name: "Sign out this session" }).click();
  await expect(tab.getByRole("status")).toHaveText("Signed out session PHONEDEVICE2");
  await tab.close();
  await expect(page.getByTestId("device-tile-PHONEDEVICE2")).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId("load-error")).toHaveCount(0);
});

test("signing out revokes the token at the authorization server", async ({ page, env }) => {
  const user = await newUser();
  const phone = await oauthDevice(mas, { ...user, deviceId: "PHONEDEVICE3" });
  await oauthSignIn(page, env.appUrl, user);
  const login = await storedLogin(page);
  expect(mas.introspect(login.access_token).active).toBe(true);
  const logouts = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/_matrix/client/v3/logout")) logouts.push(r.url());
  });
  await page.getByTestId("current-session-menu").click();
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("login-notice")).toHaveText("You signed out.");
  expect(await page.evaluate((key) => localStorage.getItem(key), keys.login())).toBeNull();
  expect(logouts).toEqual([]);
  // The authorization server ended the session (Synapse may cache the old
  // token's introspection for a while, so this is asked of the server).
  expect(mas.introspect(login.access_token).active).toBe(false);
  expect(mas.introspect(login.refresh_token).active).toBe(false);
  await eventually(async () => {
    const ids = (await listDevices(hs.base, phone.accessToken)).map((d) => d.device_id);
    return !ids.includes(login.device_id);
  });
});

test("a denied consent, a foreign answer, a refused registration and an expired code each say so", async ({
  page,
  env,
}) => {
  const user = await newUser();
  // Denied on the authorization page.
  await startOAuth(page, env.appUrl);
  await authorize(page, user, "Deny");
  await expect(page.getByTestId("login-error")).toHaveText(
    "The sign-in was not allowed on your server's sign-in page, so you are not signed in.",
  );
  expect(new URL(page.url()).hash).toBe("");

  // A callback this tab never started (login CSRF): refused, never exchanged.
  const exchanges = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/oauth2/token")) exchanges.push(r.url());
  });
  await page.goto("about:blank");
  await page.goto(`${env.appUrl}#state=sAttacker&code=attackerscode`);
  await expect(page.getByTestId("login-error")).toContainText("was not started from this browser tab");
  expect(new URL(page.url()).hash).toBe("");
  expect(exchanges).toEqual([]);

  // MAS's default policy refuses http:// and loopback client URIs.
  mas.setRegistrationPolicy({ allowInsecureUris: false });
  await startOAuth(page, env.appUrl);
  const refusal = page.getByTestId("login-error");
  await expect(refusal).toContainText("Your server refused to let this page sign in (invalid client_uri; invalid redirect_uri)");
  await expect(refusal).toContainText(`this page's address, ${env.appUrl}`);
  mas.setRegistrationPolicy({ allowInsecureUris: true });

  // A code that expired before it was exchanged.
  mas.config.codeTtlSeconds = 0;
  await startOAuth(page, env.appUrl);
  await authorize(page, user);
  await expect(page.getByTestId("login-error")).toHaveText("The sign-in took too long or was already used. Please start again.");
  await expect(page.getByTestId("current-session-section")).toHaveCount(0);
});

test("a server that forgot the client gets it registered again", async ({ page, env }) => {
  const user = await newUser();
  await oauthSignIn(page, env.appUrl, user);
  const first = (await storedLogin(page)).oauth.client_id;
  await page.evaluate((key) => localStorage.removeItem(key), keys.login());
  mas.forgetClients();
  await oauthSignIn(page, env.appUrl, user);
  const second = (await storedLogin(page)).oauth.client_id;
  expect(second).not.toBe(first);
});

test("a 30-second access token is refreshed without the user noticing, once across two tabs", async ({
  page,
  env,
}) => {
  test.setTimeout(90_000);
  mas.config.accessTokenTtlSeconds = 30;
  const user = await newUser();
  await oauthSignIn(page, env.appUrl, user);
  const first = await storedLogin(page);
  expect(first.token_lifetime_ms).toBe(30_000);
  const second = await page.context().newPage();
  const refreshes = [];
  for (const p of [page, second]) {
    p.on("request", (r) => {
      const form = new URLSearchParams(r.postData() ?? "");
      if (r.url().endsWith("/oauth2/token") && form.get("grant_type") === "refresh_token") refreshes.push(form);
    });
  }
  await second.goto(env.appUrl);
  await expect(second.getByTestId("current-session-section")).toBeVisible();
  // Both tabs keep polling /sync; the token is refreshed a fifth of its
  // lifetime before it expires.
  await expect.poll(async () => (await storedLogin(page)).access_token, { timeout: 40_000, intervals: [500] }).not.toBe(
    first.access_token,
  );
  await page.waitForTimeout(3_000);
  expect(refreshes).toHaveLength(1);
  expect(refreshes[0].get("refresh_token")).toBe(first.refresh_token);
  expect(refreshes[0].get("client_id")).toBe(first.oauth.client_id);
  const refreshed = await storedLogin(second);
  expect(refreshed.refresh_token).not.toBe(first.refresh_token);
  expect(mas.introspect(refreshed.access_token).active).toBe(true);
  // Nothing for the user to see: still signed in, no error, and the page works with the new token.
  for (const p of [page, second]) {
    await expect(p.getByTestId("current-session-section")).toBeVisible();
    await expect(p.getByTestId("load-error")).toHaveCount(0);
    await expect(p.getByTestId("login-notice")).toHaveCount(0);
  }
  await page.getByTestId("current-session-toggle-details").click();
  const own = page.getByTestId(`device-detail-${first.device_id}`);
  await own.getByTestId("device-heading-rename-cta").click();
  await own.getByTestId("device-rename-input").fill("Renamed after refresh");
  await own.getByTestId("device-rename-submit-cta").click();
  await expect(own.getByRole("heading", { name: "Renamed after refresh" })).toBeVisible();
  await second.close();
});

test("inside a portal's frame, the OAuth sign-in runs in a popup", async ({ page }) => {
  const user = await newUser("framed");
  const portal = await startStaticServer({ dist: path.join(ROOT, "dist") });
  const app = await startStaticServer({
    dist: path.join(ROOT, "dist"),
    config: { default_homeserver: hs.base, lock_homeserver: true, embed_parent_origin: portal.origin },
  });
  portal.setPage("/portal.html", portalPage(app.url));
  try {
    await page.goto(`${portal.origin}/portal.html`);
    const frame = page.frameLocator("#app");
    const popupPromise = page.waitForEvent("popup");
    await frame.getByRole("button", { name: `Continue at ${issuerHost()}` }).click();
    const popup = await popupPromise;
    await authorize(popup, user);
    // The popup hands the answer to the framed page and is closed by it.
    await popup.waitForEvent("close");
    await expect(frame.getByTestId("current-session-section")).toBeVisible();
    await expect(frame.getByTestId("signed-in-user")).toHaveText(`Signed in as ${user.userId}`);
    const types = (await page.evaluate(() => window.received)).map((m) => m.data?.type);
    expect(types).toContain("matrix-sessions:signed-in");
  } finally {
    await app.close();
    await portal.close();
  }
});

test("the OAuth choice is keyboard-operable, axe-clean in both themes and says its errors in German", async ({
  browser,
  env,
}) => {
  const user = await newUser("keys");
  for (const [locale, colorScheme] of [
    ["en-US", "light"],
    ["de-DE", "dark"],
  ]) {
    const context = await browser.newContext({ locale, colorScheme });
    const page = await context.newPage();
    await page.goto(env.appUrl);
    const field = page.getByTestId("login-homeserver");
    await field.fill(hs.base);
    // Leaving the field looks the server up; the OAuth choice comes next in
    // the tab order.
    await page.keyboard.press("Tab");
    const choice = page.getByTestId("login-oauth");
    await expect(choice).toBeVisible();
    await field.focus();
    await page.keyboard.press("Tab");
    await expect(choice).toBeFocused();
    await expectNoAxeViolations(page, `oauth choice ${locale} ${colorScheme}`);
    if (locale === "de-DE") {
      await expect(choice).toHaveText(`Weiter bei ${issuerHost()}`);
      await page.keyboard.press("Enter");
      await authorize(page, user, "Deny");
      await expect(page.getByTestId("login-error")).toHaveText(
        "Die Anmeldung wurde auf der Anmeldeseite deines Servers nicht erlaubt; du bist nicht angemeldet.",
      );
      // Back on the sign-in page with the same server, its choice offered again.
      await expect(page.getByTestId("login-oauth")).toBeVisible();
      await expect(page.getByLabel("Passwort")).toHaveCount(0);
      await expectNoAxeViolations(page, "oauth denied de");
      await page.screenshot({ path: path.join(SCREENS, "oauth-denied-de-dark.png") });
    } else {
      await page.keyboard.press("Enter");
      await authorize(page, user);
      // Back at the page: signed in, or (failing) what the page says instead.
      await page.waitForURL((url) => url.href.startsWith(env.appUrl));
      const outcome = page.getByTestId("current-session-section").or(page.getByTestId("login-error"));
      await expect(outcome.first()).toBeVisible({ timeout: 20_000 });
      await expect(page.getByTestId("login-error")).toHaveCount(0);
      await expect(page.getByTestId("current-session-section")).toBeVisible();
    }
    await context.close();
  }
});

test("a refresh the authorization server refuses signs the page out with a message", async ({ page, env }) => {
  test.setTimeout(90_000);
  mas.config.accessTokenTtlSeconds = 30;
  const user = await newUser();
  await oauthSignIn(page, env.appUrl, user);
  const login = await storedLogin(page);
  // The session ends at the authorization server (as after "sign out" on
  // MAS's own pages); its refresh token is dead from now on.
  const revoked = await fetch(`${mas.base}/oauth2/revoke`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: login.refresh_token, token_type_hint: "refresh_token", client_id: login.oauth.client_id }),
  });
  expect(revoked.status).toBe(200);
  await expect(page.getByTestId("login-notice")).toContainText("You were signed out", { timeout: 45_000 });
  expect(await page.evaluate((key) => localStorage.getItem(key), keys.login())).toBeNull();
});
