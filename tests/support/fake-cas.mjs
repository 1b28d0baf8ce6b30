// A stand-in CAS identity provider on loopback (the only fake in the SSO
// tests: Synapse itself is real). It shows a sign-in form, issues a ticket
// for the typed username, and validates tickets for Synapse
// (/proxyValidate, CAS 2.0 XML).
import crypto from "node:crypto";
import http from "node:http";

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeCas() {
  const tickets = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/login" && req.method === "GET") {
      const service = url.searchParams.get("service") || "";
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><title>Fake CAS</title></head><body>
        <h1>Fake CAS sign-in</h1>
        <form method="POST" action="/login">
          <input type="hidden" name="service" value="${escapeHtml(service)}">
          <label>CAS username <input name="username"></label>
          <button type="submit">Sign in with CAS</button>
          <button type="submit" name="cancel" value="1">Cancel</button>
        </form></body></html>`);
      return;
    }
    if (url.pathname === "/login" && req.method === "POST") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        const service = form.get("service") || "";
        if (form.get("cancel")) {
          // Cancelling returns to the client app without a ticket, the way
          // IdPs send users back: to the redirectUrl inside Synapse's service URL.
          const back = new URL(service).searchParams.get("redirectUrl");
          res.writeHead(302, { Location: back || service });
          res.end();
          return;
        }
        const ticket = `ST-${crypto.randomBytes(12).toString("hex")}`;
        tickets.set(ticket, { user: form.get("username"), service });
        const target = new URL(service);
        target.searchParams.set("ticket", ticket);
        res.writeHead(302, { Location: target.toString() });
        res.end();
      });
      return;
    }
    if (url.pathname === "/proxyValidate") {
      const entry = tickets.get(url.searchParams.get("ticket"));
      tickets.delete(url.searchParams.get("ticket"));
      res.writeHead(200, { "Content-Type": "application/xml" });
      if (!entry) {
        res.end(`<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="INVALID_TICKET">unknown ticket</cas:authenticationFailure></cas:serviceResponse>`);
        return;
      }
      res.end(`<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>
        <cas:user>${escapeHtml(entry.user)}</cas:user>
        <cas:attributes><cas:name>${escapeHtml(entry.user)}</cas:name></cas:attributes>
        </cas:authenticationSuccess></cas:serviceResponse>`);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => new Promise((r) => server.close(r)) };
}

/** Synapse settings for single sign-on through the fake CAS. */
export function casSynapseOverrides(casBase) {
  return {
    cas_config: { enabled: true, server_url: casBase, displayname_attribute: "name", idp_name: "Example CAS" },
    // Redirects back to any loopback app port without Synapse's
    // "continue to this site?" interstitial.
    sso: { client_whitelist: ["http://localhost:"] },
  };
}
