// Languages: the page follows the browser (German here) or config.json, with
// plural forms and dates in that language.
import path from "node:path";
import { createAccount, expect, test } from "./fixtures.mjs";
import { ROOT } from "../support/synapse.mjs";
import { startStaticServer } from "../support/static-server.mjs";

test.describe("in a German browser", () => {
  test.use({ locale: "de-DE" });

  test("the whole page is German, with plurals and German dates", async ({ page, env }) => {
    const account = await createAccount(env.hsBase, [
      { id: "PHONE", name: "Pixel 8" },
      { id: "TABLET", name: "iPad" },
    ]);
    await page.goto(env.appUrl);
    await expect(page.getByRole("heading", { name: "Anmelden" })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("de");
    await page.getByLabel("Homeserver").fill(env.hsBase);
    await page.getByLabel("Benutzername").fill(account.username);
    await page.getByLabel("Passwort").fill("falsch");
    await page.getByRole("button", { name: "Anmelden" }).click();
    // The server's own error text is passed on as it is.
    await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
    await page.getByLabel("Passwort").fill(account.password);
    await page.getByRole("button", { name: "Anmelden" }).click();

    await expect(page.getByRole("heading", { name: "Aktuelle Sitzung" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Andere Sitzungen" })).toBeVisible();
    await expect(page).toHaveTitle("Sitzungen · Session Manager");
    const phone = page.getByTestId("device-tile-PHONE");
    await expect(phone.getByTestId("device-metadata-lastActivity")).toHaveText(/^Zuletzt aktiv \d{2}:\d{2}$/);
    await expect(phone.getByTestId("device-metadata-isVerified")).toHaveText("Ohne Verschlüsselung");

    const header = page.getByTestId("list-header-label");
    await expect(header).toHaveText("Sitzungen");
    await page.getByTestId("device-tile-checkbox-PHONE").check();
    await expect(header).toHaveText("1 Sitzung ausgewählt");
    await page.getByTestId("device-tile-checkbox-TABLET").check();
    await expect(header).toHaveText("2 Sitzungen ausgewählt");
    await page.getByTestId("sign-out-selection-cta").click();
    const dialog = page.getByRole("dialog", { name: "Abmelden" });
    await expect(dialog).toContainText("Möchtest du dich wirklich von 2 Sitzungen abmelden?");
    await dialog.getByTestId("dialog-cancel-button").click();
    await page.getByTestId("cancel-selection-cta").click();

    await page.getByTestId("device-toggle-details-PHONE").click();
    const details = page.getByTestId("device-detail-PHONE");
    await expect(details.getByRole("row", { name: /Sitzungs-ID/ })).toContainText("PHONE");
    // "Fr., 27. Nov. 2026, 15:14"
    await expect(details.getByRole("row", { name: /Zuletzt aktiv/ })).toHaveText(
      /Zuletzt aktiv\s*[A-Z][a-z]\., \d{1,2}\. \S+ \d{4}, \d{2}:\d{2}/,
    );
  });

  test("older sessions get German dates", async ({ page, env, signInShared }) => {
    // The shared fixture account, signed in through the German form.
    await signInShared(page, env.ordered, {
      fill: async (p, account) => {
        await p.goto(env.appUrl);
        await p.getByLabel("Homeserver").fill(env.hsBase);
        await p.getByLabel("Benutzername").fill(account.username);
        await p.getByLabel("Passwort").fill(account.password);
        await p.getByRole("button", { name: "Anmelden" }).click();
        await expect(p.getByTestId("device-tile-DAYS")).toBeVisible();
      },
    });
    await expect(page.getByTestId("device-tile-DAYS").getByTestId("device-metadata-lastActivity")).toHaveText(
      /^Zuletzt aktiv [A-Z][a-z]\., \d{2}:\d{2}$/,
    );
    await expect(page.getByTestId("device-tile-WEEKS").getByTestId("device-metadata-lastActivity")).toHaveText(
      /^Zuletzt aktiv \d{1,2}\. \S+$/,
    );
    await expect(page.getByTestId("device-tile-OLD").getByTestId("device-metadata-inactive")).toHaveText(
      /^Seit 90\+ Tagen inaktiv \(\d{1,2}\. \S+ \d{4}\)$/,
    );
    await expect(page.getByTestId("inactive-devices-cta")).toHaveText("Alle anzeigen (1)");
  });

  test("config.json can choose English for a German browser", async ({ page }) => {
    const app = await startStaticServer({ dist: path.join(ROOT, "dist"), config: { language: "en" } });
    try {
      await page.goto(app.url);
      await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    } finally {
      await app.close();
    }
  });
});
