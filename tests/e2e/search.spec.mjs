// Search, sort and export of Other sessions, against the real Synapse.
import fs from "node:fs";
import { createAccount, expect, listedSessionIds, putAccountData, signIn, test } from "./fixtures.mjs";

test("search finds sessions by name, id and IP beyond the first 50; sort and export follow the list", async ({
  page,
  env,
}) => {
  test.setTimeout(120_000);
  // Created first, so least recently active: the last of 55, beyond the first 50 rows.
  const sessions = [{ id: "SPECIALONE", name: "Café tablet", ip: "198.51.100.77" }];
  for (let i = 1; i <= 54; i++) sessions.push({ id: `BULK${String(i).padStart(2, "0")}`, name: `Laptop ${i}` });
  const account = await createAccount(env.hsBase, sessions);
  // One session names its application (Element's client-information event).
  await putAccountData(env.hsBase, account.logins.BULK07, "io.element.matrix_client_information.BULK07", {
    name: "FluffyChat",
    version: "1.20",
    url: "https://fluffychat.im/web/",
  });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("device-tile-BULK54")).toBeVisible();
  await expect(page.getByTestId("device-tile-SPECIALONE")).toHaveCount(0);

  const search = page.getByRole("searchbox", { name: "Search sessions" });
  for (const query of ["cafe", "CAFÉ", "specialone", "198.51.100.77", "tablet café"]) {
    await search.fill(query);
    await expect(page.getByTestId("device-tile-SPECIALONE")).toBeVisible();
    expect(await listedSessionIds(page)).toEqual(["SPECIALONE"]);
    await expect(page.getByTestId("session-search-count")).toHaveText("1 of 55 sessions");
  }
  expect(new URL(page.url()).searchParams.get("q")).toBe("tablet café");
  // By application name and by its address.
  for (const query of ["fluffychat", "fluffychat.im/web"]) {
    await search.fill(query);
    await expect.poll(() => listedSessionIds(page)).toEqual(["BULK07"]);
  }
  await search.fill("tablet café");
  // Select all selects exactly what the search shows.
  await page.getByTestId("device-select-all-checkbox").check();
  await expect(page.getByTestId("sign-out-selection-cta")).toBeVisible();
  await expect(page.getByText("1 session selected")).toBeVisible();
  await page.getByTestId("cancel-selection-cta").click();

  await search.fill("nothing like this");
  await expect(page.getByTestId("search-empty")).toHaveText("No sessions match “nothing like this”. Clear search");
  await page.getByTestId("search-clear").click();
  await expect(search).toHaveValue("");
  await expect(search).toBeFocused();
  await expect(page.getByTestId("device-tile-BULK54")).toBeVisible();

  // Sort by name, locale-aware with numbers by value; kept in the address.
  await page.getByLabel("Sort by").selectOption("name");
  await expect.poll(async () => (await listedSessionIds(page)).slice(0, 3)).toEqual(["SPECIALONE", "BULK01", "BULK02"]);
  expect(new URL(page.url()).searchParams.get("sort")).toBe("name");
  await page.reload();
  await expect(page.getByLabel("Sort by")).toHaveValue("name");
  await expect.poll(async () => (await listedSessionIds(page)).slice(0, 2)).toEqual(["SPECIALONE", "BULK01"]);

  // Export: JSON and CSV hold every listed session.
  await search.fill("laptop");
  for (const [item, parse] of [
    ["Export as JSON", (text) => JSON.parse(text)],
    ["Export as CSV", (text) => text.trim().split("\r\n").slice(1)],
  ]) {
    await page.getByTestId("export-button").click();
    const downloadPromise = page.waitForEvent("download");
    await page.getByRole("menuitem", { name: item }).click();
    const download = await downloadPromise;
    const records = parse(fs.readFileSync(await download.path(), "utf8"));
    expect(records).toHaveLength(54);
    if (item === "Export as JSON") {
      expect(records[0]).toMatchObject({ name: "Laptop 1", session_id: "BULK01", verification: expect.any(String) });
      expect(records[0].last_activity).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  }
  await expect(page.getByTestId("announcement")).toHaveText("The list was saved as a file.");
});
