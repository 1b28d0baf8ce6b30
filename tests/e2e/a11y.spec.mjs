// Accessibility: zero axe-core violations (WCAG 2.2 AA rules) in every state
// of every page, in light and dark themes.
import { createAccount, expect, signIn, test } from "./fixtures.mjs";
import { expectNoAxeViolations } from "./a11y.mjs";

for (const colorScheme of ["light", "dark"]) {
  test(`every state has no axe violations (${colorScheme})`, async ({ page, env }) => {
    await page.emulateMedia({ colorScheme });
    await page.goto(env.appUrl);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expectNoAxeViolations(page, "sign-in");
    const account = await createAccount(env.hsBase, [
      { id: "PHONE", name: "Pixel 8" },
      { id: "LAPTOP", name: "Laptop" },
    ]);
    await page.getByLabel("Homeserver").fill(env.hsBase);
    await page.getByLabel("Username").fill(account.username);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await expectNoAxeViolations(page, "sign-in error");

    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
    await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
    await expectNoAxeViolations(page, "sessions list");
    await page.locator("#device-list-filter").click();
    await expectNoAxeViolations(page, "filter menu");
    await page.getByTestId("filter-option-Verified").click();
    await expectNoAxeViolations(page, "empty filter");
    await page.getByTestId("devices-clear-filter-btn").click();
    await page.getByTestId("device-tile-checkbox-PHONE").check();
    await expectNoAxeViolations(page, "selection");
    await page.getByTestId("cancel-selection-cta").click();
    await page.getByTestId("device-toggle-details-PHONE").click();
    await page.getByTestId("current-session-toggle-details").click();
    await expectNoAxeViolations(page, "details");
    await page.getByTestId("device-detail-PHONE").getByTestId("device-heading-rename-cta").click();
    await page.getByTestId("device-detail-PHONE").getByTestId("device-rename-input").fill("x".repeat(101));
    await page.getByTestId("device-detail-PHONE").getByTestId("device-rename-submit-cta").click();
    await expectNoAxeViolations(page, "rename with error");
    await page.getByTestId("device-detail-PHONE").getByTestId("device-rename-cancel-cta").click();
    await page.getByTestId("current-session-menu").click();
    await expectNoAxeViolations(page, "menu");
    await page.keyboard.press("Escape");
    await page.getByTestId("device-tile-checkbox-LAPTOP").check();
    await page.getByTestId("sign-out-selection-cta").click();
    await expectNoAxeViolations(page, "confirm dialog");
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    await page.getByRole("dialog").getByLabel("Password").fill("wrong");
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    await expect(page.getByRole("dialog").getByRole("alert")).toBeVisible();
    await expectNoAxeViolations(page, "re-auth with error");
  });
}

test("warnings, verification states and delegated mode have no axe violations", async ({ page, env }) => {
  const { crossSignDevice, deviceKeys, newKeyPair, uploadCrossSigning, uploadDeviceKeys } = await import(
    "../support/keys.mjs"
  );
  const { startDelegatingProxy } = await import("../support/delegating-proxy.mjs");
  const account = await createAccount(env.hsBase, [
    { id: "VERIFIED", name: "Element Desktop" },
    { id: "UNSIGNED", name: "Element Android" },
    { id: "NOKEYS", name: "bot" },
  ]);
  const keys = {};
  for (const id of ["VERIFIED", "UNSIGNED"]) {
    keys[id] = deviceKeys(account.logins[id], newKeyPair());
    await uploadDeviceKeys(env.hsBase, account.logins[id], keys[id]);
  }
  const cs = await uploadCrossSigning(env.hsBase, account.logins.VERIFIED);
  await crossSignDevice(env.hsBase, account.logins.VERIFIED, keys.VERIFIED, cs.selfSigning);
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
    await expect(page.getByTestId("device-tile-VERIFIED").getByTestId("device-metadata-isVerified")).toHaveText("Verified");
    await page.getByTestId("device-toggle-details-UNSIGNED").click();
    await expectNoAxeViolations(page, `verification states (${colorScheme})`);
    await page.getByTestId("unverified-devices-cta").click();
    await expectNoAxeViolations(page, `filtered by recommendation (${colorScheme})`);
    await page.evaluate(() => localStorage.clear());
    await page.goto(env.appUrl);
  }
  // The identity warning.
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  // The page pins the identity it first sees once it has checked the keys.
  await expect(page.getByTestId("device-tile-VERIFIED").getByTestId("device-metadata-isVerified")).toHaveText("Verified");
  await uploadCrossSigning(env.hsBase, account.logins.UNSIGNED, { password: account.password });
  await page.reload();
  await expect(page.getByTestId("identity-changed-warning")).toBeVisible();
  await expectNoAxeViolations(page, "identity warning");

  // Delegated authentication: links instead of sign-out.
  const proxy = await startDelegatingProxy(env.hsBase);
  try {
    await page.evaluate(() => localStorage.clear());
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    await page.getByTestId("device-toggle-details-NOKEYS").click();
    await expect(page.getByTestId("device-detail-manage-cta")).toBeVisible();
    await expectNoAxeViolations(page, "delegated");
  } finally {
    await proxy.close();
  }
});

test.describe("in German", () => {
  test.use({ locale: "de-DE" });
  test("the German page has no axe violations", async ({ page, env }) => {
    const account = await createAccount(env.hsBase, [{ id: "PHONE", name: "Pixel 8" }]);
    await page.goto(env.appUrl);
    await expect(page.getByRole("button", { name: "Anmelden" })).toBeVisible();
    await expectNoAxeViolations(page, "German sign-in");
    await page.getByLabel("Homeserver").fill(env.hsBase);
    await page.getByLabel("Benutzername").fill(account.username);
    await page.getByLabel("Passwort").fill(account.password);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.getByTestId("device-toggle-details-PHONE").click();
    await expectNoAxeViolations(page, "German sessions");
  });
});
