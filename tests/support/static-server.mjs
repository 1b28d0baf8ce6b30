// Serves the built app (dist/) on loopback, as a portal's web server would:
// optionally under a sub-path, with a config.json, and with a client
// well-known document so server-name discovery can be tested.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * Starts a server. Options:
 * - dist: folder with the build;
 * - basePath: sub-path the app lives under ("/" or "/account/sessions/"),
 *   or several (two deployments of the app on one origin);
 * - config: object served as `${basePath}config.json` (omit for a 404), or a
 *   string served verbatim (to test invalid files);
 * - wellKnownBaseUrl: when set, `/.well-known/matrix/client` points there;
 * - headers: extra response headers for every answer;
 * - pages: extra HTML pages by path (e.g. a portal page that frames the app).
 * Returns { url, origin, port, close, setConfig }.
 */
export async function startStaticServer({
  dist,
  port = 0,
  basePath = "/",
  config,
  wellKnownBaseUrl,
  headers = {},
  pages = {},
} = {}) {
  let currentConfig = config;
  const bases = Array.isArray(basePath) ? basePath : [basePath];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers, ...extra });
      res.end(body);
    };
    if (pages[url.pathname] !== undefined) return send(200, TYPES[".html"], pages[url.pathname]);
    if (url.pathname === "/.well-known/matrix/client" && wellKnownBaseUrl) {
      return send(
        200,
        "application/json",
        JSON.stringify({ "m.homeserver": { base_url: wellKnownBaseUrl } }),
        { "Access-Control-Allow-Origin": "*" },
      );
    }
    const base = bases.find((b) => url.pathname.startsWith(b));
    if (base === undefined) return send(404, "text/plain", "not found");
    let rel = url.pathname.slice(base.length);
    if (rel === "config.json") {
      if (currentConfig === undefined) return send(404, "text/plain", "no config");
      const body = typeof currentConfig === "string" ? currentConfig : JSON.stringify(currentConfig);
      return send(200, "application/json", body);
    }
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = path.join(dist, path.normalize(rel));
    if (!file.startsWith(dist)) return send(403, "text/plain", "forbidden");
    fs.readFile(file, (err, data) => {
      if (err) {
        // Unknown paths under the app get the page itself (deep links).
        if (!path.extname(rel)) {
          return fs.readFile(path.join(dist, "index.html"), (e2, page) =>
            e2 ? send(404, "text/plain", "not found") : send(200, TYPES[".html"], page),
          );
        }
        return send(404, "text/plain", "not found");
      }
      send(200, TYPES[path.extname(file)] || "application/octet-stream", data);
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actualPort = server.address().port;
  const origin = `http://localhost:${actualPort}`;
  return {
    port: actualPort,
    origin,
    url: `${origin}${bases[0]}`,
    urlOf: (b) => `${origin}${b}`,
    setConfig: (c) => {
      currentConfig = c;
    },
    setPage: (pathname, html) => {
      pages[pathname] = html;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

/**
 * A portal page that shows `appUrl` in a frame and records every message it
 * receives in `window.received` (origin and data).
 */
export function portalPage(appUrl) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head>
<body><h1>Portal</h1>
<iframe id="app" title="Sessions" src="${appUrl}" width="800" height="700"></iframe>
<script>
  window.received = [];
  window.addEventListener("message", (e) => window.received.push({ origin: e.origin, data: e.data }));
</script></body></html>`;
}
