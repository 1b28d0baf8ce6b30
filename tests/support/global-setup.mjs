// Starts what every end-to-end test shares: a real Synapse with a fixture
// account whose sessions have last activity spread over years, and the built
// app served on loopback. Writes their addresses to .test-run/env.json.
import fs from "node:fs";
import path from "node:path";
import { ROOT, startSynapse } from "./synapse.mjs";
import { startStaticServer } from "./static-server.mjs";
import { DAY, DEMO_KEYS, DEMO_SESSIONS, applyLastSeen, seedAccount, seedKeys } from "./seed.mjs";

export const RUN_DIR = path.join(ROOT, ".test-run");
export const ENV_FILE = path.join(RUN_DIR, "env.json");

/** The fixture account for ordering and time labels (relative to `now`). */
export const ORDERED_SESSIONS = [
  { id: "RECENT", name: "Pixel 8", ip: "198.51.100.23", ageMs: 60 * 60 * 1000 },
  { id: "DAYS", name: "Firefox on Ubuntu", ip: "203.0.113.7", ageMs: 3 * DAY },
  { id: "WEEKS", name: "Element Desktop", ip: "192.0.2.44", ageMs: 40 * DAY },
  { id: "OLD", name: "backup-bot", ip: "192.0.2.10", ageMs: 500 * DAY },
  { id: "NEVER_B", name: "beta tablet" },
  { id: "NEVER_A", name: "Alpha phone" },
];

/** The clean-up accounts: sessions last active 100, 200 and 400 days ago. */
export const CLEAN_UP_SESSIONS = [
  { id: "RECENTLY", name: "Pixel 8", ageMs: 2 * DAY },
  { id: "D100", name: "Laptop (100 days)", ageMs: 100 * DAY },
  { id: "D200", name: "Tablet (200 days)", ageMs: 200 * DAY },
  { id: "D400", name: "Old phone (400 days)", ageMs: 400 * DAY },
];

export default async function globalSetup() {
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const dist = path.join(ROOT, "dist");
  if (!fs.existsSync(path.join(dist, "index.html"))) {
    throw new Error("dist/ is missing: build the app first (scripts/test.sh does)");
  }
  const hs = await startSynapse({ dataDir: path.join(RUN_DIR, "synapse-main") });
  const now = Date.now();
  const ordered = await seedAccount(hs, {
    username: "ordered",
    password: "ordered-password",
    sessions: ORDERED_SESSIONS,
    now,
  });
  // The demo's account, for screenshots of a realistic page.
  const showcase = await seedAccount(hs, {
    username: "showcase",
    password: "showcase-password",
    sessions: DEMO_SESSIONS,
    now,
  });
  await seedKeys(hs, showcase, DEMO_KEYS);
  const cleanUp = [];
  for (const username of ["cleanupall", "cleanupsome", "cleanupdelegated"]) {
    cleanUp.push(
      await seedAccount(hs, { username, password: "clean-up-password", sessions: CLEAN_UP_SESSIONS, now }),
    );
  }
  await applyLastSeen(hs, [...ordered.lastSeen, ...showcase.lastSeen, ...cleanUp.flatMap((a) => a.lastSeen)]);
  const app = await startStaticServer({ dist, wellKnownBaseUrl: hs.base });
  const env = {
    hsBase: hs.base,
    synapseDataDir: hs.dataDir,
    appUrl: app.url,
    appOrigin: app.origin,
    seededAt: now,
    ordered: { username: "ordered", password: "ordered-password", userId: ordered.userId },
    showcase: { username: "showcase", password: "showcase-password", userId: showcase.userId },
    cleanUp: cleanUp.map((a) => ({ username: a.username, password: a.password, userId: a.userId })),
  };
  fs.writeFileSync(ENV_FILE, JSON.stringify(env, null, 2));
  return async () => {
    await app.close();
    await hs.stop();
  };
}
