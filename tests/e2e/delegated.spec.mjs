// Servers that delegate authentication (Matrix Authentication Service): a
// loopback proxy in front of the real Synapse publishes OAuth 2.0 metadata
// and refuses device deletion, as Synapse does with MAS.
import { createAccount, createPusher, eventually, expect, getPushers, signIn, storedLogin, test } from "./fixtures.mjs";
import { listDevices } from "../support/synapse.mjs";
import { startDelegatingProxy } from "../support/delegating-proxy.mjs";

let proxy;
test.beforeEach(async ({ env }) => {
  proxy = await startDelegatingProxy(env.hsBase);
});
test.afterEach(async () => {
  await proxy?.close();
});

test("links out to the account provider instead of signing sessions out", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }, { id: "LAPTOP", name: "Laptop" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();

  // No multi-select, no bulk or "all others" sign-out.
  await expect(page.getByTestId("account-management-link")).toHaveAttribute(
    "href",
    `${proxy.accountUrl}?action=org.matrix.devices_list`,
  );
  await expect(page.getByTestId("device-select-all-checkbox")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-checkbox-PHONE")).toHaveCount(0);
  // The section's menu offers only the clean-up preview (which links out).
  await page.getByTestId("other-sessions-menu").click();
  await expect(page.getByRole("menuitem")).toHaveText(["Sign out inactive sessions…"]);
  await page.keyboard.press("Escape");
  await page.getByTestId("current-session-menu").click();
  await expect(page.getByRole("menuitem")).toHaveText(["Sign out"]);
  await page.keyboard.press("Escape");

  // Each other session links to its page at the provider.
  await page.getByTestId("device-toggle-details-PHONE").click();
  const details = page.getByTestId("device-detail-PHONE");
  const manage = details.getByTestId("device-detail-manage-cta");
  await expect(manage).toHaveText("Manage this session");
  await expect(manage).toHaveAttribute("href", `${proxy.accountUrl}?action=org.matrix.device_view&device_id=PHONE`);
  await expect(manage).toHaveAttribute("target", "_blank");
  await expect(manage).toHaveAttribute("rel", "noopener noreferrer");
  await expect(details.getByTestId("device-detail-sign-out-cta")).toHaveCount(0);

  // The current session still signs out here.
  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("current-session-toggle-details").click();
  await expect(page.getByTestId(`device-detail-${own}`).getByTestId("device-detail-sign-out-cta")).toBeVisible();
});

test("negotiates the older action names a provider advertises", async ({ page, env }) => {
  proxy.setActions(["org.matrix.sessions_list", "org.matrix.session_view"]);
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
  await page.getByTestId("device-toggle-details-PHONE").click();
  await expect(page.getByTestId("device-detail-manage-cta")).toHaveAttribute(
    "href",
    `${proxy.accountUrl}?action=org.matrix.session_view&device_id=PHONE`,
  );
  await expect(page.getByTestId("account-management-link")).toHaveAttribute(
    "href",
    `${proxy.accountUrl}?action=org.matrix.sessions_list`,
  );
});

test("rename, push notifications and signing out this session still work", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  const pushkey = await createPusher(env.hsBase, account.logins.PHONE);
  await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
  await page.getByTestId("device-toggle-details-PHONE").click();
  const details = page.getByTestId("device-detail-PHONE");
  await details.getByTestId("device-heading-rename-cta").click();
  await details.getByTestId("device-rename-input").fill("Work phone");
  await details.getByTestId("device-rename-submit-cta").click();
  await expect(details.getByRole("heading", { name: "Work phone" })).toBeVisible();
  await details.getByTestId("device-detail-push-notification-checkbox").click();
  await eventually(async () => {
    const p = (await getPushers(env.hsBase, account.logins.PHONE.accessToken)).find((x) => x.pushkey === pushkey);
    return p?.["org.matrix.msc3881.enabled"] === false;
  });

  const own = (await storedLogin(page)).device_id;
  await page.getByTestId("current-session-menu").click();
  await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
  await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("login-notice")).toHaveText("You signed out.");
  const ids = (await listDevices(env.hsBase, account.logins.PHONE.accessToken)).map((d) => d.device_id);
  expect(ids).not.toContain(own);
});
