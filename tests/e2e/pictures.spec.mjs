// Picture makers, not tests: screenshots of every screen at desktop and
// phone widths, for people to look at (.test-run/screens/); they assert only
// that each screen was reached (and that nothing scrolls sideways). With
// UPDATE_SCREENSHOTS=1 the README's pictures in tests/screenshots/ are
// replaced too.
import fs from "node:fs";
import path from "node:path";
import { expect, signIn, test } from "./fixtures.mjs";
import { ROOT } from "../support/synapse.mjs";

const OUT = path.join(ROOT, ".test-run", "screens");
const README_SHOTS = path.join(ROOT, "tests", "screenshots");

async function shoot(page, name, { readme = false } = {}) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (readme && process.env.UPDATE_SCREENSHOTS === "1") {
    fs.mkdirSync(README_SHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(README_SHOTS, `${name}.png`));
  }
}

for (const width of [1280, 360]) {
  test(`picture maker: screens at ${width} px`, async ({ page, env }) => {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 760 });
    await page.goto(env.appUrl);
    await page.getByLabel("Homeserver").fill(env.hsBase);
    await page.getByLabel("Username").fill(env.showcase.username);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    await shoot(page, `login-error-${width}`);

    await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...env.showcase });
    await expect(page.getByTestId("device-tile-PIXEL8")).toBeVisible();
    await shoot(page, `sessions-${width}`, { readme: true });
    // No horizontal scrolling at any width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByTestId("device-toggle-details-PIXEL8").click();
    await page.getByTestId("current-session-toggle-details").click();
    await shoot(page, `details-${width}`);
    await page.getByTestId("device-detail-PIXEL8").getByTestId("device-heading-rename-cta").click();
    await page.getByTestId("device-detail-PIXEL8").getByTestId("device-rename-input").fill("x".repeat(104));
    await page.getByTestId("device-detail-PIXEL8").getByTestId("device-rename-submit-cta").click();
    await shoot(page, `rename-${width}`);
    await page.getByTestId("device-detail-PIXEL8").getByTestId("device-rename-cancel-cta").click();
    await page.getByTestId("device-toggle-details-PIXEL8").click();

    await page.getByTestId("device-tile-checkbox-FIREFOXUBU").check();
    await page.getByTestId("device-tile-checkbox-OLDLAPTOP").check();
    await shoot(page, `selection-${width}`);
    await page.getByTestId("sign-out-selection-cta").click();
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    await page.getByRole("dialog").getByLabel("Password").fill("wrong");
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    await expect(page.getByRole("dialog").getByRole("alert")).toBeVisible();
    await shoot(page, `reauth-${width}`);
    await page.getByRole("dialog").getByTestId("dialog-cancel-button").click();
    await page.getByTestId("cancel-selection-cta").click();

    await page.locator("#device-list-filter").click();
    await shoot(page, `filter-menu-${width}`);
    await page.getByTestId("filter-option-Unverified").click();
    await shoot(page, `filtered-${width}`);
    await page.locator("#device-list-filter").click();
    await page.getByTestId("filter-option-Verified").click();
    await page.locator("#device-list-filter").click();
    await page.getByTestId("filter-option-ALL").click();

    await page.getByTestId("forget-account").click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await shoot(page, `forget-dialog-${width}`);
    await page.getByRole("dialog").getByTestId("dialog-cancel-button").click();

    await page.getByTestId("current-session-menu").click();
    await shoot(page, `menu-${width}`);
    await page.getByRole("menuitem", { name: "Sign out", exact: true }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await shoot(page, `sign-out-dialog-${width}`);
    // Sign out, so the next width's account shows no leftover session.
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    await expect(page.getByTestId("login-notice")).toBeVisible();
  });
}

test("picture maker: screens in dark and in German", async ({ browser, env }) => {
  for (const [name, options] of [
    ["dark-1280", { colorScheme: "dark", viewport: { width: 1280, height: 900 } }],
    ["german-360", { locale: "de-DE", viewport: { width: 360, height: 760 } }],
  ]) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(env.appUrl);
    await page.locator("#login-homeserver").fill(env.hsBase);
    await page.locator("#login-username").fill(env.showcase.username);
    await page.locator("#login-password").fill(env.showcase.password);
    await page.locator('[data-testid="login-submit"]').click();
    await expect(page.getByTestId("device-tile-PIXEL8")).toBeVisible();
    await page.getByTestId("device-toggle-details-FIREFOXUBU").click();
    await shoot(page, `sessions-${name}`);
    await page.getByTestId("current-session-menu").click();
    await page.getByTestId("current-session-sign-out").click();
    await page.getByRole("dialog").getByTestId("dialog-primary-button").click();
    await expect(page.getByTestId("login-notice")).toBeVisible();
    await context.close();
  }
});
