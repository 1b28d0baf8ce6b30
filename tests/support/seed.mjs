// Accounts whose sessions look real: names, IP addresses and last activity
// spread over time. Sessions are created through Synapse's own login API;
// last activity in the past can only be set in Synapse's database, so that
// step stops the server, edits SQLite, and starts it again.
import { loginDevice, matrixCall, registerUser } from "./synapse.mjs";
import { crossSignDevice, deviceKeys, newKeyPair, uploadCrossSigning, uploadDeviceKeys } from "./keys.mjs";

export const DAY = 24 * 60 * 60 * 1000;

/**
 * Registers `username` and signs in each session of `sessions`:
 * `{ id, name, ip?, ageMs? }` (no `ageMs`: never active). Returns the
 * logins, and `lastSeen` rows for `applyLastSeen`.
 */
export async function seedAccount(hs, { username, password, sessions, now = Date.now() }) {
  const { userId } = await registerUser(hs.base, username, password);
  const logins = {};
  const lastSeen = [];
  for (const s of sessions) {
    logins[s.id] = await loginDevice(hs.base, username, password, {
      deviceId: s.id,
      displayName: s.name,
    });
    if (s.ageMs !== undefined) {
      lastSeen.push({ userId, deviceId: s.id, ts: now - s.ageMs, ip: s.ip ?? "127.0.0.1" });
    }
  }
  return { userId, username, password, logins, lastSeen };
}

/**
 * Gives sessions real encryption keys: `verified` ones are cross-signed by
 * the account's new cross-signing keys, `unverified` ones only publish keys.
 */
export async function seedKeys(hs, account, { verified = [], unverified = [] }) {
  const keys = {};
  for (const id of [...verified, ...unverified]) {
    const login = account.logins[id];
    keys[id] = deviceKeys(login, newKeyPair());
    await uploadDeviceKeys(hs.base, login, keys[id]);
  }
  if (verified.length === 0) return;
  const first = account.logins[verified[0]];
  const { selfSigning } = await uploadCrossSigning(hs.base, first);
  for (const id of verified) await crossSignDevice(hs.base, first, keys[id], selfSigning);
}

/** Writes last-activity times and IPs (restarts the server). */
export async function applyLastSeen(hs, rows) {
  if (rows.length === 0) return;
  await hs.stop();
  for (const r of rows) {
    hs.sql("UPDATE devices SET last_seen = ?, ip = ?, user_agent = ? WHERE user_id = ? AND device_id = ?", [
      r.ts,
      r.ip,
      "seed",
      r.userId,
      r.deviceId,
    ]);
  }
  await hs.start();
}

/** Which demo sessions have encryption keys, and which are cross-signed. */
export const DEMO_KEYS = {
  verified: ["PIXEL8", "ELEMENTDSK"],
  unverified: ["FIREFOXUBU", "OLDLAPTOP"],
};

/** The demo account's sessions: what a real account accumulates. */
export const DEMO_SESSIONS = [
  { id: "PIXEL8", name: "Pixel 8", ip: "198.51.100.23", ageMs: 25 * 60 * 1000 },
  { id: "FIREFOXUBU", name: "Firefox on Ubuntu", ip: "203.0.113.7", ageMs: 2 * DAY + 3 * 60 * 60 * 1000 },
  { id: "ELEMENTDSK", name: "Element Desktop", ip: "192.0.2.44", ageMs: 19 * DAY },
  { id: "IPADMINI", name: "Element iOS (iPad mini)", ip: "198.51.100.80", ageMs: 64 * DAY },
  { id: "OLDLAPTOP", name: "Chrome on Windows (old laptop)", ip: "203.0.113.150", ageMs: 130 * DAY },
  { id: "BACKUPBOT", name: "backup-bot", ip: "192.0.2.10", ageMs: 400 * DAY },
  { id: "NEVERUSED", name: "", ip: undefined },
];

/** Creates an HTTP pusher from `login`'s own token (so it belongs to that session). */
export async function createPusher(hsBase, login, pushkey = `key-${login.deviceId}`) {
  await matrixCall(hsBase, "POST", "/_matrix/client/v3/pushers/set", {
    token: login.accessToken,
    body: {
      kind: "http",
      app_id: "im.vector.app.android",
      app_display_name: "Element",
      device_display_name: login.deviceId,
      pushkey,
      lang: "en",
      data: { url: "http://127.0.0.1:9/_matrix/push/v1/notify", format: "event_id_only" },
    },
  });
  return pushkey;
}
