// The whole journey with the keyboard alone: sign in, filter, select two
// sessions, sign them out with re-authentication, rename another — no mouse.
import { createAccount, expect, test } from "./fixtures.mjs";

/** Presses Tab (or Shift+Tab) until `target` has focus. */
async function tabTo(page, target, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i += 1) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`could not reach ${target} with the keyboard`);
}

/** Fills the sign-in form from the Homeserver field on, and presses Enter. */
async function typeSignIn(page, env, account) {
  await tabTo(page, page.getByLabel("Homeserver"));
  await page.keyboard.type(env.hsBase);
  await tabTo(page, page.getByLabel("Username"));
  await page.keyboard.type(account.username);
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
}

test("sign in, filter, select two, sign out with re-auth and rename, without a mouse", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "ONE", name: "first" },
    { id: "TWO", name: "second" },
    { id: "THREE", name: "third" },
  ]);
  await page.goto(env.appUrl);
  await typeSignIn(page, env, account);
  await expect(page.getByTestId("device-tile-THREE")).toBeVisible();

  // Filter through the menu: Enter opens it, End picks the last entry.
  const filter = page.locator("#device-list-filter");
  await tabTo(page, filter);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitemradio").first()).toBeFocused();
  await page.keyboard.press("End");
  await expect(page.getByRole("menuitemradio", { name: /^New/ })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(page.getByRole("menuitemradio", { name: /No encryption/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(filter).toContainText("Show: No encryption");
  await expect(filter).toBeFocused();

  // Select two with Space.
  await tabTo(page, page.getByTestId("device-tile-checkbox-ONE"));
  await page.keyboard.press("Space");
  await tabTo(page, page.getByTestId("device-tile-checkbox-TWO"));
  await page.keyboard.press("Space");
  await expect(page.getByTestId("list-header-label")).toHaveText("2 sessions selected");

  // Sign them out; the dialog takes focus and Escape would cancel.
  await tabTo(page, page.getByTestId("sign-out-selection-cta"), { back: true });
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: "Sign out" });
  await expect(confirm).toBeVisible();
  await tabTo(page, confirm.getByTestId("dialog-primary-button"));
  await page.keyboard.press("Enter");
  const auth = page.getByRole("dialog", { name: "Confirm your identity" });
  await expect(auth.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-ONE")).toHaveCount(0);
  await expect(page.getByTestId("device-tile-TWO")).toHaveCount(0);
  // Focus stays in the list, not lost with the removed button.
  await expect(page.getByRole("heading", { name: "Other sessions" })).toBeFocused();

  // Rename the remaining session.
  await tabTo(page, page.getByTestId("device-toggle-details-THREE"));
  await page.keyboard.press("Enter");
  const details = page.getByTestId("device-detail-THREE");
  await tabTo(page, details.getByTestId("device-heading-rename-cta"));
  await page.keyboard.press("Enter");
  await expect(details.getByTestId("device-rename-input")).toBeFocused();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Kitchen tablet");
  await page.keyboard.press("Enter");
  await expect(details.getByRole("heading", { name: "Kitchen tablet" })).toBeVisible();
  await expect(details.getByTestId("device-heading-rename-cta")).toBeFocused();

  // Escape closes a dialog and focus returns to what opened it.
  const signOut = details.getByTestId("device-detail-sign-out-cta");
  await tabTo(page, signOut);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Sign out" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(signOut).toBeFocused();

  // ...and a menu likewise.
  const menu = page.getByTestId("current-session-menu");
  await tabTo(page, menu, { back: true });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem").first()).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menuitem")).toHaveCount(0);
  await expect(menu).toBeFocused();
});

test("focus returns to the opener after every dialog, however many came before", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [
    { id: "ONE", name: "first" },
    { id: "TWO", name: "second" },
    { id: "THREE", name: "third" },
  ]);
  await page.goto(env.appUrl);
  await typeSignIn(page, env, account);
  await expect(page.getByTestId("device-tile-THREE")).toBeVisible();

  // One session signed out through the dialog, with the password.
  await tabTo(page, page.getByTestId("device-tile-checkbox-ONE"));
  await page.keyboard.press("Space");
  const signOut = page.getByTestId("sign-out-selection-cta");
  await tabTo(page, signOut, { back: true });
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("dialog").getByTestId("dialog-primary-button"));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Confirm your identity" }).getByLabel("Password")).toBeFocused();
  await page.keyboard.type(account.password);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("device-tile-ONE")).toHaveCount(0);
  // Its button is gone with the selection: the list heading has focus.
  await expect(page.getByRole("heading", { name: "Other sessions" })).toBeFocused();

  // Then a second one: Enter on "Sign out", Escape.
  await tabTo(page, page.getByTestId("device-tile-checkbox-TWO"));
  await page.keyboard.press("Space");
  await tabTo(page, signOut, { back: true });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Sign out" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(signOut).toBeFocused();

  // And once more, after the password step, with Cancel.
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("dialog").getByTestId("dialog-primary-button"));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Confirm your identity" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(signOut).toBeFocused();
});

test("focus is visible on every control", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "ONE", name: "first" }]);
  await page.goto(env.appUrl);
  await tabTo(page, page.getByLabel("Homeserver"));
  const outline = () =>
    page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    });
  expect(await outline()).toBe(true);
  await typeSignIn(page, env, account);
  await expect(page.getByTestId("device-tile-ONE")).toBeVisible();
  // Walk through every focusable element of the page.
  const seen = new Set();
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => {
      const el = document.activeElement;
      return el === document.body ? null : `${el.tagName}#${el.id}.${el.dataset.testid ?? ""}.${el.textContent?.slice(0, 20)}`;
    });
    if (!id || seen.has(id)) break;
    seen.add(id);
    expect(await outline(), `focus ring on ${id}`).toBe(true);
  }
  expect(seen.size).toBeGreaterThan(5);
});
