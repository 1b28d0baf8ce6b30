// Developer aid: a CPU profile (Chrome DevTools protocol) of one
// interaction on a large account, printed as the functions with the most
// self time. Usage: node tests/bench/profile.mjs [dist] [size] [action]
import path from "node:path";
import fs from "node:fs";
import { chromium } from "@playwright/test";
import { ROOT, startSynapse } from "../support/synapse.mjs";
import { startStaticServer } from "../support/static-server.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.mjs";
import { finishBenchAccounts, seedBenchAccount } from "./seed.mjs";

const [dist = path.join(ROOT, "dist"), size = "2000", action = "filter"] = process.argv.slice(2);
const dataDir = path.join(ROOT, ".bench", "synapse-profile");
fs.rmSync(dataDir, { recursive: true, force: true });
const hs = await startSynapse({ dataDir });
const app = await startStaticServer({ dist });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const account = await seedBenchAccount(hs, Number(size), "p");
  await finishBenchAccounts(hs, [account]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(([k, v]) => localStorage.setItem(k, v), [
    "matrix-sessions[/]:login:v1",
    JSON.stringify({ homeserver: hs.base, user_id: account.userId, device_id: "VIEWER", access_token: account.viewer.accessToken }),
  ]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  if (action === "load") await cdp.send("Profiler.start");
  if (action === "load-trace") await browser.startTracing(page, { categories: ["devtools.timeline", "blink", "v8"] });
  await page.goto(app.url);
  if (action === "load-trace") {
    await page.waitForFunction(() => performance.getEntriesByName("sm:verified").length > 0, null, { timeout: 120000 });
    const counts = await page.evaluate(() => ({ nodes: document.getElementsByTagName("*").length, heavy: [...document.querySelectorAll("*")].map((el) => [el.tagName + "." + el.className + "#" + (el.id || el.dataset.testid || ""), el.getElementsByTagName("*").length, el.children.length]).filter(([, n, c]) => n > 1000 && c > 3).slice(0, 10), marks: performance.getEntriesByType("mark").map((m) => `${m.name}@${m.startTime.toFixed(0)}`), resources: performance.getEntriesByType("resource").slice(9, 24).map((e) => `${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)} ${e.name.split("/").pop().slice(0, 40)}`), nav: performance.getEntriesByType("navigation").map((e) => `html ${e.responseEnd.toFixed(0)} dcl ${e.domContentLoadedEventEnd.toFixed(0)}`) }));
    console.log(counts);
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents.filter((e) => e.ph === "X" && e.dur);
    const agg = new Map();
    for (const e of events) {
      const a = agg.get(e.name) || { n: 0, ms: 0 };
      a.n += 1; a.ms += e.dur / 1000; agg.set(e.name, a);
    }
    [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30).forEach(([k, a]) => console.log(`${a.ms.toFixed(1).padStart(9)} ms ${String(a.n).padStart(6)}x  ${k}`));
  } else {
  await page.waitForFunction(() => performance.getEntriesByName("sm:page-rendered").length > 0, null, { timeout: 120000 });
  if (action === "raw-hide") {
    // Hides every row the way the page could: `hidden` (display: none) or
    // collapsed in place (the layout boxes stay).
    for (const mode of ["hidden", "collapse"]) {
      const ms = await page.evaluate(async (m) => {
        const items = [...document.querySelectorAll('[data-testid="other-sessions-section"] li')];
        const t0 = performance.now();
        items.forEach((li) => (m === "collapse" ? (li.style.cssText = "visibility:hidden;height:0;overflow:hidden;border:0") : (li.hidden = true)));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const hideMs = performance.now() - t0;
        const t1 = performance.now();
        items.forEach((li) => (m === "collapse" ? (li.style.cssText = "") : (li.hidden = false)));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return { hideMs, showMs: performance.now() - t1 };
      }, mode);
      console.log("raw", mode, ms);
    }
  }
  if (action === "trace") {
    await page.click("#device-list-filter");
    await page.waitForTimeout(Number(process.env.SETTLE_MS || 0));
    await browser.startTracing(page, { categories: ["devtools.timeline", "blink", "v8", "disabled-by-default-devtools.timeline"] });
    const ms = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector('[data-testid="filter-option-Unverified"]').click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    });
    console.log(`trace filter: ${ms.toFixed(0)} ms`);
    const buffer = await browser.stopTracing();
    const events = JSON.parse(buffer.toString()).traceEvents.filter((e) => e.ph === "X" && e.dur);
    const agg = new Map();
    for (const e of events) {
      const k = e.name;
      const a = agg.get(k) || { n: 0, ms: 0 };
      a.n += 1;
      a.ms += e.dur / 1000;
      agg.set(k, a);
    }
    [...agg.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).forEach(([k, a]) => console.log(`${a.ms.toFixed(1).padStart(9)} ms ${String(a.n).padStart(6)}x  ${k}`));
  }
  if (action !== "load" && action !== "raw-hide" && action !== "trace") {
    if (action === "filter") await page.click("#device-list-filter");
    await page.waitForTimeout(Number(process.env.SETTLE_MS || 0));
    await cdp.send("Profiler.start");
    const selector = {
      filter: '[data-testid="filter-option-Unverified"]',
      select: '[data-testid="device-select-all-checkbox"]',
      expand: '[data-testid^="device-toggle-details-DEV"]',
    }[action];
    const ms = await page.evaluate(async (sel) => {
      const t0 = performance.now();
      document.querySelector(sel).click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }, selector);
    console.log(`${action}: ${ms.toFixed(0)} ms`);
  }
  const { profile } = await cdp.send("Profiler.stop");
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const s of profile.samples) counts.set(s, (counts.get(s) || 0) + 1);
  for (const [id, n] of counts) {
    const node = byId.get(id);
    const name = node.callFrame.functionName || `(${node.callFrame.url.split("/").pop()})`;
    self.set(name, (self.get(name) || 0) + n);
  }
  const total = profile.samples.length;
  if (process.env.INCLUSIVE) {
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
    const incl = new Map();
    for (const [id, n] of counts) {
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur).callFrame.functionName;
        if (!f || seen.has(f)) continue;
        seen.add(f);
        incl.set(f, (incl.get(f) || 0) + n);
      }
    }
    [...incl.entries()].filter(([f]) => new RegExp(process.env.INCLUSIVE).test(f)).sort((a, b) => b[1] - a[1]).slice(0, 60)
      .forEach(([f, n]) => console.log(`incl ${((n * 0.2)).toFixed(0).padStart(6)} ms  ${f.replace(/::h[0-9a-f]{16}/, "").slice(0, 150)}`));
  }
  console.log(`${total} samples`);
  [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([name, n]) => console.log(`${((n * 100) / total).toFixed(1).padStart(5)}%  ${name.slice(0, 140)}`));
}
} finally {
  await browser.close();
  await app.close();
  await hs.stop();
}
