#!/usr/bin/env bash
# Prints the size of the release bundle in dist/ (wasm, js, css): raw, gzip
# and brotli. `--short` prints one line with the gzip total.
set -euo pipefail
cd "$(dirname "$0")/../dist"

gz() { gzip -9c "$1" | wc -c; }
br() { if command -v brotli >/dev/null; then brotli -c -q 11 "$1" | wc -c; else node -e 'const z=require("zlib"),fs=require("fs");process.stdout.write(String(z.brotliCompressSync(fs.readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))' "$1"; fi; }

declare -A raw gzip brotli
for kind in wasm js css; do
  raw[$kind]=0; gzip[$kind]=0; brotli[$kind]=0
  for f in *."$kind"; do
    [ -e "$f" ] || continue
    raw[$kind]=$(( raw[$kind] + $(stat -c%s "$f") ))
    gzip[$kind]=$(( gzip[$kind] + $(gz "$f") ))
    brotli[$kind]=$(( brotli[$kind] + $(br "$f") ))
  done
done
total_raw=$(( raw[wasm] + raw[js] + raw[css] ))
total_gz=$(( gzip[wasm] + gzip[js] + gzip[css] ))
total_br=$(( brotli[wasm] + brotli[js] + brotli[css] ))
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

if [ "${1:-}" = "--short" ]; then
  echo "bundle $(kb "$total_gz") gzip, $(kb "$total_raw") raw"
  exit 0
fi
printf '%-6s %12s %12s %12s\n' "" raw gzip brotli
for kind in wasm js css; do
  printf '%-6s %12s %12s %12s\n' "$kind" "$(kb "${raw[$kind]}")" "$(kb "${gzip[$kind]}")" "$(kb "${brotli[$kind]}")"
done
printf '%-6s %12s %12s %12s\n' total "$(kb "$total_raw")" "$(kb "$total_gz")" "$(kb "$total_br")"
