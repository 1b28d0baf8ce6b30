// Verification computed from the account's real published keys, security
// recommendations, filters, and the identity-change warning.
import { createAccount, expect, listedSessionIds, pinnedIdentity, signIn, storedLogin, test } from "./fixtures.mjs";
import {
  crossSignDevice,
  deviceKeys,
  newKeyPair,
  uploadCrossSigning,
  uploadDeviceKeys,
} from "../support/keys.mjs";

/**
 * An account with: VERIFIED (cross-signed), UNSIGNED (keys, no
 * cross-signature), STALE (cross-signed, then re-uploaded keys), NOKEYS.
 */
async function trustAccount(env) {
  const account = await createAccount(env.hsBase, [
    { id: "VERIFIED", name: "Element Desktop" },
    { id: "UNSIGNED", name: "Element Android" },
    { id: "STALE", name: "Old phone" },
    { id: "NOKEYS", name: "backup-bot" },
  ]);
  const { VERIFIED, UNSIGNED, STALE } = account.logins;
  const keys = {};
  for (const login of [VERIFIED, UNSIGNED, STALE]) {
    keys[login.deviceId] = deviceKeys(login, newKeyPair());
    await uploadDeviceKeys(env.hsBase, login, keys[login.deviceId]);
  }
  const cs = await uploadCrossSigning(env.hsBase, VERIFIED);
  await crossSignDevice(env.hsBase, VERIFIED, keys.VERIFIED, cs.selfSigning);
  await crossSignDevice(env.hsBase, VERIFIED, keys.STALE, cs.selfSigning);
  // New device keys for STALE: its old cross-signature stays attached, but
  // no longer matches what it signed.
  await uploadDeviceKeys(env.hsBase, STALE, deviceKeys(STALE, newKeyPair()));
  return { account, cs, keys };
}

const verificationOf = (page, id) => page.getByTestId(`device-tile-${id}`).getByTestId("device-metadata-isVerified");

test("shows Verified, Unverified and No encryption as the keys really are", async ({ page, env }) => {
  const { account } = await trustAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Verified");
  await expect(verificationOf(page, "UNSIGNED")).toHaveText("Unverified");
  await expect(verificationOf(page, "STALE")).toHaveText("Unverified");
  await expect(verificationOf(page, "NOKEYS")).toHaveText("No encryption");
  await expect(page.getByTestId("device-tile-VERIFIED").getByRole("img", { name: "Verified" })).toBeVisible();
  await expect(page.getByTestId("device-tile-NOKEYS").getByRole("img", { name: "No encryption" })).toBeVisible();

  // This app's own session never has keys: a neutral explanation, not a warning.
  const own = (await storedLogin(page)).device_id;
  const currentCard = page.getByTestId("current-session-section").getByTestId("device-verification-card");
  await expect(currentCard).toContainText("No encryption");
  await expect(currentCard).toContainText("This session doesn't support encryption and can't be verified.");
  await expect(verificationOf(page, own)).toHaveText("No encryption");

  // Details cards say the same in words.
  await page.getByTestId("device-toggle-details-STALE").click();
  await expect(page.getByTestId("device-detail-STALE").getByTestId("device-verification-card")).toContainText(
    "Unverified session",
  );
  await page.getByTestId("device-toggle-details-VERIFIED").click();
  await expect(page.getByTestId("device-detail-VERIFIED").getByTestId("device-verification-card")).toContainText(
    "This session is ready for secure messaging.",
  );
  await expect(page.getByTestId("cross-signing-missing")).toHaveCount(0);
});

test("the unverified recommendation counts exactly what View all shows", async ({ page, env }) => {
  const { account } = await trustAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  const section = page.getByTestId("security-recommendations-section");
  await expect(section.getByTestId("unverified-devices-cta")).toHaveText("View all (2)");
  // Selecting, then View all: the filter changes and the selection is cleared.
  await page.getByTestId("device-tile-checkbox-VERIFIED").check();
  await section.getByTestId("unverified-devices-cta").click();
  await expect(page.locator("#device-list-filter")).toContainText("Show: Unverified");
  expect((await listedSessionIds(page)).sort()).toEqual(["STALE", "UNSIGNED"]);
  await expect(page.getByTestId("list-header-label")).toHaveText("Sessions");
  await expect(page.getByTestId("filter-card")).toContainText("Unverified sessions");
  expect(new URL(page.url()).searchParams.get("filter")).toBe("unverified");
  await expect(page.getByRole("heading", { name: "Other sessions" })).toBeInViewport();

  // The filter survives a reload (it lives in the address).
  await page.reload();
  await expect(page.locator("#device-list-filter")).toContainText("Show: Unverified");
  await expect(page.getByTestId("device-tile-STALE")).toBeVisible();
  expect((await listedSessionIds(page)).sort()).toEqual(["STALE", "UNSIGNED"]);
});

test("filters by Verified, No encryption and Inactive, with Show all when empty", async ({ page, env }) => {
  const { account } = await trustAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Verified");
  const choose = async (label, testid) => {
    await page.locator("#device-list-filter").click();
    const option = page.getByTestId(testid);
    await expect(option).toContainText(label);
    await option.click();
  };
  await choose("Verified", "filter-option-Verified");
  expect(await listedSessionIds(page)).toEqual(["VERIFIED"]);
  await choose("No encryption", "filter-option-NoEncryption");
  expect(await listedSessionIds(page)).toEqual(["NOKEYS"]);
  await page.locator("#device-list-filter").click();
  await expect(page.getByRole("menuitemradio", { name: /No encryption/ })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Escape");
  await choose("Inactive", "filter-option-Inactive");
  await expect(page.getByTestId("devices-empty")).toContainText("No inactive sessions found.");
  await page.getByTestId("devices-clear-filter-btn").click();
  await expect(page.locator("#device-list-filter")).toContainText("Show: All");
  expect((await listedSessionIds(page)).length).toBe(4);
  expect(new URL(page.url()).searchParams.get("filter")).toBeNull();
});

test("an inactive session is listed under Inactive with its date", async ({ page, env, signInShared }) => {
  // The fixture account has a session last seen 500 days ago (set in Synapse's database).
  await signInShared(page, env.ordered);
  const cta = page.getByTestId("inactive-devices-cta");
  await expect(cta).toHaveText("View all (1)");
  await cta.click();
  expect(await listedSessionIds(page)).toEqual(["OLD"]);
  const tile = page.getByTestId("device-tile-OLD");
  await expect(tile.getByTestId("device-metadata-inactive")).toHaveText(
    /^Inactive for 90\+ days \([A-Z][a-z]{2} \d{1,2}, \d{4}\)$/,
  );
  await expect(tile.getByTestId("device-metadata-lastActivity")).toHaveCount(0);
  await expect(tile.getByTestId("device-metadata-lastSeenIp")).toHaveText("192.0.2.10");
  // No keys anywhere on this account: no unverified warnings.
  await expect(page.getByTestId("unverified-devices-cta")).toHaveCount(0);
});

test("a browser that cannot check Ed25519 signatures says so and judges nothing", async ({ page, env }) => {
  const { account } = await trustAccount(env);
  // As a browser without Ed25519 in WebCrypto answers.
  await page.addInitScript(() => {
    const importKey = SubtleCrypto.prototype.importKey;
    SubtleCrypto.prototype.importKey = function (format, data, algorithm, ...rest) {
      const name = typeof algorithm === "string" ? algorithm : algorithm?.name;
      if (name === "Ed25519" && format === "raw") {
        return Promise.reject(new DOMException("Algorithm: Unrecognized name", "NotSupportedError"));
      }
      return importKey.call(this, format, data, algorithm, ...rest);
    };
  });
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("load-error")).toContainText(
    "Some details couldn't be loaded: verification (this browser can't check signatures).",
  );
  await expect(page.getByTestId("device-tile-UNSIGNED")).toBeVisible();
  for (const id of ["VERIFIED", "UNSIGNED", "STALE"]) await expect(verificationOf(page, id)).toHaveCount(0);
  await expect(page.getByTestId("unverified-devices-cta")).toHaveCount(0);
  await expect(page.getByTestId("cross-signing-missing")).toHaveCount(0);
  // The current session's card gives no false reason (cross-signing is set up).
  await expect(page.getByTestId("current-session-section").getByTestId("device-verification-card")).toContainText(
    "its keys couldn't be loaded or checked here",
  );
});

test("without cross-signing there is one explanation, not a warning per session", async ({ page, env }) => {
  const account = await createAccount(env.hsBase, [{ id: "KEYED", name: "Element Web" }]);
  await uploadDeviceKeys(env.hsBase, account.logins.KEYED, deviceKeys(account.logins.KEYED, newKeyPair()));
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(page.getByTestId("cross-signing-missing")).toContainText("has not set up cross-signing");
  await expect(page.getByTestId("device-tile-KEYED")).toBeVisible();
  await expect(verificationOf(page, "KEYED")).toHaveCount(0);
  await expect(page.getByTestId("security-recommendations-section")).toHaveCount(0);
});

test("a replaced master key raises the identity warning until accepted", async ({ page, env }) => {
  const { account, keys } = await trustAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Verified");
  await expect(page.getByTestId("identity-changed-warning")).toHaveCount(0);
  const pinned = await pinnedIdentity(page, env.hsBase, account.userId);
  expect(pinned).toBeTruthy();

  // Someone replaces the account's cross-signing keys (needs the password).
  const replaced = await uploadCrossSigning(env.hsBase, account.logins.UNSIGNED, { password: account.password });
  // ...and signs a session with them: a valid chain under the new identity,
  // which must still not count as Verified until the user accepts it.
  await crossSignDevice(env.hsBase, account.logins.UNSIGNED, keys.VERIFIED, replaced.selfSigning);
  await page.reload();
  const warning = page.getByTestId("identity-changed-warning");
  await expect(warning).toBeVisible();
  await expect(warning).toHaveAttribute("role", "alert");
  await expect(page.getByTestId("device-tile-VERIFIED").getByTestId("device-metadata-isVerified")).toHaveText(
    "Unverified",
  );
  await page.getByTestId("identity-accept").click();
  await expect(warning).toHaveCount(0);
  await expect(verificationOf(page, "VERIFIED")).toHaveText("Verified");
  const accepted = await pinnedIdentity(page, env.hsBase, account.userId);
  expect(accepted).toBe(replaced.master.publicKey);
  expect(accepted).not.toBe(pinned);
});

test("changing the filter clears the selection", async ({ page, env }) => {
  const { account } = await trustAccount(env);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
  await page.getByTestId("device-tile-checkbox-NOKEYS").check();
  await expect(page.getByTestId("list-header-label")).toHaveText("1 session selected");
  await page.getByTestId("cancel-selection-cta").click();
  await page.getByTestId("device-tile-checkbox-UNSIGNED").check();
  await page.getByTestId("device-tile-checkbox-STALE").check();
  // With a selection, the header shows the bulk actions instead of the filter.
  await expect(page.locator("#device-list-filter")).toHaveCount(0);
  await page.getByTestId("cancel-selection-cta").click();
  await page.getByTestId("device-tile-checkbox-STALE").check();
  await page.getByTestId("unverified-devices-cta").click();
  await expect(page.getByTestId("list-header-label")).toHaveText("Sessions");
  await expect(page.getByTestId("device-tile-checkbox-STALE")).not.toBeChecked();
});
