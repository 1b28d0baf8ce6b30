// Signs in "another device" of an account through the OAuth 2.0 flow with
// plain HTTP (as a native app would, against the fake MAS), so tests have
// sessions with their own access tokens on a Synapse in MAS mode, where
// password login does not exist. Returns { deviceId, accessToken }.
import crypto from "node:crypto";

const b64url = (buf) => buf.toString("base64url");
const REDIRECT = "http://127.0.0.1:9/device-callback"; // never opened: the redirect is read

async function call(method, url, { json, form } = {}) {
  const res = await fetch(url, {
    method,
    redirect: "manual",
    headers: json ? { "Content-Type": "application/json" } : form ? { "Content-Type": "application/x-www-form-urlencoded" } : {},
    body: json ? JSON.stringify(json) : form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await res.text();
  return { status: res.status, location: res.headers.get("location"), text, body: text.startsWith("{") ? JSON.parse(text) : null };
}

export async function oauthDevice(mas, { username, password, deviceId, clientName = "Element X" }) {
  const reg = await call("POST", `${mas.base}/oauth2/registration`, {
    json: {
      client_name: clientName,
      client_uri: "http://127.0.0.1:9/",
      redirect_uris: [REDIRECT],
      application_type: "native",
      token_endpoint_auth_method: "none",
      response_types: ["code"],
      grant_types: ["authorization_code", "refresh_token"],
    },
  });
  if (reg.status !== 201) throw new Error(`registration: ${reg.status} ${reg.text}`);
  const clientId = reg.body.client_id;
  const verifier = b64url(crypto.randomBytes(48));
  const url = new URL(`${mas.base}/authorize`);
  const params = {
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: `urn:matrix:client:api:* urn:matrix:client:device:${deviceId}`,
    state: "s",
    response_mode: "fragment",
    code_challenge: b64url(crypto.createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const page = await call("GET", url.href);
  const grantId = page.text.match(/name="grant_id" value="([^"]+)"/)?.[1];
  if (!grantId) throw new Error(`authorize: ${page.status} ${page.text}`);
  const posted = await call("POST", `${mas.base}/authorize`, {
    form: { grant_id: grantId, username, password, action: "continue" },
  });
  const code = new URLSearchParams(new URL(posted.location).hash.slice(1)).get("code");
  const tokens = await call("POST", `${mas.base}/oauth2/token`, {
    form: { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier },
  });
  if (tokens.status !== 200) throw new Error(`token: ${tokens.status} ${tokens.text}`);
  return { deviceId, accessToken: tokens.body.access_token, clientId };
}
