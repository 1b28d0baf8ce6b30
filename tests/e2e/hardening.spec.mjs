// Trust that holds against an attacker: the identity pin survives sign-outs
// the user did not ask for, single-sign-on links this browser did not start
// are never redeemed, server-supplied links and redirects are refused, and
// the login can be removed when the server is unreachable. All against the
// real Synapse; proxies only where Synapse cannot misbehave on purpose.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createAccount, expect, keys, pinnedIdentity, recordRequests, signIn, storedLogin, test } from "./fixtures.mjs";
import { ROOT, listDevices, loginDevice, matrixCall } from "../support/synapse.mjs";
import { crossSignDevice, deviceKeys, newKeyPair, uploadCrossSigning, uploadDeviceKeys } from "../support/keys.mjs";
import { startFaultProxy } from "../support/fault-proxy.mjs";
import { startDelegatingProxy } from "../support/delegating-proxy.mjs";
import { startStaticServer } from "../support/static-server.mjs";

const verificationOf = (page, id) => page.getByTestId(`device-tile-${id}`).getByTestId("device-metadata-isVerified");

/** An account whose session VERIFIED is cross-signed; returns its keys too. */
async function crossSignedAccount(env) {
  const account = await createAccount(env.hsBase, [{ id: "VERIFIED", name: "Element Desktop" }]);
  const login = account.logins.VERIFIED;
  const keysObject = deviceKeys(login, newKeyPair());
  await uploadDeviceKeys(env.hsBase, login, keysObject);
  const cs = await uploadCrossSigning(env.hsBase, login);
  await crossSignDevice(env.hsBase, login, keysObject, cs.selfSigning);
  return { account, cs };
}

/** POST /delete_devices with the password, as anyone who knows it can. */
async function deleteWithPassword(hsBase, login, ids, password) {
  const body = { devices: ids };
  try {
    await matrixCall(hsBase, "POST", "/_matrix/client/v3/delete_devices", { token: login.accessToken, body });
  } catch (err) {
    if (err.status !== 401) throw err;
    const auth = {
      type: "m.login.password",
      identifier: { type: "m.id.user", user: login.userId },
      password,
      session: err.body.session,
    };
    await matrixCall(hsBase, "POST", "/_matrix/client/v3/delete_devices", {
      token: login.accessToken,
      body: { ...body, auth },
    });
  }
}

/** A single-sign-on login token for `login`'s account (MSC3882 get_token). */
async function mintLoginToken(hsBase, login) {
  const answer = await matrixCall(hsBase, "POST", "/_matrix/client/v1/login/get_token", {
    token: login.accessToken,
    body: {},
  });
  return answer.login_token;
}

async function fillSignIn(page, homeserver, account) {
  await page.getByLabel("Homeserver").fill(homeserver);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a forced sign-out keeps the remembered identity: a replaced one is flagged at the next sign-in", async ({ page, env }) => {
  const { account, cs } = await crossSignedAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Verified");
  // Trust on first use, said where it happens.
  await expect(page.getByTestId("identity-first-seen")).toContainText("trust on first use");
  await expect(page.getByTestId("remembered-identity")).toContainText(cs.master.publicKey.slice(0, 4));
  const own = (await storedLogin(page)).device_id;

  // The attacker has the password: signs in a device of their own, replaces
  // the cross-signing keys, signs their device with them, and deletes this
  // page's session so that the victim has to sign in again.
  const attacker = await loginDevice(env.hsBase, account.username, account.password, {
    deviceId: "ATTACKER",
    displayName: "Attacker laptop",
  });
  const attackerKeys = deviceKeys(attacker, newKeyPair());
  await uploadDeviceKeys(env.hsBase, attacker, attackerKeys);
  const replaced = await uploadCrossSigning(env.hsBase, attacker, { password: account.password });
  await crossSignDevice(env.hsBase, attacker, attackerKeys, replaced.selfSigning);
  await deleteWithPassword(env.hsBase, attacker, [own], account.password);

  await page.reload();
  await expect(page.getByTestId("login-notice")).toContainText("You were signed out");
  expect(await storedLogin(page)).toBeNull();
  // The sign-out the server forced did not forget the identity.
  expect(await pinnedIdentity(page, env.hsBase, account.userId)).toBe(cs.master.publicKey);

  await fillSignIn(page, env.hsBase, account);
  const warning = page.getByTestId("identity-changed-warning");
  await expect(warning).toBeVisible();
  await expect(verificationOf(page, "ATTACKER")).toHaveText("Unverified");
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Unverified");
  await expect(page.getByTestId("identity-first-seen")).toHaveCount(0);
  expect(await pinnedIdentity(page, env.hsBase, account.userId)).toBe(cs.master.publicKey);
});

test("forgetting the account says what it forgets, signs out and removes the identity", async ({ page, env }) => {
  const { account, cs } = await crossSignedAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Verified");
  const own = (await storedLogin(page)).device_id;
  expect(await pinnedIdentity(page, env.hsBase, account.userId)).toBe(cs.master.publicKey);

  await page.getByTestId("forget-account").click();
  const dialog = page.getByRole("dialog", { name: "Forget this account on this browser?" });
  await expect(dialog).toContainText(`removes everything this browser remembers about ${account.userId}`);
  await expect(dialog).toContainText("the account's identity");
  await dialog.getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("login-notice")).toHaveText("You signed out, and this browser forgot your account.");
  expect(await pinnedIdentity(page, env.hsBase, account.userId)).toBeNull();
  const ids = (await listDevices(env.hsBase, account.logins.VERIFIED.accessToken)).map((d) => d.device_id);
  expect(ids).not.toContain(own);

  // The next sign-in trusts what it sees, and says so again.
  await fillSignIn(page, env.hsBase, account);
  await expect(page.getByTestId("identity-first-seen")).toBeVisible();
});

test.describe("single-sign-on links this browser did not start", () => {
  test("a loginToken link is refused and never redeemed", async ({ page, env }) => {
    // The attacker makes a sign-in link for their own account.
    const attacker = await createAccount(env.hsBase, [{ id: "ATTACKER", name: "attacker" }]);
    const token = await mintLoginToken(env.hsBase, attacker.logins.ATTACKER);
    const before = (await listDevices(env.hsBase, attacker.logins.ATTACKER.accessToken)).length;
    const logins = recordRequests(page, "POST", /\/_matrix\/client\/v3\/login$/);

    for (const query of [`loginToken=${token}`, `loginToken=${token}&sso_nonce=guessed`]) {
      await page.goto(`${env.appUrl}?${query}`);
      await expect(page.getByTestId("login-error")).toHaveText(
        "A single sign-on link was opened that this page didn't start, so it was ignored and you were not signed in. To sign in, start again here.",
      );
      expect(page.url()).not.toContain("loginToken");
      expect(page.url()).not.toContain("sso_nonce");
      await expect(page.getByTestId("current-session-section")).toHaveCount(0);
    }
    // A sign-on this tab did start, but the link carries another nonce.
    await page.evaluate(
      ([key, base]) => sessionStorage.setItem(key, JSON.stringify({ homeserver: base, nonce: "mine" })),
      [keys.ssoPending(), env.hsBase],
    );
    await page.goto(`${env.appUrl}?loginToken=${token}&sso_nonce=theirs`);
    await expect(page.getByTestId("login-error")).toContainText("didn't start");
    expect(await storedLogin(page)).toBeNull();

    // Nothing was sent: the token still works, and the attacker's account
    // got no session from this browser.
    expect(logins).toEqual([]);
    expect((await listDevices(env.hsBase, attacker.logins.ATTACKER.accessToken)).length).toBe(before);
    const redeemed = await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/login", {
      body: { type: "m.login.token", token },
    });
    expect(redeemed.user_id).toBe(attacker.userId);
  });

  test("a sign-in link opened while signed in is ignored", async ({ page, env }) => {
    const victim = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
    const attacker = await createAccount(env.hsBase, [{ id: "ATTACKER", name: "attacker" }]);
    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...victim });
    const token = await mintLoginToken(env.hsBase, attacker.logins.ATTACKER);
    await page.goto(`${env.appUrl}?loginToken=${token}`);
    await expect(page.getByTestId("sso-link-ignored")).toBeVisible();
    await expect(page.getByTestId("signed-in-user")).toHaveText(`Signed in as ${victim.userId}`);
    expect((await storedLogin(page)).user_id).toBe(victim.userId);
    expect(page.url()).not.toContain("loginToken");
  });
});

test("account-page addresses that are not web pages never become links", async ({ page, env }) => {
  const proxy = await startDelegatingProxy(env.hsBase);
  try {
    const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
    const cases = [
      { account_management_uri: "javascript:alert(document.domain)" },
      { account_management_uri: undefined, issuer: "data:text/html,<script>alert(1)</script>" },
      { account_management_uri: "http://auth.example.org/account" },
    ];
    for (const [i, metadata] of cases.entries()) {
      proxy.setMetadata(metadata);
      await page.goto(env.appUrl);
      // Signed in once; then the stored login opens the page. (Asking
      // whether the form shows races the app's start under load.)
      if (i === 0) await fillSignIn(page, proxy.base, account);
      await expect(page.getByTestId("account-management-unavailable")).toContainText("can't be opened");
      await page.getByTestId("device-toggle-details-PHONE").click();
      const details = page.getByTestId("device-detail-PHONE");
      await expect(details.getByTestId("device-detail-manage-unavailable")).toBeVisible();
      await expect(details.getByTestId("device-detail-sign-out-cta")).toHaveCount(0);
      const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
      expect(hrefs.filter((h) => /^(javascript|data):|auth\.example/i.test(h))).toEqual([]);
    }
  } finally {
    await proxy.close();
  }
});

test("a redirect from the homeserver is not followed: the password goes nowhere else", async ({ page, env }) => {
  const target = await startFaultProxy(env.hsBase);
  const proxy = await startFaultProxy(env.hsBase);
  try {
    proxy.setFault({
      method: "POST",
      path: /\/_matrix\/client\/v3\/login$/,
      kind: "redirect",
      location: `${target.base}/_matrix/client/v3/login`,
    });
    const account = await createAccount(env.hsBase);
    await page.goto(env.appUrl);
    await fillSignIn(page, proxy.base, account);
    await expect(page.getByTestId("login-error")).toHaveText(
      "The homeserver answered with a redirect to another address. This page doesn't follow redirects, so nothing was sent there.",
    );
    expect(proxy.count("POST", /\/login$/)).toBe(1);
    expect(target.count("POST", /\/login$/)).toBe(0);
    // Nothing typed is lost.
    await expect(page.getByLabel("Password")).toHaveValue(account.password);
  } finally {
    await proxy.close();
    await target.close();
  }
});

test("signing out while the server is unreachable can remove the login from this browser anyway", async ({ page, env }) => {
  const proxy = await startFaultProxy(env.hsBase);
  try {
    const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
    const own = (await storedLogin(page)).device_id;
    await proxy.down();
    await page.getByTestId("current-session-menu").click();
    await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Sign out" });
    await dialog.getByTestId("dialog-primary-button").click();
    await expect(dialog.getByTestId("dialog-error")).toContainText("Couldn't reach the homeserver");
    await expect(dialog).toContainText("the session then still exists on the server");
    await dialog.getByTestId("dialog-fallback-button").click();
    await expect(page.getByTestId("login-notice")).toHaveText(
      "Removed from this browser. The homeserver couldn't be reached, so the session still exists there: sign it out from another device or your account page.",
    );
    expect(await storedLogin(page)).toBeNull();
    await proxy.up();
    const ids = (await listDevices(env.hsBase, account.logins.PHONE.accessToken)).map((d) => d.device_id);
    expect(ids).toContain(own);
  } finally {
    await proxy.close();
  }
});

test("a stored login for another homeserver is not used where config.json locks one", async ({ page, env }) => {
  const other = await startFaultProxy(env.hsBase);
  const app = await startStaticServer({ dist: path.join(ROOT, "dist"), config: {} });
  try {
    const account = await createAccount(env.hsBase);
    await signIn(page, { appUrl: app.url, homeserver: other.base, ...account });
    app.setConfig({ default_homeserver: env.hsBase, lock_homeserver: true });
    await page.reload();
    await expect(page.getByTestId("login-notice")).toHaveText(
      `You were signed in to ${other.base}, but this page only works with ${env.hsBase}, so that sign-in was removed from this browser. Please sign in again.`,
    );
    expect(await storedLogin(page)).toBeNull();
    await expect(page.getByTestId("login-homeserver-locked")).toContainText(env.hsBase);
  } finally {
    await app.close();
    await other.close();
  }
});

test("two deployments on one origin keep their own logins, and earlier keys move once", async ({ browser, page, env }) => {
  const app = await startStaticServer({ dist: path.join(ROOT, "dist"), basePath: ["/a/", "/b/"] });
  try {
    const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
    await signIn(page, { appUrl: app.urlOf("/a/"), homeserver: env.hsBase, ...account });
    expect((await storedLogin(page, "/a/")).user_id).toBe(account.userId);
    await page.goto(app.urlOf("/b/"));
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    expect(await storedLogin(page, "/b/")).toBeNull();
    // The page under its file name is the same deployment.
    await page.goto(app.urlOf("/a/index.html"));
    await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();

    // A browser with a login and a pin stored by the previous version.
    const context = await browser.newContext();
    const legacy = await context.newPage();
    const session = await loginDevice(env.hsBase, account.username, account.password, { deviceId: "LEGACY" });
    await legacy.goto(`${app.origin}/nothing-here`);
    await legacy.evaluate(
      ([hs, s]) => {
        localStorage.setItem(
          "matrix-sessions:login:v1",
          JSON.stringify({ homeserver: hs, user_id: s.userId, device_id: s.deviceId, access_token: s.accessToken }),
        );
        localStorage.setItem(`matrix-sessions:identity:${s.userId}`, "OLDMASTERKEY");
      },
      [env.hsBase, session],
    );
    await legacy.goto(app.urlOf("/a/"));
    await expect(legacy.getByTestId("device-tile-PHONE")).toBeVisible();
    expect((await storedLogin(legacy, "/a/")).device_id).toBe("LEGACY");
    const stored = await legacy.evaluate(() => Object.keys(localStorage).sort());
    expect(stored.filter((k) => k.startsWith("matrix-sessions:"))).toEqual([]);
    const pin = await legacy.evaluate(
      (key) => localStorage.getItem(key),
      keys.identity(env.hsBase, account.userId, "/a/"),
    );
    expect(JSON.parse(pin).master_key).toBe("OLDMASTERKEY");
    await context.close();
  } finally {
    await app.close();
  }
});

test("cancelling re-authentication forgets the typed password", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  for (let round = 0; round < 2; round += 1) {
    await page.getByTestId("device-tile-checkbox-PHONE").check();
    await page.getByTestId("sign-out-selection-cta").click();
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    const password = page.getByRole("dialog", { name: "Confirm your identity" }).getByLabel("Password");
    await expect(password).toHaveValue("");
    await password.fill("typed but cancelled");
    await page.getByRole("dialog").getByTestId("dialog-cancel-button").click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await page.getByTestId("cancel-selection-cta").click();
  }
});

test("the production build allows no loopback servers; the test build does", async () => {
  const run = (env) => {
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), "csp-"));
    fs.writeFileSync(
      path.join(staging, "index.html"),
      '<!DOCTYPE html><html><head><link rel="stylesheet" href="main.css" /><script type="module">import("./x.js")</script></head><body></body></html>',
    );
    // Stand-ins for the verification module, which the build renames.
    fs.writeFileSync(path.join(staging, "verifier.js"), "export default 'verifier_bg.wasm';");
    fs.writeFileSync(path.join(staging, "verifier_bg.wasm"), "");
    execFileSync("node", ["scripts/finish-build.mjs"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TRUNK_STAGING_DIR: staging, ...env },
    });
    const html = fs.readFileSync(path.join(staging, "index.html"), "utf8");
    fs.rmSync(staging, { recursive: true, force: true });
    return html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  };
  const production = run({});
  expect(production).toContain("connect-src 'self' https:;");
  expect(production).not.toMatch(/localhost|127\.0\.0\.1/);
  const pinned = run({ CSP_CONNECT_SRC: "'self' https://matrix.example.org" });
  expect(pinned).toContain("connect-src 'self' https://matrix.example.org;");
  expect(pinned).not.toMatch(/localhost|127\.0\.0\.1/);
  const local = run({ CSP_ALLOW_LOOPBACK: "1" });
  expect(local).toContain("connect-src 'self' https: http://localhost:* http://127.0.0.1:*;");
  // The build these tests run against is such a build.
  const built = fs.readFileSync(path.join(ROOT, "dist", "index.html"), "utf8");
  expect(built).toContain("http://127.0.0.1:*");
});
