// Signing out other sessions: one, several, all; with the password
// re-authentication Synapse asks for.
import { createAccount, expect, listedSessionIds, recordRequests, signIn, storedLogin, test } from "./fixtures.mjs";
import { listDevices, loginDevice, matrixCall } from "../support/synapse.mjs";
import { startApprovalStageProxy } from "../support/approval-stage-proxy.mjs";

/** The account's sessions as the server lists them (asked by a short-lived helper session). */
async function serverIds(env, account) {
  const helper = await loginDevice(env.hsBase, account.username, account.password, { deviceId: "CHECKER" });
  const ids = (await listDevices(env.hsBase, helper.accessToken)).map((d) => d.device_id);
  await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/logout", { token: helper.accessToken, body: {} });
  return ids.filter((id) => id !== "CHECKER").sort();
}

/** The bodies of the page's `POST /delete_devices`, as they are sent. */
function deleteRequests(page) {
  return recordRequests(page, "POST", /\/_matrix\/client\/v3\/delete_devices$/, (r) => JSON.parse(r.body));
}

async function passwordStep(page, password) {
  const dialog = page.getByRole("dialog", { name: "Confirm your identity" });
  await expect(dialog).toContainText("Confirm your identity by entering your account password below.");
  await expect(dialog.getByLabel("Password")).toBeFocused();
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByTestId("dialog-primary-button").click();
  return dialog;
}

test("signs out one other session after the password", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }, { id: "TABLET", name: "iPad" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("device-toggle-details-PHONE").click();
  await page.getByTestId("device-detail-PHONE").getByTestId("device-detail-sign-out-cta").click();
  const confirm = page.getByRole("dialog", { name: "Sign out" });
  await expect(confirm).toContainText("Are you sure you want to sign out of 1 session?");
  await confirm.getByTestId("dialog-primary-button").click();
  // Spinner on exactly that session while the server asks who we are.
  await expect(page.getByTestId("device-tile-PHONE").getByRole("status", { name: "Signing out" })).toBeVisible();
  await expect(page.getByTestId("device-tile-TABLET").getByRole("status")).toHaveCount(0);
  await passwordStep(page, account.password);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-PHONE")).toHaveCount(0);
  await expect(page.getByTestId("announcement")).toHaveText("Signed out of 1 session.");
  expect(await serverIds(env, account)).toEqual([own, "TABLET"].sort());
});

test("signs out two of three selected sessions with one password prompt", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "ONE", name: "first" },
    { id: "TWO", name: "second" },
    { id: "THREE", name: "third" },
  ]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  const deletes = deleteRequests(page);
  const header = page.getByTestId("list-header-label");
  await expect(header).toHaveText("Sessions");
  // The checkbox itself selects; clicking the tile body expands instead.
  await page.getByTestId("device-tile-checkbox-ONE").check();
  await expect(header).toHaveText("1 session selected");
  await page.getByTestId("device-tile-checkbox-THREE").check();
  await expect(header).toHaveText("2 sessions selected");
  await expect(page.getByTestId("device-tile-checkbox-TWO")).toHaveAccessibleName("Select second");
  await page.getByTestId("device-tile-TWO").getByRole("heading").click();
  await expect(page.getByTestId("device-detail-TWO")).toBeVisible();
  await expect(header).toHaveText("2 sessions selected");

  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("device-tile-ONE").getByRole("status", { name: "Signing out" })).toBeVisible();
  await expect(page.getByTestId("device-tile-THREE").getByRole("status", { name: "Signing out" })).toBeVisible();
  await expect(page.getByTestId("device-tile-TWO").getByRole("status")).toHaveCount(0);
  await passwordStep(page, account.password);
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(await listedSessionIds(page)).toEqual(["TWO"]);
  await expect(header).toHaveText("Sessions");
  expect(await serverIds(env, account)).toEqual([own, "TWO"].sort());
  // One request without auth, one with: both for exactly the two sessions.
  expect(deletes).toHaveLength(2);
  for (const body of deletes) expect(body.devices.sort()).toEqual(["ONE", "THREE"]);
  expect(deletes[0].auth).toBeUndefined();
  expect(deletes[1].auth).toMatchObject({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: account.userId },
    password: account.password,
  });
  expect(deletes[1].auth.session).toBeTruthy();
});

test("a wrong password shows the server's error and the right one then works", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await page.getByTestId("device-tile-checkbox-PHONE").check();
  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
  const dialog = await passwordStep(page, "not my password");
  await expect(dialog.getByRole("alert")).toHaveText("Invalid username or password");
  // The same dialog, with what was typed, ready for another try.
  await expect(dialog.getByLabel("Password")).toHaveValue("not my password");
  await dialog.getByLabel("Password").fill(account.password);
  await dialog.getByTestId("dialog-primary-button").click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-PHONE")).toHaveCount(0);
});

test("cancelling re-authentication changes nothing", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  const deletes = deleteRequests(page);
  await page.getByTestId("device-tile-checkbox-PHONE").check();
  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
  const dialog = page.getByRole("dialog", { name: "Confirm your identity" });
  await dialog.getByLabel("Password").fill("half-typed");
  await dialog.getByTestId("dialog-cancel-button").click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  await expect(page.getByTestId("device-tile-PHONE").getByRole("status")).toHaveCount(0);
  // The selection is still there to act on.
  await expect(page.getByTestId("list-header-label")).toHaveText("1 session selected");
  expect(deletes).toHaveLength(1);
  expect(await serverIds(env, account)).toEqual([own, "PHONE"].sort());

  // Cancel at the first question sends nothing at all.
  await page.getByTestId("sign-out-selection-cta").click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-cancel-button").click();
  expect(deletes).toHaveLength(1);
});

test("sign out of all other sessions from the current session's menu", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "A1", name: "one" },
    { id: "A2", name: "two" },
    { id: "A3", name: "three" },
  ]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("current-session-menu").click();
  await page.getByRole("menuitem", { name: "Sign out of all other sessions (3)" }).click();
  await expect(page.getByRole("dialog", { name: "Sign out" })).toContainText(
    "Are you sure you want to sign out of 3 sessions?",
  );
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
  await passwordStep(page, account.password);
  await expect(page.getByTestId("other-sessions-section")).toHaveCount(0);
  await expect(page.getByTestId("current-session-section")).toBeVisible();
  // Nothing else to sign out: the menu only offers this session.
  await page.getByTestId("current-session-menu").click();
  await expect(page.getByRole("menuitem")).toHaveText(["Sign out"]);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menuitem")).toHaveCount(0);
  await expect(page.getByTestId("current-session-menu")).toBeFocused();
  expect(await serverIds(env, account)).toEqual([own]);
});

test("sign out of all other sessions from the Other sessions menu", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "B1", name: "one" }, { id: "B2", name: "two" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("other-sessions-menu").click();
  await page.getByRole("menuitem", { name: "Sign out of 2 sessions" }).click();
  await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
  await passwordStep(page, account.password);
  await expect(page.getByTestId("other-sessions-section")).toHaveCount(0);
  expect(await serverIds(env, account)).toEqual([own]);
});

test("select all selects exactly the listed sessions; Cancel clears", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "S1", name: "one" }, { id: "S2", name: "two" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const all = page.getByTestId("device-select-all-checkbox");
  await expect(all).toHaveAccessibleName("Select all");
  await page.getByTestId("device-tile-checkbox-S1").check();
  await expect(all).toHaveJSProperty("indeterminate", true);
  await all.click();
  await expect(all).toBeChecked();
  await expect(all).toHaveAccessibleName("Deselect all");
  await expect(page.getByTestId("list-header-label")).toHaveText("2 sessions selected");
  await expect(page.getByTestId("device-tile-checkbox-S2")).toBeChecked();
  await page.getByTestId("cancel-selection-cta").click();
  await expect(page.getByTestId("list-header-label")).toHaveText("Sessions");
  await expect(page.getByTestId("device-tile-checkbox-S1")).not.toBeChecked();
  await all.click();
  await all.click();
  await expect(page.getByTestId("list-header-label")).toHaveText("Sessions");
});

test("a server that refuses /delete_devices explains where sessions are managed", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  // As on servers that delegate authentication (Synapse with MAS).
  await page.route("**/_matrix/client/v3/delete_devices", (route) =>
    route.fulfill({
      status: 404,
      contentType: "application/json",
      headers: { "Access-Control-Allow-Origin": "*" },
      body: JSON.stringify({ errcode: "M_UNRECOGNIZED", error: "Unrecognized request" }),
    }),
  );
  await page.getByTestId("device-tile-checkbox-PHONE").check();
  await page.getByTestId("sign-out-selection-cta").click();
  const dialog = page.getByRole("dialog", { name: "Sign out" });
  await dialog.getByTestId("dialog-primary-button").click();
  await expect(dialog.getByRole("alert")).toHaveText(
    "This homeserver doesn't let apps sign out other sessions: they are managed by your account provider.",
  );
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  await dialog.getByTestId("dialog-cancel-button").click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
});

test("a stage this page has no form for runs on the server's own page", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "OLD", name: "Old laptop" }, { id: "PHONE", name: "Pixel 8" }]);
  const proxy = await startApprovalStageProxy(env.hsBase, account);
  try {
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    await page.getByTestId("device-toggle-details-OLD").click();
    await page.getByTestId("device-detail-OLD").getByTestId("device-detail-sign-out-cta").click();
    await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
    const dialog = page.getByRole("dialog", { name: "Confirm your identity" });
    await expect(dialog).toContainText("Your homeserver confirms your identity on its own page, which opens in a new window.");
    const popupPromise = page.waitForEvent("popup");
    await dialog.getByRole("button", { name: "Start authentication" }).click();
    const popup = await popupPromise;
    await expect(popup.getByRole("heading", { name: "Approve this request" })).toBeVisible();
    await popup.getByRole("button", { name: "Approve" }).click();
    // The page's "authDone" is enough: no further click here.
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByTestId("device-tile-OLD")).toHaveCount(0);
    await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
    expect(await serverIds(env, account)).not.toContain("OLD");
  } finally {
    await proxy.close();
  }
});

test("an m.oauth stage opens the account page it names and continues when the user comes back", async ({
  page,
  env,
}) => {
  const account = await createAccount(env.hsBase, [{ id: "OLD", name: "Old laptop" }, { id: "PHONE", name: "Pixel 8" }]);
  const proxy = await startApprovalStageProxy(env.hsBase, { ...account, stage: "m.oauth" });
  try {
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    await page.getByTestId("device-toggle-details-OLD").click();
    await page.getByTestId("device-detail-OLD").getByTestId("device-detail-sign-out-cta").click();
    await page.getByRole("dialog", { name: "Sign out" }).getByTestId("dialog-primary-button").click();
    const dialog = page.getByRole("dialog", { name: "Approve at your account page" });
    await expect(dialog).toContainText("Your account provider asks you to approve this on its own page");
    const tabPromise = page.context().waitForEvent("page");
    await dialog.getByRole("button", { name: "Open account page" }).click();
    const tab = await tabPromise;
    await expect(tab).toHaveURL(new RegExp(`^${proxy.base}/account/approve\\?session=`));
    // Continuing before approving asks again; nothing is signed out.
    await expect(dialog).toContainText("Once you have approved it on your account page, confirm signing out of 1 session here.");
    await dialog.getByTestId("dialog-primary-button").click();
    await expect(dialog).toContainText("Once you have approved it on your account page");
    await expect(page.getByTestId("device-tile-OLD")).toBeVisible();
    await tab.getByRole("button", { name: "Approve" }).click();
    await expect(tab.getByRole("status")).toHaveText("You can return to the app.");
    await tab.close();
    await dialog.getByTestId("dialog-primary-button").click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByTestId("device-tile-OLD")).toHaveCount(0);
    expect(await serverIds(env, account)).not.toContain("OLD");
  } finally {
    await proxy.close();
  }
});
