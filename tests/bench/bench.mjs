// The benchmark: accounts with 10, 200 and 2,000 sessions on a real Synapse,
// the release build in headless Chromium, several runs per size. Prints one
// table (medians, with the spread) and writes .bench/results.json.
// Not a test: it measures and reports, it does not pass or fail.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { chromium } from "@playwright/test";
import { ROOT, startSynapse } from "../support/synapse.mjs";
import { startStaticServer } from "../support/static-server.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";
import { finishBenchAccounts, seedBenchAccount } from "./seed.mjs";

const SIZES = (process.env.BENCH_SIZES || "10,200,2000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const OUT = path.join(ROOT, ".bench");
const STORAGE_KEY = "matrix-sessions[/]:login:v1";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => [Math.min(...xs), Math.max(...xs)];

function bundleSizes() {
  const dist = path.join(ROOT, "dist");
  const measure = (files) => {
    const data = files.map((f) => fs.readFileSync(path.join(dist, f)));
    return {
      raw: data.reduce((n, d) => n + d.length, 0),
      gzip: data.reduce((n, d) => n + zlib.gzipSync(d, { level: 9 }).length, 0),
      brotli: data.reduce(
        (n, d) => n + zlib.brotliCompressSync(d, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        0,
      ),
    };
  };
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

async function measure(browser, appUrl, account, size) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const login = {
    homeserver: account.homeserver,
    user_id: account.userId,
    device_id: account.viewer.deviceId,
    access_token: account.viewer.accessToken,
  };
  await context.addInitScript(
    ([key, value]) => {
      localStorage.setItem(key, value);
      window.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({
        type: "longtask",
        buffered: true,
      });
    },
    [STORAGE_KEY, JSON.stringify(login)],
  );
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") console.error(`  [page] ${m.text().slice(0, 2000)}`);
  });
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
      received: at("sm:data-received"),
      rendered,
      verified: at("sm:verified"),
      api,
      tiles: [...document.querySelectorAll('[data-testid^="device-tile-"]:not([data-testid^="device-tile-checkbox-"])')].filter(
        (t) => !t.closest("[hidden]"),
      ).length,
      heap: performance.memory?.usedJSHeapSize ?? null,
    };
  }, account.homeserver);
  if (process.env.BENCH_VERBOSE) {
    for (const e of load.api) console.log(`  ${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)} ms ${e.name.slice(account.homeserver.length)}`);
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
    verifiedMs: load.verified,
    requests: load.api.length,
    rounds: rounds(load.api),
    filterMs: Math.max(filter, filterBack),
    selectAllMs: Math.max(selectAll, deselectAll),
    expandMs: expand,
    showMoreMs: more,
    requestsAfterRename: after.length,
    longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
    heapMB: load.heap ? load.heap / (1024 * 1024) : null,
  };
}

const fmt = (v, digits = 0) => (v === null || v === undefined ? "–" : v.toFixed(digits));

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const dataDir = path.join(OUT, "synapse");
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(`Benchmark: sizes ${SIZES.join(", ")}, ${RUNS} runs each.`);
  const hs = await startSynapse({ dataDir });
  const app = await startStaticServer({ dist: path.join(ROOT, "dist") });
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
    for (const [i, size] of SIZES.entries()) {
      // One warm-up run (fills caches, compiles the wasm), then the measured ones.
      await measure(browser, app.url, accounts[i], size);
      const runs = [];
      for (let r = 0; r < RUNS; r += 1) runs.push(await measure(browser, app.url, accounts[i], size));
      const summary = {};
      for (const key of Object.keys(runs[0])) {
        const values = runs.map((run) => run[key]).filter((v) => v !== null);
        summary[key] = values.length ? { median: median(values), min: spread(values)[0], max: spread(values)[1] } : null;
      }
      results.push({ size, runs, summary });
      console.log(`  measured ${size} sessions`);
    }
    const bundle = bundleSizes();
    const machine = {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      chromium: browser.version(),
      date: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(OUT, "results.json"), JSON.stringify({ machine, bundle, results }, null, 2));

    const rows = [
      ["sessions", ...results.map((r) => String(r.size))],
      ["page complete after navigation (ms)", ...results.map((r) => cell(r.summary.totalMs))],
      ["  of which data (ms)", ...results.map((r) => cell(r.summary.dataMs))],
      ["  render after data (ms)", ...results.map((r) => cell(r.summary.renderAfterDataMs))],
      ["verification shown (ms)", ...results.map((r) => cell(r.summary.verifiedMs))],
      ["requests before complete", ...results.map((r) => cell(r.summary.requests))],
      ["sequential rounds", ...results.map((r) => cell(r.summary.rounds))],
      ["switch filter (ms)", ...results.map((r) => cell(r.summary.filterMs))],
      ["select all (ms)", ...results.map((r) => cell(r.summary.selectAllMs))],
      ["expand a session (ms)", ...results.map((r) => cell(r.summary.expandMs))],
      ["render 50 more rows (ms)", ...results.map((r) => cell(r.summary.showMoreMs))],
      ["requests after a rename", ...results.map((r) => cell(r.summary.requestsAfterRename))],
      ["longest task (ms)", ...results.map((r) => cell(r.summary.longestTaskMs))],
      ["JS heap after load (MB)", ...results.map((r) => cell(r.summary.heapMB, 1))],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    console.log(`\nMedian of ${RUNS} runs [min–max], ${machine.cpus} CPUs, ${machine.cpuModel}, Chromium ${machine.chromium}\n`);
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
    console.log(`\nJSON: ${path.relative(ROOT, path.join(OUT, "results.json"))}`);
  } finally {
    await browser.close();
    await app.close();
    await hs.stop();
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
