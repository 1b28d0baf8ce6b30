// Runs axe-core (npm) in the page and fails with a readable list of
// violations. axe is evaluated through the DevTools protocol, which the
// page's Content-Security-Policy does not govern, so the CSP stays on.
import fs from "node:fs";
import { createRequire } from "node:module";
import { expect } from "@playwright/test";

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function expectNoAxeViolations(page, state) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // WCAG 2.0–2.2 A and AA rules.
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} — ${n.failureSummary?.split("\n")[1] ?? ""}`),
    }));
  });
  expect(result, `axe violations in state "${state}":\n${JSON.stringify(result, null, 2)}`).toEqual([]);
}
