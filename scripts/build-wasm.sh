#!/usr/bin/env bash
# Build jwtwasm's WebAssembly modules reproducibly and write them where they
# are committed:
#   wasm/blob/jwtwasm.wasm     the module behind the ABI (host, Node, browsers)
#   wasm/plugin/plugin.wasm    the http-wasm proxy plugin (Traefik)
#
#   scripts/build-wasm.sh           build and replace the committed modules
#   scripts/build-wasm.sh --check   build and fail if one differs from the committed file
#   scripts/build-wasm.sh --names OUT   the ABI module with its function names kept
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

tmpdir="$(mktemp -d "${TMPDIR:-/tmp}/jwtwasm-build.XXXXXX")"
trap 'rm -rf "$tmpdir"' EXIT

# build PACKAGE OUT LDFLAGS
build() {
  GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS= \
    go build -buildmode=c-shared -trimpath -buildvcs=false -ldflags="$3" -o "$2" "$1"
}

if [ "${1:-}" = "--names" ]; then
  [ -n "${2:-}" ] || { echo "build-wasm: --names wants an output file" >&2; exit 2; }
  build ./wasm "$2" '-w'
  exit 0
fi

status=0
for pair in ./wasm:wasm/blob/jwtwasm.wasm ./wasm/plugin:wasm/plugin/plugin.wasm; do
  pkg=${pair%%:*} out=${pair#*:}
  tmp="$tmpdir/$(basename "$out")"
  build "$pkg" "$tmp" '-s -w'
  if [ "${1:-}" = "--check" ]; then
    if ! cmp -s "$tmp" "$out"; then
      echo "build-wasm: $out differs from a fresh build: run scripts/build-wasm.sh and commit the result" >&2
      status=1
      continue
    fi
    echo "build-wasm: $out matches a fresh build ($(wc -c <"$out") bytes)"
    continue
  fi
  cp "$tmp" "$out"
  echo "build-wasm: wrote $out: $(wc -c <"$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped"
done
exit $status
