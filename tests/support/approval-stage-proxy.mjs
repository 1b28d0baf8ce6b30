// A front for the real Synapse whose `/delete_devices` asks for a
// user-interactive-auth stage Synapse does not have (`org.example.approval`)
// and serves that stage's fallback page: the only way to test how the app
// handles stages it has no form for. With `stage: "m.oauth"` it asks for the
// spec's `m.oauth` stage instead (as a server delegating to MAS does for a
// cross-signing reset), naming an account page where the user approves; that
// page, like MAS's, tells the app nothing — the app continues when the user
// comes back. Approving on the page completes the
// real password stage of the same Synapse session behind the scenes, so the
// deletion itself is still Synapse's.
import http from "node:http";

export const APPROVAL_STAGE = "org.example.approval";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization, Date",
};

function forward(target, req, body) {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host, "content-length": Buffer.byteLength(body) },
      },
      (answer) => {
        const chunks = [];
        answer.on("data", (c) => chunks.push(c));
        answer.on("end", () => resolve({ status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks) }));
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

export async function startApprovalStageProxy(targetBase, { username, password, stage = APPROVAL_STAGE }) {
  const target = new URL(targetBase);
  const approved = new Set();
  const fallbackPath = `/_matrix/client/v3/auth/${APPROVAL_STAGE}/fallback/web`;
  const accountPath = "/account/approve";
  let base;

  const askForApproval = (res, session) => {
    const params = stage === "m.oauth" ? { "m.oauth": { url: `${base}${accountPath}?session=${session}` } } : {};
    res.writeHead(401, { "Content-Type": "application/json", ...CORS });
    res.end(JSON.stringify({ session, flows: [{ stages: [stage] }], params, completed: [] }));
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, "http://proxy");
      try {
        if (stage === "m.oauth" && url.pathname === accountPath) {
          const session = url.searchParams.get("session") || "";
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
          if (req.method === "POST") {
            approved.add(session);
            return res.end(`<!doctype html><title>Approved</title><h1>Approved</h1><p role="status">You can return to the app.</p>`);
          }
          return res.end(`<!doctype html><title>Account</title><h1>Approve signing out</h1>
<form method="post"><button type="submit">Approve</button></form>`);
        }
        if (stage === APPROVAL_STAGE && url.pathname === fallbackPath) {
          const session = url.searchParams.get("session") || "";
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
          if (req.method === "POST") {
            approved.add(session);
            res.end(`<!doctype html><title>Approved</title><h1>Approved</h1>
<script>if (window.onAuthDone) window.onAuthDone(); else if (window.opener) window.opener.postMessage("authDone", "*");</script>`);
          } else {
            res.end(`<!doctype html><title>Approve</title><h1>Approve this request</h1>
<form method="post"><button type="submit">Approve</button></form>`);
          }
          return;
        }
        if (req.method === "POST" && url.pathname === "/_matrix/client/v3/delete_devices") {
          const request = JSON.parse(body.toString() || "{}");
          const session = request.auth?.session;
          if (session && !approved.has(session)) return askForApproval(res, session);
          if (session) {
            request.auth = { type: "m.login.password", identifier: { type: "m.id.user", user: username }, password, session };
          } else {
            delete request.auth;
          }
          const answer = await forward(target, req, JSON.stringify(request));
          if (answer.status === 401) {
            const uia = JSON.parse(answer.body.toString());
            if (uia.flows) return askForApproval(res, uia.session);
          }
          res.writeHead(answer.status, { ...answer.headers, "content-length": answer.body.length });
          return res.end(answer.body);
        }
        const answer = await forward(target, req, body);
        res.writeHead(answer.status, { ...answer.headers, "content-length": answer.body.length });
        res.end(answer.body);
      } catch (err) {
        res.writeHead(502, { "Content-Type": "application/json", ...CORS });
        res.end(JSON.stringify({ errcode: "M_UNKNOWN", error: `proxy: ${err.message}` }));
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    async close() {
      await new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
    },
  };
}
