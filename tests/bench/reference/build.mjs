// Builds the benchmark's reference page (React + matrix-js-sdk, see
// main.jsx) with esbuild, in production mode, into .bench/reference-dist/.
//
// matrix-sdk-crypto-wasm's browser entry point (index.mjs) fetches its wasm
// from `new URL("./pkg/matrix_sdk_crypto_wasm_bg.wasm", import.meta.url)`
// (WebAssembly.instantiateStreaming, so it must be served as
// application/wasm). esbuild leaves `import.meta.url` as it is in ES module
// output, so the file is copied to pkg/ beside the chunks.
//
//   node tests/bench/reference/build.mjs [outdir]
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, "../../..");
export const REFERENCE_DIST = path.join(ROOT, ".bench", "reference-dist");

/** Builds into `outdir` (emptied first); returns the list of files written. */
export async function buildReference(outdir = REFERENCE_DIST) {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: path.join(HERE, "main.jsx") },
    bundle: true,
    format: "esm",
    splitting: true,
    platform: "browser",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    outdir,
    chunkNames: "chunk-[hash]",
    metafile: true,
    logLevel: "warning",
  });
  // The wasm, where the bundled copy of the crypto entry point looks for it
  // (the entry point that esbuild chose for the browser: index.mjs).
  const entries = Object.keys(result.metafile.inputs).filter((f) => /matrix-sdk-crypto-wasm\/index\.mjs$/.test(f));
  if (entries.length !== 1) throw new Error(`expected one matrix-sdk-crypto-wasm/index.mjs in the bundle, got ${JSON.stringify(entries)}`);
  const wasm = path.join(ROOT, path.dirname(entries[0]), "pkg", "matrix_sdk_crypto_wasm_bg.wasm");
  fs.mkdirSync(path.join(outdir, "pkg"), { recursive: true });
  fs.copyFileSync(wasm, path.join(outdir, "pkg", "matrix_sdk_crypto_wasm_bg.wasm"));
  fs.copyFileSync(path.join(HERE, "index.html"), path.join(outdir, "index.html"));
  return { outdir, files: listFiles(outdir), metafile: result.metafile };
}

function listFiles(dir, prefix = "") {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const t0 = Date.now();
  const { outdir, files } = await buildReference(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  const size = (f) => fs.statSync(path.join(outdir, f)).size;
  console.log(`reference built in ${Date.now() - t0} ms → ${path.relative(process.cwd(), outdir) || outdir}`);
  for (const f of files) console.log(`  ${f.padEnd(44)} ${(size(f) / 1024).toFixed(1).padStart(9)} KB`);
}
