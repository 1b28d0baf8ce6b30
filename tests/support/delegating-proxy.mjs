// A loopback proxy in front of the real Synapse that behaves like a server
// delegating authentication to the Matrix Authentication Service: it
// publishes OAuth 2.0 metadata with an account-management URL and refuses
// the UIA device-deletion endpoints (404 M_UNRECOGNIZED), as Synapse does
// with MAS. Everything else is Synapse's own answer.
import http from "node:http";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization, Date",
};

export async function startDelegatingProxy(synapseBase) {
  const target = new URL(synapseBase);
  let actions = ["org.matrix.profile", "org.matrix.devices_list", "org.matrix.device_view", "org.matrix.device_delete"];
  // Replaces fields of the metadata (e.g. an unsafe account_management_uri).
  let overrides = {};
  const server = http.createServer((req, res) => {
    const json = (status, body) => {
      res.writeHead(status, { "Content-Type": "application/json", ...CORS });
      res.end(JSON.stringify(body));
    };
    const path = req.url.split("?")[0];
    if (
      req.method === "GET" &&
      (path === "/_matrix/client/v1/auth_metadata" ||
        path === "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata")
    ) {
      return json(200, {
        issuer: `${origin}/`,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/oauth2/token`,
        revocation_endpoint: `${origin}/oauth2/revoke`,
        registration_endpoint: `${origin}/oauth2/registration`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        response_modes_supported: ["query", "fragment"],
        code_challenge_methods_supported: ["S256"],
        account_management_uri: `${origin}/account/`,
        account_management_actions_supported: actions,
        ...overrides,
      });
    }
    if (
      (req.method === "POST" && path === "/_matrix/client/v3/delete_devices") ||
      (req.method === "DELETE" && path.startsWith("/_matrix/client/v3/devices/"))
    ) {
      return json(404, { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" });
    }
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => json(502, { errcode: "M_UNKNOWN", error: "proxy: upstream failed" }));
    req.pipe(upstream);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    base: origin,
    accountUrl: `${origin}/account/`,
    setActions: (list) => {
      actions = list;
    },
    setMetadata: (fields) => {
      overrides = fields;
    },
    close: () =>
      new Promise((r) => {
        server.close(r);
        // The page keeps a /sync long-poll open; do not wait for it.
        server.closeAllConnections();
      }),
  };
}
