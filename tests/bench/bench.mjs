// The benchmark: accounts with 10, 200 and 2,000 sessions on a real Synapse,
// the release build in headless Chromium, several runs per size. Prints one
// table (medians, with the spread) and writes .bench/results.json.
// Not a test: it measures and reports, it does not pass or fail (except when
// the reference page's answers are wrong, see below).
//
// In the same run, on the same accounts, a reference page written the
// mainstream way (React + matrix-js-sdk with its Rust crypto and
// startClient, tests/bench/reference/) is built and measured as a returning
// user, and a second table gives our figures as a ratio to it.
//
// Environment: BENCH_SIZES (10,200,2000), BENCH_RUNS (5), BENCH_DIST (the
// app's build, dist/), BENCH_REFERENCE=0 to leave the reference out,
// BENCH_VERBOSE=1 to list the requests and marks, BENCH_LATENCY_MS to add a
// network delay to every request of both pages (as across the internet).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { chromium } from "@playwright/test";
import { ROOT, startSynapse } from "../support/synapse.mjs";
import { startStaticServer } from "../support/static-server.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";
import { finishBenchAccounts, seedBenchAccount } from "./seed.mjs";
import { buildReference } from "./reference/build.mjs";

const SIZES = (process.env.BENCH_SIZES || "10,200,2000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 0);
const OUT = path.join(ROOT, ".bench");
const STORAGE_KEY = "matrix-sessions[/]:login:v1";
const LOCK_KEY = "matrix-sessions[/]:homeserver-lock";
const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(ROOT, "dist");
const WITH_REFERENCE = process.env.BENCH_REFERENCE !== "0";
const REF_LOGIN_KEY = "reference:login";
const REF_TIMEOUT_MS = Number(process.env.BENCH_REF_TIMEOUT_MS || 120_000);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => [Math.min(...xs), Math.max(...xs)];

/** Raw, gzip (9) and brotli (11) sizes of `files` in `dir`, summed. */
function measureFiles(dir, files) {
  const data = files.map((f) => fs.readFileSync(path.join(dir, f)));
  return {
    raw: data.reduce((n, d) => n + d.length, 0),
    gzip: data.reduce((n, d) => n + zlib.gzipSync(d, { level: 9 }).length, 0),
    brotli: data.reduce(
      (n, d) => n + zlib.brotliCompressSync(d, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      0,
    ),
  };
}

function bundleSizes() {
  const dist = DIST;
  const measure = (files) => measureFiles(dist, files);
  const all = fs.readdirSync(dist);
  // The verification module (verifier-*) is imported only when the user
  // starts unlocking or verifying, so every visit loads the rest.
  const isVerifier = (f) => f.startsWith("verifier-");
  const sizes = {};
  for (const kind of ["wasm", "js", "css"]) {
    sizes[kind] = measure(all.filter((f) => f.endsWith(`.${kind}`) && !isVerifier(f)));
  }
  const sum = (...parts) =>
    Object.fromEntries(["raw", "gzip", "brotli"].map((k) => [k, parts.reduce((n, p) => n + p[k], 0)]));
  sizes.total = sum(sizes.wasm, sizes.js, sizes.css);
  sizes.verification = measure(all.filter((f) => isVerifier(f) && /\.(wasm|js)$/.test(f)));
  sizes.withVerification = sum(sizes.total, sizes.verification);
  // English is compiled in; a visitor in another language fetches its one
  // catalog (i18n-<lang>-<hash>.json) besides the main bundle.
  sizes.largestCatalog = all
    .filter((f) => /^i18n-.+\.json$/.test(f))
    .map((f) => measure([f]))
    .reduce((a, b) => (b.gzip > a.gzip ? b : a), { raw: 0, gzip: 0, brotli: 0 });
  return sizes;
}

/** Requests to the homeserver before the page was complete, grouped into
 * rounds: a request that starts after an earlier one has finished may have
 * waited for it, so it opens a new round. */
function rounds(entries) {
  const sorted = [...entries].sort((a, b) => a.startTime - b.startTime);
  let count = 0;
  let earliestEnd = Infinity;
  for (const e of sorted) {
    if (count === 0 || e.startTime >= earliestEnd) {
      count += 1;
      earliestEnd = e.responseEnd;
    } else {
      earliestEnd = Math.min(earliestEnd, e.responseEnd);
    }
  }
  return count;
}

/** Time of an interaction in the page: from the click until the browser
 * can paint again (the DOM updated, a frame passed). */
async function timeClick(page, selector) {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`nothing matches ${sel}`);
    const t0 = performance.now();
    el.click();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  }, selector);
}

/** A homeserver and web server across the internet rather than on this
 * machine: every request of `page` waits LATENCY_MS more (DevTools' throttling). */
async function addLatency(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: LATENCY_MS, downloadThroughput: -1, uploadThroughput: -1 });
}

/** Types `value` into the input `selector` (one input event), until the next frame is done. */
async function timeInput(page, selector, value) {
  return page.evaluate(
    async ([sel, v]) => {
      const el = document.querySelector(sel);
      if (!el) throw new Error(`nothing matches ${sel}`);
      const t0 = performance.now();
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    },
    [selector, value],
  );
}

async function measure(browser, appUrl, account, size) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const login = {
    homeserver: account.homeserver,
    user_id: account.userId,
    device_id: account.viewer.deviceId,
    access_token: account.viewer.accessToken,
  };
  await context.addInitScript(
    ([key, value, lockKey]) => {
      localStorage.setItem(key, value);
      // A returning user's browser also remembers that the last visit's
      // config.json locked the page to no homeserver.
      localStorage.setItem(lockKey, "");
      window.__longTasks = [];
      new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => window.__longTasks.push({ start: e.startTime, duration: e.duration })),
      ).observe({
        type: "longtask",
        buffered: true,
      });
    },
    [STORAGE_KEY, JSON.stringify(login), LOCK_KEY],
  );
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") console.error(`  [page] ${m.text().slice(0, 2000)}`);
  });
  if (LATENCY_MS) await addLatency(context, page);
  await page.goto(appUrl);
  await page.waitForFunction(
    () => performance.getEntriesByName("sm:page-rendered").length > 0 && performance.getEntriesByName("sm:verified").length > 0,
    null,
    { timeout: 120_000 },
  );
  const load = await page.evaluate((hs) => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
    const rendered = at("sm:page-rendered");
    const api = performance
      .getEntriesByType("resource")
      .filter((e) => e.name.startsWith(hs) && e.startTime < rendered)
      // The live-update long-poll starts once the data is in; the page never
      // waits for it, so it is not part of the load.
      .filter((e) => !/\/sync\?.*timeout=[1-9]/.test(e.name))
      .map((e) => ({ name: e.name, startTime: e.startTime, responseEnd: e.responseEnd }));
    return {
      started: at("sm:app-started"),
      firstScreen: at("sm:first-screen"),
      received: at("sm:data-received"),
      rendered,
      verified: at("sm:verified"),
      api,
      tiles: [...document.querySelectorAll('[data-testid^="device-tile-"]:not([data-testid^="device-tile-checkbox-"])')].filter(
        (t) => !t.closest("[hidden]"),
      ).length,
      heap: performance.memory?.usedJSHeapSize ?? null,
      // Where the time before the app starts goes (printed with BENCH_VERBOSE).
      files: performance
        .getEntriesByType("resource")
        .filter((e) => e.name.startsWith(location.origin))
        .map((e) => ({ name: new URL(e.name).pathname, startTime: e.startTime, responseEnd: e.responseEnd })),
      marks: performance.getEntriesByType("mark").map((m) => ({ name: m.name, startTime: m.startTime })),
      navigation: (({ responseEnd, domInteractive, domContentLoadedEventEnd }) => ({ responseEnd, domInteractive, domContentLoadedEventEnd }))(
        performance.getEntriesByType("navigation")[0] ?? {},
      ),
    };
  }, account.homeserver);
  if (process.env.BENCH_VERBOSE) {
    const n = load.navigation;
    console.log(`  page: html at ${n.responseEnd?.toFixed(0)} ms, interactive ${n.domInteractive?.toFixed(0)}, DOMContentLoaded ${n.domContentLoadedEventEnd?.toFixed(0)}`);
    for (const e of load.files) console.log(`  ${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)} ms ${e.name}`);
    for (const e of load.api) console.log(`  ${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)} ms ${e.name.slice(account.homeserver.length)}`);
    for (const m of load.marks) console.log(`  ${m.startTime.toFixed(0)} ms ${m.name}`);
  }
  // Long lists render a page of rows first (50), more as they scroll in.
  if (load.tiles < Math.min(size, 50)) throw new Error(`only ${load.tiles} sessions rendered`);

  // Interactions: a filter, select all (and back), expanding a session.
  await page.click("#device-list-filter");
  const filter = await timeClick(page, '[data-testid="filter-option-Unverified"]');
  await page.click("#device-list-filter");
  const filterBack = await timeClick(page, '[data-testid="filter-option-ALL"]');
  const selectAll = await timeClick(page, '[data-testid="device-select-all-checkbox"]');
  const deselectAll = await timeClick(page, '[data-testid="device-select-all-checkbox"]').catch(async (e) => {
    await page.screenshot({ path: "/tmp/bench-fail.png", fullPage: true });
    throw e;
  });
  // A search keystroke that narrows the list, and the one that clears it.
  const narrow = await timeInput(page, "#session-search", "1");
  const widen = await timeInput(page, "#session-search", "");
  const expand = await timeClick(page, '[data-testid^="device-toggle-details-DEV"]');
  const more = size > 50 ? await timeClick(page, '[data-testid="show-more-sessions"]') : null;

  // A rename: which requests follow it (the page should not reload everything).
  const after = [];
  page.on("request", (r) => {
    if (r.url().startsWith(account.homeserver) && !r.url().includes("/sync")) after.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  const details = page.locator('[data-testid^="device-detail-DEV"]').first();
  await details.getByTestId("device-heading-rename-cta").click();
  await details.getByTestId("device-rename-input").fill(`Renamed ${Date.now()}`);
  await details.getByTestId("device-rename-submit-cta").click();
  await page.waitForTimeout(3000);
  const longTasks = await page.evaluate(() => window.__longTasks);
  await context.close();
  if (process.env.BENCH_VERBOSE) console.log("  after rename:", after.join(", "));
  return {
    appStartMs: load.started,
    dataMs: load.received - load.started,
    renderAfterDataMs: load.rendered - load.received,
    totalMs: load.rendered,
    // The first rows built (more than a screen shows); the rest of the
    // first page of 50 follows the first paint.
    firstScreenMs: load.firstScreen,
    firstScreenAfterDataMs: load.firstScreen === null ? null : load.firstScreen - load.received,
    verifiedMs: load.verified,
    requests: load.api.length,
    rounds: rounds(load.api),
    filterMs: Math.max(filter, filterBack),
    selectAllMs: Math.max(selectAll, deselectAll),
    searchKeyMs: Math.max(narrow, widen),
    expandMs: expand,
    showMoreMs: more,
    requestsAfterRename: after.length,
    longestTaskMs: longest(longTasks),
    // The same, counting only the tasks that started before the
    // verification was shown (comparable with the reference page's).
    longestTaskLoadMs: longest(longTasks.filter((t) => t.start < load.verified)),
    heapMB: load.heap ? load.heap / (1024 * 1024) : null,
  };
}

const longest = (tasks) => (tasks.length ? Math.max(...tasks.map((t) => t.duration)) : 0);

// ------------------------------------------------------------ the reference
//
// tests/bench/reference/: React + matrix-js-sdk (Rust crypto, IndexedDB
// crypto store, startClient), signed in as the account's REFVIEWER session.
// Measured as a returning user: each account gets its own browser profile
// (a persistent context, so localStorage and IndexedDB are on disk as they
// are for someone who comes back); the first visit (the warm-up) stores the
// sign-in, creates the crypto store and uploads the session's keys, and
// every measured run is a new page in that profile.

const firstLine = (text) => String(text).split("\n").find((l) => l.trim())?.trim() ?? String(text);

/** What the reference page loads on every visit: its js and wasm files. */
function referenceBundleSizes(dir, files) {
  const loaded = files.filter((f) => /\.(js|wasm)$/.test(f));
  return {
    files: loaded,
    js: measureFiles(dir, loaded.filter((f) => f.endsWith(".js"))),
    wasm: measureFiles(dir, loaded.filter((f) => f.endsWith(".wasm"))),
    total: measureFiles(dir, loaded),
  };
}

async function openReferenceProfile(refServer, account) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ref-profile-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, "--enable-precise-memory-info"],
    viewport: { width: 1280, height: 900 },
  });
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => window.__longTasks.push({ start: e.startTime, duration: e.duration })),
    ).observe({ type: "longtask", buffered: true });
  });
  // The sign-in is stored once, from a blank page on the reference's origin.
  const login = {
    homeserver: account.homeserver,
    user_id: account.userId,
    device_id: account.refViewer.deviceId,
    access_token: account.refViewer.accessToken,
  };
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${refServer.origin}/blank.html`);
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [REF_LOGIN_KEY, JSON.stringify(login)]);
  await page.goto("about:blank");
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One visit of the reference page in `profile`, from navigation until every verification is shown. */
async function measureReference(profile, refServer, account) {
  const page = await profile.context.newPage();
  if (LATENCY_MS) await addLatency(profile.context, page);
  const errors = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    errors.push(m.text());
    if (process.env.BENCH_VERBOSE) console.error(`  [reference] ${m.text().slice(0, 2000)}`);
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  if (process.env.BENCH_VERBOSE) {
    page.on("response", (r) => r.status() >= 400 && console.log(`  [reference] ${r.status()} ${r.request().method()} ${r.url()}`));
  }
  try {
    await page.goto(refServer.url);
    try {
      await page.waitForFunction(
        () =>
          performance.getEntriesByName("ref:verified").length > 0 ||
          document.querySelector('[role="alert"]') ||
          /^Failed to start/.test(document.getElementById("root")?.textContent ?? ""),
        null,
        { timeout: REF_TIMEOUT_MS },
      );
    } catch (e) {
      const state = await page
        .evaluate(() => ({
          listed: performance.getEntriesByName("ref:listed")[0]?.startTime ?? null,
          rows: document.querySelectorAll("#sessions li").length,
          pending: document.querySelectorAll('#sessions li[data-verification="pending"]').length,
        }))
        .catch(() => null);
      const where = state
        ? state.listed === null
          ? "the list never showed"
          : `listed at ${state.listed.toFixed(0)} ms, ${state.pending} of ${state.rows} sessions still checking`
        : "page unresponsive";
      throw new Error(`no ref:verified within ${REF_TIMEOUT_MS / 1000} s (${where})${errors.length ? `; page error: ${firstLine(errors[0])}` : ""}`);
    }
    const load = await page.evaluate((hs) => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
      const verified = at("ref:verified");
      const resources = performance.getEntriesByType("resource");
      const rows = [...document.querySelectorAll("#sessions li")];
      return {
        failure: verified === null ? document.getElementById("root")?.textContent ?? "" : null,
        listed: at("ref:listed"),
        keysFetched: at("ref:keys-fetched"),
        statuses: at("ref:statuses"),
        verified,
        api: resources
          .filter((e) => e.name.startsWith(hs) && e.startTime < verified)
          // The sync long-poll (after the first sync) is not waited for.
          .filter((e) => !/\/sync\?.*timeout=[1-9]/.test(e.name))
          .map((e) => ({ name: e.name, startTime: e.startTime, responseEnd: e.responseEnd })),
        files: resources.filter((e) => e.name.startsWith(location.origin)).map((e) => new URL(e.name).pathname.slice(1)),
        rows: rows.length,
        verifiedRows: rows.filter((r) => r.dataset.verification === "verified").length,
        pendingRows: rows.filter((r) => r.dataset.verification === "pending").length,
        crossSigningVerifiedRows: rows.filter((r) => r.dataset.crossSigningVerified === "true").length,
        longTasks: window.__longTasks.filter((t) => t.start < verified),
        heap: performance.memory?.usedJSHeapSize ?? null,
      };
    }, account.homeserver);
    if (load.failure !== null) throw new Error(`reference page: ${firstLine(load.failure)}`);
    if (process.env.BENCH_VERBOSE) {
      for (const e of load.api) console.log(`  [reference] ${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)} ms ${e.name.slice(account.homeserver.length)}`);
    }
    return {
      listedMs: load.listed,
      // After the list: the own keys fetched (userHasCrossSigningKeys), then
      // every session's status read from the crypto store.
      keysAfterListedMs: load.keysFetched === null ? null : load.keysFetched - load.listed,
      statusesAfterKeysMs: load.statuses === null || load.keysFetched === null ? null : load.statuses - load.keysFetched,
      verifiedMs: load.verified,
      requests: load.api.length,
      rounds: rounds(load.api),
      longestTaskMs: longest(load.longTasks),
      heapMB: load.heap ? load.heap / (1024 * 1024) : null,
      rows: load.rows,
      verifiedRows: load.verifiedRows,
      pendingRows: load.pendingRows,
      crossSigningVerifiedRows: load.crossSigningVerifiedRows,
      files: load.files,
    };
  } finally {
    await page.close();
  }
}

/** The reference's answers against the seed: every session listed, exactly the cross-signed ones Verified. */
function checkReference(visits, account, size) {
  const rows = size + 2; // the seeded sessions, VIEWER and REFVIEWER
  const problems = new Set();
  for (const v of visits) {
    if (v.rows !== rows) problems.add(`${v.rows} sessions listed, the account has ${rows}`);
    if (v.pendingRows) problems.add(`${v.pendingRows} sessions without an answer`);
    if (v.verifiedRows !== account.crossSigned) {
      problems.add(`${v.verifiedRows} sessions Verified, the seed cross-signed ${account.crossSigned} (VIEWER and REFVIEWER are not)`);
    }
  }
  return problems.size ? [...problems].join("; ") : null;
}

function summarize(runs) {
  const summary = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = runs.map((run) => run[key]).filter((v) => typeof v === "number");
    summary[key] = values.length ? { median: median(values), min: spread(values)[0], max: spread(values)[1] } : null;
  }
  return summary;
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? "–" : v.toFixed(digits));

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const dataDir = path.join(OUT, "synapse");
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(`Benchmark: sizes ${SIZES.join(", ")}, ${RUNS} runs each, app from ${path.relative(ROOT, DIST) || DIST}.`);
  let refBuild = null;
  if (WITH_REFERENCE) {
    const t0 = Date.now();
    try {
      refBuild = await buildReference();
      console.log(`  reference page built in ${Date.now() - t0} ms (${path.relative(ROOT, refBuild.outdir)})`);
    } catch (e) {
      refBuild = { error: `build failed: ${firstLine(e.message)}` };
      console.error(`  reference page: ${refBuild.error}`);
    }
  }
  const hs = await startSynapse({ dataDir });
  const app = await startStaticServer({ dist: DIST });
  // The reference on its own origin (no CSP: its index.html sets none).
  const refServer =
    refBuild && !refBuild.error
      ? await startStaticServer({ dist: refBuild.outdir, pages: { "/blank.html": "<!doctype html><title>blank</title>" } })
      : null;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, "--enable-precise-memory-info"],
  });
  try {
    const accounts = [];
    for (const size of SIZES) {
      const t0 = Date.now();
      accounts.push(await seedBenchAccount(hs, size, Date.now().toString(36)));
      console.log(`  seeded ${size} sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await finishBenchAccounts(hs, accounts);
    const results = [];
    const refResults = [];
    for (const [i, size] of SIZES.entries()) {
      // The reference visits are interleaved with ours: our warm-up, its
      // warm-up (its first visit), then our run r and its run r.
      const ref = refBuild ? { size, warmup: null, runs: [], error: refBuild.error ?? null, check: null } : null;
      let profile = null;
      const refVisit = async (label) => {
        if (!ref || ref.error) return;
        try {
          profile ??= await openReferenceProfile(refServer, accounts[i]);
          const visit = await measureReference(profile, refServer, accounts[i]);
          if (label === "warm-up") ref.warmup = visit;
          else ref.runs.push(visit);
        } catch (e) {
          ref.error = `${label}: ${firstLine(e.message)}`;
          console.error(`  reference, ${size} sessions, ${ref.error}`);
        }
      };
      // One warm-up run (fills caches, compiles the wasm), then the measured ones.
      await measure(browser, app.url, accounts[i], size);
      await refVisit("warm-up");
      const runs = [];
      for (let r = 0; r < RUNS; r += 1) {
        runs.push(await measure(browser, app.url, accounts[i], size));
        await refVisit(`run ${r + 1}`);
      }
      if (profile) await profile.close().catch(() => {});
      results.push({ size, runs, summary: summarize(runs) });
      if (ref) {
        ref.summary = summarize(ref.runs.map(({ files, ...numbers }) => numbers));
        const visits = [ref.warmup, ...ref.runs].filter(Boolean);
        ref.check = visits.length ? checkReference(visits, accounts[i], size) : null;
        ref.expected = { sessions: size + 2, verified: accounts[i].crossSigned };
        refResults.push(ref);
      }
      console.log(`  measured ${size} sessions${ref ? (ref.error ? " (reference failed)" : " (and the reference)") : ""}`);
    }
    const bundle = bundleSizes();
    const refBundle = refBuild && !refBuild.error ? referenceBundleSizes(refBuild.outdir, refBuild.files) : null;
    // Every js and wasm file of the build should be what a visit loads.
    const loaded = new Set(refResults.flatMap((r) => r.runs.flatMap((v) => v.files)));
    const notLoaded = refBundle && loaded.size ? refBundle.files.filter((f) => !loaded.has(f)) : [];
    const unlisted = [...loaded].filter((f) => /\.(js|wasm)$/.test(f) && !refBundle?.files.includes(f));
    const versions = {
      "matrix-js-sdk": packageVersion("matrix-js-sdk"),
      "matrix-sdk-crypto-wasm": packageVersion("@matrix-org/matrix-sdk-crypto-wasm"),
      react: packageVersion("react"),
      "react-dom": packageVersion("react-dom"),
      esbuild: packageVersion("esbuild"),
    };
    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      chromium: browser.version(),
      date: new Date().toISOString(),
      addedLatencyMs: LATENCY_MS,
    };
    const reference = refBuild
      ? {
          versions,
          visits: "returning user: own browser profile per account (persistent context), first visit as warm-up; runs interleaved with ours",
          bundle: refBundle,
          results: refResults.map((r) => {
            const ours = results.find((o) => o.size === r.size).summary;
            const ratio = (a, b) => (a && b ? a.median / b.median : null);
            return {
              ...r,
              ratios: {
                oursVerifiedToReferenceVerified: ratio(ours.verifiedMs, r.summary.verifiedMs),
                oursTotalToReferenceVerified: ratio(ours.totalMs, r.summary.verifiedMs),
              },
            };
          }),
          bundleRatioGzip: refBundle ? bundle.total.gzip / refBundle.total.gzip : null,
        }
      : null;
    fs.writeFileSync(path.join(OUT, "results.json"), JSON.stringify({ machine, bundle, results, reference }, null, 2));

    const rows = [
      ["sessions", ...results.map((r) => String(r.size))],
      ["first screen of rows after navigation (ms)", ...results.map((r) => cell(r.summary.firstScreenMs))],
      ["  of which after data (ms)", ...results.map((r) => cell(r.summary.firstScreenAfterDataMs))],
      ["page complete after navigation (ms)", ...results.map((r) => cell(r.summary.totalMs))],
      ["  of which data (ms)", ...results.map((r) => cell(r.summary.dataMs))],
      ["  render after data (ms)", ...results.map((r) => cell(r.summary.renderAfterDataMs))],
      ["verification shown (ms)", ...results.map((r) => cell(r.summary.verifiedMs))],
      ["requests before complete", ...results.map((r) => cell(r.summary.requests))],
      ["sequential rounds", ...results.map((r) => cell(r.summary.rounds))],
      ["switch filter (ms)", ...results.map((r) => cell(r.summary.filterMs))],
      ["select all (ms)", ...results.map((r) => cell(r.summary.selectAllMs))],
      ["search keystroke (ms)", ...results.map((r) => cell(r.summary.searchKeyMs))],
      ["expand a session (ms)", ...results.map((r) => cell(r.summary.expandMs))],
      ["render 50 more rows (ms)", ...results.map((r) => cell(r.summary.showMoreMs))],
      ["requests after a rename", ...results.map((r) => cell(r.summary.requestsAfterRename))],
      ["longest task (ms)", ...results.map((r) => cell(r.summary.longestTaskMs))],
      ["JS heap after load (MB)", ...results.map((r) => cell(r.summary.heapMB, 1))],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    console.log(`\nMedian of ${RUNS} runs [min–max], ${machine.cpus} CPUs, ${machine.cpuModel}, Chromium ${machine.chromium}${LATENCY_MS ? `, ${LATENCY_MS} ms added to every request` : ""}\n`);
    for (const row of rows) console.log(row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  "));
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    console.log("\nRelease bundle                        raw        gzip      brotli");
    const labels = {
      wasm: "wasm",
      js: "js",
      css: "css",
      total: "every visit (main)",
      verification: "verification module",
      withVerification: "main + verification",
      largestCatalog: "largest other catalog",
    };
    for (const [kind, label] of Object.entries(labels)) {
      const b = bundle[kind];
      console.log(`  ${label.padEnd(22)} ${kb(b.raw).padStart(12)} ${kb(b.gzip).padStart(11)} ${kb(b.brotli).padStart(11)}`);
    }
    if (reference) printReference(reference, results, bundle, kb, { notLoaded, unlisted });
    console.log(`\nJSON: ${path.relative(ROOT, path.join(OUT, "results.json"))}`);
  } finally {
    await browser.close();
    await app.close();
    await refServer?.close();
    await hs.stop();
  }
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

/** The second table: the reference page, and our figures as a ratio to it. */
function printReference(reference, results, bundle, kb, { notLoaded, unlisted }) {
  const refs = reference.results;
  const v = reference.versions;
  const x = (n) => (n === null || n === undefined ? "–" : `${n.toFixed(2)}×`);
  const ok = (r) => !r.error && r.runs.length;
  const failed = () => "failed (below)";
  const row = (label, f) => [label, ...refs.map((r) => (ok(r) ? f(r) : "–"))];
  const rows = [
    ["sessions", ...refs.map((r) => String(r.size))],
    ["reference (matrix-js-sdk) verified (ms)", ...refs.map((r) => (ok(r) ? cell(r.summary.verifiedMs) : failed(r)))],
    row("reference listed (ms)", (r) => cell(r.summary.listedMs)),
    row("  then own keys fetched (ms)", (r) => cell(r.summary.keysAfterListedMs)),
    row("  then every status read (ms)", (r) => cell(r.summary.statusesAfterKeysMs)),
    row("reference first visit, verified (ms)", (r) => fmt(r.warmup?.verifiedMs)),
    row("ours / reference: verification shown", (r) => x(r.ratios.oursVerifiedToReferenceVerified)),
    row("ours / reference: page complete", (r) => x(r.ratios.oursTotalToReferenceVerified)),
    row("reference requests before verified", (r) => cell(r.summary.requests)),
    row("reference sequential rounds", (r) => cell(r.summary.rounds)),
    row("reference longest task until verified (ms)", (r) => cell(r.summary.longestTaskMs)),
    row("  ours, until verification shown (ms)", (r) => cell(results.find((o) => o.size === r.size).summary.longestTaskLoadMs)),
    row("reference JS heap (MB)", (r) => cell(r.summary.heapMB, 1)),
    [
      "reference Verified / seed cross-signed",
      ...refs.map((r) => {
        const visit = r.runs.at(-1) ?? r.warmup;
        return visit ? `${visit.verifiedRows} / ${r.expected.verified}` : "–";
      }),
    ],
    [
      "  crossSigningVerified (this session's trust)",
      ...refs.map((r) => {
        const visit = r.runs.at(-1) ?? r.warmup;
        return visit ? String(visit.crossSigningVerifiedRows) : "–";
      }),
    ],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(
    `\nReference: React ${v.react} + matrix-js-sdk ${v["matrix-js-sdk"]} (Rust crypto ${v["matrix-sdk-crypto-wasm"]}, IndexedDB store, startClient), ` +
      `returning user; median of ${RUNS} runs [min–max], interleaved with ours\n`,
  );
  for (const r of rows) console.log(r.map((val, c) => (c === 0 ? val.padEnd(widths[c]) : val.padStart(widths[c]))).join("  "));
  for (const r of refs.filter((r) => !ok(r))) console.log(`  ${r.size} sessions, reference failed: ${r.error ?? "no run"}`);
  const b = reference.bundle;
  if (b) {
    console.log("\nReference bundle (every visit)        raw        gzip      brotli");
    for (const [kind, label] of [["js", "js"], ["wasm", "wasm"], ["total", "js + wasm"]]) {
      console.log(`  ${label.padEnd(22)} ${kb(b[kind].raw).padStart(12)} ${kb(b[kind].gzip).padStart(11)} ${kb(b[kind].brotli).padStart(11)}`);
    }
    console.log(
      `  ours (every visit, main) / reference: ${x(bundle.total.raw / b.total.raw)} raw, ${x(reference.bundleRatioGzip)} gzip, ${x(bundle.total.brotli / b.total.brotli)} brotli`,
    );
    console.log(`  files: ${b.files.join(", ")}`);
    if (notLoaded.length) console.log(`  note: built but not loaded by a visit: ${notLoaded.join(", ")}`);
    if (unlisted.length) console.log(`  note: loaded but not in the build: ${unlisted.join(", ")}`);
  }
  const wrong = refs.filter((r) => r.check);
  for (const r of wrong) {
    console.error(`\nERROR: the reference page's answers are wrong for ${r.size} sessions: ${r.check}`);
  }
  if (wrong.length) process.exitCode = 1;
  if (!refs.some((r) => r.size === 200 && ok(r) && !r.check)) {
    const r200 = refs.find((r) => r.size === 200);
    if (r200 && !ok(r200)) console.error(`\nERROR: the reference page could not be checked on the 200-session account (${r200.error})`);
  }
}

function cell(stat, digits = 0) {
  if (!stat) return "–";
  if (stat.min === stat.max) return fmt(stat.median, digits);
  return `${fmt(stat.median, digits)} [${fmt(stat.min, digits)}–${fmt(stat.max, digits)}]`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
