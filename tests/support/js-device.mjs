// A real Matrix "other device" for the end-to-end tests: matrix-js-sdk 43 with
// its Rust crypto (@matrix-org/matrix-sdk-crypto-wasm, the crypto of Element),
// run in Node. It signs in to a test Synapse, sets up cross-signing and secret
// storage, reports what its crypto believes about devices, and runs SAS (emoji)
// verifications over to-device messages, either side of them.
//
//   const dev = await startJsDevice({ hsBase, username: "alice", password: "pw", deviceId: "JSDEV1" });
//   const { recoveryKey } = await dev.bootstrapSecurity();         // or { passphrase: "…" }
//   const v = await dev.waitForIncomingRequest(20000);              // request from the app
//   const { emoji } = await v.sas();                                // 7 × [symbol, name]
//   await v.confirm(); await v.done();                              // or v.mismatch() / v.cancel()
//   await dev.stop();
//
// Node 20 needs two shims the sdk expects: `Promise.withResolvers` (Node 22)
// and IndexedDB (fake-indexeddb). Both are installed here before the sdk loads.
// Every device gets its own in-memory crypto store (nothing on disk).
//
// Nothing secret is printed unless `log` is given: the sdk's own log goes to
// `log` (a function, or `true` for console.error); the recovery key, passwords
// and tokens are never logged by this module.
import "fake-indexeddb/auto";

if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

// The sdk arms a plain setTimeout for every HTTP request (its AbortSignal.timeout
// ponyfill in http-api/utils.js: 60 s, or pollTimeout + 80 s for /sync) and
// never clears it, so a finished script would stay alive for up to 82 s after
// stop(). Those timers only abort requests; unref them (they still fire while
// the process is alive). Only long timers are inspected, so this costs nothing
// elsewhere.
if (!globalThis.__jsDeviceTimerPatch) {
  globalThis.__jsDeviceTimerPatch = true;
  const original = globalThis.setTimeout;
  globalThis.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
    const t = original.call(this, fn, ms, ...args);
    if (ms >= 30000 && typeof t?.unref === "function" && /matrix-js-sdk[\\/]lib[\\/]http-api/.test(new Error().stack)) t.unref();
    return t;
  };
}

let sdkPromise;
/** Loads matrix-js-sdk (once, after the shims above). */
async function loadSdk() {
  sdkPromise ??= (async () => {
    const main = await import("matrix-js-sdk");
    // CryptoEvent, VerifierEvent, CrossSigningKey, … live in the crypto-api entry point.
    const cryptoApi = await import("matrix-js-sdk/lib/crypto-api/index.js");
    const sdk = { ...main, ...cryptoApi };
    const wasm = await import("@matrix-org/matrix-sdk-crypto-wasm");
    const { logger: globalLogger } = await import("matrix-js-sdk/lib/logger.js");
    // The sdk's module-level logger (loglevel) prints to the console by
    // default; clients get their own logger below, so silence the global one.
    globalLogger.setLevel?.("silent");
    globalLogger.disableAll?.();
    return { sdk, wasm };
  })();
  return sdkPromise;
}

/** Verification phases as numbers in the sdk (`VerificationPhase`). */
export const Phase = Object.freeze({ Unsent: 1, Requested: 2, Ready: 3, Started: 4, Cancelled: 5, Done: 6 });
const PHASE_NAMES = Object.fromEntries(Object.entries(Phase).map(([k, v]) => [v, k.toLowerCase()]));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with a clear message if `promise` does not settle in `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A logger for the sdk that forwards to `sink(level, namespace, ...msg)` or drops everything. */
function makeLogger(sink, namespace = "") {
  const emit =
    (level) =>
    (...msg) => {
      if (sink) sink(level, namespace, ...msg);
    };
  return {
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    getChild: (ns) => makeLogger(sink, namespace ? `${namespace}${ns}` : ns),
  };
}

async function http(base, method, pathname, { token, body } = {}) {
  const res = await fetch(base + pathname, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = new Error(`${method} ${pathname} → ${res.status} ${text}`);
    err.status = res.status;
    err.body = json;
    throw err;
  }
  return json;
}

/**
 * Starts one matrix-js-sdk device with Rust crypto.
 *
 * @param {object} o
 * @param {string} o.hsBase       homeserver base URL, e.g. http://127.0.0.1:PORT
 * @param {string} [o.username]   localpart (or full user id) for password login
 * @param {string} [o.password]   the account password (login and the cross-signing UIA)
 * @param {string} [o.deviceId]   device id to log in as (use a unique one per device)
 * @param {string} [o.displayName] initial device display name
 * @param {string} [o.accessToken] use this token instead of logging in (needs userId and deviceId,
 *                                 or they are read from /account/whoami)
 * @param {string} [o.userId]
 * @param {string[]} [o.verificationMethods] methods the device offers; default: the sdk's default
 *                                 (m.sas.v1, m.qr_code.show.v1, m.qr_code.scan.v1, m.reciprocate.v1)
 * @param {boolean|function} [o.log] sdk log sink: true → console.error, or fn(level, ns, ...msg)
 * @param {number} [o.timeoutMs]  default timeout of the waits below (20 s)
 * @returns {Promise<JsDevice>}
 */
export async function startJsDevice({
  hsBase,
  username,
  password,
  deviceId,
  displayName,
  accessToken,
  userId,
  verificationMethods,
  log,
  timeoutMs = 20000,
} = {}) {
  const { sdk, wasm } = await loadSdk();
  if (!hsBase) throw new Error("startJsDevice: hsBase is required");

  if (!accessToken) {
    if (!username || !password) throw new Error("startJsDevice: username+password or accessToken required");
    const body = {
      type: "m.login.password",
      identifier: { type: "m.id.user", user: username },
      password,
    };
    if (deviceId) body.device_id = deviceId;
    if (displayName !== undefined) body.initial_device_display_name = displayName;
    const res = await http(hsBase, "POST", "/_matrix/client/v3/login", { body });
    accessToken = res.access_token;
    userId = res.user_id;
    deviceId = res.device_id;
  } else if (!userId || !deviceId) {
    const who = await http(hsBase, "GET", "/_matrix/client/v3/account/whoami", { token: accessToken });
    userId ??= who.user_id;
    deviceId ??= who.device_id;
  }

  const label = `${userId}/${deviceId}`;
  const sink =
    typeof log === "function"
      ? log
      : log
        ? (level, ns, ...msg) => console.error(`[${label} ${level}${ns ? " " + ns : ""}]`, ...msg)
        : null;
  // The sdk's log lines about verification are kept (in memory only) so a
  // test can tell *why* a request was ignored (see `verificationLog()`).
  const verificationLines = [];
  const logListeners = new Set();
  const logger = makeLogger((level, ns, ...msg) => {
    const line = msg.map((m) => (typeof m === "string" ? m : safeString(m))).join(" ");
    if (/verif/i.test(line)) {
      if (verificationLines.length >= 500) verificationLines.shift();
      verificationLines.push(`${level} ${line}`);
      for (const l of logListeners) l(`${level} ${line}`);
    }
    if (sink) sink(level, ns, ...msg);
  });

  // ---- wire transcript: every to-device message in /sync and every PUT /sendToDevice
  const wire = [];
  const wireListeners = new Set();
  const record = (entry) => {
    entry.ts = Date.now();
    entry.seq = wire.length;
    wire.push(entry);
    for (const l of wireListeners) l(entry);
  };
  const fetchFn = async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
    const method = (init.method || "GET").toUpperCase();
    const m = url.pathname.match(/\/sendToDevice\/([^/]+)\/([^/]+)$/);
    if (m && method === "PUT" && typeof init.body === "string") {
      try {
        const body = JSON.parse(init.body);
        const type = decodeURIComponent(m[1]);
        for (const [toUser, perDevice] of Object.entries(body.messages ?? {})) {
          for (const [toDevice, content] of Object.entries(perDevice)) {
            record({ dir: "out", by: label, type, toUser, toDevice, encrypted: type === "m.room.encrypted", content });
          }
        }
      } catch {
        /* not JSON: not ours to record */
      }
    }
    const res = await fetch(input, init);
    if (url.pathname.endsWith("/sync") && res.ok) {
      try {
        const json = await res.clone().json();
        for (const ev of json.to_device?.events ?? []) {
          record({
            dir: "in",
            by: label,
            type: ev.type,
            sender: ev.sender,
            encrypted: ev.type === "m.room.encrypted",
            content: ev.content,
          });
        }
      } catch {
        /* aborted or not JSON */
      }
    }
    return res;
  };

  // ---- secret-storage keys this device knows (keyId → 32-byte key), for the sdk's callbacks
  const ssssKeys = new Map();
  const cryptoCallbacks = {
    getSecretStorageKey: async ({ keys }) => {
      for (const keyId of Object.keys(keys)) {
        if (ssssKeys.has(keyId)) return [keyId, ssssKeys.get(keyId)];
      }
      return null;
    },
    cacheSecretStorageKey: (keyId, _info, key) => {
      ssssKeys.set(keyId, key);
    },
  };

  const client = sdk.createClient({
    baseUrl: hsBase,
    accessToken,
    userId,
    deviceId,
    fetchFn,
    logger,
    cryptoCallbacks,
    ...(verificationMethods ? { verificationMethods } : {}),
    timelineSupport: false,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const crypto = client.getCrypto();

  // Incoming verification requests, queued from the start so none is missed.
  const incoming = [];
  const incomingWaiters = [];
  client.on(sdk.CryptoEvent.VerificationRequestReceived, (request) => {
    const waiter = incomingWaiters.findIndex((w) => w.filter(request));
    if (waiter >= 0) incomingWaiters.splice(waiter, 1)[0].resolve(request);
    else incoming.push(request);
  });

  // Start syncing and wait for the first sync to finish.
  const prepared = new Promise((resolve, reject) => {
    const onSync = (state, _prev, data) => {
      if (state === "PREPARED" || state === "SYNCING") {
        client.off(sdk.ClientEvent.Sync, onSync);
        resolve();
      } else if (state === "ERROR") {
        client.off(sdk.ClientEvent.Sync, onSync);
        reject(new Error(`first sync failed: ${data?.error?.message ?? "unknown error"}`));
      }
    };
    client.on(sdk.ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit: 1, pollTimeout: 2000, lazyLoadMembers: true });
  await withTimeout(prepared, timeoutMs, `${label}: first /sync`);

  /** Asks the server for fresh device keys of `userIds` now (the sdk's own key-query path). */
  async function refreshKeys(userIds) {
    const machine = crypto.getOlmMachineOrThrow?.() ?? crypto.olmMachine;
    const req = machine.queryKeysForUsers(userIds.map((u) => new wasm.UserId(u)));
    await crypto.outgoingRequestProcessor.makeOutgoingRequest(req);
  }

  async function deviceStatus(uid, did, { refresh = true } = {}) {
    if (refresh) await refreshKeys([uid]);
    const s = await crypto.getDeviceVerificationStatus(uid, did);
    if (!s) return null;
    return {
      crossSigningVerified: s.crossSigningVerified,
      signedByOwner: s.signedByOwner,
      localVerified: s.localVerified,
      isVerified: s.isVerified(),
    };
  }

  async function waitForDeviceStatus(uid, did, predicate, ms = timeoutMs, intervalMs = 300) {
    const deadline = Date.now() + ms;
    let last = null;
    for (;;) {
      last = await deviceStatus(uid, did);
      if (predicate(last)) return last;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${ms} ms: ${label} sees ${uid}/${did} as ${JSON.stringify(last)} (predicate not met)`,
        );
      }
      await sleep(intervalMs);
    }
  }

  function controllerFor(request, opts = {}) {
    return makeController({ sdk, request, label, timeoutMs, crypto, ...opts });
  }

  const device = {
    userId,
    deviceId,
    accessToken,
    /** The matrix-js-sdk MatrixClient (for anything not wrapped here). */
    client,
    /** The sdk's CryptoApi (RustCrypto). */
    crypto,

    /**
     * Sets up NEW cross-signing keys (answering the UIA with the account
     * password if the server asks) and NEW secret storage whose key comes from
     * `passphrase` (PBKDF2-SHA-512, 500 000 iterations, random salt, as the sdk
     * does) or is random; the three cross-signing private keys are stored in
     * it. Resolves once the account data is on the server.
     * @returns {{recoveryKey, keyId, keyInfo, masterKey, selfSigningKey, userSigningKey, uia}}
     *   recoveryKey: the encoded key with spaces (as Element shows it);
     *   keyInfo: the m.secret_storage.key.<keyId> content (iv, mac, passphrase{salt,iterations});
     *   *Key: public keys, unpadded base64; uia: whether the server asked for UIA.
     */
    async bootstrapSecurity({ passphrase } = {}) {
      let uia = false;
      await crypto.bootstrapCrossSigning({
        setupNewCrossSigning: true,
        authUploadDeviceSigningKeys: async (makeRequest) => {
          try {
            return await makeRequest(null);
          } catch (e) {
            const session = e?.data?.session;
            if (e?.httpStatus !== 401 || !session) throw e;
            uia = true;
            if (!password) throw new Error("cross-signing upload needs UIA but no password was given");
            return await makeRequest({
              type: "m.login.password",
              identifier: { type: "m.id.user", user: userId },
              password,
              session,
            });
          }
        },
      });
      let generated;
      await crypto.bootstrapSecretStorage({
        setupNewSecretStorage: true,
        createSecretStorageKey: async () => {
          generated = await crypto.createRecoveryKeyFromPassphrase(passphrase || undefined);
          return generated;
        },
      });
      const keyId = await client.secretStorage.getDefaultKeyId();
      const keyInfo = (await client.secretStorage.getKey(keyId))?.[1];
      ssssKeys.set(keyId, generated.privateKey);
      return {
        recoveryKey: generated.encodedPrivateKey,
        keyId,
        keyInfo,
        masterKey: await crypto.getCrossSigningKeyId(sdk.CrossSigningKey?.Master ?? "master"),
        selfSigningKey: await crypto.getCrossSigningKeyId(sdk.CrossSigningKey?.SelfSigning ?? "self_signing"),
        userSigningKey: await crypto.getCrossSigningKeyId(sdk.CrossSigningKey?.UserSigning ?? "user_signing"),
        uia,
      };
    },

    /** The public cross-signing keys this device's crypto knows for its user (or nulls). */
    async crossSigningKeys() {
      return {
        masterKey: await crypto.getCrossSigningKeyId("master"),
        selfSigningKey: await crypto.getCrossSigningKeyId("self_signing"),
        userSigningKey: await crypto.getCrossSigningKeyId("user_signing"),
      };
    },

    /**
     * What this device's crypto reports about `userId`/`deviceId`, after a
     * fresh /keys/query: {crossSigningVerified, signedByOwner, localVerified,
     * isVerified} or null when the device is unknown (no device keys).
     */
    deviceStatus,

    /** Polls deviceStatus (fresh key download each time) until `predicate(status)` holds. */
    waitForDeviceStatus,

    /** Waits until this device's crypto knows `userId`/`deviceId` (has its device keys). */
    async waitForDevice(uid, did, ms = timeoutMs) {
      return waitForDeviceStatus(uid, did, (s) => s !== null, ms);
    },

    /** Whether its crypto considers its OWN device cross-signed by its owner (and that identity trusted). */
    async ownDeviceVerified() {
      const s = await deviceStatus(userId, deviceId);
      return Boolean(s?.crossSigningVerified);
    },

    /** Full status of its own device, as deviceStatus. */
    async ownDeviceStatus() {
      return deviceStatus(userId, deviceId);
    },

    /**
     * Sends a verification request (to-device, plaintext) to another device,
     * by default of the same user. Waits until that device's keys are known
     * first (the sdk refuses to request verification with an unknown device).
     * NB: the RECEIVING Rust crypto silently ignores a request from a device
     * whose keys it has not downloaded yet, so when the other side is a
     * js-device too, call `other.waitForDevice(me.userId, me.deviceId)` first.
     * `acceptStart: false`: never answer the other side's m.key.verification.start.
     * @returns {Promise<VerificationController>}
     */
    async requestVerification(otherDeviceId, { otherUserId = userId, acceptStart = true } = {}) {
      await device.waitForDevice(otherUserId, otherDeviceId);
      const request = await crypto.requestDeviceVerification(otherUserId, otherDeviceId);
      return controllerFor(request, { acceptStart });
    },

    /**
     * The next verification request another device sent to this one (queued
     * since start, so one that arrived earlier is returned at once). It is
     * NOT accepted automatically unless `accept: true`; without accepting, the
     * sender sees no answer (and eventually times out: 10 minutes in the
     * Rust crypto). `acceptStart: false`: after accepting, never answer the
     * other side's m.key.verification.start (no m.key.verification.accept).
     * The Rust crypto only reports requests from devices whose keys it has
     * (see waitForDevice); others are dropped, with a log line saying so.
     * @param {number} ms
     * @param {{fromDevice?: string, fromUser?: string, accept?: boolean, acceptStart?: boolean}} [opts]
     */
    async waitForIncomingRequest(ms = timeoutMs, { fromDevice, fromUser, accept = false, acceptStart = true } = {}) {
      const filter = (r) =>
        (!fromDevice || r.otherDeviceId === fromDevice) && (!fromUser || r.otherUserId === fromUser);
      let request;
      const idx = incoming.findIndex(filter);
      if (idx >= 0) request = incoming.splice(idx, 1)[0];
      else {
        const p = new Promise((resolve, reject) => incomingWaiters.push({ filter, resolve, reject }));
        request = await withTimeout(p, ms, `${label}: an incoming verification request`).catch((e) => {
          const i = incomingWaiters.findIndex((w) => w.filter === filter);
          if (i >= 0) incomingWaiters.splice(i, 1);
          const hint = verificationLines.slice(-6).map((l) => l.split("\n")[0]).join("\n  ");
          throw new Error(`${e.message}${hint ? `\n  sdk said:\n  ${hint}` : ""}`);
        });
      }
      const c = controllerFor(request, { acceptStart });
      if (accept) await c.accept();
      return c;
    },

    /** Requests received and not yet taken by waitForIncomingRequest. */
    pendingIncomingRequests() {
      return incoming.map((r) => ({ transactionId: r.transactionId, otherUserId: r.otherUserId, otherDeviceId: r.otherDeviceId }));
    },

    /**
     * To-device traffic seen on the wire by this device, in order:
     * {seq, ts, dir: "in"|"out", by, type, sender?|toUser+toDevice, encrypted, content}.
     * "in" entries come from /sync `to_device.events`, "out" ones from PUT /sendToDevice bodies.
     */
    toDeviceLog({ prefix = "" } = {}) {
      return wire.filter((e) => e.type.startsWith(prefix) || (prefix && e.encrypted));
    },
    clearToDeviceLog() {
      wire.length = 0;
    },
    /** Waits for a to-device entry matching `pred` (searching what is already logged first). */
    waitForToDevice(pred, ms = timeoutMs, what = "a to-device message") {
      const hit = wire.find(pred);
      if (hit) return Promise.resolve(hit);
      let listener;
      const p = new Promise((resolve) => {
        listener = (e) => pred(e) && resolve(e);
        wireListeners.add(listener);
      });
      return withTimeout(p, ms, `${label}: ${what}`).finally(() => wireListeners.delete(listener));
    },

    /** The sdk's recent log lines that mention verification (for diagnosing ignored requests). */
    verificationLog() {
      return verificationLines.slice();
    },
    /** Waits for an sdk log line about verification matching `re`; resolves with that line. */
    waitForVerificationLog(re, ms = timeoutMs) {
      const hit = verificationLines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      let listener;
      const p = new Promise((resolve) => {
        listener = (l) => re.test(l) && resolve(l);
        logListeners.add(listener);
      });
      return withTimeout(p, ms, `${label}: sdk log line ${re}`).finally(() => logListeners.delete(listener));
    },

    /** Stops syncing and frees the crypto machine so the Node process can exit (idempotent). */
    async stop() {
      for (const w of incomingWaiters.splice(0)) w.reject(new Error(`${label}: stopped`));
      wireListeners.clear();
      logListeners.clear();
      client.stopClient();
      try {
        client.removeAllListeners();
      } catch {
        /* ignore */
      }
    },
  };
  return device;
}

function safeString(v) {
  try {
    if (v instanceof Error) return v.message;
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Wraps one sdk VerificationRequest.
 *
 * @typedef {object} VerificationController
 * @property {string} transactionId
 * @property {string} otherDeviceId
 * @property {object} request             the sdk VerificationRequest
 * @property {() => string} phase          "requested" | "ready" | "started" | "cancelled" | "done"
 * @property {(phase: string, ms?: number) => Promise<void>} waitForPhase
 * @property {() => Promise<void>} accept  send m.key.verification.ready (incoming requests)
 * @property {() => Promise<void>} startSas send m.key.verification.start (m.sas.v1)
 * @property {(ms?: number, opts?: {start?: boolean, acceptStart?: boolean}) => Promise<{emoji, decimal}>} sas
 * @property {() => Promise<void>} confirm   "they match": sends m.key.verification.mac
 * @property {() => Promise<void>} mismatch  "they don't match": cancels with m.mismatched_sas
 * @property {(opts?: {code?: string}) => Promise<void>} cancel  cancels now (m.user unless code)
 * @property {(stage: string) => void} cancelAt  cancel as soon as stage (ready|started|sas) is reached
 * @property {(ms?: number) => Promise<void>} done  resolves when done, rejects (err.code) when cancelled
 * @property {() => {status, code, reason, cancelledBy}} outcome
 */
function makeController({ sdk, request, label, timeoutMs, crypto, acceptStart: acceptStartOpt = true }) {
  const out = { status: "pending", code: null, reason: null, cancelledBy: null };
  let sasCallbacks = null;
  let verifier = null;
  let verifyStarted = false;
  let acceptStart = acceptStartOpt;
  const sasWaiters = new Set();
  const changeWaiters = new Set();
  const doneDeferred = Promise.withResolvers();
  doneDeferred.promise.catch(() => {});
  const cancelStages = new Set();

  const fireCancelStages = () => {
    const stage = sasCallbacks ? "sas" : PHASE_NAMES[request.phase];
    if (cancelStages.has(stage) || (stage === "sas" && cancelStages.has("started"))) {
      cancelStages.clear();
      void controller.cancel();
    }
  };

  function hookVerifier(v) {
    if (verifier === v) return;
    verifier = v;
    const onSas = (cb) => {
      sasCallbacks = cb;
      for (const w of sasWaiters) w();
      fireCancelStages();
    };
    v.on(sdk.VerifierEvent.ShowSas, onSas);
    if (v.getShowSasCallbacks()) onSas(v.getShowSasCallbacks());
    if (acceptStart) runVerify();
  }

  function runVerify() {
    if (!verifier || verifyStarted) return;
    verifyStarted = true;
    // verify() sends m.key.verification.accept if the other side started,
    // then resolves when done / rejects when cancelled.
    verifier.verify().catch(() => {});
  }

  function onChange() {
    const phase = request.phase;
    if (phase === Phase.Started && request.verifier) hookVerifier(request.verifier);
    if (phase === Phase.Done && out.status === "pending") {
      out.status = "done";
      doneDeferred.resolve();
    } else if (phase === Phase.Cancelled && out.status === "pending") {
      out.status = "cancelled";
      out.code = request.cancellationCode;
      out.cancelledBy = request.cancellingUserId;
      try {
        const info = request.inner?.cancelInfo;
        out.reason = info?.reason?.() ?? null;
        out.cancelledByUs = info?.cancelledbyUs?.() ?? null;
      } catch {
        /* ignore */
      }
      const err = new Error(`${label}: verification cancelled with ${out.code}${out.reason ? ` (${out.reason})` : ""}`);
      err.code = out.code;
      doneDeferred.reject(err);
    }
    fireCancelStages();
    for (const w of changeWaiters) w();
  }
  request.on(sdk.VerificationRequestEvent.Change, onChange);

  /** `want` or a later phase on the way to success (Cancelled only if asked for). */
  function reached(want) {
    const p = request.phase;
    if (want === Phase.Cancelled) return p === Phase.Cancelled;
    return p >= want && p !== Phase.Cancelled;
  }

  function waitFor(cond, ms, what) {
    if (cond()) return Promise.resolve();
    let w;
    const p = new Promise((resolve, reject) => {
      w = () => {
        if (cond()) resolve();
        else if (out.status === "cancelled") reject(Object.assign(new Error(`${label}: cancelled (${out.code}) while waiting for ${what}`), { code: out.code }));
      };
      changeWaiters.add(w);
      sasWaiters.add(w);
    });
    return withTimeout(p, ms, `${label}: ${what}`).finally(() => {
      changeWaiters.delete(w);
      sasWaiters.delete(w);
    });
  }

  const controller = {
    request,
    get transactionId() {
      return request.transactionId;
    },
    get otherDeviceId() {
      return request.otherDeviceId;
    },
    get initiatedByMe() {
      return request.initiatedByMe;
    },
    phase: () => PHASE_NAMES[request.phase],
    waitForPhase(name, ms = timeoutMs) {
      const want = Phase[name[0].toUpperCase() + name.slice(1)];
      if (!want) throw new Error(`unknown phase ${name}`);
      return waitFor(() => reached(want), ms, `phase ${name} (now ${PHASE_NAMES[request.phase]})`);
    },
    /** Answers an incoming request (m.key.verification.ready). */
    async accept() {
      await request.accept();
    },
    /** Sends m.key.verification.start for m.sas.v1 (needs phase ready). */
    async startSas() {
      const v = await request.startVerification("m.sas.v1");
      hookVerifier(v);
    },
    /**
     * Resolves with {emoji: [[symbol, name] ×7], decimal: [n1,n2,n3]} once the
     * SAS is shown. `start: true` makes this side send the start when the
     * request is ready (default: only if it sent the request); without it,
     * waits for the other side's start. `acceptStart: false` never answers the
     * other side's start (so it times out).
     */
    async sas(ms = timeoutMs, { start = request.initiatedByMe, acceptStart: acc = acceptStart } = {}) {
      acceptStart = acc;
      if (start) {
        await waitFor(() => reached(Phase.Ready), ms, "the other side to accept (ready)");
        if (request.phase === Phase.Ready && !verifier) await controller.startSas();
      }
      if (verifier && acceptStart) runVerify();
      await waitFor(() => sasCallbacks !== null, ms, `the SAS (phase ${PHASE_NAMES[request.phase]})`);
      return { emoji: sasCallbacks.sas.emoji, decimal: sasCallbacks.sas.decimal };
    },
    /** The user says the emoji match: sends this side's m.key.verification.mac. */
    async confirm() {
      if (!sasCallbacks) throw new Error("confirm(): no SAS shown yet");
      await sasCallbacks.confirm();
    },
    /** The user says they differ: cancels with m.mismatched_sas. */
    async mismatch() {
      if (!sasCallbacks) throw new Error("mismatch(): no SAS shown yet");
      sasCallbacks.mismatch();
      await waitFor(() => out.status !== "pending", 5000, "the mismatch cancel").catch(() => {});
    },
    /**
     * Cancels now. With a SAS flow under way any `code` can be sent
     * (m.user by default); before that the sdk always sends m.user.
     */
    async cancel({ code = "m.user" } = {}) {
      const inner = verifier?.inner;
      if (inner?.cancelWithCode) {
        const req = inner.cancelWithCode(code);
        if (req) await crypto.outgoingRequestProcessor.makeOutgoingRequest(req);
      } else {
        await request.cancel({ code });
      }
      await waitFor(() => out.status !== "pending", 5000, "the cancel").catch(() => {});
    },
    /** Cancels (m.user) as soon as `stage` is reached: "requested" | "ready" | "started" | "sas". */
    cancelAt(stage) {
      cancelStages.add(stage);
      fireCancelStages();
    },
    /** Resolves when the verification is done; rejects (err.code) when cancelled. */
    done(ms = timeoutMs) {
      return withTimeout(doneDeferred.promise, ms, `${label}: verification done (phase ${PHASE_NAMES[request.phase]})`);
    },
    /** Waits until done or cancelled and returns the outcome (never rejects on cancel). */
    async settled(ms = timeoutMs) {
      await withTimeout(doneDeferred.promise.catch(() => {}), ms, `${label}: verification to end`);
      return controller.outcome();
    },
    /** {status: "pending"|"done"|"cancelled", code, reason, cancelledBy} */
    outcome: () => ({ ...out }),
  };
  onChange();
  return controller;
}
