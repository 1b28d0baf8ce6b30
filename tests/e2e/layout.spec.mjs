// Small screens: from 320 px wide to desktop, no horizontal scrolling, and
// every control at least 24 × 24 px (WCAG 2.2 target size).
import { createAccount, expect, signIn, test } from "./fixtures.mjs";

async function expectFits(page, state) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow in ${state}`).toBeLessThanOrEqual(0);
}

async function expectTargetsAtLeast24(page, state) {
  const small = await page.evaluate(() => {
    const controls = [...document.querySelectorAll("button, input, select, a[href], [role=menuitem], [role=menuitemradio]")];
    return controls
      .filter((el) => el.offsetParent !== null || el.getClientRects().length > 0)
      // Links inside a sentence are exempt (WCAG 2.5.8 "inline").
      .filter((el) => !(el.tagName === "A" && el.closest("p")))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.width < 24 || r.height < 24))
      .map(({ el, r }) => `${el.tagName} ${el.dataset.testid ?? el.id ?? ""} ${Math.round(r.width)}×${Math.round(r.height)}`);
  });
  expect(small, `targets smaller than 24 px in ${state}`).toEqual([]);
}

for (const width of [320, 360, 768, 1280]) {
  test(`usable at ${width} px`, async ({ page, env }) => {
    await page.setViewportSize({ width, height: 800 });
    const account = await createAccount(env.hsBase, [
      { id: "PHONE", name: "A phone with a very long name that has to wrap somewhere sensible" },
      { id: "LONGIDABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", name: "laptop" },
    ]);
    await page.goto(env.appUrl);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expectFits(page, "sign-in");
    await expectTargetsAtLeast24(page, "sign-in");
    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
    await expect(page.getByTestId("device-tile-PHONE")).toBeVisible();
    await expectFits(page, "list");
    await expectTargetsAtLeast24(page, "list");
    await page.getByTestId("device-toggle-details-LONGIDABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").click();
    await page.getByTestId("device-toggle-details-PHONE").click();
    await page.getByTestId("device-detail-PHONE").getByTestId("device-heading-rename-cta").click();
    await expectFits(page, "details and rename");
    await expectTargetsAtLeast24(page, "details and rename");
    await page.getByTestId("device-tile-checkbox-PHONE").check();
    await expectFits(page, "selection");
    await expectTargetsAtLeast24(page, "selection");
    await page.getByTestId("sign-out-selection-cta").click();
    await expectFits(page, "dialog");
    await expectTargetsAtLeast24(page, "dialog");
  });
}
