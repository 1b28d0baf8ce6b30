// The demo: a throwaway Synapse on loopback with a demo account whose
// sessions look real, and the built app served with that homeserver as its
// default. Ctrl-C stops everything and deletes the demo data.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ROOT, freePort, startSynapse } from "../tests/support/synapse.mjs";
import { startStaticServer } from "../tests/support/static-server.mjs";
import { DEMO_KEYS, DEMO_SESSIONS, applyLastSeen, seedAccount, seedKeys } from "../tests/support/seed.mjs";

const DEMO_DIR = path.join(ROOT, ".demo");
const USERNAME = "demo";
const PASSWORD = "demo-password";

/** `preferred` when nothing listens on it, else any free port. */
async function portOr(preferred) {
  const free = await new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(preferred, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
  return free ? preferred : freePort();
}

fs.rmSync(DEMO_DIR, { recursive: true, force: true });
console.log("Starting a throwaway Synapse…");
const hs = await startSynapse({
  dataDir: path.join(DEMO_DIR, "synapse"),
  port: await portOr(Number(process.env.DEMO_SYNAPSE_PORT || 8008)),
});
const cleanup = async () => {
  await hs.stop().catch(() => {});
  fs.rmSync(DEMO_DIR, { recursive: true, force: true });
};
try {
  console.log("Creating the demo account and its sessions…");
  const demo = await seedAccount(hs, { username: USERNAME, password: PASSWORD, sessions: DEMO_SESSIONS });
  await seedKeys(hs, demo, DEMO_KEYS);
  await applyLastSeen(hs, demo.lastSeen);
  const app = await startStaticServer({
    dist: path.join(ROOT, "dist"),
    port: await portOr(Number(process.env.DEMO_APP_PORT || 8080)),
    config: { default_homeserver: hs.base },
    wellKnownBaseUrl: hs.base,
  });
  console.log(`
  Session manager demo is running.

    Open        ${app.url}
    Homeserver  ${hs.base}   (pre-filled)
    Username    ${USERNAME}
    Password    ${PASSWORD}

  The account has ${DEMO_SESSIONS.length} other sessions: two verified, two unverified, a bot without
  encryption, one inactive for 130 days and one never used.
  Press Ctrl-C to stop; the demo data is deleted.
`);
  const stop = async () => {
    console.log("\nStopping…");
    await app.close();
    await cleanup();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  console.error(err);
  await cleanup();
  process.exit(1);
}
