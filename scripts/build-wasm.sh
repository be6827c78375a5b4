#!/usr/bin/env bash
# Build the jwtwasm WebAssembly module reproducibly and write it where the
# host embeds it: wasm/blob/jwtwasm.wasm.
#   scripts/build-wasm.sh           build and replace the committed module
#   scripts/build-wasm.sh --check   build and fail if it differs from the committed one
#   scripts/build-wasm.sh --names OUT   the same build with its function names kept
#                                       (no -s), written to OUT: for size profiles
# The toolchain is the one go.mod names; -trimpath, -buildvcs=false and a
# stripped binary make the output identical byte for byte on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."

want="go$(awk '/^go /{print $2}' go.mod)"
have="$(go env GOVERSION)"
if [ "$have" != "$want" ]; then
  echo "build-wasm: go.mod pins $want, but the go command is $have" >&2
  exit 1
fi

out=wasm/blob/jwtwasm.wasm
tmp="$(mktemp "${TMPDIR:-/tmp}/jwtwasm.XXXXXX.wasm")"
trap 'rm -f "$tmp"' EXIT

ldflags='-s -w'
if [ "${1:-}" = "--names" ]; then
  [ -n "${2:-}" ] || { echo "build-wasm: --names wants an output file" >&2; exit 2; }
  out=$2
  ldflags='-w'
fi

GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS= \
  go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags="$ldflags" -o "$tmp" ./wasm

if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$tmp" "$out"; then
    echo "build-wasm: $out differs from a fresh build: run scripts/build-wasm.sh and commit the result" >&2
    exit 1
  fi
  echo "build-wasm: $out matches a fresh build ($(wc -c <"$out") bytes)"
  exit 0
fi
cp "$tmp" "$out"
echo "build-wasm: wrote $out: $(wc -c <"$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped"
