// Trunk post-build hook: makes the built page work under a strict
// Content-Security-Policy and caches well.
//  1. stylers' component CSS (target/main.css) gets a content hash;
//  2. the loader Trunk inlines as <script type="module"> moves to its own
//     hashed file with an integrity hash (a strict CSP forbids inline script);
//  3. the verification module (built unhashed, as Trunk does for workers)
//     gets content-hashed names, announced in <meta name="verifier-module">;
//  4. the non-English translation catalogs get content-hashed files,
//     announced in <meta name="catalog-<lang>">;
//  5. a CSP <meta> goes first in <head>. `connect-src` names where the page
//     may send requests: set CSP_CONNECT_SRC at build time to pin your
//     homeserver (default: any https server). Plain http to loopback
//     (a local Synapse) is allowed only when CSP_ALLOW_LOOPBACK=1, as the
//     demo, benchmark and test builds set it; a production build never
//     talks to servers on the visitor's own machine.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error("TRUNK_STAGING_DIR is not set: run through trunk build");
const indexPath = path.join(staging, "index.html");
let html = fs.readFileSync(indexPath, "utf8");

const hash = (data) => crypto.createHash("sha256").update(data).digest("hex").slice(0, 16);
const sri = (data) => `sha384-${crypto.createHash("sha384").update(data).digest("base64")}`;

// 1. Component styles.
const css = fs.readFileSync(path.resolve("target/main.css"));
const cssName = `components-${hash(css)}.css`;
fs.writeFileSync(path.join(staging, cssName), css);
if (!html.includes('href="main.css"')) throw new Error("index.html has no main.css link to rewrite");
html = html.replace('href="main.css"', `href="./${cssName}" integrity="${sri(css)}"`);

// 2. The loader script.
const inline = html.match(/<script type="module">([\s\S]*?)<\/script>/);
if (!inline) throw new Error("no inline loader script found in index.html");
const loader = inline[1].trim() + "\n";
const loaderName = `boot-${hash(loader)}.js`;
fs.writeFileSync(path.join(staging, loaderName), loader);
html = html.replace(inline[0], `<script type="module" src="./${loaderName}" integrity="${sri(loader)}"></script>`);

// 3. The verification module.
const wasmIn = path.join(staging, "verifier_bg.wasm");
const glueIn = path.join(staging, "verifier.js");
if (!fs.existsSync(wasmIn) || !fs.existsSync(glueIn)) throw new Error("the verifier module was not built");
const wasm = fs.readFileSync(wasmIn);
const wasmName = `verifier-${hash(wasm)}_bg.wasm`;
let glue = fs.readFileSync(glueIn, "utf8");
if (!glue.includes("'verifier_bg.wasm'")) throw new Error("verifier.js does not name verifier_bg.wasm");
glue = glue.replace("'verifier_bg.wasm'", `'${wasmName}'`);
const glueName = `verifier-${hash(glue)}.js`;
fs.renameSync(wasmIn, path.join(staging, wasmName));
fs.writeFileSync(path.join(staging, glueName), glue);
fs.unlinkSync(glueIn);
html = html.replace(/<\/head>/, `  <meta name="verifier-module" content="./${glueName}" />\n  </head>`);

// 4. The translation catalogs other than English (compiled in as the
//    fallback): each its own hashed file, without translators' notes,
//    announced in <meta name="catalog-<lang>">; fetched only in its language.
const catalogDir = path.resolve("src/web/i18n");
const catalogs = [];
for (const file of fs.readdirSync(catalogDir).sort()) {
  const lang = file.replace(/\.json$/, "");
  if (lang === file || lang === "en") continue;
  const texts = JSON.parse(fs.readFileSync(path.join(catalogDir, file), "utf8"));
  for (const key of Object.keys(texts)) if (key.startsWith("_")) delete texts[key];
  const body = JSON.stringify(texts);
  const name = `i18n-${lang}-${hash(body)}.json`;
  fs.writeFileSync(path.join(staging, name), body);
  catalogs.push(`  <meta name="catalog-${lang}" content="./${name}" />\n`);
}
html = html.replace(/<\/head>/, `${catalogs.join("")}  </head>`);

// 5. The policy.
// CSP sources cannot name IPv6 literals; localhost covers ::1 by name.
const loopback = process.env.CSP_ALLOW_LOOPBACK === "1" ? " http://localhost:* http://127.0.0.1:*" : "";
const connect = process.env.CSP_CONNECT_SRC ? `${process.env.CSP_CONNECT_SRC}${loopback}` : `'self' https:${loopback}`;
const policy = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  `img-src 'self' data: https:${loopback}`,
  `connect-src ${connect}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");
html = html.replace(
  /<head>/,
  `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
);
fs.writeFileSync(indexPath, html);
console.log(`finish-build: ${cssName}, ${loaderName}, ${glueName}, ${catalogs.length} catalogs, CSP connect-src ${connect}`);
