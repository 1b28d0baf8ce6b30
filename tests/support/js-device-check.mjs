// Self-check of tests/support/js-device.mjs against a real Synapse:
//
//   node tests/support/js-device-check.mjs        (about 25 s; needs .synapse-venv)
//
// (a) bootstrapSecurity() with a recovery key and with a passphrase (two
//     users) leaves secret storage and cross-signing on the server (read back
//     over plain HTTP and decrypted with the sdk's own functions); replacing
//     the keys asks for UIA, answered with the password;
// (b) two js-sdk devices of one user complete an emoji verification; the
//     verified device is then cross-signed (seen by the other device and in a
//     plain /keys/query, signature checked); the to-device messages exchanged
//     are saved to tests/fixtures/sas-transcript.json;
// (c) a mismatch cancels with m.mismatched_sas and signs nothing;
// (d) cancels: once the other side started (d1), an unanswered request (d2),
//     with an explicit code while the SAS is shown (d3), a start that is never
//     accepted (d4);
// (e) a "bare" device (device keys only, no one-time keys, plaintext
//     to-device messages over plain HTTP — what the app will be) against the
//     js-sdk: it requests (e1), it is asked (e2), it holds the cross-signing
//     keys and verifies a new js-sdk device (e4), it sends a request before
//     its keys are known (e3). Its SAS side is a small probe written here
//     with node:crypto; it is only a peer to see what the js-sdk accepts, not
//     a reference (the reference vectors come from js-sdk-vectors.mjs).
//
// Prints what happened and exits non-zero on the first failed assertion.
import assert from "node:assert/strict";
import nodeCrypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ROOT, startSynapse, registerUser, loginDevice, matrixCall } from "./synapse.mjs";
import { canonicalJson, newKeyPair, deviceKeys, uploadDeviceKeys } from "./keys.mjs";
import { startJsDevice, withTimeout } from "./js-device.mjs";
import { decodeRecoveryKey, encodeRecoveryKey, deriveRecoveryKeyFromPassphrase } from "matrix-js-sdk/lib/crypto-api/index.js";
import { calculateKeyCheck } from "matrix-js-sdk/lib/secret-storage.js";
import decryptAESSecretStorageItem from "matrix-js-sdk/lib/utils/decryptAESSecretStorageItem.js";

const DATA_DIR = path.join(ROOT, ".test-run", "js-device-check");
const TRANSCRIPT = path.join(ROOT, "tests", "fixtures", "sas-transcript.json");
const PASSWORD = "correct horse battery staple";
const T0 = Date.now();
const say = (...a) => console.log(`[${((Date.now() - T0) / 1000).toFixed(1).padStart(5)}s]`, ...a);
const unpadded = (buf) => Buffer.from(buf).toString("base64").replace(/=+$/, "");
const b64 = (s) => Buffer.from(s, "base64");

const started = [];
let hs;

async function newDevice(username, deviceId, extra = {}) {
  const d = await startJsDevice({ hsBase: hs.base, username, password: PASSWORD, deviceId, displayName: `js-sdk ${deviceId}`, ...extra });
  started.push(d);
  return d;
}

/**
 * The receiving js-sdk (Rust crypto) IGNORES a verification request from a
 * device whose keys it has not downloaded yet ("Could not retrieve the device
 * data for the incoming verification request, ignoring it"), so the responder
 * must know the requester before the request is sent.
 */
async function meet(responder, requester) {
  await responder.waitForDevice(requester.userId, requester.deviceId);
}

async function accountData(login, type) {
  return matrixCall(hs.base, "GET", `/_matrix/client/v3/user/${encodeURIComponent(login.userId)}/account_data/${encodeURIComponent(type)}`, {
    token: login.accessToken,
  });
}

async function keysQuery(login, userId) {
  return matrixCall(hs.base, "POST", "/_matrix/client/v3/keys/query", { token: login.accessToken, body: { device_keys: { [userId]: [] } } });
}

function ed25519PublicFromSeed(seedB64) {
  assert.equal(b64(seedB64).length, 32, "cross-signing secret must be a 32-byte seed");
  return seedToPair(seedB64).publicKey;
}

function verifySig(object, userId, keyId, publicKeyB64) {
  const sig = object.signatures?.[userId]?.[`ed25519:${keyId}`];
  if (!sig) return false;
  const { signatures, unsigned, ...signed } = object;
  const pub = nodeCrypto.createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: b64(publicKeyB64).toString("base64url") },
    format: "jwk",
  });
  return nodeCrypto.verify(null, Buffer.from(canonicalJson(signed)), pub, b64(sig));
}

/** Is `deviceId` cross-signed in a plain /keys/query (signature by the published SSK, verified)? */
async function crossSignedOnServer(login, userId, deviceId) {
  const q = await keysQuery(login, userId);
  const ssk = Object.values(q.self_signing_keys?.[userId]?.keys ?? {})[0];
  const dev = q.device_keys?.[userId]?.[deviceId];
  if (!ssk || !dev) return { ssk, present: Boolean(dev), crossSigned: false };
  return { ssk, present: true, crossSigned: verifySig(dev, userId, ssk, ssk), device: dev };
}

// ---------------------------------------------------------------- (a)

async function checkBootstrap(username, deviceId, { passphrase } = {}) {
  const { userId } = await registerUser(hs.base, username, PASSWORD);
  const dev = await newDevice(username, deviceId);
  const res = await dev.bootstrapSecurity({ passphrase });
  const login = { userId, accessToken: dev.accessToken };
  say(`(a) ${username}: bootstrapSecurity(${passphrase ? "passphrase" : ""}) → keyId ${res.keyId}, MSK ${res.masterKey}, UIA asked: ${res.uia}`);

  assert.match(res.recoveryKey, /^([1-9A-HJ-NP-Za-km-z]{4} ){11}[1-9A-HJ-NP-Za-km-z]{4}$/, "recovery key: 12 groups of 4 base58 chars");
  const key = decodeRecoveryKey(res.recoveryKey);
  assert.equal(encodeRecoveryKey(key), res.recoveryKey);

  const def = await accountData(login, "m.secret_storage.default_key");
  assert.deepEqual(def, { key: res.keyId }, "m.secret_storage.default_key");
  const info = await accountData(login, `m.secret_storage.key.${res.keyId}`);
  assert.equal(info.algorithm, "m.secret_storage.v1.aes-hmac-sha2");
  assert.ok(info.iv && info.mac, "key description has iv and mac");
  const check = await calculateKeyCheck(key, info.iv);
  assert.equal(check.mac.replace(/=+$/, ""), info.mac.replace(/=+$/, ""), "key check MAC matches the recovery key");
  if (passphrase) {
    assert.equal(info.passphrase?.algorithm, "m.pbkdf2");
    assert.ok(info.passphrase.salt && info.passphrase.iterations > 0);
    const derived = await deriveRecoveryKeyFromPassphrase(passphrase, info.passphrase.salt, info.passphrase.iterations, info.passphrase.bits ?? 256);
    assert.equal(Buffer.from(derived).toString("hex"), Buffer.from(key).toString("hex"), "PBKDF2(passphrase) = the secret-storage key");
    say(`(a) ${username}: passphrase → PBKDF2 salt ${JSON.stringify(info.passphrase.salt)}, ${info.passphrase.iterations} iterations, bits ${info.passphrase.bits ?? "(absent → 256)"}`);
  } else {
    assert.equal(info.passphrase, undefined, "random key has no passphrase info");
  }
  const q = await keysQuery(login, userId);
  const published = {
    master: Object.keys(q.master_keys[userId].keys)[0].slice(8),
    self_signing: Object.keys(q.self_signing_keys[userId].keys)[0].slice(8),
    user_signing: Object.keys(q.user_signing_keys[userId].keys)[0].slice(8),
  };
  assert.deepEqual(published, { master: res.masterKey, self_signing: res.selfSigningKey, user_signing: res.userSigningKey });
  for (const usage of ["master", "self_signing", "user_signing"]) {
    const item = await accountData(login, `m.cross_signing.${usage}`);
    const enc = item.encrypted?.[res.keyId];
    assert.ok(enc?.iv && enc?.ciphertext && enc?.mac, `m.cross_signing.${usage} encrypted under ${res.keyId}`);
    const seed = await decryptAESSecretStorageItem(enc, key, `m.cross_signing.${usage}`);
    assert.equal(ed25519PublicFromSeed(seed), published[usage], `4S copy of ${usage} matches the published key`);
  }
  assert.equal(await dev.ownDeviceVerified(), true, "the bootstrapping device is cross-signed");
  say(`(a) ${username}: account data default_key, key.${res.keyId}, m.cross_signing.{master,self_signing,user_signing} on the server; 4S copies decrypt to the published keys`);
  return { dev, res, userId, login };
}

// ---------------------------------------------------------------- transcript

/** Merges two devices' wire logs of one transaction into one message list. */
function mergeTranscript(devs, txn) {
  const inTxn = (e) => e.encrypted || e.content?.transaction_id === txn;
  const outs = devs.flatMap((d) => d.toDeviceLog().filter((e) => e.dir === "out" && inTxn(e)).map((e) => ({ ...e, from: d.deviceId })));
  const ins = devs.flatMap((d) => d.toDeviceLog().filter((e) => e.dir === "in" && inTxn(e)).map((e) => ({ ...e, at: d.deviceId })));
  outs.sort((x, y) => x.ts - y.ts || x.seq - y.seq);
  return outs.map((o, i) => {
    const rcv = ins.find((e) => e.at === o.toDevice && e.type === o.type && canonicalJson(e.content) === canonicalJson(o.content));
    return {
      n: i + 1,
      type: o.type,
      from: o.from,
      to: o.toDevice,
      sentAs: o.encrypted ? "m.room.encrypted (Olm)" : "plaintext to-device (PUT /sendToDevice/" + o.type + ")",
      receivedInSync: rcv ? { type: rcv.type, encrypted: rcv.encrypted, sender: rcv.sender, sameContent: true } : null,
      content: o.content,
    };
  });
}

// ---------------------------------------------------------------- bare device (plain HTTP)

/** A device that only uploaded device keys and talks plaintext to-device over plain HTTP. */
async function bareDevice(username, deviceId, { uploadKeys = true } = {}) {
  const login = await loginDevice(hs.base, username, PASSWORD, { deviceId, displayName: `bare ${deviceId}` });
  const ed = newKeyPair();
  const x = nodeCrypto.generateKeyPairSync("x25519");
  const curve = unpadded(x.publicKey.export({ format: "der", type: "spki" }).subarray(-32));
  if (uploadKeys) await uploadDeviceKeys(hs.base, login, deviceKeys(login, ed, curve));
  let since = null;
  const inbox = [];
  const sync = async (timeout = 0) => {
    const q = new URLSearchParams({ timeout: String(timeout), set_presence: "offline" });
    if (since) q.set("since", since);
    else q.set("filter", JSON.stringify({ room: { rooms: [] }, presence: { types: [] }, account_data: { types: [] } }));
    const r = await matrixCall(hs.base, "GET", `/_matrix/client/v3/sync?${q}`, { token: login.accessToken });
    since = r.next_batch;
    for (const ev of r.to_device?.events ?? []) inbox.push({ ...ev, encrypted: ev.type === "m.room.encrypted" });
  };
  await sync();
  const peer = {
    login,
    curve,
    userId: login.userId,
    deviceId,
    ed,
    inbox,
    async send(type, toDevice, content, toUser = login.userId) {
      const txnId = nodeCrypto.randomUUID();
      await matrixCall(hs.base, "PUT", `/_matrix/client/v3/sendToDevice/${encodeURIComponent(type)}/${txnId}`, {
        token: login.accessToken,
        body: { messages: { [toUser]: { [toDevice]: content } } },
      });
    },
    /** Long-polls /sync until a to-device event matching `pred` arrives. */
    async waitFor(pred, ms = 15000, what = "a to-device event") {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = inbox.findIndex(pred);
        if (i >= 0) return inbox.splice(i, 1)[0];
        if (Date.now() > deadline) throw new Error(`bare ${deviceId}: timed out waiting for ${what}; inbox: ${JSON.stringify(inbox.map((e) => e.type))}`);
        await sync(Math.min(1000, Math.max(0, deadline - Date.now())));
      }
    },
  };
  return peer;
}

/** The probe's SAS side (spec m.sas.v1, curve25519-hkdf-sha256, hkdf-hmac-sha256.v2, sha256). */
function sasProbe(peer, txn, other) {
  const eph = nodeCrypto.generateKeyPairSync("x25519");
  const ephPub = unpadded(eph.publicKey.export({ format: "der", type: "spki" }).subarray(-32));
  let shared;
  const agree = (theirB64) => {
    const pub = nodeCrypto.createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64(theirB64).toString("base64url") }, format: "jwk" });
    shared = nodeCrypto.diffieHellman({ privateKey: eph.privateKey, publicKey: pub });
  };
  const hkdf = (info, len) => Buffer.from(nodeCrypto.hkdfSync("sha256", shared, Buffer.alloc(0), Buffer.from(info), len));
  const mac = (input, info) => unpadded(nodeCrypto.createHmac("sha256", hkdf(info, 32)).update(input).digest());
  return {
    ephPub,
    agree,
    /** decimal SAS; starter/accepter = {user, device, key} */
    decimal(starter, accepter) {
      const info = `MATRIX_KEY_VERIFICATION_SAS|${starter.user}|${starter.device}|${starter.key}|${accepter.user}|${accepter.device}|${accepter.key}|${txn}`;
      const b = hkdf(info, 6);
      return [((b[0] << 5) | (b[1] >> 3)) + 1000, (((b[1] & 7) << 10) | (b[2] << 2) | (b[3] >> 6)) + 1000, (((b[3] & 0x3f) << 7) | (b[4] >> 1)) + 1000];
    },
    /** our m.key.verification.mac content for our device key */
    ourMac(extraKeys = {}) {
      const base = `MATRIX_KEY_VERIFICATION_MAC${peer.userId}${peer.deviceId}${other.user}${other.device}${txn}`;
      const keys = { [`ed25519:${peer.deviceId}`]: peer.ed.publicKey, ...extraKeys };
      const ids = Object.keys(keys).sort();
      return {
        transaction_id: txn,
        mac: Object.fromEntries(ids.map((id) => [id, mac(keys[id], base + id)])),
        keys: mac(ids.join(","), base + "KEY_IDS"),
      };
    },
    /** checks their mac content against the keys we expect (keyId → public key) */
    checkTheirMac(content, expected) {
      const base = `MATRIX_KEY_VERIFICATION_MAC${other.user}${other.device}${peer.userId}${peer.deviceId}${txn}`;
      const ids = Object.keys(content.mac).sort();
      const okKeys = mac(ids.join(","), base + "KEY_IDS") === content.keys;
      const per = Object.fromEntries(ids.map((id) => [id, expected[id] ? mac(expected[id], base + id) === content.mac[id] : "unknown key"]));
      return { okKeys, per };
    },
  };
}


/** ed25519 key pair from a 32-byte seed (unpadded base64), as Node KeyObjects. */
function seedToPair(seedB64) {
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), b64(seedB64)]);
  const privateKey = nodeCrypto.createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const publicKey = unpadded(nodeCrypto.createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32));
  return { privateKey, publicKey };
}

/** Signs `deviceId`'s published device keys with the self-signing key and uploads the signature. */
async function signDevice(login, token, userId, deviceId, ssk) {
  const q = await keysQuery(login, userId);
  const dev = q.device_keys[userId][deviceId];
  const { signatures, unsigned, ...signed } = dev;
  const sig = unpadded(nodeCrypto.sign(null, Buffer.from(canonicalJson(signed)), ssk.privateKey));
  const res = await matrixCall(hs.base, "POST", "/_matrix/client/v3/keys/signatures/upload", {
    token,
    body: { [userId]: { [deviceId]: { ...signed, signatures: { [userId]: { [`ed25519:${ssk.publicKey}`]: sig } } } } },
  });
  assert.deepEqual(res.failures ?? {}, {}, `signature upload for ${deviceId}`);
}

/**
 * The js-sdk device J requests verification with bare device P and starts the
 * SAS; P answers (ready, accept, key, mac, done) in plaintext.
 * `macMaster`: also MAC this master key; `afterMac`: run after both MACs.
 */
async function bareResponds(P, J, { macMaster = null, expectMacFrom = {}, afterMac } = {}) {
  const v = await J.requestVerification(P.deviceId);
  const req = await P.waitFor((e) => e.type === "m.key.verification.request" && e.content.from_device === J.deviceId, 10000, "request");
  const txn = req.content.transaction_id;
  await P.send("m.key.verification.ready", J.deviceId, { from_device: P.deviceId, methods: ["m.sas.v1"], transaction_id: txn });
  const sasPromise = v.sas(10000, { start: true });
  const start = await P.waitFor((e) => e.type === "m.key.verification.start" && e.content.transaction_id === txn, 10000, "start");
  const probe = sasProbe(P, txn, { user: J.userId, device: J.deviceId });
  const commitment = unpadded(nodeCrypto.createHash("sha256").update(probe.ephPub + canonicalJson(start.content)).digest());
  await P.send("m.key.verification.accept", J.deviceId, {
    transaction_id: txn,
    method: "m.sas.v1",
    key_agreement_protocol: "curve25519-hkdf-sha256",
    hash: "sha256",
    message_authentication_code: "hkdf-hmac-sha256.v2",
    short_authentication_string: ["decimal", "emoji"],
    commitment,
  });
  const key = await P.waitFor((e) => e.type === "m.key.verification.key" && e.content.transaction_id === txn, 10000, "key");
  await P.send("m.key.verification.key", J.deviceId, { key: probe.ephPub, transaction_id: txn });
  probe.agree(key.content.key);
  const ours = probe.decimal({ user: J.userId, device: J.deviceId, key: key.content.key }, { user: P.userId, device: P.deviceId, key: probe.ephPub });
  const theirs = await sasPromise;
  assert.deepEqual(theirs.decimal, ours, `same decimal SAS (${J.deviceId} started)`);
  const ourMac = probe.ourMac(macMaster ? { [`ed25519:${macMaster}`]: macMaster } : {});
  await P.send("m.key.verification.mac", J.deviceId, ourMac);
  await v.confirm();
  const macMsg = await P.waitFor((e) => e.type === "m.key.verification.mac" && e.content.transaction_id === txn, 10000, "mac");
  const expected = { ...expectMacFrom };
  for (const id of Object.keys(expected)) {
    if (expected[id] === null) expected[id] = (await keysQuery(P.login, J.userId)).device_keys[J.userId][id.slice(8)].keys[id];
  }
  const macCheck = probe.checkTheirMac(macMsg.content, expected);
  assert.ok(macCheck.okKeys, "KEY_IDS MAC from the js-sdk checks");
  for (const id of Object.keys(expected)) assert.equal(macCheck.per[id], true, `MAC of ${id} from the js-sdk checks`);
  if (afterMac) await afterMac();
  const doneMsg = await P.waitFor((e) => e.type === "m.key.verification.done" && e.content.transaction_id === txn, 10000, "done");
  await P.send("m.key.verification.done", J.deviceId, { transaction_id: txn });
  await v.done(10000);
  return {
    requestToBare: { encrypted: req.encrypted, content: req.content },
    startFromJs: { encrypted: start.encrypted, content: start.content },
    decimal: ours,
    emojiAtJs: theirs.emoji,
    ourMac,
    macFromJs: { encrypted: macMsg.encrypted, keys: Object.keys(macMsg.content.mac), check: macCheck },
    doneFromJs: { encrypted: doneMsg.encrypted },
  };
}

// ---------------------------------------------------------------- main

async function main() {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  hs = await startSynapse({ dataDir: DATA_DIR });
  say(`Synapse up at ${hs.base}`);

  // (a) ------------------------------------------------------------
  const rk = await checkBootstrap("rkuser", "JSA");
  const pp = await checkBootstrap("ppuser", "JSP", { passphrase: "a fairly long test passphrase" });
  const again = await pp.dev.bootstrapSecurity();
  assert.equal(again.uia, true, "replacing cross-signing keys asks for UIA");
  assert.notEqual(again.masterKey, pp.res.masterKey);
  say(`(a) ppuser: a second bootstrapSecurity() replaced the keys; the server asked for UIA and the password answered it`);

  // (b) ------------------------------------------------------------
  const A = rk.dev; // has the private cross-signing keys
  const B = await newDevice("rkuser", "JSB");
  assert.equal((await B.ownDeviceStatus()).crossSigningVerified, false, "a new device starts unverified");
  await meet(A, B);
  const vb = await B.requestVerification(A.deviceId);
  const va = await A.waitForIncomingRequest(10000, { fromDevice: B.deviceId });
  say(`(b) ${B.deviceId} → ${A.deviceId}: request ${vb.transactionId} (${va.phase()} at ${A.deviceId})`);
  await va.accept();
  const [sasA, sasB] = await Promise.all([va.sas(), vb.sas()]);
  assert.equal(sasA.emoji.length, 7);
  assert.deepEqual(sasA, sasB, "both sides show the same SAS");
  say(`(b) both show ${sasA.emoji.map((e) => e[0] + " " + e[1]).join(", ")} / ${sasA.decimal.join("-")}`);
  await Promise.all([va.confirm(), vb.confirm()]);
  await Promise.all([va.done(), vb.done()]);
  assert.deepEqual([va.outcome().status, vb.outcome().status], ["done", "done"]);
  const seenByA = await A.waitForDeviceStatus(rk.userId, B.deviceId, (s) => s?.crossSigningVerified);
  assert.equal(seenByA.signedByOwner, true);
  await B.waitForDeviceStatus(rk.userId, B.deviceId, (s) => s?.crossSigningVerified);
  assert.equal(await B.ownDeviceVerified(), true);
  const onServer = await crossSignedOnServer(rk.login, rk.userId, B.deviceId);
  assert.equal(onServer.crossSigned, true, "plain /keys/query: JSB carries a valid SSK signature");
  say(`(b) done on both; ${A.deviceId} sees ${B.deviceId} as ${JSON.stringify(seenByA)}; /keys/query: ${B.deviceId} signed by SSK ${onServer.ssk} (signature verified)`);

  // Let the post-verification gossip (m.secret.request / m.secret.send) happen, then record.
  await A.waitForToDevice((e) => e.dir === "out" && e.type === "m.room.encrypted", 5000, "secret gossip").catch(() => null);
  const messages = mergeTranscript([A, B], vb.transactionId);
  const after = [A, B].flatMap((d) =>
    d
      .toDeviceLog()
      .filter((e) => e.dir === "out" && !e.type.startsWith("m.key.verification."))
      .map((e) => ({ type: e.type, from: d.deviceId, to: e.toDevice, encrypted: e.encrypted, content: e.encrypted ? { algorithm: e.content.algorithm, sender_key: e.content.sender_key, ciphertext: "(Olm, omitted)" } : e.content, ts: e.ts })),
  ).sort((x, y) => x.ts - y.ts).map(({ ts, ...e }) => e);
  const verif = messages.filter((m) => m.type.startsWith("m.key.verification."));
  const byType = (t) => verif.find((m) => m.type === t);
  const summary = {
    allVerificationMessagesPlaintext: verif.every((m) => !m.sentAs.startsWith("m.room") && m.receivedInSync && !m.receivedInSync.encrypted),
    order: verif.map((m) => `${m.type.replace("m.key.verification.", "")} ${m.from}→${m.to}`),
    requestSentBy: byType("m.key.verification.request")?.from,
    startSentBy: byType("m.key.verification.start")?.from,
    firstKeySentBy: byType("m.key.verification.key")?.from,
    methodsInRequest: byType("m.key.verification.request")?.content.methods,
    methodsInReady: byType("m.key.verification.ready")?.content.methods,
    startOffers: (({ key_agreement_protocols, hashes, message_authentication_codes, short_authentication_string }) => ({
      key_agreement_protocols,
      hashes,
      message_authentication_codes,
      short_authentication_string,
    }))(byType("m.key.verification.start").content),
    acceptChose: (({ commitment, transaction_id, ...rest }) => rest)(byType("m.key.verification.accept").content),
    macKeysSent: Object.fromEntries(verif.filter((m) => m.type === "m.key.verification.mac").map((m) => [m.from, Object.keys(m.content.mac)])),
  };
  const transcript = {
    about:
      "To-device messages of one SAS (emoji) verification between two matrix-js-sdk 43 devices (Rust crypto) of one user, " +
      "captured on the wire: 'sentAs' from the sender's PUT /sendToDevice body, 'receivedInSync' from the receiver's /sync to_device.events. " +
      "Regenerate with `node tests/support/js-device-check.mjs` (ids, keys and MACs are random per run).",
    generatedAt: new Date().toISOString(),
    versions: {
      "matrix-js-sdk": JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/matrix-js-sdk/package.json"), "utf8")).version,
      "@matrix-org/matrix-sdk-crypto-wasm": JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/@matrix-org/matrix-sdk-crypto-wasm/package.json"), "utf8")).version,
      synapse: "1.163.2",
    },
    setup: {
      user: rk.userId,
      requester: { deviceId: B.deviceId, note: "new device, no private cross-signing keys" },
      responder: { deviceId: A.deviceId, note: "bootstrapped cross-signing + secret storage; holds the private keys" },
      masterKey: rk.res.masterKey,
      selfSigningKey: rk.res.selfSigningKey,
      deviceEd25519: {},
      apiCalls: [
        `${B.deviceId}: crypto.requestDeviceVerification(user, "${A.deviceId}")`,
        `${A.deviceId}: request.accept()`,
        `${B.deviceId}: request.startVerification("m.sas.v1") (the requester starts, once ready)`,
        `${A.deviceId}: verifier.verify() (sends accept)`,
        "both: ShowSas callbacks → confirm()",
      ],
    },
    sas: sasA,
    summary,
    messages: verif,
    afterVerification: after,
    crossSignedAfterwards: { device: B.deviceId, byA: seenByA, keysQuerySignedBySsk: onServer.crossSigned },
  };
  const keysA = await crossSignedOnServer(rk.login, rk.userId, A.deviceId);
  for (const d of [A.deviceId, B.deviceId]) transcript.setup.deviceEd25519[d] = (await crossSignedOnServer(rk.login, rk.userId, d)).device.keys[`ed25519:${d}`];
  fs.mkdirSync(path.dirname(TRANSCRIPT), { recursive: true });
  fs.writeFileSync(TRANSCRIPT, JSON.stringify(transcript, null, 2) + "\n");
  assert.equal(summary.allVerificationMessagesPlaintext, true, "verification messages travel in plaintext");
  say(`(b) transcript → ${path.relative(ROOT, TRANSCRIPT)}: ${summary.order.join(", ")}; plaintext: ${summary.allVerificationMessagesPlaintext}; after: ${after.map((e) => `${e.type}${e.encrypted ? "(enc)" : ""} ${e.from}→${e.to}`).join(", ")}`);

  // (c) ------------------------------------------------------------
  const C = await newDevice("rkuser", "JSC");
  await meet(A, C);
  const vc = await C.requestVerification(A.deviceId);
  const vac = await A.waitForIncomingRequest(10000, { fromDevice: C.deviceId, accept: true });
  await Promise.all([vac.sas(), vc.sas()]);
  await vac.mismatch();
  const [oa, oc] = await Promise.all([vac.settled(), vc.settled()]);
  assert.equal(oa.status, "cancelled");
  assert.equal(oa.code, "m.mismatched_sas");
  assert.equal(oc.status, "cancelled");
  assert.equal(oc.code, "m.mismatched_sas");
  await assert.rejects(vc.done(100), (e) => e.code === "m.mismatched_sas");
  const cStatus = await A.deviceStatus(rk.userId, C.deviceId);
  assert.equal(cStatus.signedByOwner, false, "mismatch signs nothing");
  assert.equal(cStatus.localVerified, false);
  assert.equal((await crossSignedOnServer(rk.login, rk.userId, C.deviceId)).crossSigned, false);
  const cancelMsg = C.toDeviceLog().find((e) => e.dir === "in" && e.type === "m.key.verification.cancel");
  say(`(c) mismatch at ${A.deviceId}: both cancelled with ${oa.code}/${oc.code}; ${C.deviceId} not signed; cancel on the wire: ${JSON.stringify(cancelMsg?.content)}`);

  // (d) ------------------------------------------------------------
  // d1: the responder cancels right after the requester started the SAS.
  const D = await newDevice("rkuser", "JSD");
  await meet(A, D);
  const vd = await D.requestVerification(A.deviceId);
  const vad = await A.waitForIncomingRequest(10000, { fromDevice: D.deviceId, accept: true });
  vad.cancelAt("started");
  await assert.rejects(vd.sas(10000), /cancel/);
  const [od, oad] = await Promise.all([vd.settled(), vad.settled()]);
  assert.equal(od.status, "cancelled");
  assert.equal(od.code, "m.user");
  assert.equal(oad.status, "cancelled");
  say(`(d1) ${A.deviceId} cancelled once ${D.deviceId} started: ${D.deviceId} sees ${JSON.stringify(od)}`);
  // d2: the responder does not answer; the requester gives up and cancels.
  const E = await newDevice("rkuser", "JSE");
  await meet(A, E);
  const ve = await E.requestVerification(A.deviceId);
  const vae = await A.waitForIncomingRequest(10000, { fromDevice: E.deviceId }); // not accepted
  assert.equal(vae.phase(), "requested");
  await ve.cancel();
  const oae = await vae.settled(10000);
  assert.equal(oae.status, "cancelled");
  assert.equal(oae.code, "m.user");
  say(`(d2) unanswered request cancelled by ${E.deviceId}: ${A.deviceId} sees ${JSON.stringify(oae)}`);
  // d3: a cancel with an explicit code while the SAS is shown.
  const F = await newDevice("rkuser", "JSF");
  await meet(A, F);
  const vf = await F.requestVerification(A.deviceId);
  const vaf = await A.waitForIncomingRequest(10000, { fromDevice: F.deviceId, accept: true });
  await Promise.all([vaf.sas(), vf.sas()]);
  await vf.cancel({ code: "m.timeout" });
  const oaf = await vaf.settled(10000);
  assert.equal(oaf.code, "m.timeout");
  say(`(d3) ${F.deviceId} cancelled while the SAS was shown: ${A.deviceId} sees ${JSON.stringify(oaf)}`);

  // d4: the responder accepts the request but never answers the start.
  const G = await newDevice("rkuser", "JSG");
  await meet(A, G);
  const vg = await G.requestVerification(A.deviceId);
  const vag = await A.waitForIncomingRequest(10000, { fromDevice: G.deviceId, accept: true, acceptStart: false });
  await assert.rejects(vg.sas(2000), /timed out/);
  const phaseG = vg.phase();
  assert.equal(phaseG, "started");
  assert.equal(G.toDeviceLog().some((e) => e.dir === "in" && e.type === "m.key.verification.accept"), false, "no accept was sent");
  await vg.cancel();
  const oag = await vag.settled(10000);
  assert.equal(oag.code, "m.user");
  say(`(d4) ${A.deviceId} accepted the request but not the start: ${G.deviceId}'s sas() timed out in phase ${phaseG}; its cancel reached ${A.deviceId} (${oag.code})`);

  // (e) ------------------------------------------------------------
  const bare = {};
  // e1: bare device requests; the js-sdk accepts; the bare device starts the SAS.
  {
    const P = await bareDevice("rkuser", "BARE1");
    await A.waitForDevice(rk.userId, P.deviceId);
    const txn = nodeCrypto.randomBytes(16).toString("hex");
    await P.send("m.key.verification.request", A.deviceId, { from_device: P.deviceId, methods: ["m.sas.v1"], timestamp: Date.now(), transaction_id: txn });
    const v = await A.waitForIncomingRequest(10000, { fromDevice: P.deviceId });
    await v.accept();
    const ready = await P.waitFor((e) => e.type === "m.key.verification.ready" && e.content.transaction_id === txn, 10000, "ready");
    const probe = sasProbe(P, txn, { user: rk.userId, device: A.deviceId });
    const start = {
      from_device: P.deviceId,
      method: "m.sas.v1",
      key_agreement_protocols: ["curve25519-hkdf-sha256"],
      hashes: ["sha256"],
      message_authentication_codes: ["hkdf-hmac-sha256.v2"],
      short_authentication_string: ["decimal", "emoji"],
      transaction_id: txn,
    };
    await P.send("m.key.verification.start", A.deviceId, start);
    const accept = await P.waitFor((e) => e.type === "m.key.verification.accept" && e.content.transaction_id === txn, 10000, "accept");
    await P.send("m.key.verification.key", A.deviceId, { key: probe.ephPub, transaction_id: txn });
    const sasPromise = v.sas(10000);
    const key = await P.waitFor((e) => e.type === "m.key.verification.key" && e.content.transaction_id === txn, 10000, "key");
    const commitmentOk = unpadded(nodeCrypto.createHash("sha256").update(key.content.key + canonicalJson(start)).digest()) === accept.content.commitment;
    probe.agree(key.content.key);
    const ours = probe.decimal({ user: P.userId, device: P.deviceId, key: probe.ephPub }, { user: rk.userId, device: A.deviceId, key: key.content.key });
    const theirs = await sasPromise;
    assert.ok(commitmentOk, "the js-sdk's commitment checks");
    assert.deepEqual(theirs.decimal, ours, "same decimal SAS on the probe and the js-sdk");
    await v.confirm();
    const macMsg = await P.waitFor((e) => e.type === "m.key.verification.mac" && e.content.transaction_id === txn, 10000, "mac");
    const macCheck = probe.checkTheirMac(macMsg.content, {
      [`ed25519:${A.deviceId}`]: keysA.device.keys[`ed25519:${A.deviceId}`],
      [`ed25519:${rk.res.masterKey}`]: rk.res.masterKey,
    });
    await P.send("m.key.verification.mac", A.deviceId, probe.ourMac());
    const doneMsg = await P.waitFor((e) => e.type === "m.key.verification.done" && e.content.transaction_id === txn, 10000, "done");
    await P.send("m.key.verification.done", A.deviceId, { transaction_id: txn });
    await v.done(10000);
    const st = await A.waitForDeviceStatus(rk.userId, P.deviceId, (s) => s?.crossSigningVerified, 10000);
    const srv = await crossSignedOnServer(rk.login, rk.userId, P.deviceId);
    assert.ok(macCheck.okKeys && Object.values(macCheck.per).every((x) => x === true), "the js-sdk's MACs check");
    assert.ok(srv.crossSigned, "the js-sdk cross-signed the bare device");
    bare.e1 = {
      flow: "bare BARE1 sends request (plaintext PUT /sendToDevice) → js-sdk accept() → bare sends start → full SAS",
      requestShown: true,
      readyFromJs: { encrypted: ready.encrypted, content: ready.content },
      acceptFromJs: { encrypted: accept.encrypted, content: accept.content },
      commitmentOk,
      decimal: ours,
      emojiAtJs: theirs.emoji,
      macFromJs: { encrypted: macMsg.encrypted, keys: Object.keys(macMsg.content.mac), check: macCheck },
      doneFromJs: { encrypted: doneMsg.encrypted },
      statusAtJs: st,
      crossSignedOnServer: srv.crossSigned,
      allPlaintext: [ready, accept, key, macMsg, doneMsg].every((e) => !e.encrypted),
    };
    say(`(e1) bare BARE1 → ${A.deviceId}: request shown and accepted; SAS ${ours.join("-")} agreed; ${A.deviceId} MACs ${Object.keys(macMsg.content.mac).join(", ")} check; BARE1 cross-signed: ${srv.crossSigned}`);
  }
  // e2: the js-sdk requests verification with a bare device and starts the SAS.
  {
    const P = await bareDevice("rkuser", "BARE2");
    const r = await bareResponds(P, A, { expectMacFrom: { [`ed25519:${A.deviceId}`]: keysA.device.keys[`ed25519:${A.deviceId}`], [`ed25519:${rk.res.masterKey}`]: rk.res.masterKey } });
    const st = await A.waitForDeviceStatus(rk.userId, P.deviceId, (s) => s?.crossSigningVerified, 10000);
    const srv = await crossSignedOnServer(rk.login, rk.userId, P.deviceId);
    assert.ok(srv.crossSigned, "js-sdk cross-signed BARE2");
    bare.e2 = {
      flow: "js-sdk requestDeviceVerification(BARE2) → bare sends ready → js-sdk sends start → bare accepts → full SAS (bare MACs only its device key)",
      ...r,
      statusAtJs: st,
      crossSignedOnServer: srv.crossSigned,
    };
    say(`(e2) ${A.deviceId} → bare BARE2: request arrived in plaintext (${r.requestToBare.encrypted ? "encrypted" : "m.key.verification.request"}); SAS ${r.decimal.join("-")} agreed; BARE2 cross-signed: ${srv.crossSigned}`);
  }
  // e4: the bare device is the one holding the keys (it unlocked secret storage
  // with the recovery key, as the app will): a NEW js-sdk device asks it for
  // verification; after the SAS the bare device signs the js-sdk device with
  // the self-signing key. Does the js-sdk then trust its own device? Once with
  // the bare device MACing only its device key, once with device + master key.
  {
    const key = decodeRecoveryKey(rk.res.recoveryKey);
    const enc = (await accountData(rk.login, "m.cross_signing.self_signing")).encrypted[rk.res.keyId];
    const ssk = seedToPair(await decryptAESSecretStorageItem(enc, key, "m.cross_signing.self_signing"));
    assert.equal(ssk.publicKey, rk.res.selfSigningKey);
    bare.e4 = {};
    for (const [name, macMaster] of [["deviceKeyOnly", false], ["deviceAndMasterKey", true]]) {
      const P = await bareDevice("rkuser", `HOLDER${macMaster ? "M" : "D"}`);
      await signDevice(rk.login, P.login.accessToken, rk.userId, P.deviceId, ssk); // the app signs its own device first
      const J = await newDevice("rkuser", `JSNEW${macMaster ? "M" : "D"}`);
      const r = await bareResponds(P, J, {
        macMaster: macMaster ? rk.res.masterKey : null,
        expectMacFrom: { [`ed25519:${J.deviceId}`]: null },
        afterMac: () => signDevice(rk.login, P.login.accessToken, rk.userId, J.deviceId, ssk),
      });
      const own = await J.waitForDeviceStatus(rk.userId, J.deviceId, (s) => s?.signedByOwner, 10000);
      // give the sdk a moment to re-evaluate trust after the signature arrived
      const ownLater = await J.waitForDeviceStatus(rk.userId, J.deviceId, (s) => s?.crossSigningVerified, 3000).catch(() => null);
      const holder = await J.deviceStatus(rk.userId, P.deviceId);
      const identity = await J.crypto.getUserVerificationStatus(rk.userId);
      bare.e4[name] = {
        flow: `new js-sdk ${J.deviceId} requests verification with bare ${P.deviceId} (which holds the SSK and is itself cross-signed); bare MACs ${macMaster ? "device + master key" : "only its device key"}; bare then signs ${J.deviceId}`,
        macKeysFromBare: Object.keys(r.ourMac.mac),
        macKeysFromJs: r.macFromJs.keys,
        jsOwnDeviceAfter: ownLater ?? own,
        jsSeesBareDevice: holder,
        jsOwnIdentity: { isVerified: identity.isVerified(), isCrossSigningVerified: identity.isCrossSigningVerified(), wasCrossSigningVerified: identity.wasCrossSigningVerified() },
        jsOwnDeviceVerified: await J.ownDeviceVerified(),
        secretRequestsFromJs: J.toDeviceLog().filter((e) => e.dir === "out" && e.type === "m.secret.request").map((e) => e.content.name),
      };
      say(`(e4) bare holder ${P.deviceId} verified new ${J.deviceId} (MACs ${Object.keys(r.ourMac.mac).join(", ")}): ${J.deviceId} own device ${JSON.stringify(ownLater ?? own)}, identity verified ${identity.isCrossSigningVerified()}`);
    }
  }
  // e3: a device that has uploaded no keys yet sends a request; then uploads
  // its keys and, once the js-sdk knows them, sends a new request.
  {
    const P = await bareDevice("rkuser", "LATEKEYS", { uploadKeys: false });
    const txn = nodeCrypto.randomBytes(16).toString("hex");
    await P.send("m.key.verification.request", A.deviceId, { from_device: P.deviceId, methods: ["m.sas.v1"], timestamp: Date.now(), transaction_id: txn });
    // The sdk answers an ignored request with nothing; its log says why.
    const ignored = await A.waitForVerificationLog(new RegExp(`Ignoring just-received verification request ${txn}`), 10000);
    const rustSaid = A.verificationLog().filter((l) => /WARN/.test(l) && /ignoring/i.test(l) && l.includes(txn)).map((l) => l.split("\n")[0]);
    const shownWithoutKeys = A.pendingIncomingRequests().some((r) => r.transactionId === txn);
    await uploadDeviceKeys(hs.base, P.login, deviceKeys(P.login, P.ed, P.curve));
    await A.waitForDevice(rk.userId, P.deviceId);
    const txn2 = nodeCrypto.randomBytes(16).toString("hex");
    await P.send("m.key.verification.request", A.deviceId, { from_device: P.deviceId, methods: ["m.sas.v1"], timestamp: Date.now(), transaction_id: txn2 });
    const v = await A.waitForIncomingRequest(10000, { fromDevice: P.deviceId });
    assert.equal(v.transactionId, txn2, "only the request sent after the keys were known is shown");
    assert.equal(shownWithoutKeys, false);
    await v.cancel();
    const cancel = await P.waitFor((e) => e.type === "m.key.verification.cancel" && e.content.transaction_id === txn2, 10000, "cancel");
    bare.e3 = {
      flow: "device LATEKEYS sends a request before /keys/upload (ignored), uploads keys, js-sdk downloads them, sends a new request (shown)",
      requestBeforeKeysShown: shownWithoutKeys,
      sdkSaid: [...rustSaid, ignored.split("\n")[0]],
      requestAfterKeysShown: true,
      cancelFromJs: { encrypted: cancel.encrypted, content: cancel.content },
    };
    say(`(e3) request from a device without keys: shown ${shownWithoutKeys} (sdk: ${[...rustSaid, ignored.split("\n")[0]].join(" / ")}); after its keys were downloaded: shown; js cancel reached it in ${cancel.encrypted ? "Olm" : "plaintext"}`);
  }
  bare.probeAlgorithms = {
    about: "what the bare probe (node:crypto, written in js-device-check.mjs) computed; the js-sdk agreed on every value (same decimal SAS, commitment and MACs checked both ways)",
    sasBytes: "HKDF-SHA-256(ikm = X25519 shared secret, salt = empty, info, 6 bytes); info = 'MATRIX_KEY_VERIFICATION_SAS|' + starterUser + '|' + starterDevice + '|' + starterEphemeralKey + '|' + accepterUser + '|' + accepterDevice + '|' + accepterEphemeralKey + '|' + transactionId (curve25519-hkdf-sha256)",
    decimal: "[(b0<<5 | b1>>3) + 1000, ((b1&7)<<10 | b2<<2 | b3>>6) + 1000, ((b3&63)<<7 | b4>>1) + 1000]",
    mac: "hkdf-hmac-sha256.v2: HMAC-SHA-256(key = HKDF-SHA-256(shared secret, salt empty, info, 32 bytes), input), unpadded base64; info = 'MATRIX_KEY_VERIFICATION_MAC' + senderUser + senderDevice + receiverUser + receiverDevice + transactionId + keyId (no separators); 'keys' MAC: input = sorted key ids joined by ',', info ends in 'KEY_IDS' instead of a key id",
    commitment: "unpadded base64 SHA-256(accepter's ephemeral public key (unpadded base64) + canonical JSON of the start content as received)",
  };
  transcript.bareDevice = bare;
  fs.writeFileSync(TRANSCRIPT, JSON.stringify(transcript, null, 2) + "\n");
}

let failed = false;
try {
  await withTimeout(main(), 170000, "the whole check");
  say("all checks passed");
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  for (const d of started) await d.stop().catch(() => {});
  await hs?.stop();
  say(`finished in ${((Date.now() - T0) / 1000).toFixed(1)} s`);
  if (process.env.DEBUG_HANDLES) setTimeout(() => console.error(process._getActiveHandles().map((h) => h.constructor.name + " " + (h._idleTimeout ?? "") + " " + (h._onTimeout?.toString().slice(0, 200) ?? "")), process._getActiveRequests()), 1000).unref();
  process.exitCode = failed ? 1 : 0;
}
