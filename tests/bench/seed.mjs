// Accounts for the benchmark: N sessions with a realistic mix — names, last
// activity spread over a year, a third cross-signed with real keys, some
// pushers and client-information entries. Sessions with keys are real
// logins (keys can only be uploaded by the session itself); the others are
// written to Synapse's database while it is stopped, which is how 2,000
// sessions are made in seconds rather than many minutes.
import crypto from "node:crypto";
import { loginDevice, matrixCall, registerUser } from "../support/synapse.mjs";
import { createPusher } from "../support/seed.mjs";
import { crossSignDevice, deviceKeys, newKeyPair, uploadCrossSigning, uploadDeviceKeys } from "../support/keys.mjs";

const DAY = 86400000;
const NAMES = [
  "Pixel 8", "Firefox on Ubuntu", "Element Desktop", "iPhone 15", "Chrome on Windows",
  "Element Web", "FluffyChat (Android)", "Cinny", "backup-bot", "Galaxy Tab S9",
  "Nheko", "Element X (iOS)", "ci-notifier", "MacBook Air", "Thunderbird",
];

async function inBatches(items, size, work) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(work));
  }
}

/**
 * Seeds `size` other sessions for a new account, the first
 * `crossSigned` (a third, rounded up) with keys and cross-signed. Returns
 * the logins of the two viewer sessions (VIEWER for our page, REFVIEWER for
 * the reference page), which are not among the `size` and not cross-signed.
 */
export async function seedBenchAccount(hs, size, label) {
  const username = `bench${size}${label}`;
  const password = "bench-password";
  const { userId } = await registerUser(hs.base, username, password);
  // The session the page signs in as (not one of the `size`).
  const viewer = await loginDevice(hs.base, username, password, { deviceId: "VIEWER", displayName: "Session Manager (benchmark)" });
  // The reference page's own session (matrix-js-sdk uploads keys for its
  // device, so it never shares VIEWER, which stays without keys).
  const refViewer = await loginDevice(hs.base, username, password, {
    deviceId: "REFVIEWER",
    displayName: "matrix-js-sdk reference (benchmark)",
  });
  const keyed = Math.ceil(size / 3);
  const ids = Array.from({ length: size }, (_, i) => `DEV${String(i).padStart(5, "0")}`);
  const logins = {};
  await inBatches(ids.slice(0, keyed), 16, async (id) => {
    logins[id] = await loginDevice(hs.base, username, password, { deviceId: id, displayName: NAMES[Number(id.slice(3)) % NAMES.length] });
  });
  const keysOf = {};
  await inBatches(ids.slice(0, keyed), 16, async (id) => {
    keysOf[id] = deviceKeys(logins[id], newKeyPair());
    await uploadDeviceKeys(hs.base, logins[id], keysOf[id]);
  });
  if (keyed > 0) {
    const first = logins[ids[0]];
    const { selfSigning } = await uploadCrossSigning(hs.base, first);
    await inBatches(ids.slice(0, keyed), 16, (id) => crossSignDevice(hs.base, first, keysOf[id], selfSigning));
  }
  // Pushers for one in twenty keyed sessions (created from their own tokens).
  await inBatches(ids.slice(0, keyed).filter((_, i) => i % 20 === 0), 8, (id) => createPusher(hs.base, logins[id]));
  // Client information for one in five sessions, local notification settings for one in ten.
  const user = encodeURIComponent(userId);
  await inBatches(ids.filter((_, i) => i % 5 === 0), 16, (id) =>
    matrixCall(hs.base, "PUT", `/_matrix/client/v3/user/${user}/account_data/io.element.matrix_client_information.${id}`, {
      token: viewer.accessToken,
      body: { name: "Element", version: `1.11.${Number(id.slice(3)) % 90}`, url: "app.element.io" },
    }),
  );
  await inBatches(ids.filter((_, i) => i % 10 === 3), 16, (id) =>
    matrixCall(hs.base, "PUT", `/_matrix/client/v3/user/${user}/account_data/org.matrix.msc3890.local_notification_settings.${id}`, {
      token: viewer.accessToken,
      body: { is_silenced: Number(id.slice(3)) % 2 === 0 },
    }),
  );
  // Rows for the database step: the key-less sessions to insert, and the
  // last activity of every session (spread over a year, some never).
  const now = Date.now();
  const inserts = ids.slice(keyed).map((id, i) => [userId, id, NAMES[(i * 7) % NAMES.length], null, null, null, 0]);
  const lastSeen = ids.map((id, i) => {
    const never = i % 17 === 5;
    const ts = never ? null : now - Math.floor(crypto.randomInt(0, 365) * DAY + crypto.randomInt(0, DAY));
    const ip = never ? null : `198.51.100.${i % 250}`;
    return [ts, ip, userId, id];
  });
  return {
    userId,
    viewer,
    refViewer,
    crossSigned: keyed,
    homeserver: hs.base,
    inserts,
    lastSeen,
  };
}

/** Applies the database step for all accounts (stops and restarts Synapse once). */
export async function finishBenchAccounts(hs, accounts) {
  await hs.stop();
  const inserts = accounts.flatMap((a) => a.inserts);
  if (inserts.length) {
    hs.sqlMany(
      "INSERT INTO devices (user_id, device_id, display_name, last_seen, ip, user_agent, hidden) VALUES (?, ?, ?, ?, ?, ?, ?)",
      inserts,
    );
  }
  hs.sqlMany(
    "UPDATE devices SET last_seen = ?, ip = ? WHERE user_id = ? AND device_id = ?",
    accounts.flatMap((a) => a.lastSeen),
  );
  await hs.start();
}
