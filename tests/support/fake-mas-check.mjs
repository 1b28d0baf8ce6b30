// Proves the fake MAS against a REAL Synapse 1.163 in MAS mode, with plain
// HTTP the way a browser client would do it (the authorize page's form is
// read and posted back; redirects are read, not followed). Each line printed
// is one behaviour asserted; any failure throws and exits non-zero.
// Run: node tests/support/fake-mas-check.mjs   (about 6 s)
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startFakeMas, masSynapseOverrides } from "./fake-mas.mjs";
import { ROOT, startSynapse, sleep } from "./synapse.mjs";

const started = Date.now();
const step = (msg) => console.log(`ok  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s  ${msg}`);
const b64url = (buf) => buf.toString("base64url");
const randomDevice = () => `FAKEMAS${crypto.randomBytes(5).toString("hex").toUpperCase()}`;
const PAGE = "http://127.0.0.1:8765"; // never served: the check reads redirects, it does not follow them
const REDIRECT = `${PAGE}/callback`;
const SECRET = crypto.randomBytes(24).toString("hex");

async function http(method, url, { json, form, token, headers = {} } = {}) {
  const res = await fetch(url, {
    method,
    redirect: "manual",
    headers: {
      ...headers,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
    },
    body: json !== undefined ? JSON.stringify(json) : form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, text, body };
}

// Reads the stand-in's sign-in form the way a browser would see it.
function readForm(html) {
  const action = html.match(/<form method="POST" action="([^"]+)"/)?.[1];
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );
  return { action, hidden };
}
const fragmentOf = (location) => new URLSearchParams(new URL(location).hash.slice(1));
const callbackParams = (location) => {
  const url = new URL(location);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
};

// A fresh homeserver each run: device and user state must not leak between runs.
const dataDir = path.join(ROOT, ".test-run", "fake-mas-check");
fs.rmSync(dataDir, { recursive: true, force: true });

const mas = await startFakeMas({ secret: SECRET });
let synapse;
try {
  synapse = await startSynapse({ dataDir, overrides: masSynapseOverrides(mas.base, SECRET) });
  mas.setSynapse(synapse.base);
  const hs = (p) => `${synapse.base}/_matrix/client${p}`;
  step(`Synapse ${synapse.base} started in MAS mode against the stand-in at ${mas.base}`);

  // ------------------------------------------------------------ discovery
  const meta = await http("GET", hs("/v1/auth_metadata"));
  assert.equal(meta.status, 200);
  assert.equal(meta.body.issuer, mas.issuer);
  assert.equal(meta.body.account_management_uri, `${mas.base}/account/`);
  assert.ok(meta.body.account_management_actions_supported.includes("org.matrix.device_delete"));
  assert.ok(meta.body.account_management_actions_supported.includes("org.matrix.session_end"));
  step("Synapse serves the stand-in's metadata at /_matrix/client/v1/auth_metadata");
  const login = await http("GET", hs("/v3/login"));
  assert.equal(login.status, 404);
  assert.equal(login.body.errcode, "M_UNRECOGNIZED");
  const adminRegister = await http("GET", `${synapse.base}/_synapse/admin/v1/register`);
  assert.equal(adminRegister.status, 404, "shared-secret registration is not served in MAS mode");
  step(`GET /v3/login → 404 M_UNRECOGNIZED; GET /_synapse/admin/v1/register → ${adminRegister.status} (no shared-secret registration in MAS mode)`);

  await mas.addUser("alice", "alice-password", { displayName: "Alice" });
  const profile = await http("GET", hs("/v3/profile/@alice:localhost"));
  assert.equal(profile.body.displayname, "Alice");
  step("addUser provisions @alice:localhost in Synapse (provision_user), display name set");

  // --------------------------------------------------------- registration
  const clientMetadata = {
    client_name: "Check client",
    client_uri: `${PAGE}/`,
    redirect_uris: [REDIRECT],
    application_type: "web",
    token_endpoint_auth_method: "none",
    response_types: ["code"],
    grant_types: ["authorization_code", "refresh_token"],
  };
  const reg = await http("POST", `${mas.base}/oauth2/registration`, { json: clientMetadata });
  assert.equal(reg.status, 201);
  assert.match(reg.body.client_id, /^[0-9A-Z]{26}$/);
  assert.equal(reg.headers.get("access-control-allow-origin"), "*");
  const clientId = reg.body.client_id;
  const again = await http("POST", `${mas.base}/oauth2/registration`, {
    json: { ...clientMetadata, grant_types: ["refresh_token", "authorization_code"] },
  });
  assert.equal(again.body.client_id, clientId);
  step(`registered public client ${clientId}; identical metadata (any order) → same client_id`);

  mas.setRegistrationPolicy({ allowInsecureUris: false });
  let r = await http("POST", `${mas.base}/oauth2/registration`, { json: clientMetadata });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, { error: "invalid_redirect_uri", error_description: "invalid client_uri; invalid redirect_uri" });
  r = await http("POST", `${mas.base}/oauth2/registration`, {
    json: { ...clientMetadata, client_uri: "https://app.example.org/", redirect_uris: ["https://app.example.org/cb"] },
  });
  assert.equal(r.status, 201);
  r = await http("POST", `${mas.base}/oauth2/registration`, {
    json: { ...clientMetadata, client_uri: "https://app.example.org/", redirect_uris: ["https://evil.example.net/cb"] },
  });
  assert.deepEqual(r.body, { error: "invalid_redirect_uri", error_description: "invalid redirect_uri" });
  mas.setRegistrationPolicy({ allowInsecureUris: true });
  step("allowInsecureUris=false: http URIs → 400 invalid_redirect_uri \"invalid client_uri; invalid redirect_uri\"; foreign host refused; https accepted");
  r = await http("POST", `${mas.base}/oauth2/registration`, { json: { ...clientMetadata, redirect_uris: [`${REDIRECT}#x`] } });
  assert.equal(r.body.error, "invalid_redirect_uri");
  r = await http("POST", `${mas.base}/oauth2/registration`, { json: { ...clientMetadata, client_uri: undefined } });
  // Without client_uri no redirect host can match either, so MAS names both.
  assert.deepEqual(r.body, { error: "invalid_redirect_uri", error_description: "invalid redirect_uri; missing client_uri" });
  r = await http("POST", `${mas.base}/oauth2/registration`, { json: { ...clientMetadata, token_endpoint_auth_method: undefined } });
  assert.equal(r.body.error, "invalid_client_metadata");
  r = await http("POST", `${mas.base}/oauth2/registration`, { json: "not an object" });
  assert.equal(r.body.error, "invalid_request");
  step("fragment → invalid_redirect_uri; no client_uri → invalid_redirect_uri (\"invalid redirect_uri; missing client_uri\"); no auth method → refused (MAS would make it confidential)");

  // ------------------------------------------------------------ authorize
  function authorizeUrl({ scope, state = crypto.randomUUID(), challenge, mode = "fragment", client = clientId, redirect = REDIRECT, extra = {} }) {
    const u = new URL(`${mas.base}/authorize`);
    const params = { response_type: "code", client_id: client, redirect_uri: redirect, scope, state, response_mode: mode, code_challenge: challenge, code_challenge_method: "S256", ...extra };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return u;
  }
  const stableScope = (device) => `urn:matrix:client:api:* urn:matrix:client:device:${device}`;
  // Runs the browser part: GET /authorize, read the form, post it back.
  async function signIn({ scope, deviceId = randomDevice(), username = "alice", password = "alice-password", action = "continue", ...rest } = {}) {
    scope ??= stableScope(deviceId);
    const verifier = b64url(crypto.randomBytes(48));
    const challenge = b64url(crypto.createHash("sha256").update(verifier).digest());
    const state = crypto.randomUUID();
    const pageRes = await http("GET", authorizeUrl({ scope, state, challenge, ...rest }));
    assert.equal(pageRes.status, 200, pageRes.text);
    const { action: formAction, hidden } = readForm(pageRes.text);
    const posted = await http("POST", new URL(formAction, mas.base).href, {
      form: { ...hidden, username, password, action },
    });
    return { pageRes, posted, verifier, state, deviceId, scope };
  }
  async function exchange(code, verifier, { client = clientId, redirect = REDIRECT } = {}) {
    return http("POST", `${mas.base}/oauth2/token`, {
      form: { grant_type: "authorization_code", code, redirect_uri: redirect, client_id: client, code_verifier: verifier },
    });
  }
  async function fullSignIn(opts) {
    const s = await signIn(opts);
    assert.equal(s.posted.status, 303);
    const tokens = await exchange(callbackParams(s.posted.headers.get("location")).get("code"), s.verifier);
    assert.equal(tokens.status, 200, tokens.text);
    return { ...s, ...tokens.body };
  }

  r = await http("GET", authorizeUrl({ scope: stableScope(randomDevice()), challenge: "x", client: "01UNKNOWNCLIENT00000000000" }));
  assert.equal(r.status, 400);
  assert.equal(r.headers.get("location"), null);
  assert.match(r.text, /could not find client/);
  r = await http("GET", authorizeUrl({ scope: stableScope(randomDevice()), challenge: "x", redirect: `${PAGE}/elsewhere` }));
  assert.equal(r.status, 400);
  assert.equal(r.headers.get("location"), null);
  step("authorize: unknown client and unregistered redirect_uri → 400 HTML page, no redirect");
  r = await http("GET", authorizeUrl({ scope: stableScope(randomDevice()), challenge: "x", extra: { response_type: "token" } }));
  assert.equal(r.status, 303);
  assert.equal(fragmentOf(r.headers.get("location")).get("error"), "unsupported_response_type");
  r = await http("GET", authorizeUrl({ scope: stableScope(randomDevice()), challenge: undefined }));
  assert.equal(fragmentOf(r.headers.get("location")).get("error"), "invalid_request");
  step("authorize: response_type=token → unsupported_response_type, no PKCE → invalid_request (both redirected, with state)");

  // The form a page (or Playwright) drives: labelled fields and both buttons.
  const first = await signIn({ password: "wrong" });
  for (const label of ['<label for="username">Username</label>', '<label for="password">Password</label>', ">Continue</button>", ">Deny</button>"])
    assert.ok(first.pageRes.text.includes(label), label);
  assert.equal(first.posted.status, 200);
  assert.match(first.posted.text, /role="alert">Invalid credentials/);
  step("sign-in form has Username/Password/Continue/Deny; a wrong password re-shows it with \"Invalid credentials\"");

  // ----------------------------------------------------- the happy path
  const a = await signIn();
  assert.equal(a.posted.status, 303);
  const cb = fragmentOf(a.posted.headers.get("location"));
  assert.equal(cb.get("state"), a.state);
  assert.match(cb.get("code"), /^[A-Za-z0-9]{32}$/);
  assert.equal(new URL(a.posted.headers.get("location")).search, "");
  step("sign-in → 303 to the redirect URI with state and code in the fragment");

  r = await exchange(cb.get("code"), b64url(crypto.randomBytes(48)));
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, { error: "invalid_grant", error_description: "PKCE verification failed: challenge verification failed" });
  r = await exchange(cb.get("code"), a.verifier, { redirect: `${PAGE}/other` });
  assert.equal(r.body.error, "invalid_grant");
  r = await exchange(cb.get("code"), a.verifier, { client: "01UNKNOWNCLIENT00000000000" });
  assert.deepEqual([r.status, r.body.error], [401, "invalid_client"]);
  step("token: wrong verifier → invalid_grant (PKCE…), other redirect_uri → invalid_grant, unknown client → 401 invalid_client");
  const tokensA = await exchange(cb.get("code"), a.verifier);
  assert.equal(tokensA.status, 200, tokensA.text);
  assert.equal(tokensA.headers.get("cache-control"), "no-store");
  assert.equal(tokensA.body.token_type, "Bearer");
  assert.equal(tokensA.body.expires_in, 300);
  assert.equal(tokensA.body.scope, a.scope);
  const A = tokensA.body;
  step("token: the right verifier then works (a failed PKCE check does not burn the code, as in MAS)");

  const who = await http("GET", hs("/v3/account/whoami"), { token: A.access_token });
  assert.equal(who.status, 200, who.text);
  assert.deepEqual([who.body.user_id, who.body.device_id], ["@alice:localhost", a.deviceId]);
  let devices = await http("GET", hs("/v3/devices"), { token: A.access_token });
  const deviceA = devices.body.devices.find((d) => d.device_id === a.deviceId);
  assert.equal(deviceA?.display_name, "Check client on Unknown device");
  step(`Synapse /whoami → @alice:localhost ${a.deviceId}; /devices lists it as "${deviceA.display_name}" (upsert_device at exchange)`);
  r = await http("PUT", hs(`/v3/devices/${a.deviceId}`), { token: A.access_token, json: { display_name: "Renamed" } });
  assert.equal(r.status, 200);
  r = await http("GET", hs(`/v3/devices/${a.deviceId}`), { token: A.access_token });
  assert.equal(r.body.display_name, "Renamed");
  r = await http("POST", hs("/v3/delete_devices"), { token: A.access_token, json: { devices: [a.deviceId] } });
  assert.deepEqual([r.status, r.body.errcode], [404, "M_UNRECOGNIZED"]);
  r = await http("DELETE", hs(`/v3/devices/${a.deviceId}`), { token: A.access_token, json: {} });
  assert.deepEqual([r.status, r.body.errcode], [404, "M_UNRECOGNIZED"]);
  step("PUT /devices/{id} renames; POST /delete_devices and DELETE /devices/{id} → 404 M_UNRECOGNIZED");

  // ---------------------------------------------------------- code reuse
  r = await exchange(cb.get("code"), a.verifier);
  assert.equal(r.body.error, "invalid_grant");
  assert.equal(mas.introspect(A.access_token).active, true);
  step("reused code within MAS's 20 s grace → invalid_grant, the first session stays alive");
  const b = await signIn();
  const codeB = fragmentOf(b.posted.headers.get("location")).get("code");
  const tokensB = (await exchange(codeB, b.verifier)).body;
  mas.config.codeReuseGraceSeconds = 0;
  await sleep(5);
  r = await exchange(codeB, b.verifier);
  assert.equal(r.body.error, "invalid_grant");
  assert.equal(mas.introspect(tokensB.access_token).active, false);
  r = await http("POST", `${mas.base}/oauth2/token`, { form: { grant_type: "refresh_token", refresh_token: tokensB.refresh_token, client_id: clientId } });
  assert.equal(r.body.error, "invalid_grant");
  mas.config.codeReuseGraceSeconds = 20;
  step("reused code after the grace → invalid_grant and the session it issued is ended (tokens inactive, refresh refused)");

  mas.config.codeTtlSeconds = 1;
  const c = await signIn();
  await sleep(1100);
  r = await exchange(fragmentOf(c.posted.headers.get("location")).get("code"), c.verifier);
  assert.equal(r.body.error, "invalid_grant");
  mas.config.codeTtlSeconds = 600;
  step("expired code → invalid_grant");

  // ------------------------------------------------------------- refresh
  const refresh = (token) =>
    http("POST", `${mas.base}/oauth2/token`, { form: { grant_type: "refresh_token", refresh_token: token, client_id: clientId } });
  r = await refresh(A.refresh_token);
  assert.equal(r.status, 200, r.text);
  const A1 = r.body;
  assert.notEqual(A1.refresh_token, A.refresh_token);
  assert.equal(mas.introspect(A.access_token).active, false);
  r = await http("GET", hs("/v3/account/whoami"), { token: A1.access_token });
  assert.equal(r.body.device_id, a.deviceId);
  r = await refresh(A.refresh_token);
  assert.equal(r.body.error, "invalid_grant");
  step("refresh rotates (new refresh token, old access token inactive at the AS); once the new access token is used, the old refresh token → invalid_grant");
  const cached = await http("GET", hs("/v3/account/whoami"), { token: A.access_token });
  assert.equal(cached.status, 200, "Synapse caches introspection answers (synapse/api/auth/mas.py)");
  step(`Synapse still accepts the rotated-away access token it had introspected: /whoami → ${cached.status} (introspection cache, 2 min)`);
  r = await refresh(A1.refresh_token);
  const A2 = r.body;
  r = await refresh(A1.refresh_token);
  assert.equal(r.status, 200, "MAS's double-refresh allowance");
  const A3 = r.body;
  assert.equal(mas.introspect(A2.access_token).active, false);
  r = await refresh(A2.refresh_token);
  assert.equal(r.body.error, "invalid_grant");
  step("double refresh (response lost, successor unused): the old refresh token works once more and the lost pair is revoked, as MAS does");

  // ------------------------------------------------- scope policy, consent
  const mixed = await signIn({ scope: `urn:matrix:client:api:* urn:matrix:org.matrix.msc2967.client:device:${randomDevice()}` });
  assert.equal(mixed.posted.status, 200);
  assert.match(mixed.posted.text, /request cannot mix unstable and stable scopes/);
  const cancel = mixed.posted.text.match(/<a href="([^"]+)">Cancel<\/a>/)[1].replaceAll("&#38;", "&");
  assert.equal(fragmentOf(cancel).get("error"), "access_denied");
  assert.equal(fragmentOf(cancel).get("state"), mixed.state);
  const short = await signIn({ deviceId: "SHORT" });
  assert.match(short.posted.text, /scope &#39;urn:matrix:client:device:SHORT&#39; not allowed/);
  step("mixed stable/unstable scopes and a too-short device id → MAS's policy-violation page after sign-in; its Cancel link carries error=access_denied");
  const denied = await signIn({ action: "deny" });
  assert.equal(denied.posted.status, 303);
  const deniedCb = fragmentOf(denied.posted.headers.get("location"));
  assert.deepEqual([deniedCb.get("error"), deniedCb.get("state")], ["access_denied", denied.state]);
  step("Deny → 303 to the client with error=access_denied and the state");
  const unstableDevice = randomDevice();
  const U = await fullSignIn({ deviceId: unstableDevice, scope: `urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:org.matrix.msc2967.client:device:${unstableDevice}`, mode: "query" });
  r = await http("GET", hs("/v3/account/whoami"), { token: U.access_token });
  assert.equal(r.body.device_id, unstableDevice);
  step("unstable scope names (and response_mode=query) work end to end");

  // Synapse's cache keeps the answer, but not past the token's expires_in.
  mas.config.accessTokenTtlSeconds = 2;
  const short2 = await fullSignIn();
  mas.config.accessTokenTtlSeconds = 300;
  assert.equal(short2.expires_in, 2);
  assert.equal((await http("GET", hs("/v3/account/whoami"), { token: short2.access_token })).status, 200);
  await sleep(2100);
  r = await http("GET", hs("/v3/account/whoami"), { token: short2.access_token });
  assert.deepEqual([r.status, r.body.errcode], [401, "M_UNKNOWN_TOKEN"]);
  step("an expired access token → 401 M_UNKNOWN_TOKEN at Synapse even though its introspection was cached");

  const hinted = await http("GET", authorizeUrl({ scope: stableScope(randomDevice()), challenge: "x".repeat(43), extra: { login_hint: "mxid:@alice:localhost" } }));
  assert.match(hinted.text, /name="username"[^>]*value="alice"/);
  const bob = await fullSignIn({ username: "bob", password: "bob-password", extra: { prompt: "create" } });
  r = await http("GET", hs("/v3/account/whoami"), { token: bob.access_token });
  assert.equal(r.body.user_id, "@bob:localhost");
  const taken = await signIn({ extra: { prompt: "create" } });
  assert.match(taken.posted.text, /This username is already taken/);
  step("login_hint=mxid:… prefills the username; prompt=create registers (and provisions) a new user, refusing a taken name");

  // ------------------------------------------------------------ revocation
  const D = await fullSignIn();
  r = await http("GET", hs("/v3/account/whoami"), { token: D.access_token });
  assert.equal(r.status, 200);
  r = await http("POST", `${mas.base}/oauth2/revoke`, { form: { token: D.access_token, token_type_hint: "access_token", client_id: clientId } });
  assert.equal(r.status, 200);
  assert.deepEqual(mas.introspect(D.access_token), { active: false });
  assert.deepEqual(mas.introspect(D.refresh_token), { active: false });
  r = await refresh(D.refresh_token);
  assert.equal(r.body.error, "invalid_grant");
  devices = await http("GET", hs("/v3/devices"), { token: A1.access_token });
  assert.ok(!devices.body.devices.some((d) => d.device_id === D.deviceId));
  r = await http("GET", hs("/v3/account/whoami"), { token: D.access_token });
  assert.deepEqual([r.status, r.body.errcode], [401, "M_UNKNOWN_TOKEN"]);
  r = await http("POST", `${mas.base}/oauth2/revoke`, { form: { token: "mat_unknown", client_id: clientId } });
  assert.equal(r.status, 200);
  step("revoke → 200; access and refresh token inactive; device gone from Synapse, so even the cached token → 401; unknown token → 200");

  // ---------------------------------------------- sign-out via account page
  const E = await fullSignIn();
  await http("GET", hs("/v3/account/whoami"), { token: E.access_token });
  await mas.deleteDevice("alice", E.deviceId);
  devices = await http("GET", hs("/v3/devices"), { token: A1.access_token });
  assert.ok(!devices.body.devices.some((d) => d.device_id === E.deviceId));
  assert.equal(mas.introspect(E.access_token).active, false);
  assert.equal((await http("GET", hs("/v3/account/whoami"), { token: E.access_token })).status, 401);
  step("deleteDevice → the device vanishes from another session's /devices; its tokens are dead");
  const F = await fullSignIn();
  const accountPage = await http("GET", `${mas.base}/account/?action=org.matrix.device_delete&device_id=${F.deviceId}`);
  assert.match(accountPage.text, new RegExp(`data-testid="device-id">${F.deviceId}<`));
  assert.match(accountPage.text, /Sign out this session/);
  r = await http("POST", `${mas.base}/account/`, { form: { action: "org.matrix.device_delete", device_id: F.deviceId, username: "alice" } });
  assert.match(r.text, /Signed out session/);
  devices = await http("GET", hs("/v3/devices"), { token: A1.access_token });
  assert.ok(!devices.body.devices.some((d) => d.device_id === F.deviceId));
  step("account page shows action and device_id; its \"Sign out this session\" form removes the device");

  // ------------------------------------------------- introspection, CORS
  r = await http("POST", `${mas.base}/oauth2/introspect`, { form: { token: A3.access_token }, token: "wrong" });
  assert.deepEqual([r.status, r.body.error], [401, "access_denied"]);
  r = await http("POST", `${mas.base}/oauth2/introspect`, { form: { token: A3.access_token } });
  assert.deepEqual([r.status, r.body.error], [401, "invalid_client"]);
  r = await http("POST", `${mas.base}/oauth2/introspect`, { form: { token: A3.access_token, token_type_hint: "access_token" }, token: SECRET });
  assert.equal(r.body.active, true);
  assert.equal(r.body.username, "alice");
  assert.equal(typeof r.body.expires_in, "number");
  assert.equal(mas.requests.filter((q) => q.path === "/oauth2/introspect").length > 3, true);
  step("introspection: wrong bearer → 401 access_denied, none → 401 invalid_client, the secret → {active, scope, username, expires_in, …}");
  r = await http("OPTIONS", `${mas.base}/oauth2/token`, {
    headers: { Origin: PAGE, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  step("CORS preflight on the token endpoint → 204, any origin");
  const discoveries = mas.requests.filter((q) => q.path === "/.well-known/openid-configuration").length;
  step(`Synapse fetched /.well-known/openid-configuration ${discoveries} time(s) and introspected ${mas.requests.filter((q) => q.path === "/oauth2/introspect").length} times`);

  console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await synapse?.stop();
  await mas.close();
}
