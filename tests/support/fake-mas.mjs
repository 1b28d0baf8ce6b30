// A stand-in for the Matrix Authentication Service (MAS) on loopback, paired
// with a REAL Synapse in MAS mode (`masSynapseOverrides`). A real MAS cannot
// be installed here (not on the registries; its policy needs the Go `opa`
// compiler), so this server plays MAS only where Synapse cannot: dynamic
// client registration, the authorization-code + PKCE flow, tokens, revocation,
// the introspection Synapse calls on every request, and the account page.
// Synapse stays the homeserver: users and devices are pushed into it through
// its /_synapse/mas/* API with the shared secret, exactly as MAS does.
//
// Fidelity notes (sources: element-hq/matrix-authentication-service):
// - registration rules: policies/client_registration/client_registration.rego
//   and crates/handlers/src/oauth2/registration.rs (error codes, dedupe);
// - scope rules: policies/authorization_grant/authorization_grant.rego (they
//   run after sign-in, and a violation is an HTML page, not a redirect);
// - token rules: crates/handlers/src/oauth2/token.rs (10-minute codes, reuse
//   ends the session only >20 s after the first exchange, refresh-token
//   rotation with the "double refresh" allowance, device upserted at exchange);
// - revocation ends the whole session: crates/handlers/src/oauth2/revoke.rs;
// - introspection: crates/handlers/src/oauth2/introspection.rs.
// Deliberately stricter than MAS, because the Matrix spec requires it: PKCE
// S256 is mandatory, exactly one device scope is required, and the token
// endpoint checks redirect_uri (RFC 6749 §4.1.3; MAS skips that check).
// Not modelled: cookies/browser sessions (every /authorize shows the form),
// confidential clients, id_tokens, public-suffix checks, form_post.
import crypto from "node:crypto";
import http from "node:http";

const escapeHtml = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const b64url = (buf) => buf.toString("base64url");
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomAlnum = (n) => [...crypto.randomBytes(n)].map((b) => ALNUM[b % 62]).join("");
// MAS ids (client_id, sub) are ULIDs; clients may display or store them.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function ulid() {
  let t = Date.now();
  let s = "";
  for (let i = 0; i < 10; i++, t = Math.floor(t / 32)) s = CROCKFORD[t % 32] + s;
  for (const b of crypto.randomBytes(16)) s += CROCKFORD[b % 32];
  return s;
}
const nowS = () => Math.floor(Date.now() / 1000);
// MAS tokens carry their type in a prefix (mat_ access, mar_ refresh).
const tokenType = (t) => (t?.startsWith("mat_") ? "access_token" : t?.startsWith("mar_") ? "refresh_token" : null);

const STABLE = { api: "urn:matrix:client:api:*", device: "urn:matrix:client:device:" };
const UNSTABLE = {
  api: "urn:matrix:org.matrix.msc2967.client:api:*",
  device: "urn:matrix:org.matrix.msc2967.client:device:",
};
// The policy's device-id rule (MAS's docs say only A-Z a-z 0-9 -, ≥ 10).
const DEVICE_ID_RE = /^[A-Za-z0-9._~!$&'()*+,;=:@/-]{10,}$/;

// MAS's OAuth error descriptions (crates/oauth2-types/src/errors.rs).
const DESCRIPTIONS = {
  invalid_request:
    "The request is missing a required parameter, includes an invalid parameter value, " +
    "includes a parameter more than once, or is otherwise malformed.",
  invalid_client: "Client authentication failed.",
  invalid_grant: "The provided access grant is invalid, expired, or revoked.",
  unauthorized_client: "The client is not authorized to request an access token using this method.",
  unsupported_grant_type: "The authorization grant type is not supported by the authorization server.",
  access_denied: "The resource owner or authorization server denied the request.",
  unsupported_response_type:
    "The authorization server does not support obtaining an access token using this method.",
  login_required: "The Authorization Server requires End-User authentication.",
  server_error:
    "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.",
  invalid_redirect_uri: "The value of one or more redirection URIs is invalid.",
  invalid_client_metadata: "The value of one of the client metadata fields is invalid",
};
const oauthError = (error, error_description = DESCRIPTIONS[error]) => ({ error, error_description });

// ------------------------------------------------ registration policy (rego)

// The policy's URI grammar. Anything it cannot parse (uppercase, `%`, `_` in
// the host…) fails the host and https checks, as in MAS.
const LABEL = "(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])";
const URI_RE = new RegExp(
  `^(?<scheme>[a-z][a-z0-9+.-]*):` +
    `(?://(?<authority>(?<host>(?:${LABEL}\\.)*${LABEL}|127\\.0\\.0\\.1|0\\.0\\.0\\.0|\\[::1\\])` +
    `(?::(?<port>[0-9]+))?))?` +
    `(?<path>/[A-Za-z0-9/._~-]*)?(?<query>\\?[-a-zA-Z0-9()@:%_+.~#?&/=]*)?$`,
);
const parseUri = (u) => (typeof u === "string" ? u.match(URI_RE)?.groups : undefined);
const isSubdomain = (base, candidate) => {
  const b = base.split(".").reverse();
  const c = candidate.split(".").reverse();
  return b.every((part, i) => c[i] === part);
};
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

function registrationViolations(md, policy) {
  const secure = (x) => {
    if (policy.allowInsecureUris) return true;
    const p = parseUri(x);
    return !!p && p.scheme === "https" && ![...LOOPBACK, "0.0.0.0"].includes(p.host);
  };
  const hostMatches = (x) => {
    if (policy.allowHostMismatch) return true;
    // MAS's rule tests `data.client_metadata.client_uri` (always undefined),
    // so allow_missing_client_uri switches host matching off entirely.
    if (policy.allowMissingClientUri) return true;
    const base = parseUri(md.client_uri);
    const target = parseUri(x);
    return !!base?.host && !!target?.host && isSubdomain(base.host, target.host);
  };
  const nativeRedirect = (x) => {
    const p = parseUri(x);
    if (!p) return false;
    if (p.scheme === "http") return LOOPBACK.includes(p.host);
    if (p.scheme === "https" || p.authority) return false;
    const base = parseUri(md.client_uri);
    return !!base?.host && base.host.split(".").reverse().every((part, i) => p.scheme.split(".")[i] === part);
  };
  const grants = md.grant_types;
  const needsRedirects = !grants || grants.includes("authorization_code") || grants.includes("implicit");
  const out = [];
  // Rego skips a rule whose input field is absent, hence the `!== undefined`.
  if (!policy.allowMissingClientUri && !md.client_uri) out.push("missing client_uri");
  if (md.client_uri !== undefined && !secure(md.client_uri)) out.push("invalid client_uri");
  for (const f of ["tos_uri", "policy_uri", "logo_uri"]) {
    if (md[f] === undefined) continue;
    if (!secure(md[f])) out.push(`invalid ${f}`);
    if (!hostMatches(md[f])) out.push(`${f} not on the same host as the client_uri`);
  }
  if (grants?.includes("client_credentials") && md.token_endpoint_auth_method === "none")
    out.push("client_credentials grant_type requires some form of client authentication");
  if (needsRedirects && md.redirect_uris?.length === 0)
    out.push("invalid redirect_uris: it must have at least one redirect_uri");
  for (const u of md.redirect_uris ?? []) {
    const ok = (md.application_type === "native" && nativeRedirect(u)) || (secure(u) && hostMatches(u));
    if (!ok) out.push("invalid redirect_uri");
  }
  return [...new Set(out)].sort();
}

// ------------------------------------------------------------- the server

export async function startFakeMas({
  secret,
  accessTokenTtlSeconds = 300,
  allowInsecureUris = true,
  synapseBase,
  codeTtlSeconds = 600, // MAS: a code must be exchanged within 10 minutes
  codeReuseGraceSeconds = 20, // MAS: reuse ends the session only after this
} = {}) {
  if (!secret) throw new Error("startFakeMas: a shared secret is required");
  // Mutable at runtime so a test can shorten lifetimes mid-run.
  const config = { accessTokenTtlSeconds, codeTtlSeconds, codeReuseGraceSeconds };
  const policy = { allowInsecureUris, allowHostMismatch: false, allowMissingClientUri: false };
  let synapse = synapseBase?.replace(/\/$/, "");
  const requests = [];
  const clients = new Map(); // client_id → client
  const clientsByDigest = new Map(); // metadata digest → client_id (public-client dedupe)
  const users = new Map(); // username → { password, displayName, admin, sub, provisioned }
  const grants = new Map(); // authorization requests, by id
  const codes = new Map(); // code → grant id
  const sessions = new Map(); // OAuth sessions, by id
  const accessTokens = new Map();
  const refreshTokens = new Map();

  // ---------------------------------------------------------- Synapse side
  async function synapseMas(endpoint, body) {
    if (!synapse) return; // lets a test exercise the OAuth side alone
    const res = await fetch(`${synapse}/_synapse/mas/${endpoint}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Synapse /_synapse/mas/${endpoint} → ${res.status} ${await res.text()}`);
  }
  async function provision(username) {
    const user = users.get(username);
    if (user.provisioned || !synapse) return;
    const body = { localpart: username };
    if (user.displayName !== undefined) body.set_displayname = user.displayName;
    await synapseMas("provision_user", body);
    user.provisioned = true;
  }

  // --------------------------------------------------------------- tokens
  function issueTokens(session) {
    const access = {
      token: `mat_${randomAlnum(36)}`,
      sessionId: session.id,
      createdAt: nowS(),
      expiresAt: nowS() + config.accessTokenTtlSeconds,
      revoked: false,
      used: false, // set by the first introspection; drives the double-refresh rule
      jti: ulid(),
    };
    const refresh = {
      token: `mar_${randomAlnum(36)}`,
      sessionId: session.id,
      accessToken: access.token,
      createdAt: nowS(),
      consumed: false,
      revoked: false,
      next: null,
      jti: ulid(),
    };
    accessTokens.set(access.token, access);
    refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }
  const tokenResponse = (session, { access, refresh }) => ({
    access_token: access.token,
    token_type: "Bearer",
    expires_in: config.accessTokenTtlSeconds,
    refresh_token: refresh.token,
    scope: session.scope,
  });
  const sessionValid = (s) => s && !s.finishedAt;
  const accessValid = (a) => a && !a.revoked && a.expiresAt > nowS();

  // Ends a session as MAS does; `deleteDevice` mirrors MAS's SyncDevicesJob,
  // which removes the device unless another live session still holds it.
  async function finishSession(session, { deleteDevice }) {
    if (!session.finishedAt) session.finishedAt = Date.now();
    const stillUsed = [...sessions.values()].some(
      (s) => s !== session && sessionValid(s) && s.username === session.username && s.deviceId === session.deviceId,
    );
    if (deleteDevice && session.deviceId && !stillUsed)
      await synapseMas("delete_device", { localpart: session.username, device_id: session.deviceId });
  }

  function introspection(token, hint, { markUsed = false } = {}) {
    const type = tokenType(token);
    if (!type || (hint && hint !== type)) return { active: false };
    const record = (type === "access_token" ? accessTokens : refreshTokens).get(token);
    const session = record && sessions.get(record.sessionId);
    const valid = type === "access_token" ? accessValid(record) : record && !record.consumed && !record.revoked;
    if (!valid || !sessionValid(session)) return { active: false };
    if (markUsed && type === "access_token") record.used = true;
    const user = users.get(session.username);
    const answer = {
      active: true,
      scope: session.scope,
      client_id: session.clientId,
      username: session.username,
      token_type: type,
      iat: record.createdAt,
      nbf: record.createdAt,
      sub: user.sub,
      jti: record.jti,
      // No device_id for OAuth sessions: MAS leaves Synapse to read it from the scope.
    };
    if (type === "access_token") {
      answer.exp = record.expiresAt;
      answer.expires_in = Math.max(0, record.expiresAt - nowS());
    }
    return answer;
  }

  // --------------------------------------------------------------- pages
  const page = (title, body) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(title)} · Fake MAS</title></head><body><main>${body}</main></body></html>`;

  function loginForm(grant, error) {
    const client = clients.get(grant.clientId);
    const name = client.metadata.client_name || client.client_id;
    const creating = grant.prompt.split(" ").includes("create");
    return page(
      creating ? "Create an account" : "Sign in",
      `<h1>${creating ? "Create an account" : "Sign in"}</h1>
      <p><span>${escapeHtml(name)}</span> at <span>${escapeHtml(grant.redirectUri)}</span>
        wants to access your account.</p>
      ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
      <form method="POST" action="/authorize">
        <input type="hidden" name="grant_id" value="${escapeHtml(grant.id)}">
        <p><label for="username">Username</label>
          <input id="username" name="username" autocomplete="username" required
            value="${escapeHtml(grant.loginHint)}"></p>
        <p><label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <button type="submit" name="action" value="continue">Continue</button>
        <button type="submit" name="action" value="deny" formnovalidate>Deny</button>
      </form>`,
    );
  }

  // Where MAS sends the browser back to the client (callback.rs): state
  // first, then the result, in the fragment or the query (existing query kept).
  function callbackUrl(grant, params) {
    const url = new URL(grant.redirectUri);
    const all = new URLSearchParams(grant.responseMode === "query" ? url.search : "");
    if (grant.state !== undefined) all.append("state", grant.state);
    for (const [k, v] of Object.entries(params)) all.append(k, v);
    if (grant.responseMode === "query") url.search = all.toString();
    else url.hash = all.toString();
    return url.href;
  }

  // MAS's authorization_grant policy, evaluated after sign-in.
  function scopeViolations(scope, user) {
    const tokens = scope.split(" ");
    const count = (prefix) => tokens.filter((t) => t.startsWith(prefix)).length;
    const out = [];
    const allowed = (t) =>
      t === "" ||
      t === "openid" ||
      t === "email" ||
      t === STABLE.api ||
      t === UNSTABLE.api ||
      (t === "urn:synapse:admin:*" && user.admin) ||
      [STABLE.device, UNSTABLE.device].some((p) => t.startsWith(p) && DEVICE_ID_RE.test(t.slice(p.length)));
    for (const t of tokens) if (!allowed(t)) out.push(`scope '${t}' not allowed`);
    const devices = count(STABLE.device) + count(UNSTABLE.device);
    if (count(STABLE.device) > 1 || count(UNSTABLE.device) > 1) out.push("only one device scope is allowed at a time");
    if (devices && !tokens.some((t) => t === STABLE.api || t === UNSTABLE.api))
      out.push("device scopes are only allowed when the client-server API scope is requested");
    if (count("urn:matrix:client:") && count("urn:matrix:org.matrix.msc2967.client:"))
      out.push("request cannot mix unstable and stable scopes");
    // Stand-in only: the Matrix spec requires a device scope, MAS does not.
    if (devices === 0) out.push("stand-in: the request must carry one urn:matrix:client:device:<id> scope");
    return [...new Set(out)];
  }

  // --------------------------------------------------------------- routes
  const metadata = () => ({
    issuer: `${base}/`,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    registration_endpoint: `${base}/oauth2/registration`,
    revocation_endpoint: `${base}/oauth2/revoke`,
    introspection_endpoint: `${base}/oauth2/introspect`,
    jwks_uri: `${base}/oauth2/keys.json`,
    scopes_supported: ["openid", "email"],
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none"],
    revocation_endpoint_auth_methods_supported: ["none"],
    prompt_values_supported: ["login", "create"],
    account_management_uri: `${base}/account/`,
    account_management_actions_supported: [
      "org.matrix.profile",
      "org.matrix.devices_list",
      "org.matrix.device_view",
      "org.matrix.device_delete",
      "org.matrix.cross_signing_reset",
      "org.matrix.sessions_list",
      "org.matrix.session_view",
      "org.matrix.session_end",
    ],
  });

  function register(body) {
    let md;
    try {
      md = JSON.parse(body);
    } catch {
      return [400, oauthError("invalid_request")];
    }
    if (typeof md !== "object" || md === null || Array.isArray(md)) return [400, oauthError("invalid_request")];
    // MAS parses URL fields into normalised URLs before any rule runs.
    try {
      for (const f of ["client_uri", "tos_uri", "policy_uri", "logo_uri"])
        if (md[f] !== undefined) md[f] = new URL(md[f]).href;
      if (md.redirect_uris !== undefined) {
        if (!Array.isArray(md.redirect_uris)) throw new Error("redirect_uris: invalid type, expected a sequence");
        md.redirect_uris = md.redirect_uris.map((u) => new URL(u).href);
      }
    } catch (e) {
      return [400, oauthError("invalid_client_metadata", `Failed to deserialize the JSON body: ${e.message}`)];
    }
    const grantTypes = md.grant_types ?? ["authorization_code"];
    const fragment = md.redirect_uris?.some((u) => new URL(u).hash);
    if (fragment || (!md.redirect_uris && grantTypes.includes("authorization_code")))
      return [400, oauthError("invalid_redirect_uri")];
    for (const rt of md.response_types ?? []) {
      if (rt !== "none" && (rt !== "code" || !grantTypes.includes("authorization_code")))
        return [400, oauthError("invalid_client_metadata", `'${rt}' response type not compatible with grant types`)];
    }
    const violations = registrationViolations(md, policy);
    if (violations.length)
      return [
        400,
        oauthError(
          violations.some((v) => v.includes("redirect_uri")) ? "invalid_redirect_uri" : "invalid_client_metadata",
          violations.join("; "),
        ),
      ];
    // Stand-in limits (MAS would accept these). MAS's default auth method
    // is client_secret_basic, so omitting it silently makes a confidential client.
    if (md.token_endpoint_auth_method !== "none") {
      const why = 'stand-in: only public clients (token_endpoint_auth_method "none") are supported';
      return [400, oauthError("invalid_client_metadata", why)];
    }
    if (md.application_type && !["web", "native"].includes(md.application_type))
      return [400, oauthError("invalid_client_metadata", "unknown application_type")];

    // MAS hashes the sorted metadata and hands identical public clients the same id.
    const sorted = { ...md };
    for (const f of ["redirect_uris", "response_types", "grant_types", "contacts"])
      if (sorted[f]) sorted[f] = [...sorted[f]].sort();
    const digest = crypto
      .createHash("sha256")
      .update(JSON.stringify(Object.fromEntries(Object.entries(sorted).sort(([a], [b]) => (a < b ? -1 : 1)))))
      .digest("hex");
    let client = clients.get(clientsByDigest.get(digest));
    if (!client) {
      client = { client_id: ulid(), issuedAt: nowS(), metadata: md, grantTypes, redirectUris: md.redirect_uris ?? [] };
      clients.set(client.client_id, client);
      clientsByDigest.set(digest, client.client_id);
    }
    const echo = { client_id: client.client_id, client_id_issued_at: client.issuedAt };
    for (const f of ["redirect_uris", "application_type", "client_name", "logo_uri", "client_uri", "policy_uri"])
      if (md[f] !== undefined) echo[f] = md[f];
    if (md.tos_uri !== undefined) echo.tos_uri = md.tos_uri;
    Object.assign(echo, { grant_types: grantTypes, token_endpoint_auth_method: "none" });
    return [201, echo];
  }

  // GET /authorize: the checks MAS makes before showing its login page.
  function authorize(q, res) {
    const bad = (text) => html(res, 400, page("Error", `<h1>Error</h1><p>${escapeHtml(text)}</p>`));
    for (const field of ["response_type", "client_id", "scope"])
      if (!q.has(field)) return bad(`Failed to deserialize form: missing field \`${field}\``);
    const client = clients.get(q.get("client_id"));
    if (!client) return bad("could not find client");
    // Never redirect to a URI the client did not register (exact match).
    let redirectUri;
    if (q.has("redirect_uri")) {
      try {
        redirectUri = new URL(q.get("redirect_uri")).href;
      } catch {
        return bad("Invalid redirect URI (not a URL)");
      }
      if (!client.redirectUris.includes(redirectUri))
        return bad("Invalid redirect URI (not registered for this client)");
    } else if (client.redirectUris.length === 1) {
      redirectUri = client.redirectUris[0];
    } else {
      return bad("Invalid redirect URI (none given and several registered)");
    }
    const responseType = q.get("response_type").split(" ").sort().join(" ");
    const known = ["code", "token", "id_token", "none", "code id_token", "code token", "id_token token"];
    if (![...known, "code id_token token"].includes(responseType))
      return bad("Failed to deserialize form: unknown response_type");
    const implicit = responseType.includes("token"); // token or id_token: fragment by default
    const responseMode = q.get("response_mode") ?? (implicit ? "fragment" : "query");
    if (!["query", "fragment"].includes(responseMode)) return bad("Requested response_mode is not supported");
    const method = q.get("code_challenge_method");
    if (method && !["S256", "plain"].includes(method))
      return bad("Failed to deserialize form: unknown code_challenge_method");

    const grant = {
      id: ulid(),
      clientId: client.client_id,
      redirectUri,
      responseMode,
      state: q.get("state") ?? undefined,
      scope: q.get("scope"),
      codeChallenge: q.get("code_challenge"),
      prompt: q.get("prompt") ?? "",
      loginHint: (q.get("login_hint") ?? "").match(/^mxid:@([^:]+):/)?.[1] ?? "",
      stage: "pending",
    };
    // From here on, errors go back to the client, as MAS does.
    const back = (error, description) => redirect(res, callbackUrl(grant, oauthError(error, description)));
    const unsupported = (p) => `The provider does not support use of the ${p} parameter.`;
    if (q.has("request")) return back("request_not_supported", unsupported("request"));
    if (q.has("request_uri")) return back("request_uri_not_supported", unsupported("request_uri"));
    if (responseType.includes("token")) return back("unsupported_response_type");
    if (responseType.includes("id_token")) return back("unauthorized_client");
    if (q.has("registration")) return back("registration_not_supported", unsupported("registration"));
    if (grant.prompt.split(" ").includes("none")) return back("login_required");
    if (!client.grantTypes.includes("authorization_code")) return back("unauthorized_client");
    // Stand-in only: MAS also accepts a missing challenge or `plain`.
    if (!grant.codeChallenge) return back("invalid_request", "stand-in: code_challenge (PKCE S256) is required");
    if (method !== "S256") return back("invalid_request", "stand-in: code_challenge_method must be S256");
    grants.set(grant.id, grant);
    return html(res, 200, loginForm(grant));
  }

  // POST /authorize: the login form doubles as MAS's consent page.
  async function authorizeSubmit(form, res) {
    const grant = grants.get(form.get("grant_id"));
    if (!grant) return html(res, 404, page("Error", "<h1>Error</h1><p>Authorization grant not found</p>"));
    if (grant.stage !== "pending")
      return html(res, 409, page("Error", `<h1>Error</h1><p>Authorization grant ${grant.id} already used</p>`));
    if (form.get("action") === "deny") {
      grant.stage = "cancelled";
      return redirect(res, callbackUrl(grant, { error: "access_denied" }));
    }
    const username = (form.get("username") ?? "").trim();
    const password = form.get("password") ?? "";
    if (grant.prompt.split(" ").includes("create")) {
      if (users.has(username)) return html(res, 200, loginForm(grant, "This username is already taken"));
      if (!/^[a-z0-9._=/+-]+$/.test(username)) return html(res, 200, loginForm(grant, "Invalid username"));
      await api.addUser(username, password);
    } else if (users.get(username)?.password !== password || !password) {
      return html(res, 200, loginForm(grant, "Invalid credentials"));
    }
    await provision(username);
    const violations = scopeViolations(grant.scope, users.get(username));
    if (violations.length) {
      // MAS's policy_violation.html: a dead end whose Cancel goes back to the client.
      const cancel = callbackUrl(grant, { error: "access_denied" });
      return html(
        res,
        200,
        page(
          "Policy violation",
          `<h1>The authorization request was denied the policy enforced by this service</h1>
          <p>This might be because of the client which authored the request, the currently logged in user,
            or the request itself.</p>
          <ul>${violations.map((v) => `<li>${escapeHtml(v)}</li>`).join("")}</ul>
          <p>Logged as <span>${escapeHtml(username)}</span></p>
          <a href="${escapeHtml(cancel)}">Cancel</a>`,
        ),
      );
    }
    const tokens = grant.scope.split(" ");
    const prefix = [STABLE.device, UNSTABLE.device].find((p) => tokens.some((t) => t.startsWith(p)));
    const session = {
      id: ulid(),
      clientId: grant.clientId,
      username,
      scope: grant.scope,
      deviceId: tokens.find((t) => t.startsWith(prefix)).slice(prefix.length),
      createdAt: Date.now(),
      finishedAt: null,
    };
    sessions.set(session.id, session);
    Object.assign(grant, { stage: "fulfilled", code: randomAlnum(32), fulfilledAt: Date.now(), sessionId: session.id });
    codes.set(grant.code, grant.id);
    return redirect(res, callbackUrl(grant, { code: grant.code }));
  }

  async function token(form, headers) {
    // Public clients identify themselves with client_id (Basic also accepted).
    let clientId = form.get("client_id");
    const basic = headers.authorization?.match(/^Basic (.+)$/i);
    if (basic) clientId = decodeURIComponent(Buffer.from(basic[1], "base64").toString().split(":")[0]);
    const client = clients.get(clientId);
    if (!client) return [401, oauthError("invalid_client")];
    const grantType = form.get("grant_type");

    if (grantType === "authorization_code") {
      if (!client.grantTypes.includes("authorization_code")) return [401, oauthError("unauthorized_client")];
      if (!form.get("code")) return [400, oauthError("invalid_request")];
      const grant = grants.get(codes.get(form.get("code")));
      if (!grant) return [400, oauthError("invalid_grant")];
      const session = sessions.get(grant.sessionId);
      if (grant.stage === "exchanged") {
        // A replayed code: after the grace period MAS assumes it leaked and
        // ends the session it produced (without a device sync).
        if (Date.now() - grant.exchangedAt > config.codeReuseGraceSeconds * 1000)
          await finishSession(session, { deleteDevice: false });
        return [400, oauthError("invalid_grant")];
      }
      if (Date.now() - grant.fulfilledAt > config.codeTtlSeconds * 1000) return [400, oauthError("invalid_grant")];
      // Stand-in only: MAS would still exchange a code whose session was ended
      // meanwhile (its tokens then introspect inactive) and re-create the device.
      if (!sessionValid(session)) return [400, oauthError("invalid_grant")];
      if (client.client_id !== session.clientId) return [401, oauthError("unauthorized_client")];
      // Stand-in only (RFC 6749 §4.1.3); MAS ignores redirect_uri here.
      let sent;
      try {
        sent = new URL(form.get("redirect_uri")).href;
      } catch {}
      if (sent !== grant.redirectUri)
        return [400, oauthError("invalid_grant", "stand-in: redirect_uri does not match the authorization request")];
      const verifier = form.get("code_verifier");
      if (!verifier) return [400, oauthError("invalid_request")];
      // A failed PKCE check does not burn the code in MAS.
      const pkceError =
        verifier.length < 43
          ? "code_verifier should be at least 43 characters long"
          : verifier.length > 128
            ? "code_verifier should be at most 128 characters long"
            : !/^[A-Za-z0-9._~-]+$/.test(verifier)
              ? "code_verifier contains invalid characters"
              : b64url(crypto.createHash("sha256").update(verifier).digest()) !== grant.codeChallenge
                ? "challenge verification failed"
                : null;
      if (pkceError) return [400, oauthError("invalid_grant", `PKCE verification failed: ${pkceError}`)];
      // MAS creates the device in Synapse now, named after the client and browser.
      try {
        await synapseMas("upsert_device", {
          localpart: session.username,
          device_id: session.deviceId,
          display_name: `${client.metadata.client_name || client.client_id} on ${deviceName(headers["user-agent"])}`,
        });
      } catch {
        return [500, oauthError("server_error")];
      }
      const pair = issueTokens(session);
      Object.assign(grant, { stage: "exchanged", exchangedAt: Date.now() });
      return [200, tokenResponse(session, pair)];
    }

    if (grantType === "refresh_token") {
      if (!client.grantTypes.includes("refresh_token")) return [401, oauthError("unauthorized_client")];
      const old = refreshTokens.get(form.get("refresh_token"));
      if (!old) return [400, oauthError("invalid_grant")];
      const session = sessions.get(old.sessionId);
      if (!sessionValid(session) || old.revoked) return [400, oauthError("invalid_grant")];
      if (client.client_id !== session.clientId) return [400, oauthError("invalid_grant")];
      if (old.consumed) {
        // MAS forgives one lost response ("double refresh"): the old token
        // works again only while its successor pair is entirely unused.
        const next = refreshTokens.get(old.next);
        const nextAccess = next && accessTokens.get(next.accessToken);
        if (!next || next.consumed || next.revoked || nextAccess?.used) return [400, oauthError("invalid_grant")];
        if (nextAccess) nextAccess.revoked = true;
        next.revoked = true;
      }
      const pair = issueTokens(session);
      Object.assign(old, { consumed: true, next: pair.refresh.token });
      const previous = accessTokens.get(old.accessToken);
      if (previous) previous.revoked = true; // MAS revokes it; Synapse may still have it cached
      return [200, tokenResponse(session, pair)];
    }
    return [400, oauthError("unsupported_grant_type")];
  }

  async function revoke(form) {
    const client = clients.get(form.get("client_id"));
    if (!client) return [401, oauthError("invalid_client")];
    const tokenValue = form.get("token");
    if (!tokenValue) return [400, oauthError("invalid_request")];
    const hint = form.get("token_type_hint");
    if (hint && !["access_token", "refresh_token"].includes(hint)) {
      const why = "The authorization server does not support the revocation of the presented token type.";
      return [400, oauthError("unsupported_token_type", why)];
    }
    const type = tokenType(tokenValue);
    // Unknown, mismatched or already dead tokens: 200 and nothing happens (RFC 7009).
    const store = type === "access_token" ? accessTokens : refreshTokens;
    const record = type && (!hint || hint === type) ? store.get(tokenValue) : null;
    const alive = type === "access_token" ? accessValid(record) : record && !record.consumed && !record.revoked;
    const session = alive && sessions.get(record.sessionId);
    if (!sessionValid(session)) return [200, null];
    if (session.clientId !== client.client_id) return [401, oauthError("unauthorized_client")];
    await finishSession(session, { deleteDevice: true });
    return [200, null];
  }

  // ------------------------------------------------------------ plumbing
  const CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "600",
  };
  function json(res, status, body, extra = {}) {
    res.writeHead(status, { ...CORS, ...extra, ...(body === null ? {} : { "Content-Type": "application/json" }) });
    res.end(body === null ? "" : JSON.stringify(body));
  }
  function html(res, status, body) {
    res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
    res.end(body);
  }
  function redirect(res, location) {
    res.writeHead(303, { Location: location });
    res.end();
  }
  const readBody = (req) =>
    new Promise((resolve, reject) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c) => (body += c));
      req.on("end", () => resolve(body));
      req.on("error", reject);
    });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const path = url.pathname;
    requests.push({ method: req.method, path });
    try {
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          ...CORS,
          "Access-Control-Allow-Headers":
            req.headers["access-control-request-headers"] || "Authorization, Content-Type",
        });
        return res.end();
      }
      const body = req.method === "POST" ? await readBody(req) : "";
      const form = new URLSearchParams(body);
      if (req.method === "GET" && path === "/.well-known/openid-configuration") return json(res, 200, metadata());
      if (req.method === "GET" && path === "/oauth2/keys.json") return json(res, 200, { keys: [] });
      if (req.method === "POST" && path === "/oauth2/registration") return json(res, ...register(body));
      if (req.method === "GET" && path === "/authorize") return authorize(url.searchParams, res);
      if (req.method === "POST" && path === "/authorize") return await authorizeSubmit(form, res);
      if (req.method === "POST" && path === "/oauth2/token") {
        const [status, answer] = await token(form, req.headers);
        return json(res, status, answer, { "Cache-Control": "no-store", Pragma: "no-cache" });
      }
      if (req.method === "POST" && path === "/oauth2/revoke") return json(res, ...(await revoke(form)));
      if (req.method === "POST" && path === "/oauth2/introspect") {
        // Synapse authenticates with `Authorization: Bearer <shared secret>`.
        const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
        if (bearer === undefined) return json(res, 401, oauthError("invalid_client"));
        if (bearer !== secret) return json(res, 401, oauthError("access_denied", "bearer token presented is invalid"));
        if (!form.get("token")) return json(res, 400, oauthError("invalid_request"));
        return json(res, 200, introspection(form.get("token"), form.get("token_type_hint"), { markUsed: true }));
      }
      if (path === "/account/" || path === "/account") return await account(req.method, url.searchParams, form, res);
      json(res, 404, { error: "not_found" });
    } catch (e) {
      if (!res.headersSent) json(res, 500, oauthError("server_error", String(e.message || e)));
    }
  });

  // The account page a client deep-links to (MSC4191 actions). Enough for a
  // test to see where a link landed, and to end a session the way a user
  // does on MAS's page: type the username, press "Sign out this session".
  async function account(method, q, form, res) {
    const done = (status, role, text) =>
      html(res, status, page("Account", `<h1>Account</h1><p role="${role}">${escapeHtml(text)}</p>`));
    if (method === "POST") {
      const username = (form.get("username") ?? "").trim();
      const deviceId = form.get("device_id") ?? "";
      if (!users.has(username)) return done(400, "alert", "Unknown user");
      if (form.get("action") === "org.matrix.cross_signing_reset") {
        await api.allowCrossSigningReset(username);
        return done(200, "status", "Cross-signing reset allowed for 10 minutes");
      }
      await api.deleteDevice(username, deviceId);
      return done(200, "status", `Signed out session ${deviceId}`);
    }
    const action = q.get("action") ?? "";
    const deviceId = q.get("device_id") ?? "";
    const confirm = (button) => `<form method="POST" action="/account/">
        <input type="hidden" name="action" value="${escapeHtml(action)}">
        <input type="hidden" name="device_id" value="${escapeHtml(deviceId)}">
        <p><label for="username">Username</label> <input id="username" name="username" required></p>
        <button type="submit">${button}</button></form>`;
    const ending = ["org.matrix.device_delete", "org.matrix.session_end"].includes(action);
    return html(
      res,
      200,
      page(
        "Account",
        `<h1>Account</h1>
        <dl><dt>Action</dt><dd data-testid="action">${escapeHtml(action || "(none)")}</dd>
        <dt>Device</dt><dd data-testid="device-id">${escapeHtml(deviceId || "(none)")}</dd></dl>
        ${ending ? confirm("Sign out this session") : ""}
        ${action === "org.matrix.cross_signing_reset" ? confirm("Allow cross-signing reset") : ""}`,
      ),
    );
  }

  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;

  const api = {
    base,
    issuer: `${base}/`,
    config,
    requests,
    setSynapse(synapseUrl) {
      synapse = synapseUrl.replace(/\/$/, "");
    },
    /** Creates a MAS user and provisions it in Synapse (now, or at first sign-in). */
    async addUser(username, password, { displayName, admin = false } = {}) {
      users.set(username, { password, displayName, admin, sub: ulid(), provisioned: false });
      await provision(username);
      return { userId: username };
    },
    /**
     * What MAS does once the user confirms "sign out" on its account page:
     * ends every live session of that user holding the device (their tokens
     * die with them) and deletes the device in Synapse.
     */
    async deleteDevice(username, deviceId) {
      let ended = 0;
      for (const s of sessions.values())
        if (sessionValid(s) && s.username === username && s.deviceId === deviceId) {
          s.finishedAt = Date.now();
          ended++;
        }
      await synapseMas("delete_device", { localpart: username, device_id: deviceId });
      return { sessionsEnded: ended };
    },
    /** As MAS after a reset confirmation: Synapse then skips UIA for 10 minutes. */
    async allowCrossSigningReset(username) {
      await synapseMas("allow_cross_signing_reset", { localpart: username });
    },
    /** The introspection answer for a token, without marking it used. */
    introspect: (tokenValue) => introspection(tokenValue),
    setRegistrationPolicy(changes) {
      Object.assign(policy, changes);
    },
    forgetClients() {
      clients.clear();
      clientsByDigest.clear();
    },
    close: () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  };
  return api;
}

// Approximates MAS's templates/device_name.txt ("<client> on <device>").
function deviceName(ua = "") {
  const first = (pairs) => pairs.find(([re]) => re.test(ua))?.[1];
  const name = first([[/Edg\//, "Edge"], [/Firefox\//, "Firefox"], [/Chrome\//, "Chrome"], [/Safari\//, "Safari"]]);
  const os = first([
    [/Android/, "Android"],
    [/iPhone|iPad/, "iOS"],
    [/Windows/, "Windows"],
    [/Mac OS X/, "macOS"],
    [/Linux/, "Linux"],
  ]);
  if (!name) return "Unknown device";
  return os ? `${name} for ${os}` : name;
}

/**
 * Synapse settings for MAS mode against the stand-in. Synapse 1.163 refuses
 * to start in this mode with password login, registration, SSO, CAPTCHA,
 * user consent, 3PID changes or session/refresh-token lifetimes, none of which
 * synapseConfig() sets except registration (off already) and passwords (on by
 * default outside MAS mode, so switched off explicitly).
 */
export function masSynapseOverrides(masBase, secret) {
  return {
    matrix_authentication_service: { enabled: true, endpoint: `${masBase.replace(/\/$/, "")}/`, secret },
    password_config: { enabled: false },
    enable_registration: false,
    // MAS mode refuses Synapse's own login-token issuing (the test default).
    login_via_existing_session: { enabled: false },
  };
}
