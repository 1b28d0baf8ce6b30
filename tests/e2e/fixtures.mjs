// Shared helpers for the end-to-end specs: the run's environment, fresh
// accounts on the real Synapse, and the sign-in journey.
import fs from "node:fs";
import { test as base, expect } from "@playwright/test";
import { ENV_FILE } from "../support/global-setup.mjs";
import { loginDevice, matrixCall, registerUser, touch } from "../support/synapse.mjs";

export { expect };
export { createPusher } from "../support/seed.mjs";

export function readEnv() {
  return JSON.parse(fs.readFileSync(ENV_FILE, "utf8"));
}

let counter = 0;
/** A username no other test uses. */
export function uniqueName(prefix = "user") {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid}${counter}`.toLowerCase();
}

/**
 * A fresh account on `hsBase` with other sessions `{ id, name, ip? }`; each
 * is used once, in order, so their last activity is recent and ascending.
 */
export async function createAccount(hsBase, sessions = [], { password = "correct horse" } = {}) {
  const username = uniqueName();
  const { userId } = await registerUser(hsBase, username, password);
  const logins = {};
  for (const s of sessions) {
    logins[s.id] = await loginDevice(hsBase, username, password, { deviceId: s.id, displayName: s.name });
    if (s.ip !== null) await touch(hsBase, logins[s.id], s.ip ?? "127.0.0.1");
    await new Promise((r) => setTimeout(r, 5));
  }
  return { username, password, userId, logins };
}

/** Fills the sign-in form and waits for the Sessions page. */
export async function signIn(page, { appUrl, homeserver, username, password }) {
  await page.goto(appUrl);
  await page.getByLabel("Homeserver").fill(homeserver);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-session-section")).toBeVisible();
}

/**
 * Local-storage keys as the app writes them (src/web/storage.rs), for an app
 * served at `scope` (its base path; the shared test server serves it at /).
 */
export const keys = {
  login: (scope = "/") => `matrix-sessions[${scope}]:login:v1`,
  identity: (homeserver, userId, scope = "/") => `matrix-sessions[${scope}]:account:${homeserver} ${userId} identity:v1`,
  ssoPending: (scope = "/") => `matrix-sessions[${scope}]:sso-pending:v1`,
};

/** The stored login, as the app keeps it in local storage. */
export async function storedLogin(page, scope = "/") {
  const raw = await page.evaluate((key) => localStorage.getItem(key), keys.login(scope));
  return raw ? JSON.parse(raw) : null;
}

/** The identity (master key) the app remembers for an account, or null. */
export async function pinnedIdentity(page, homeserver, userId) {
  const raw = await page.evaluate((key) => localStorage.getItem(key), keys.identity(homeserver, userId));
  return raw ? JSON.parse(raw).master_key : null;
}

/** Session ids in the order the Other sessions list shows them (visible rows only). */
export async function listedSessionIds(page) {
  const ids = await page
    .getByTestId("other-sessions-section")
    .locator('[data-testid^="device-tile-"]:not([data-testid^="device-tile-checkbox-"])')
    .evaluateAll((tiles) =>
      // Rows a filter hides stay in the page, hidden.
      tiles.filter((t) => !t.closest("[hidden]")).map((t) => t.dataset.testid.replace("device-tile-", "")),
    );
  return ids;
}

/**
 * The page's requests of `method` whose URL matches `pattern`, as they are
 * sent: `{ url, body, auth }` (auth: the Authorization header), or what
 * `map` makes of each. The one request counter of the specs.
 */
export function recordRequests(page, method, pattern, map = (r) => r) {
  const seen = [];
  page.on("request", (r) => {
    if (r.method() === method && pattern.test(r.url())) {
      seen.push(map({ url: r.url(), body: r.postData(), auth: r.headers().authorization ?? null }));
    }
  });
  return seen;
}

export const test = base.extend({
  env: async ({}, use) => {
    await use(readEnv());
  },
  /**
   * Signs in to one of the shared fixture accounts (`env.ordered`, whose
   * sessions carry seeded activity) and signs that session out again after
   * the test, so tests that read the account see only its seeded sessions.
   */
  signInShared: async ({ env }, use) => {
    const signedIn = [];
    await use(async (page, account, { fill } = {}) => {
      if (fill) await fill(page, account);
      else await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });
      const login = await storedLogin(page);
      if (login) signedIn.push(login.access_token);
      return login;
    });
    for (const token of signedIn) {
      await matrixCall(env.hsBase, "POST", "/_matrix/client/v3/logout", { token, body: {} }).catch(() => {});
    }
  },
});

/** PUT global account data as `login` (a session of the account). */
export async function putAccountData(hsBase, login, type, content) {
  const user = encodeURIComponent(login.userId);
  await matrixCall(hsBase, "PUT", `/_matrix/client/v3/user/${user}/account_data/${encodeURIComponent(type)}`, {
    token: login.accessToken,
    body: content,
  });
}

/** GET global account data, or null when there is none. */
export async function getAccountData(hsBase, login, type) {
  const user = encodeURIComponent(login.userId);
  try {
    return await matrixCall(hsBase, "GET", `/_matrix/client/v3/user/${user}/account_data/${encodeURIComponent(type)}`, {
      token: login.accessToken,
    });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

export async function getPushers(hsBase, token) {
  return (await matrixCall(hsBase, "GET", "/_matrix/client/v3/pushers", { token })).pushers;
}

/** Polls `check` until it returns a truthy value (server-side effects). */
export async function eventually(check, { timeout = 10_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, interval));
  }
}
