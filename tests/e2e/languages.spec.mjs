// The shipped languages beyond English and German: each catalog is its own
// file fetched at start, plural forms follow the language's CLDR rules,
// Arabic mirrors the page, and a catalog that cannot be had leaves the page
// in English.
import fs from "node:fs";
import path from "node:path";
import { createAccount, expect, storedLogin, test } from "./fixtures.mjs";
import { expectNoAxeViolations } from "./a11y.mjs";
import { ROOT, listDevices } from "../support/synapse.mjs";
import { startStaticServer } from "../support/static-server.mjs";

const catalog = (lang) => JSON.parse(fs.readFileSync(path.join(ROOT, "src/web/i18n", `${lang}.json`), "utf8"));
const EN = catalog("en");
const fill = (template, args) => template.replace(/\{(\w+)\}/g, (all, name) => (name in args ? String(args[name]) : all));
// What the page shows for a filled template in a right-to-left language:
// each value is a bidi isolate.
const isolate = (args) => Object.fromEntries(Object.entries(args).map(([k, v]) => [k, `\u2068${v}\u2069`]));

async function signInByForm(page, env, account, { url = env.appUrl } = {}) {
  await page.goto(url);
  await page.getByTestId("login-homeserver").fill(env.hsBase);
  await page.getByTestId("login-username").fill(account.username);
  await page.getByTestId("login-password").fill(account.password);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("current-session-section")).toBeVisible();
}

/** English texts (long enough to be telling) that `lang` says otherwise. */
function englishLeftOver(text, lang) {
  const theirs = catalog(lang);
  return Object.entries(EN)
    .filter(([key, en]) => !key.startsWith("_") && !en.includes("{") && en.length >= 12 && theirs[key] !== en)
    .map(([, en]) => en)
    .filter((en) => text.includes(en));
}

async function catalogRequests(page) {
  const urls = [];
  page.on("request", (r) => {
    if (/\/i18n-[\w-]+-[0-9a-f]{16}\.json$/.test(r.url())) urls.push(new URL(r.url()).pathname);
  });
  return urls;
}

test.describe("in a French browser", () => {
  test.use({ locale: "fr-FR" });

  test("the whole page is French, fetched as its own catalog", async ({ page, env }) => {
    const fr = catalog("fr");
    const account = await createAccount(env.hsBase, [
      { id: "PHONE", name: "Pixel 8" },
      { id: "TABLET", name: "iPad" },
    ]);
    const fetched = await catalogRequests(page);
    await page.goto(env.appUrl);
    await expect(page.getByRole("heading", { name: fr["login.title"] })).toBeVisible();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      "fr",
      "ltr",
    ]);
    // Only the French catalog was fetched; English is built in.
    expect(fetched).toEqual([expect.stringMatching(/^\/i18n-fr-[0-9a-f]{16}\.json$/)]);
    await signInByForm(page, env, account);
    await expect(page.getByRole("heading", { name: fr["current.title"] })).toBeVisible();
    await expect(page.getByRole("heading", { name: fr["other.title"] })).toBeVisible();
    const header = page.getByTestId("list-header-label");
    await page.getByTestId("device-tile-checkbox-PHONE").check();
    await expect(header).toHaveText(fill(fr["list.selected.one"], { count: 1 }));
    await page.getByTestId("device-tile-checkbox-TABLET").check();
    await expect(header).toHaveText(fill(fr["list.selected.other"], { count: 2 }));
    await page.getByTestId("cancel-selection-cta").click();
    await page.getByTestId("device-toggle-details-PHONE").click();
    await expect(page.getByTestId("device-detail-PHONE")).toContainText(fr["details.session_id"]);
    const shown = await page.locator("body").innerText();
    expect(englishLeftOver(shown, "fr")).toEqual([]);
  });
});

test.describe("in a Polish browser", () => {
  test.use({ locale: "pl-PL" });

  test("selected sessions are counted in Polish plural forms: 1, 2, 5 and 22", async ({ page, env }) => {
    const pl = catalog("pl");
    const others = Array.from({ length: 22 }, (_, i) => ({ id: `PL${String(i + 1).padStart(2, "0")}`, name: `Telefon ${i + 1}` }));
    const account = await createAccount(env.hsBase, others);
    await signInByForm(page, env, account);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("pl");
    await expect(page.getByRole("heading", { name: pl["other.title"] })).toBeVisible();
    const header = page.getByTestId("list-header-label");
    const select = async (n) => {
      for (const s of others.slice(0, n)) await page.getByTestId(`device-tile-checkbox-${s.id}`).check();
    };
    await select(1);
    await expect(header).toHaveText(fill(pl["list.selected.one"], { count: 1 }));
    await select(2);
    await expect(header).toHaveText(fill(pl["list.selected.few"], { count: 2 }));
    await select(5);
    await expect(header).toHaveText(fill(pl["list.selected.many"], { count: 5 }));
    await page.getByTestId("device-select-all-checkbox").check();
    await expect(header).toHaveText(fill(pl["list.selected.few"], { count: 22 }));
    await page.getByTestId("sign-out-selection-cta").click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText(fill(pl["sign_out.question.few"], { count: 22 }));
    await dialog.getByTestId("dialog-cancel-button").click();
    const shown = await page.locator("body").innerText();
    expect(englishLeftOver(shown, "pl")).toEqual([]);
  });
});

test.describe("in an Arabic browser", () => {
  test.use({ locale: "ar-EG" });

  for (const width of [320, 1280]) {
    test(`the page is mirrored at ${width} px, axe-clean, ids left to right`, async ({ page, env }) => {
      const ar = catalog("ar");
      await page.setViewportSize({ width, height: 900 });
      const account = await createAccount(env.hsBase, [
        { id: "PHONE", name: "هاتف العمل" },
        { id: "LAPTOP", name: "Work laptop" },
      ]);
      await page.goto(env.appUrl);
      await expect(page.getByRole("heading", { name: ar["login.title"] })).toBeVisible();
      expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
        "ar",
        "rtl",
      ]);
      await expectNoAxeViolations(page, `sign-in, Arabic, ${width} px`);
      await signInByForm(page, env, account);
      await expect(page.getByRole("heading", { name: ar["other.title"] })).toBeVisible();
      // The new session's name, stored on the server for every app to show,
      // carries no bidi control characters.
      const login = await storedLogin(page);
      const own = (await listDevices(env.hsBase, login.access_token)).find((d) => d.device_id === login.device_id);
      expect(own.display_name).toMatch(/\(.+\)$/);
      expect(own.display_name).not.toMatch(/[\u2066-\u2069]/);

      // Mirrored: a tile's checkbox is at its right, the name to its left.
      const tile = page.getByTestId("device-tile-LAPTOP");
      const box = await tile.getByTestId("device-tile-checkbox-LAPTOP").boundingBox();
      const name = await tile.getByText("Work laptop").boundingBox();
      expect(box.x).toBeGreaterThan(name.x + name.width - 1);
      // The menu opens inside the screen, towards the page's middle.
      await page.getByTestId("other-sessions-menu").click();
      const menu = await page.getByRole("menu").boundingBox();
      expect(menu.x).toBeGreaterThanOrEqual(0);
      expect(menu.x + menu.width).toBeLessThanOrEqual(width + 1);
      await page.keyboard.press("Escape");

      // Selecting two: the Arabic dual.
      await page.getByTestId("device-tile-checkbox-PHONE").check();
      await page.getByTestId("device-tile-checkbox-LAPTOP").check();
      await expect(page.getByTestId("list-header-label")).toHaveText(fill(ar["list.selected.two"], isolate({ count: 2 })));
      await page.getByTestId("cancel-selection-cta").click();

      // Ids, addresses and URLs stay left to right.
      await page.getByTestId("device-toggle-details-LAPTOP").click();
      const details = page.getByTestId("device-detail-LAPTOP");
      const id = details.getByText("LAPTOP", { exact: true });
      await expect(id).toHaveAttribute("dir", "ltr");
      expect(await id.evaluate((e) => getComputedStyle(e).direction)).toBe("ltr");
      const ip = details.getByText("127.0.0.1", { exact: true });
      await expect(ip).toHaveAttribute("dir", "ltr");

      // Nothing wider than the screen, no clipped text.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expectNoAxeViolations(page, `sessions, Arabic, details open, ${width} px`);
      const shown = await page.locator("body").innerText();
      expect(englishLeftOver(shown, "ar")).toEqual([]);
      if (width === 320) {
        await page.screenshot({ path: path.join(ROOT, ".test-run/screens/arabic-320.png"), fullPage: true });
      }
    });
  }
});

test.describe("choosing the language", () => {
  for (const [locale, lang, key] of [
    ["pt-BR", "pt-BR", "login.title"],
    ["fr-CA", "fr", "login.title"],
    ["es-MX", "es", "login.title"],
    ["it-IT", "it", "login.title"],
    ["nl-BE", "nl", "login.title"],
  ]) {
    test.describe(`a browser asking for ${locale}`, () => {
      test.use({ locale });
      test(`gets ${lang}`, async ({ page, env }) => {
        await page.goto(env.appUrl);
        await expect(page.getByRole("heading", { name: catalog(lang)[key] })).toBeVisible();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      });
    });
  }

  test("config.json can choose Polish for an English browser", async ({ page }) => {
    const app = await startStaticServer({ dist: path.join(ROOT, "dist"), config: { language: "pl" } });
    try {
      await page.goto(app.url);
      await expect(page.getByRole("heading", { name: catalog("pl")["login.title"] })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("pl");
    } finally {
      await app.close();
    }
  });

  test.describe("in a French browser", () => {
    test.use({ locale: "fr-FR" });

    for (const [what, answer] of [
      ["broken", { status: 200, contentType: "application/json", body: '{"login.title": "Connexion",' }],
      ["missing", { status: 404, contentType: "text/plain", body: "not found" }],
    ]) {
      test(`a ${what} catalog leaves the page in English, with no error screen`, async ({ page, env }) => {
        const warnings = [];
        page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
        await page.route(/\/i18n-fr-[0-9a-f]{16}\.json$/, (route) => route.fulfill(answer));
        await page.goto(env.appUrl);
        await expect(page.getByRole("heading", { name: EN["login.title"] })).toBeVisible();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
        await expect(page.getByTestId("config-error")).toHaveCount(0);
        await expect(page.getByTestId("crash-screen")).toHaveCount(0);
        expect(warnings.join("\n")).toContain("showing English");
      });
    }
  });
});
