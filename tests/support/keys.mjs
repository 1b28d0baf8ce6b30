// Real encryption keys for test accounts: ed25519 key pairs (Node's crypto),
// Matrix canonical JSON and signatures, uploaded through Synapse's own key
// endpoints (/keys/upload, /keys/device_signing/upload, /keys/signatures/upload).
import crypto from "node:crypto";
import { matrixCall } from "./synapse.mjs";

/** Canonical JSON: sorted keys, no whitespace (JSON.stringify escapes as the spec wants). */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const unpadded = (buf) => Buffer.from(buf).toString("base64").replace(/=+$/, "");

/** A new ed25519 key pair: `publicKey` is unpadded base64 as Matrix writes it. */
export function newKeyPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return { publicKey: unpadded(raw), privateKey };
}

/** Adds `signatures[userId]["ed25519:"+keyName]` over the object's canonical form. */
export function sign(object, userId, keyName, pair) {
  const { signatures = {}, unsigned, ...signedPart } = object;
  const signature = unpadded(crypto.sign(null, Buffer.from(canonicalJson(signedPart)), pair.privateKey));
  const mine = { ...(signatures[userId] || {}), [`ed25519:${keyName}`]: signature };
  return { ...object, signatures: { ...signatures, [userId]: mine }, ...(unsigned ? { unsigned } : {}) };
}

/** The device-keys object of `login`'s session, self-signed. */
export function deviceKeys(login, pair, curveKey = unpadded(crypto.randomBytes(32))) {
  const object = {
    user_id: login.userId,
    device_id: login.deviceId,
    algorithms: ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
    keys: {
      [`curve25519:${login.deviceId}`]: curveKey,
      [`ed25519:${login.deviceId}`]: pair.publicKey,
    },
  };
  return sign(object, login.userId, login.deviceId, pair);
}

/** Publishes a session's device keys (the request must use that session's token). */
export async function uploadDeviceKeys(hsBase, login, keysObject) {
  await matrixCall(hsBase, "POST", "/_matrix/client/v3/keys/upload", {
    token: login.accessToken,
    body: { device_keys: keysObject },
  });
}

function crossSigningKey(userId, usage, pair) {
  return { user_id: userId, usage: [usage], keys: { [`ed25519:${pair.publicKey}`]: pair.publicKey } };
}

/**
 * Publishes master, self-signing and user-signing keys. The first upload
 * needs no re-authentication; replacing them needs the password.
 */
export async function uploadCrossSigning(hsBase, login, { password } = {}) {
  const master = newKeyPair();
  const selfSigning = newKeyPair();
  const userSigning = newKeyPair();
  const userId = login.userId;
  const body = {
    master_key: crossSigningKey(userId, "master", master),
    self_signing_key: sign(crossSigningKey(userId, "self_signing", selfSigning), userId, master.publicKey, master),
    user_signing_key: sign(crossSigningKey(userId, "user_signing", userSigning), userId, master.publicKey, master),
  };
  if (password) {
    body.auth = { type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password };
  }
  await matrixCall(hsBase, "POST", "/_matrix/client/v3/keys/device_signing/upload", {
    token: login.accessToken,
    body,
  });
  return { master, selfSigning, userSigning };
}

/** Cross-signs a session: uploads the self-signing key's signature of its keys. */
export async function crossSignDevice(hsBase, login, keysObject, selfSigning) {
  const signed = sign({ ...keysObject, signatures: {} }, keysObject.user_id, selfSigning.publicKey, selfSigning);
  const result = await matrixCall(hsBase, "POST", "/_matrix/client/v3/keys/signatures/upload", {
    token: login.accessToken,
    body: { [keysObject.user_id]: { [keysObject.device_id]: signed } },
  });
  if (Object.keys(result.failures || {}).length) {
    throw new Error(`signature upload failed: ${JSON.stringify(result.failures)}`);
  }
}
