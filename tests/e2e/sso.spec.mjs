// Single sign-on against a real Synapse configured for CAS, with a small
// fake CAS identity provider on loopback. Password sign-in is off on this
// server, so its accounts can only prove who they are through SSO.
import path from "node:path";
import fs from "node:fs";
import { createAccount, expect, keys, storedLogin, test, uniqueName } from "./fixtures.mjs";
import { ROOT, listDevices, startSynapse } from "../support/synapse.mjs";
import { portalPage, startStaticServer } from "../support/static-server.mjs";
import { casSynapseOverrides, startFakeCas } from "../support/fake-cas.mjs";
import { RUN_DIR } from "../support/global-setup.mjs";

let cas;
let hs;
test.beforeAll(async () => {
  cas = await startFakeCas();
  hs = await startSynapse({
    dataDir: path.join(RUN_DIR, `synapse-sso-${process.pid}`),
    overrides: { ...casSynapseOverrides(cas.base), password_config: { enabled: false } },
  });
});
test.afterAll(async () => {
  await hs?.stop();
  await cas?.close();
});

/** Starts SSO on the sign-in page and signs in at the fake CAS as `username`. */
async function ssoSignIn(page, env, username) {
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(hs.base);
  await page.getByLabel("Homeserver").blur();
  const button = page.getByRole("button", { name: "Continue with Example CAS" });
  await expect(button).toBeVisible();
  await button.click();
  await page.getByLabel("CAS username").fill(username);
  await page.getByRole("button", { name: "Sign in with CAS" }).click();
}

test("a server without password sign-in offers only single sign-on", async ({ page, env }) => {
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(hs.base);
  await page.getByLabel("Homeserver").blur();
  await expect(page.getByRole("button", { name: "Continue with Example CAS" })).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toHaveCount(0);
});

test("signs in with single sign-on; the login token leaves the address at once", async ({ page, env }) => {
  const username = uniqueName("sso");
  const tokens = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().includes("loginToken")) tokens.push(frame.url());
  });
  await ssoSignIn(page, env, username);
  await expect(page.getByTestId("current-session-section")).toBeVisible();
  expect(page.url()).not.toContain("loginToken");
  expect(new URL(page.url()).search).toBe("");
  // The token arrived in the address (that is how SSO works) and was replaced.
  expect(tokens.length).toBeGreaterThan(0);
  const historyHasToken = await page.evaluate(() => location.href.includes("loginToken"));
  expect(historyHasToken).toBe(false);
  const login = await storedLogin(page);
  expect(login.user_id).toBe(`@${username}:localhost`);
  expect(login.homeserver).toBe(hs.base);
  await expect(page.getByTestId(`device-tile-${login.device_id}`).getByRole("heading")).toHaveText(
    "Session Manager (Chrome on Linux)",
  );
});

test("an expired or used login token is explained on the sign-in page", async ({ page, env }) => {
  await page.goto(env.appUrl);
  await expect(page.getByLabel("Homeserver")).toBeVisible();
  // As if this tab had started a sign-on (nonce n1) that came back with a
  // token Synapse no longer accepts.
  await page.evaluate(
    ([key, base]) => sessionStorage.setItem(key, JSON.stringify({ homeserver: base, nonce: "n1" })),
    [keys.ssoPending(), hs.base],
  );
  await page.goto(`${env.appUrl}?loginToken=syl_not_a_real_token&sso_nonce=n1`);
  await expect(page.getByRole("alert")).toHaveText(
    "Single sign-on failed: the sign-in link expired or was already used. Please try again.",
  );
  expect(page.url()).not.toContain("loginToken");
});

test("cancelling at the identity provider is explained on the sign-in page", async ({ page, env }) => {
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(hs.base);
  await page.getByLabel("Homeserver").blur();
  await page.getByRole("button", { name: "Continue with Example CAS" }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "Single sign-on didn't finish (it was cancelled or failed). Please try again.",
  );
});

test("signs out another session of an SSO-only account through the SSO popup", async ({ browser, page, env }) => {
  const username = uniqueName("ssoonly");
  // A second session of the same account, from another browser profile.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await ssoSignIn(other, env, username);
  await expect(other.getByTestId("current-session-section")).toBeVisible();
  const otherId = (await storedLogin(other)).device_id;
  const otherToken = (await storedLogin(other)).access_token;

  await ssoSignIn(page, env, username);
  await expect(page.getByTestId(`device-tile-${otherId}`)).toBeVisible();
  await page.getByTestId(`device-toggle-details-${otherId}`).click();
  await page.getByTestId(`device-detail-${otherId}`).getByTestId("device-detail-sign-out-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();

  const dialog = page.getByRole("dialog", { name: "Use Single Sign On to continue" });
  await expect(dialog).toBeVisible();
  const popupPromise = page.waitForEvent("popup");
  await dialog.getByTestId("dialog-primary-button").click();
  const popup = await popupPromise;
  // Synapse asks to confirm with the identity provider, then CAS asks who we are.
  await expect(popup.getByRole("heading", { name: "Confirm it's you to continue" })).toBeVisible();
  await popup.getByRole("link", { name: "Continue with Example CAS" }).click();
  await popup.getByLabel("CAS username").fill(username);
  await popup.getByRole("button", { name: "Sign in with CAS" }).click();

  const confirm = page.getByRole("dialog", { name: "Confirm signing out" });
  await expect(confirm).toBeVisible({ timeout: 15_000 });
  await confirm.getByTestId("dialog-primary-button").click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId(`device-tile-${otherId}`)).toHaveCount(0);
  const remaining = (await listDevices(hs.base, (await storedLogin(page)).access_token)).map((d) => d.device_id);
  expect(remaining).not.toContain(otherId);
  // The other session's token no longer works.
  await expect(listDevices(hs.base, otherToken)).rejects.toThrow(/401/);
  await otherContext.close();
});

test("inside a portal's frame, single sign-on runs in a popup", async ({ page, env }) => {
  const username = uniqueName("framed");
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
    await frame.getByRole("button", { name: "Continue with Example CAS" }).click();
    const popup = await popupPromise;
    await popup.getByLabel("CAS username").fill(username);
    await popup.getByRole("button", { name: "Sign in with CAS" }).click();
    // The popup hands the token to the framed page and closes itself.
    await popup.waitForEvent("close");
    await expect(frame.getByTestId("current-session-section")).toBeVisible();
    await expect(frame.getByTestId("signed-in-user")).toHaveText(`Signed in as @${username}:localhost`);
    const types = (await page.evaluate(() => window.received)).map((m) => m.data?.type);
    expect(types).toContain("matrix-sessions:signed-in");
  } finally {
    await app.close();
    await portal.close();
  }
});

test.describe("identity provider icons", () => {
  let iconHs;
  test.beforeAll(async () => {
    iconHs = await startSynapse({
      dataDir: path.join(RUN_DIR, `synapse-sso-icons-${process.pid}`),
      // Icons are fetched before sign-in, so without a token: only media
      // stored without authenticated media can be shown at all.
      overrides: { ...casSynapseOverrides(cas.base), enable_authenticated_media: false },
    });
  });
  test.afterAll(async () => {
    await iconHs?.stop();
  });

  async function useIcon(mxc) {
    const config = JSON.parse(fs.readFileSync(iconHs.configPath, "utf8"));
    config.cas_config.idp_icon = mxc;
    fs.writeFileSync(iconHs.configPath, JSON.stringify(config, null, 2));
    await iconHs.restart();
  }

  async function ssoButton(page, env) {
    await page.goto(env.appUrl);
    await page.getByLabel("Homeserver").fill(iconHs.base);
    await page.getByLabel("Homeserver").blur();
    const button = page.getByRole("button", { name: "Continue with Example CAS" });
    await expect(button).toBeVisible();
    return button;
  }

  test("the provider's icon is on its button, and left out when it cannot be loaded", async ({ page, env }) => {
    const account = await createAccount(iconHs.base, [{ id: "UPLOADER", name: "uploader" }]);
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
      "base64",
    );
    const upload = await fetch(`${iconHs.base}/_matrix/media/v3/upload?filename=icon.png`, {
      method: "POST",
      headers: { Authorization: `Bearer ${account.logins.UPLOADER.accessToken}`, "Content-Type": "image/png" },
      body: png,
    });
    const { content_uri: mxc } = await upload.json();
    expect(mxc).toMatch(/^mxc:\/\//);
    await useIcon(mxc);
    let button = await ssoButton(page, env);
    const icon = button.locator("img");
    await expect.poll(() => icon.evaluate((img) => img.complete && img.naturalWidth)).toBe(1);
    await expect(icon).toHaveAttribute("alt", "");

    // An icon the server cannot deliver leaves a plain button, not a broken image.
    await useIcon("mxc://localhost/NoSuchIcon");
    button = await ssoButton(page, env);
    await expect(button.locator("img")).toHaveCount(0);
    await expect(button).toHaveText("Continue with Example CAS");
  });
});
