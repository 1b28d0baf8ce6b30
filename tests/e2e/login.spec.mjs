// Signing in: by URL, by server name, and every way it can fail.
import net from "node:net";
import path from "node:path";
import { createAccount, expect, signIn, storedLogin, test, uniqueName } from "./fixtures.mjs";
import { freePort, registerUser, startSynapse } from "../support/synapse.mjs";
import { RUN_DIR } from "../support/global-setup.mjs";

test("signs in with a homeserver URL and shows this session as the current one", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  await signIn(page, { appUrl: env.appUrl, homeserver: env.hsBase, ...account });

  const login = await storedLogin(page);
  expect(login.user_id).toBe(account.userId);
  const current = page.getByTestId("current-session-section");
  await expect(current.getByTestId(`device-tile-${login.device_id}`)).toBeVisible();
  // The new session is named after this app and the browser.
  await expect(current.getByRole("heading", { name: "Session Manager (Chrome on Linux)" })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(`Signed in as ${account.userId}`);
  // Asked for a refresh token; the server gave one.
  expect(login.refresh_token).toBeTruthy();
  expect(login.expires_at_ms).toBeGreaterThan(Date.now());
  // No other sessions: the section is hidden.
  await expect(page.getByTestId("other-sessions-section")).toHaveCount(0);
});

test("accepts a full user id as username", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  await signIn(page, {
    appUrl: env.appUrl,
    homeserver: env.hsBase,
    username: account.userId,
    password: account.password,
  });
  expect((await storedLogin(page)).user_id).toBe(account.userId);
});

test("resolves a server name through /.well-known/matrix/client", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  // The app's own web server publishes a well-known pointing at Synapse.
  const serverName = new URL(env.appOrigin).host;
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(serverName);
  await page.getByLabel("Homeserver").blur();
  await expect(page.getByText(`Matrix homeserver at ${env.hsBase}`)).toBeVisible();
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-session-section")).toBeVisible();
  expect((await storedLogin(page)).homeserver).toBe(env.hsBase);
});

test("a wrong password shows an alert and keeps homeserver and username", async ({ page, env }) => {
  const account = await createAccount(env.hsBase);
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(env.hsBase);
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
  await expect(page.getByLabel("Homeserver")).toHaveValue(env.hsBase);
  await expect(page.getByLabel("Username")).toHaveValue(account.username);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  expect(await storedLogin(page)).toBeNull();

  // Correcting the password then works in the same form.
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-session-section")).toBeVisible();
});

test("an unknown user gets the same alert", async ({ page, env }) => {
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(env.hsBase);
  await page.getByLabel("Username").fill(uniqueName("nobody"));
  await page.getByLabel("Password").fill("whatever");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
});

test("an unreachable homeserver shows an alert", async ({ page, env }) => {
  const closedPort = await freePort();
  const address = `http://127.0.0.1:${closedPort}`;
  await page.goto(env.appUrl);
  await page.getByLabel("Homeserver").fill(address);
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("secret");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    `Couldn't reach ${address}. Check the address and your connection.`,
  );
  await expect(page.getByLabel("Homeserver")).toHaveValue(address);
  await expect(page.getByLabel("Username")).toHaveValue("alice");
});

test("a web server that is not a Matrix homeserver is named as such", async ({ page, env }) => {
  await page.goto(env.appUrl);
  // The app's own web server answers, but not with the Matrix API.
  await page.getByLabel("Homeserver").fill(env.appOrigin);
  await page.getByLabel("Homeserver").blur();
  await expect(page.getByRole("alert")).toHaveText(`${env.appOrigin} answered, but it isn't a Matrix homeserver.`);
});

test("a homeserver that never answers times out with a message", async ({ page, env }) => {
  test.setTimeout(60_000);
  // Accepts connections and never replies.
  const sockets = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const address = `http://127.0.0.1:${server.address().port}`;
  try {
    await page.goto(env.appUrl);
    await page.getByLabel("Homeserver").fill(address);
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("secret");
    const started = Date.now();
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Signing in…" })).toBeDisabled();
    await expect(page.getByRole("alert")).toHaveText(`${address} didn't answer within 15 seconds.`, {
      timeout: 25_000,
    });
    expect(Date.now() - started).toBeGreaterThan(14_000);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
  }
});

test.describe("with Synapse's default login rate limits", () => {
  let strict;
  test.beforeAll(async () => {
    // A second real Synapse that keeps Synapse's default rc_login limits.
    strict = await startSynapse({
      dataDir: path.join(RUN_DIR, `synapse-strict-${process.pid}`),
      overrides: { rc_login: { failed_attempts: { per_second: 0.01, burst_count: 2 } } },
    });
  });
  test.afterAll(async () => {
    await strict?.stop();
  });

  test("too many attempts show when to try again", async ({ page, env }) => {
    const username = uniqueName();
    await registerUser(strict.base, username, "right password");
    await page.goto(env.appUrl);
    await page.getByLabel("Homeserver").fill(strict.base);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("wrong password");
    const signInButton = page.getByRole("button", { name: "Sign in" });
    await signInButton.click();
    await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
    await signInButton.click();
    await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
    await signInButton.click();
    await expect(page.getByRole("alert")).toHaveText(/^Too many attempts\. Try again in \d+ seconds\.$/);
    await expect(page.getByLabel("Username")).toHaveValue(username);
  });
});
