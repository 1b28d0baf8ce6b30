// Verifying from the page, proven against the real Matrix crypto Element
// uses: the other device is matrix-js-sdk 43 with its Rust crypto
// (tests/support/js-device.mjs), talking to the same real Synapse. It sets up
// cross-signing and secret storage; the page unlocks them, becomes a verified
// session, and runs emoji verification with it in both directions.
import { createAccount, expect, signIn, storedLogin, test } from "./fixtures.mjs";
import { loginDevice, matrixCall } from "../support/synapse.mjs";
import { startJsDevice } from "../support/js-device.mjs";

test.describe.configure({ timeout: 120_000 });

const devices = [];
async function jsDevice(env, account, deviceId) {
  const dev = await startJsDevice({ hsBase: env.hsBase, username: account.username, password: account.password, deviceId });
  devices.push(dev);
  return dev;
}
test.afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.stop().catch(() => {})));
});

/** An account whose js-sdk device set up cross-signing and secret storage. */
async function secured(env, { passphrase } = {}) {
  const account = await createAccount(env.hsBase);
  const holder = await jsDevice(env, account, "JSHOLDER");
  const security = await holder.bootstrapSecurity(passphrase ? { passphrase } : {});
  return { account, holder, security };
}

const tileTrust = (page, id) => page.getByTestId(`device-tile-${id}`).getByTestId("device-metadata-isVerified");

async function unlock(page, secret, { phrase = false } = {}) {
  await page.getByTestId("current-session-section").getByTestId("verify-unlock").click();
  const dialog = page.getByRole("dialog", { name: "Unlock verification" });
  await expect(dialog).toBeVisible();
  if (phrase) await dialog.getByTestId("unlock-with-phrase").check();
  await dialog.getByTestId("unlock-secret").fill(secret);
  await dialog.getByTestId("unlock-submit").click();
  return dialog;
}

/** The server's word: is `deviceId` signed by the account's self-signing key? */
async function crossSignedOnServer(env, login, userId, deviceId) {
  const answer = await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/keys/query", {
    token: login.accessToken ?? login.access_token,
    body: { device_keys: { [userId]: [] } },
  });
  const ssk = Object.values(answer.self_signing_keys?.[userId]?.keys ?? {})[0];
  const signatures = answer.device_keys?.[userId]?.[deviceId]?.signatures?.[userId] ?? {};
  return Boolean(ssk && signatures[`ed25519:${ssk}`]);
}

/** Unlocks with the recovery key and makes the page's session verified. */
async function verifiedPage(page, env, account, security) {
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(tileTrust(page, "JSHOLDER")).toHaveText("Verified");
  const dialog = await unlock(page, security.recoveryKey);
  await expect(dialog).toHaveCount(0);
  await page.getByTestId("current-session-section").getByTestId("verify-this-session").click();
  const own = (await storedLogin(page)).device_id;
  await expect(tileTrust(page, own)).toHaveText("Verified");
  return own;
}

test("unlocks with the recovery key; a wrong key is refused and nothing leaves the page", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const sent = [];
  const bodies = [];
  page.on("request", (r) => {
    bodies.push(r.postData() ?? "");
    // Reads (a key query is a POST that reads the published identity to
    // compare with) are not sending anything.
    const path = new URL(r.url()).pathname;
    if (!["GET", "OPTIONS"].includes(r.method()) && !path.endsWith("/keys/query")) sent.push(`${r.method()} ${path}`);
  });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(tileTrust(page, "JSHOLDER")).toHaveText("Verified");
  const before = sent.length;

  // A well-formed recovery key of another secret storage.
  let dialog = await unlock(page, "EsSz ykH7 LCZx 7Cae cmKD wcmY JRXi Ybtu 8iQ3 t8Ez nRwK pUY1");
  await expect(dialog.getByTestId("unlock-error")).toHaveText("That recovery key doesn't unlock your secret storage.");
  // A typo in the real one.
  const typo = security.recoveryKey.slice(0, -1) + (security.recoveryKey.endsWith("a") ? "b" : "a");
  await dialog.getByTestId("unlock-secret").fill(typo);
  await dialog.getByTestId("unlock-submit").click();
  await expect(dialog.getByTestId("unlock-error")).toContainText(/typo|isn't a recovery key/);
  expect(sent.slice(before)).toEqual([]);

  await dialog.getByTestId("unlock-secret").fill(security.recoveryKey);
  await dialog.getByTestId("unlock-submit").click();
  await expect(dialog).toHaveCount(0);
  const current = page.getByTestId("current-session-section");
  await expect(current.getByTestId("verify-this-session")).toBeVisible();
  await expect(current.getByTestId("verify-lock")).toBeVisible();
  // Unlocking sent nothing and stored nothing; the key went nowhere.
  expect(sent.slice(before)).toEqual([]);
  expect(bodies.filter((b) => b.includes(security.recoveryKey.replaceAll(" ", "").slice(0, 12)))).toEqual([]);
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  expect(storage).not.toContain(security.recoveryKey.replaceAll(" ", ""));

  // Lock forgets the keys.
  await current.getByTestId("verify-lock").click();
  await expect(current.getByTestId("verify-unlock")).toBeVisible();
});

test("the verification module loads only when the user unlocks; a failed load says so and a retry works", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const fetched = [];
  page.on("request", (r) => {
    if (/\/verifier-/.test(r.url())) fetched.push(new URL(r.url()).pathname);
  });
  let offline = true;
  await page.route(/\/verifier-[0-9a-f]+\.js/, (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(tileTrust(page, "JSHOLDER")).toHaveText("Verified");
  // The page shows every session's verification without the module.
  await expect(page.getByTestId("current-session-section").getByTestId("verify-unlock")).toBeVisible();
  expect(fetched).toEqual([]);

  // Nothing to type into yet: the page says why, under the button.
  const current = page.getByTestId("current-session-section");
  await current.getByTestId("verify-unlock").click();
  await expect(current.getByTestId("verify-error")).toContainText("Verification couldn't be loaded");
  const fs = await import("node:fs");
  const { ROOT } = await import("../support/synapse.mjs");
  fs.mkdirSync(`${ROOT}/.test-run/screens`, { recursive: true });
  await current.screenshot({ path: `${ROOT}/.test-run/screens/verify-load-failed.png` });
  await expect(page.getByTestId("unlock-dialog")).toHaveCount(0);
  offline = false;
  const dialog = await unlock(page, security.recoveryKey);
  await expect(dialog).toHaveCount(0);
  await expect(current.getByTestId("verify-error")).toHaveCount(0);
  expect(fetched.filter((p) => p.endsWith("_bg.wasm"))).toHaveLength(1);
  await expect(current.getByTestId("verify-this-session")).toBeVisible();
});

test("unlocks with the security phrase; a wrong phrase is refused", async ({ page, env }) => {
  const { account } = await secured(env, { passphrase: "correct horse battery staple" });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(tileTrust(page, "JSHOLDER")).toHaveText("Verified");
  const dialog = await unlock(page, "wrong horse battery staple", { phrase: true });
  await expect(dialog.getByTestId("unlock-error")).toHaveText("That security phrase doesn't unlock your secret storage.");
  await dialog.getByTestId("unlock-secret").fill("correct horse battery staple");
  await dialog.getByTestId("unlock-submit").click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("current-session-section").getByTestId("verify-this-session")).toBeVisible();
});

test("an account without secret storage is told so", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  const holder = await jsDevice(env, account, "JSPLAIN");
  // Cross-signing only, no secret storage: an sdk bootstrap without 4S is
  // not offered by the harness, so remove the default key instead.
  await holder.bootstrapSecurity();
  const helper = await loginDevice(env.hsBase, account.username, account.password, { deviceId: "HELPER" });
  await matrixCall(
    env.hsBase,
    "PUT",
    `/_matrix/client/v3/user/${encodeURIComponent(account.userId)}/account_data/m.secret_storage.default_key`,
    { token: helper.accessToken, body: {} },
  );
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(tileTrust(page, "JSPLAIN")).toHaveText("Verified");
  const dialog = await unlock(page, "EsSz ykH7 LCZx 7Cae cmKD wcmY JRXi Ybtu 8iQ3 t8Ez nRwK pUY1");
  await expect(dialog.getByTestId("unlock-error")).toHaveText(
    "Your account has no secret storage yet. Set up a recovery key in Element first.",
  );
});

test("Verify this session: the other device's crypto then trusts the page's session", async ({ page, env }) => {
  const { account, holder, security } = await secured(env);
  const own = await verifiedPage(page, env, account, security);
  await holder.waitForDeviceStatus(account.userId, own, (s) => s?.crossSigningVerified === true, 20_000);
  expect(await crossSignedOnServer(env, await storedLogin(page), account.userId, own)).toBe(true);
});

test("the page verifies another session with emoji", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const other = await jsDevice(env, account, "JSNEW");
  const own = await verifiedPage(page, env, account, security);
  await expect(tileTrust(page, "JSNEW")).toHaveText("Unverified");
  // The Rust crypto drops requests from devices whose keys it has not seen.
  await other.waitForDevice(account.userId, own);

  await page.getByTestId("device-toggle-details-JSNEW").click();
  await page.getByTestId("device-detail-JSNEW").getByTestId("verify-session").click();
  const dialog = page.getByTestId("sas-dialog");
  await expect(page.getByRole("dialog", { name: "Verify JSNEW" })).toBeVisible();
  await expect(dialog.getByTestId("sas-waiting")).toBeVisible();
  const request = await other.waitForIncomingRequest(20_000, { fromDevice: own });
  await request.accept();
  const { emoji } = await request.sas();
  await expect(dialog.getByTestId("sas-emoji-item")).toHaveCount(7);
  const shown = await dialog.getByTestId("sas-emoji-item").allInnerTexts();
  expect(shown.map((t) => t.replace(/\s+/g, " ").trim())).toEqual(emoji.map(([symbol, name]) => `${symbol} ${name}`));
  await dialog.getByTestId("sas-match").click();
  await request.confirm();
  await request.done();
  await expect(dialog.getByTestId("sas-verified")).toBeVisible();
  await expect(tileTrust(page, "JSNEW")).toHaveText("Verified");
  await other.waitForDeviceStatus(account.userId, "JSNEW", (s) => s?.crossSigningVerified === true, 20_000);
  expect(await other.ownDeviceVerified()).toBe(true);
});

test("another session asks, and the page accepts and verifies it", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const other = await jsDevice(env, account, "JSASKS");
  const own = await verifiedPage(page, env, account, security);
  const request = await other.requestVerification(own);
  const banner = page.getByTestId("verification-request");
  await expect(banner).toContainText("JSASKS asks to be verified");
  await banner.getByTestId("verification-request-accept").click();
  const { emoji } = await request.sas();
  const dialog = page.getByTestId("sas-dialog");
  await expect(dialog.getByTestId("sas-emoji-item")).toHaveCount(7);
  const shown = await dialog.getByTestId("sas-emoji-item").allInnerTexts();
  expect(shown.map((t) => t.replace(/\s+/g, " ").trim())).toEqual(emoji.map(([symbol, name]) => `${symbol} ${name}`));
  await request.confirm();
  await dialog.getByTestId("sas-match").click();
  await request.done();
  await expect(dialog.getByTestId("sas-verified")).toBeVisible();
  await expect(tileTrust(page, "JSASKS")).toHaveText("Verified");
  expect(await crossSignedOnServer(env, await storedLogin(page), account.userId, "JSASKS")).toBe(true);
});

test("a request accepted while locked asks for the recovery key first, then runs", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const other = await jsDevice(env, account, "JSLOCKED");
  const own = await verifiedPage(page, env, account, security);
  const current = page.getByTestId("current-session-section");
  await current.getByTestId("verify-lock").click();
  await expect(current.getByTestId("verify-lock")).toHaveCount(0);
  const request = await other.requestVerification(own);
  const banner = page.getByTestId("verification-request");
  await expect(banner).toContainText("JSLOCKED asks to be verified");
  await banner.getByTestId("verification-request-accept").click();
  const dialog = page.getByRole("dialog", { name: "Unlock verification" });
  await expect(dialog).toBeVisible();
  // Cancelling keeps the request offered.
  await dialog.getByTestId("unlock-cancel").click();
  await expect(dialog).toHaveCount(0);
  await expect(banner).toBeVisible();
  await banner.getByTestId("verification-request-accept").click();
  await dialog.getByTestId("unlock-secret").fill(security.recoveryKey);
  await dialog.getByTestId("unlock-submit").click();
  await expect(dialog).toHaveCount(0);
  const sas = page.getByTestId("sas-dialog");
  const { emoji } = await request.sas();
  await expect(sas.getByTestId("sas-emoji-item")).toHaveCount(7);
  const shown = await sas.getByTestId("sas-emoji-item").allInnerTexts();
  expect(shown.map((t) => t.replace(/\s+/g, " ").trim())).toEqual(emoji.map(([symbol, name]) => `${symbol} ${name}`));
  await expect(banner).toHaveCount(0);
  await request.confirm();
  await sas.getByTestId("sas-match").click();
  await request.done();
  await expect(sas.getByTestId("sas-verified")).toBeVisible();
  await expect(tileTrust(page, "JSLOCKED")).toHaveText("Verified");
});

test("a request withdrawn while the key is asked for is not taken on after unlocking", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const other = await jsDevice(env, account, "JSWITHDRAWS");
  const own = await verifiedPage(page, env, account, security);
  const current = page.getByTestId("current-session-section");
  await current.getByTestId("verify-lock").click();
  const request = await other.requestVerification(own);
  const banner = page.getByTestId("verification-request");
  await banner.getByTestId("verification-request-accept").click();
  const dialog = page.getByRole("dialog", { name: "Unlock verification" });
  await expect(dialog).toBeVisible();
  // The other session gives up while the key is being typed.
  await request.cancel();
  await expect(banner).toHaveCount(0);
  await dialog.getByTestId("unlock-secret").fill(security.recoveryKey);
  await dialog.getByTestId("unlock-submit").click();
  await expect(dialog).toHaveCount(0);
  await expect(current.getByTestId("verify-lock")).toBeVisible();
  // Unlocked, and nothing else: no emoji, no problem.
  await page.waitForTimeout(1_000);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("verify-error")).toHaveCount(0);
  expect(await crossSignedOnServer(env, await storedLogin(page), account.userId, "JSWITHDRAWS")).toBe(false);
});

test("by keyboard, focus stays on the step's button while the module loads and comes back to it", async ({ page, env }) => {
  const { account, security } = await secured(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const button = page.getByTestId("current-session-section").getByTestId("verify-unlock");
  await button.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Unlock verification" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(button).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await dialog.getByTestId("unlock-secret").fill(security.recoveryKey);
  await dialog.getByTestId("unlock-secret").press("Enter");
  await expect(dialog).toHaveCount(0);
  // The same button now offers the next step, and still has focus.
  const next = page.getByTestId("current-session-section").getByTestId("verify-this-session");
  await expect(next).toBeFocused();
  await page.keyboard.press("Enter");
  const own = (await storedLogin(page)).device_id;
  await expect(tileTrust(page, own)).toHaveText("Verified");
});

test("a mismatch and a cancel from the other side sign nothing", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const other = await jsDevice(env, account, "JSNO");
  const own = await verifiedPage(page, env, account, security);
  await other.waitForDevice(account.userId, own);
  const details = page.getByTestId("device-detail-JSNO");
  await page.getByTestId("device-toggle-details-JSNO").click();
  const dialog = page.getByTestId("sas-dialog");

  // The user says the emoji differ.
  await details.getByTestId("verify-session").click();
  let request = await other.waitForIncomingRequest(20_000, { fromDevice: own });
  await request.accept();
  await request.sas();
  await dialog.getByTestId("sas-mismatch").click();
  await expect(dialog.getByTestId("sas-ended")).toContainText("didn't match");
  expect((await request.settled()).code).toBe("m.mismatched_sas");
  await dialog.getByTestId("sas-close").click();

  // The other side cancels while the emoji show.
  await details.getByTestId("verify-session").click();
  request = await other.waitForIncomingRequest(20_000, { fromDevice: own });
  await request.accept();
  await request.sas();
  await expect(dialog.getByTestId("sas-emoji-item")).toHaveCount(7);
  await request.cancel();
  await expect(dialog.getByTestId("sas-ended")).toHaveText("The other session stopped the verification. Nothing was signed.");
  await dialog.getByTestId("sas-close").click();

  await expect(tileTrust(page, "JSNO")).toHaveText("Unverified");
  expect(await crossSignedOnServer(env, await storedLogin(page), account.userId, "JSNO")).toBe(false);
});

test("a session that never answers times out after ten minutes, and nothing is signed", async ({ page, env }) => {
  const { account, security } = await secured(env);
  const other = await jsDevice(env, account, "JSSILENT");
  await page.clock.install();
  const own = await verifiedPage(page, env, account, security);
  await other.waitForDevice(account.userId, own);
  await page.getByTestId("device-toggle-details-JSSILENT").click();
  await page.getByTestId("device-detail-JSSILENT").getByTestId("verify-session").click();
  const dialog = page.getByTestId("sas-dialog");
  await expect(dialog.getByTestId("sas-waiting")).toContainText("Waiting for JSSILENT");
  // The request arrives there, but nobody accepts it.
  await other.waitForIncomingRequest(20_000, { fromDevice: own });
  await page.clock.fastForward("10:01");
  await expect(dialog.getByTestId("sas-ended")).toHaveText("The other session didn't answer in time. Nothing was signed.");
  expect(await crossSignedOnServer(env, await storedLogin(page), account.userId, "JSSILENT")).toBe(false);
});

// Accessibility of the new dialogs, and pictures of them for people to look
// at (.test-run/screens/verify-*.png): English light and German dark at
// 360 px, English at 1280 px.
for (const [label, options] of [
  ["en-light-360", { viewport: { width: 360, height: 760 }, colorScheme: "light" }],
  ["de-dark-360", { viewport: { width: 360, height: 760 }, colorScheme: "dark", locale: "de-DE" }],
  ["en-light-1280", { viewport: { width: 1280, height: 900 }, colorScheme: "light" }],
]) {
  test(`the unlock and emoji dialogs are axe-clean (${label})`, async ({ browser, env }) => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { ROOT } = await import("../support/synapse.mjs");
    const { expectNoAxeViolations } = await import("./a11y.mjs");
    const out = path.join(ROOT, ".test-run", "screens");
    fs.mkdirSync(out, { recursive: true });
    const shoot = (page, name) => page.screenshot({ path: path.join(out, `verify-${name}-${label}.png`) });
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const german = label.startsWith("de");
    const { account, security } = await secured(env);
    const other = await jsDevice(env, account, "JSPIC");
    await page.goto(env.appUrl);
    await page.locator("#login-homeserver").fill(env.hsBase);
    await page.locator("#login-username").fill(account.username);
    await page.locator("#login-password").fill(account.password);
    await page.locator('[data-testid="login-submit"]').click();
    await expect(tileTrust(page, "JSHOLDER")).toHaveText(german ? "Verifiziert" : "Verified");
    await page.getByTestId("current-session-section").getByTestId("verify-unlock").click();
    const unlockDialog = page.getByTestId("unlock-dialog");
    await unlockDialog.getByTestId("unlock-secret").fill("EsSz ykH7 LCZx 7Cae cmKD wcmY JRXi Ybtu 8iQ3 t8Ez nRwK pUY1");
    await unlockDialog.getByTestId("unlock-submit").click();
    await expect(unlockDialog.getByTestId("unlock-error")).toBeVisible();
    await expectNoAxeViolations(page, "unlock dialog with error");
    await shoot(page, "unlock");
    await unlockDialog.getByTestId("unlock-secret").fill(security.recoveryKey);
    await unlockDialog.getByTestId("unlock-submit").click();
    await expect(unlockDialog).toBeHidden();
    await page.getByTestId("current-session-section").getByTestId("verify-this-session").click();
    const own = (await storedLogin(page)).device_id;
    await expect(tileTrust(page, own)).toHaveText(german ? "Verifiziert" : "Verified");
    await other.waitForDevice(account.userId, own);
    await page.getByTestId("device-toggle-details-JSPIC").click();
    await page.getByTestId("device-detail-JSPIC").getByTestId("verify-session").click();
    const request = await other.waitForIncomingRequest(20_000, { fromDevice: own });
    await request.accept();
    await request.sas();
    const dialog = page.getByTestId("sas-dialog");
    await expect(dialog.getByTestId("sas-emoji-item")).toHaveCount(7);
    await expectNoAxeViolations(page, "emoji to compare");
    await shoot(page, "emoji");
    await dialog.getByTestId("sas-match").click();
    await request.confirm();
    await expect(dialog.getByTestId("sas-verified")).toBeVisible();
    await expectNoAxeViolations(page, "verified");
    await shoot(page, "verified");
    await context.close();
  });
}
