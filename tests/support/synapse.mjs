// A real Synapse for the demo and the end-to-end tests: started from the
// project's venv on a free loopback port, with a throwaway SQLite database.
// Also the helpers that seed accounts and sessions through Synapse's own APIs.
import { spawn, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
export const VENV = process.env.SYNAPSE_VENV || path.join(ROOT, ".synapse-venv");
const SHARED_SECRET = "test-shared-secret";

/** A free TCP port on 127.0.0.1 (asks the kernel, then releases it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The homeserver.yaml (JSON is YAML) for a loopback test server. */
export function synapseConfig({ port, dataDir, overrides = {} }) {
  const base = `http://127.0.0.1:${port}/`;
  const limit = { per_second: 1000, burst_count: 1000 };
  return {
    server_name: "localhost",
    public_baseurl: base,
    report_stats: false,
    listeners: [
      {
        port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        // Seeding sends X-Forwarded-For so sessions get realistic, varied IPs.
        x_forwarded: true,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    database: { name: "sqlite3", args: { database: path.join(dataDir, "homeserver.db") } },
    media_store_path: path.join(dataDir, "media_store"),
    signing_key_path: path.join(dataDir, "localhost.signing.key"),
    pid_file: path.join(dataDir, "homeserver.pid"),
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    registration_shared_secret: SHARED_SECRET,
    macaroon_secret_key: "test-macaroon-secret",
    form_secret: "test-form-secret",
    enable_registration: false,
    // Cheap password hashing: the tests sign in hundreds of times.
    bcrypt_rounds: 4,
    ui_auth: { session_timeout: 0 },
    // Lets a test mint a single-sign-on loginToken for an account (as an
    // attacker could for their own): POST /_matrix/client/v1/login/get_token.
    login_via_existing_session: { enabled: true, require_ui_auth: false, token_timeout: "5m" },
    rc_login: { address: limit, account: limit, failed_attempts: limit },
    rc_registration: limit,
    rc_message: limit,
    rc_joins: { local: limit, remote: limit },
    rc_key_requests: limit,
    rc_admin_redaction: limit,
    experimental_features: {
      msc3881_enabled: true,
      msc3391_enabled: true,
      msc3890_enabled: true,
    },
    ...overrides,
  };
}

async function waitHealthy(base, child, logFile, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Synapse exited (${child.exitCode}); log:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok && (await res.text()) === "OK") return;
    } catch {
      /* not listening yet */
    }
    await sleep(150);
  }
  throw new Error(`Synapse did not become healthy in ${timeoutMs} ms; log:\n${tail(logFile)}`);
}

function tail(file) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return "(no log)";
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Synapse and waits until /health answers. `overrides` replace
 * top-level config keys. Returns a handle with `base`, `stop()`, `restart()`.
 */
export async function startSynapse({ dataDir, port, overrides = {} } = {}) {
  port ??= await freePort();
  fs.mkdirSync(dataDir, { recursive: true });
  const configPath = path.join(dataDir, "homeserver.yaml");
  fs.writeFileSync(configPath, JSON.stringify(synapseConfig({ port, dataDir, overrides }), null, 2));
  const logFile = path.join(dataDir, "synapse.log");
  const base = `http://127.0.0.1:${port}`;
  const python = path.join(VENV, "bin", "python");
  if (!fs.existsSync(python)) throw new Error(`no Synapse venv at ${VENV} (run scripts/setup.sh)`);

  const handle = { base, port, dataDir, configPath, child: null };
  handle.start = async () => {
    const log = fs.openSync(logFile, "a");
    const child = spawn(python, ["-m", "synapse.app.homeserver", "-c", configPath], {
      cwd: dataDir,
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    handle.child = child;
    await waitHealthy(base, child, logFile);
  };
  handle.stop = async () => {
    const child = handle.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
    await exited;
    clearTimeout(timer);
    handle.child = null;
  };
  handle.restart = async () => {
    await handle.stop();
    await handle.start();
  };
  /** Runs SQL against the (stopped) server's SQLite database. */
  handle.sql = (statement, params = []) => {
    const script =
      "import sqlite3,sys,json\n" +
      "c=sqlite3.connect(sys.argv[1]);c.execute(sys.argv[2],json.loads(sys.argv[3]));c.commit()";
    execFileSync(python, ["-c", script, path.join(dataDir, "homeserver.db"), statement, JSON.stringify(params)]);
  };
  /** Runs one statement for many rows in one transaction (stopped server). */
  handle.sqlMany = (statement, rows) => {
    const script =
      "import sqlite3,sys,json\n" +
      "c=sqlite3.connect(sys.argv[1]);c.executemany(sys.argv[2],json.load(sys.stdin));c.commit()";
    execFileSync(python, ["-c", script, path.join(dataDir, "homeserver.db"), statement], {
      input: JSON.stringify(rows),
      maxBuffer: 64 * 1024 * 1024,
    });
  };
  await handle.start();
  return handle;
}

// ---------------------------------------------------------------- seeding

async function call(base, method, pathname, { token, body, ip } = {}) {
  const res = await fetch(base + pathname, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(ip ? { "X-Forwarded-For": ip } : {}),
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { raw: text };
  }
  if (!res.ok) {
    const err = new Error(`${method} ${pathname} → ${res.status} ${text}`);
    err.status = res.status;
    err.body = json;
    throw err;
  }
  return json;
}
export { call as matrixCall };

/**
 * Registers a user with the shared-secret admin API (no device is kept: the
 * returned device is logged out again so tests start from a known set).
 */
export async function registerUser(base, username, password, { admin = false } = {}) {
  const { nonce } = await call(base, "GET", "/_synapse/admin/v1/register");
  const mac = createHmac("sha1", SHARED_SECRET)
    .update(`${nonce}\0${username}\0${password}\0${admin ? "admin" : "notadmin"}`)
    .digest("hex");
  const res = await call(base, "POST", "/_synapse/admin/v1/register", {
    body: { nonce, username, password, admin, mac },
  });
  await call(base, "POST", "/_matrix/client/v3/logout", { token: res.access_token, body: {} });
  return { userId: res.user_id };
}

/** Signs in one more session (device) of a user, as another client would. */
export async function loginDevice(base, username, password, { deviceId, displayName, refresh = false } = {}) {
  const body = {
    type: "m.login.password",
    identifier: { type: "m.id.user", user: username },
    password,
  };
  if (deviceId) body.device_id = deviceId;
  if (displayName !== undefined) body.initial_device_display_name = displayName;
  if (refresh) body.refresh_token = true;
  const res = await call(base, "POST", "/_matrix/client/v3/login", { body });
  return {
    userId: res.user_id,
    deviceId: res.device_id,
    accessToken: res.access_token,
    refreshToken: res.refresh_token,
  };
}

/**
 * Makes one authenticated request so Synapse records last_seen_ts and the
 * IP address (`ip` is sent as X-Forwarded-For).
 */
export async function touch(base, session, ip) {
  await call(base, "GET", "/_matrix/client/v3/account/whoami", { token: session.accessToken, ip });
}

export async function listDevices(base, token) {
  return (await call(base, "GET", "/_matrix/client/v3/devices", { token })).devices;
}

/**
 * Synapse batches last-seen updates in memory and writes them every few
 * seconds; wait until every device in `ids` has a timestamp in /devices.
 */
export async function waitLastSeen(base, token, ids, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const devices = await listDevices(base, token);
    const seen = new Set(devices.filter((d) => d.last_seen_ts).map((d) => d.device_id));
    if (ids.every((id) => seen.has(id))) return devices;
    if (Date.now() > deadline) throw new Error(`last_seen not recorded for ${ids}`);
    await sleep(250);
  }
}
