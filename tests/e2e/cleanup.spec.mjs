// "Sign out inactive sessions": a preview of exactly what goes, one
// confirmation, one /delete_devices, one password prompt — against the
// real Synapse, on accounts whose sessions were last active 2, 100, 200 and
// 400 days ago (seeded in the global setup).
import { expect, recordRequests, signIn, storedLogin, test } from "./fixtures.mjs";
import { expectNoAxeViolations } from "./a11y.mjs";
import { listDevices, loginDevice } from "../support/synapse.mjs";
import { startDelegatingProxy } from "../support/delegating-proxy.mjs";

async function serverSessions(env, account) {
  const checker = await loginDevice(env.hsBase, account.username, account.password, { deviceId: "CHECKER" });
  return (await listDevices(env.hsBase, checker.accessToken)).map((d) => d.device_id).filter((id) => id !== "CHECKER");
}

async function openCleanUp(page) {
  await page.getByTestId("other-sessions-menu").click();
  await page.getByRole("menuitem", { name: "Sign out inactive sessions…" }).click();
  const dialog = page.getByRole("dialog", { name: "Sign out inactive sessions" });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function previewIds(dialog) {
  return dialog.locator("[data-testid^=clean-up-item-]").evaluateAll((items) =>
    items.map((i) => i.dataset.testid.replace("clean-up-item-", "")),
  );
}

test("N = 180 signs out exactly the two older sessions after one password prompt", async ({ page, env }) => {
  const account = env.cleanUp[0];
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  const dialog = await openCleanUp(page);
  // The configured threshold (90 days) comes first.
  await expect(dialog.getByLabel("Inactive for more than")).toHaveValue("90");
  expect(await previewIds(dialog)).toEqual(["D100", "D200", "D400"]);
  await dialog.getByLabel("Inactive for more than").selectOption("180");
  await expect(dialog.getByTestId("clean-up-summary")).toHaveText(
    "These 2 sessions have been inactive for more than 180 days and will be signed out. Untick any you want to keep.",
  );
  expect(await previewIds(dialog)).toEqual(["D200", "D400"]);
  await expect(dialog.getByTestId("clean-up-item-D200")).toContainText("Tablet (200 days)");
  await expect(dialog.getByTestId("clean-up-item-D200")).toContainText("Last activity");
  await expect(dialog.getByRole("checkbox")).toHaveCount(2);
  for (const box of await dialog.getByRole("checkbox").all()) await expect(box).toBeChecked();
  await expectNoAxeViolations(page, "clean-up preview");
  await page.screenshot({ path: ".test-run/screens/clean-up-preview.png" });
  await page.setViewportSize({ width: 320, height: 720 });
  await page.screenshot({ path: ".test-run/screens/clean-up-preview-320.png" });
  await page.setViewportSize({ width: 1280, height: 800 });

  const deletes = recordRequests(page, "POST", /\/delete_devices$/, (r) => JSON.parse(r.body));
  await dialog.getByTestId("clean-up-confirm").click();
  // The preview was the confirmation: next comes the password, once.
  const auth = page.getByRole("dialog", { name: "Confirm your identity" });
  await expect(auth.getByLabel("Password")).toBeFocused();
  await auth.getByLabel("Password").fill(account.password);
  await auth.getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("announcement")).toHaveText("Signed out of 2 sessions.");
  await expect(page.getByTestId("device-tile-D200")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-D400")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-D100")).toBeVisible();
  expect(deletes.map((b) => b.devices)).toEqual([
    ["D200", "D400"],
    ["D200", "D400"],
  ]);
  expect((await serverSessions(env, account)).sort()).toEqual(["D100", "RECENTLY", own].sort());
  // The history remembers that this page signed them out.
  await page.getByText("Signed-out sessions (2)").click();
  await expect(page.getByTestId("history-item-D400").getByTestId("history-how")).toHaveText("Signed out on this page");
});

test("a session unticked in the preview stays; the rest are signed out", async ({ page, env }) => {
  const account = env.cleanUp[1];
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const own = (await storedLogin(page)).device_id;
  const dialog = await openCleanUp(page);
  // Keyboard only: untick the 200-day session with Space.
  await dialog.getByTestId("clean-up-check-D200").focus();
  await page.keyboard.press("Space");
  await expect(dialog.getByTestId("clean-up-check-D200")).not.toBeChecked();
  await expect(dialog.getByTestId("clean-up-confirm")).toHaveText("Sign out 2 sessions");
  await dialog.getByTestId("clean-up-confirm").click();
  const auth = page.getByRole("dialog", { name: "Confirm your identity" });
  await auth.getByLabel("Password").fill(account.password);
  await auth.getByTestId("dialog-primary-button").click();
  await expect(page.getByTestId("announcement")).toHaveText("Signed out of 2 sessions.");
  expect((await serverSessions(env, account)).sort()).toEqual(["D200", "RECENTLY", own].sort());

  // Nothing left older than 365 days: the preview says so, nothing to confirm.
  const again = await openCleanUp(page);
  await again.getByLabel("Inactive for more than").selectOption("365");
  await expect(again.getByTestId("clean-up-summary")).toHaveText(
    "No other session has been inactive for more than 365 days.",
  );
  await expect(again.getByTestId("clean-up-confirm")).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(again).toBeHidden();
});

test("under delegated authentication the preview lists account-page links and says why", async ({ page, env }) => {
  const proxy = await startDelegatingProxy(env.hsBase);
  try {
    const account = env.cleanUp[2];
    await signIn(page, { appUrl: env.appUrl, homeserver: proxy.base, ...account });
    const own = (await storedLogin(page)).device_id;
    await page.getByTestId("other-sessions-menu").click();
    // Only the clean-up: sessions are signed out at the provider.
    await expect(page.getByRole("menuitem")).toHaveText(["Sign out inactive sessions…"]);
    await page.getByRole("menuitem").click();
    const dialog = page.getByRole("dialog", { name: "Sign out inactive sessions" });
    await expect(dialog.getByTestId("clean-up-summary")).toContainText(
      "Your account provider signs sessions out on its own account page",
    );
    expect(await previewIds(dialog)).toEqual(["D100", "D200", "D400"]);
    await expect(dialog.getByRole("checkbox")).toHaveCount(0);
    await expect(dialog.getByTestId("clean-up-confirm")).toHaveCount(0);
    const link = dialog.getByRole("link", { name: "Sign out Old phone (400 days) on your account page" });
    await expect(link).toHaveAttribute("href", `${proxy.accountUrl}?action=org.matrix.device_delete&device_id=D400`);
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
    await expectNoAxeViolations(page, "delegated clean-up preview");
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
    expect((await serverSessions(env, account)).sort()).toEqual(["D100", "D200", "D400", "RECENTLY", own].sort());
  } finally {
    await proxy.close();
  }
});
