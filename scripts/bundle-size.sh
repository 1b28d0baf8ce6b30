#!/usr/bin/env bash
# Prints the size of the release bundle in dist/: raw, gzip and brotli, for
# what every visit loads (main wasm, js, css) and, separately, for the
# verification module (verifier-*.js/.wasm), which the page imports only when
# the user starts unlocking or verifying, and for each translation catalog
# (i18n-*.json; English is compiled in, a visitor fetches at most one other).
# `--short` prints one line.
set -euo pipefail
cd "$(dirname "$0")/../dist"

gz() { gzip -9c "$1" | wc -c; }
br() { if command -v brotli >/dev/null; then brotli -c -q 11 "$1" | wc -c; else node -e 'const z=require("zlib"),fs=require("fs");process.stdout.write(String(z.brotliCompressSync(fs.readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))' "$1"; fi; }

declare -A raw gzip brotli
for kind in wasm js css verifier; do raw[$kind]=0; gzip[$kind]=0; brotli[$kind]=0; done
for f in *.wasm *.js *.css; do
  [ -e "$f" ] || continue
  case "$f" in
    verifier-*) kind=verifier ;;
    *) kind=${f##*.} ;;
  esac
  raw[$kind]=$(( raw[$kind] + $(stat -c%s "$f") ))
  gzip[$kind]=$(( gzip[$kind] + $(gz "$f") ))
  brotli[$kind]=$(( brotli[$kind] + $(br "$f") ))
done
total_raw=$(( raw[wasm] + raw[js] + raw[css] ))
total_gz=$(( gzip[wasm] + gzip[js] + gzip[css] ))
total_br=$(( brotli[wasm] + brotli[js] + brotli[css] ))
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

if [ "${1:-}" = "--short" ]; then
  largest=0
  for f in i18n-*.json; do [ -e "$f" ] && [ "$(gz "$f")" -gt "$largest" ] && largest=$(gz "$f"); done
  echo "bundle $(kb "$total_gz") gzip, $(kb "$total_raw") raw, English built in; verification module +$(kb "${gzip[verifier]}") gzip when used; a non-English catalog +$(kb "$largest") gzip at most"
  exit 0
fi
printf '%-22s %12s %12s %12s\n' "" raw gzip brotli
for kind in wasm js css; do
  printf '%-22s %12s %12s %12s\n' "$kind" "$(kb "${raw[$kind]}")" "$(kb "${gzip[$kind]}")" "$(kb "${brotli[$kind]}")"
done
printf '%-22s %12s %12s %12s\n' "every visit" "$(kb "$total_raw")" "$(kb "$total_gz")" "$(kb "$total_br")"
printf '%-22s %12s %12s %12s\n' "verification module" "$(kb "${raw[verifier]}")" "$(kb "${gzip[verifier]}")" "$(kb "${brotli[verifier]}")"
printf '%-22s %12s %12s %12s\n' "with verification" "$(kb $(( total_raw + raw[verifier] )))" "$(kb $(( total_gz + gzip[verifier] )))" "$(kb $(( total_br + brotli[verifier] )))"
for f in i18n-*.json; do
  [ -e "$f" ] || continue
  lang=${f#i18n-}; lang=${lang%-*}
  printf '%-22s %12s %12s %12s\n' "catalog $lang" "$(kb "$(stat -c%s "$f")")" "$(kb "$(gz "$f")")" "$(kb "$(br "$f")")"
done
