#!/usr/bin/env bash
# The command's latency per engine: the median wall time of N runs (20 by
# default) of `jwtwasm verify` on one ES256 token, for each engine, in one
# run so that the figures compare; then the first run with the wasm engine
# after the compilation cache was emptied, and runs with the cache off.
#   scripts/latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
work="$(mktemp -d "${TMPDIR:-/tmp}/jwtwasm-latency.XXXXXX")"
trap 'rm -rf "$work"' EXIT
bin="$work/jwtwasm"
go build -o "$bin" ./host/cmd/jwtwasm
export JWTWASM_CACHE_DIR="$work/cache"
"$bin" keygen --alg ES256 --format jwks -o "$work/signing.jwks" 2>/dev/null
"$bin" jwks public "$work/signing.jwks" -o "$work/public.jwks"
"$bin" sign --key "$work/signing.jwks" --iss https://issuer.example --aud api --sub alice --exp 15m >"$work/token.jwt"

# millis CMD...: the wall time of one run, in milliseconds (exit 0 required).
millis() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
verify=("$bin" verify --jwks "$work/public.jwks" --alg ES256 --iss https://issuer.example --aud api "$work/token.jwt")

first=$(millis "${verify[@]}" --engine wasm) # compiles into the empty cache
for engine in native wasm; do
  m=$(for _ in $(seq "$n"); do millis "${verify[@]}" --engine "$engine"; done | median)
  echo "verify --engine $engine: median of $n runs: $m ms"
done
echo "verify --engine wasm, first run with an empty cache: $first ms"
m=$(for _ in $(seq 3); do JWTWASM_CACHE_DIR=off millis "${verify[@]}" --engine wasm; done | median)
echo "verify --engine wasm, JWTWASM_CACHE_DIR=off: median of 3 runs: $m ms"
echo "cache: $(du -sh "$work/cache" | cut -f1) in $(find "$work/cache" -mindepth 1 -maxdepth 1 -type d | wc -l) module directory"
