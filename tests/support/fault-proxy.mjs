// A fault-injecting proxy on loopback in front of the real Synapse: the only
// stand-in in the fault tests. Without a fault it passes everything through;
// a fault rule breaks matching requests in one chosen way until lifted.
// It also records every request, so tests can count them.
import http from "node:http";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization, Date",
};

/** Turns a Synapse answer into one with wrongly typed fields. */
function wrongTypes(json) {
  if (Array.isArray(json.devices)) return { devices: json.devices.map((d) => ({ ...d, device_id: 42 })) };
  if (json && typeof json === "object" && Object.keys(json).length === 0) return [];
  return { ...json, next_batch: 7, devices: "many" };
}

export async function startFaultProxy(targetBase) {
  const target = new URL(targetBase);
  let rule = null;
  const requests = [];
  const stalled = new Set();

  const handler = (req, res) => {
    let body = [];
    req.on("data", (c) => body.push(c));
    req.on("end", () => {
      body = Buffer.concat(body);
      const path = req.url.split("?")[0];
      requests.push({ method: req.method, path, body: body.toString(), at: Date.now(), auth: (req.headers.authorization || "").slice(-6) });
      const applies =
        rule && req.method !== "OPTIONS" && rule.method === req.method && rule.path.test(path) && (!rule.when || rule.when(body.toString()));
      const kind = applies ? rule.kind : null;
      const json = (status, payload) => {
        res.writeHead(status, { "Content-Type": "application/json", ...CORS });
        res.end(JSON.stringify(payload));
      };
      if (kind === "stall") {
        stalled.add(res);
        return;
      }
      if (kind === "500") return json(500, { errcode: "M_UNKNOWN", error: "Internal server error" });
      if (kind === "redirect") {
        // A 307 keeps the method and body: a client that follows it posts
        // the same request (a password) to `rule.location`.
        res.writeHead(307, { Location: rule.location, ...CORS });
        return res.end();
      }
      if (kind === "429") {
        return json(429, { errcode: "M_LIMIT_EXCEEDED", error: "Too Many Requests", retry_after_ms: rule.retryAfterMs ?? 2000 });
      }
      if (kind === "huge") {
        res.writeHead(200, { "Content-Type": "application/json", ...CORS });
        const chunk = Buffer.alloc(1024 * 1024, " ");
        res.write('{"devices":[');
        let sent = 0;
        const pump = () => {
          while (sent < 40) {
            sent += 1;
            if (!res.write(chunk)) return res.once("drain", pump);
          }
          res.end("]}");
        };
        return pump();
      }
      if (kind === "keep") {
        // A server that quietly refuses part of a bulk sign-out: the
        // sessions in `rule.keep` are left out of what reaches Synapse.
        const request = JSON.parse(body.toString());
        request.devices = (request.devices ?? []).filter((id) => !rule.keep.includes(id));
        body = Buffer.from(JSON.stringify(request));
      }
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host, "content-length": body.length },
        },
        (answer) => {
          if (kind !== "truncate" && kind !== "wrong-types") {
            res.writeHead(answer.statusCode, answer.headers);
            answer.pipe(res);
            return;
          }
          const chunks = [];
          answer.on("data", (c) => chunks.push(c));
          answer.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            let out = text.slice(0, Math.floor(text.length / 2));
            if (kind === "wrong-types") {
              try {
                out = JSON.stringify(wrongTypes(JSON.parse(text)));
              } catch {
                out = "[]";
              }
            }
            const headers = { ...answer.headers, "content-length": Buffer.byteLength(out) };
            res.writeHead(answer.statusCode, headers);
            res.end(out);
          });
        },
      );
      upstream.on("error", () => json(502, { errcode: "M_UNKNOWN", error: "proxy: upstream failed" }));
      upstream.end(body);
    });
  };

  let server = http.createServer(handler);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  const base = `http://127.0.0.1:${port}`;

  const releaseStalled = () => {
    for (const res of stalled) res.destroy();
    stalled.clear();
  };

  return {
    base,
    requests,
    /** `{ method, path: RegExp, kind, when?(body), location?, keep? }`, or null to lift. */
    setFault(next) {
      rule = next;
      if (!next) releaseStalled();
    },
    /** Stops listening: connections are refused until `up()`. */
    async down() {
      releaseStalled();
      await new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
    },
    async up() {
      server = http.createServer(handler);
      await new Promise((r) => server.listen(port, "127.0.0.1", r));
    },
    count(method, pathPattern) {
      return requests.filter((r) => r.method === method && pathPattern.test(r.path)).length;
    },
    async close() {
      releaseStalled();
      await new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
    },
  };
}
