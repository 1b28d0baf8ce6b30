// Live updates: changes made by other clients appear without a reload.
import { createAccount, expect, putAccountData, signIn, test } from "./fixtures.mjs";
import { loginDevice, matrixCall } from "../support/synapse.mjs";

test("a session that signs in elsewhere appears, and one that signs out disappears", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
  const laptop = await loginDevice(env.hsBase, account.username, account.password, {
    deviceId: "LAPTOP",
    displayName: "New laptop",
  });
  await expect(page.getByTestId("device-tile-LAPTOP").getByRole("heading")).toHaveText("New laptop", {
    timeout: 15_000,
  });
  await matrixCall(env.hsBase, "PUT", "/_matrix/client/v3/devices/LAPTOP", {
    token: laptop.accessToken,
    body: { display_name: "Renamed elsewhere" },
  });
  await expect(page.getByTestId("device-tile-LAPTOP").getByRole("heading")).toHaveText("Renamed elsewhere", {
    timeout: 15_000,
  });
  await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/logout", { token: laptop.accessToken, body: {} });
  await expect(page.getByTestId("device-tile-LAPTOP")).toHaveCount(0, { timeout: 15_000 });
});

test("a notification setting changed elsewhere flips the toggle in place", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "WEB", name: "Element Web" }]);
  const type = "org.matrix.msc3890.local_notification_settings.WEB";
  await putAccountData(env.hsBase, account.logins.WEB, type, { is_silenced: false });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await page.getByTestId("device-toggle-details-WEB").click();
  const toggle = page.getByTestId("device-detail-WEB").getByTestId("device-detail-push-notification-checkbox");
  await expect(toggle).toBeChecked();
  // An open rename editor keeps its text while the data changes around it.
  await page.getByTestId("device-detail-WEB").getByTestId("device-heading-rename-cta").click();
  await page.getByTestId("device-detail-WEB").getByTestId("device-rename-input").fill("typing…");
  await putAccountData(env.hsBase, account.logins.WEB, type, { is_silenced: true });
  await expect(toggle).not.toBeChecked({ timeout: 15_000 });
  await expect(page.getByTestId("device-detail-WEB").getByTestId("device-rename-input")).toHaveValue("typing…");
});
