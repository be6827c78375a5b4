#!/usr/bin/env bash
# Build the jwtwasm WebAssembly modules reproducibly and write them where
# the hosts find them:
#   wasm/blob/jwtwasm.wasm          the full module (built from wasm/)
#   wasm/blob/jwtwasm-verify.wasm   the verify-only module: the same source
#                                   with the build tag jwtwasm_lean (see below)
#   wasm/plugin/plugin.wasm         the http-wasm proxy plugin, verify-only as well
#
#   scripts/build-wasm.sh           build all three and replace the committed ones
#   scripts/build-wasm.sh --check   build all three and fail if one differs from the committed one
#   scripts/build-wasm.sh --names OUT [verify|plugin]
#                                   the full module (or the verify-only one) with its
#                                   function names kept (no -s), written to OUT: for
#                                   size profiles
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

tmp="$(mktemp -d "${TMPDIR:-/tmp}/jwtwasm.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

full=wasm/blob/jwtwasm.wasm
verify=wasm/blob/jwtwasm-verify.wasm
plugin=wasm/plugin/plugin.wasm
lean_tag=jwtwasm_lean

# The verify-only module is built for its download size (the page loads
# it first, gzipped): besides the tag, the packages that no verification of
# a token runs (JSON of requests and results, fmt's error messages, key
# parsing with math/big, reflection) are compiled without inlining, which
# takes about 60 KB off the gzip size at no cost per token, and packdata
# joins Go's tens of thousands of data segments (about 100 KB). The full
# module keeps Go's defaults: the command embeds it, and wazero decodes
# its raw bytes at every start.
lean_noinline=(encoding/json fmt internal/fmtsort math/big reflect encoding/pem
  vendor/golang.org/x/crypto/cryptobyte
  github.com/jwtwasm/jwtwasm/core/internal/jwxkey github.com/jwtwasm/jwtwasm/core/internal/pubder)
lean_gcflags=()
for p in "${lean_noinline[@]}"; do lean_gcflags+=("-gcflags=$p=-l"); done

# build OUT full|verify|plugin LDFLAGS
# The proxy plugin is verify-only too, and proxies download and decode it
# like the page: the same tag, flags and packing.
build() {
  local flags=() pkg=./wasm
  if [ "$2" != full ]; then flags=(-tags="$lean_tag" "${lean_gcflags[@]}"); fi
  if [ "$2" = plugin ]; then pkg=./wasm/plugin; fi
  GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS= \
    go build -buildmode=c-shared -trimpath -buildvcs=false "${flags[@]}" -ldflags="$3" -o "$1" "$pkg"
  if [ "$2" != full ]; then
    go run ./wasm/internal/packdata "$1" "$1.packed"
    mv "$1.packed" "$1"
  fi
}

case "${1:-}" in
  --names)
    [ -n "${2:-}" ] || { echo "build-wasm: --names wants an output file" >&2; exit 2; }
    case "${3:-full}" in
      full | verify | plugin) build "$2" "${3:-full}" '-w' ;;
      *) echo "build-wasm: --names OUT [verify]: unknown module ${3}" >&2; exit 2 ;;
    esac
    exit 0
    ;;
  --check | "") ;;
  *) echo "build-wasm: unknown argument ${1}" >&2; exit 2 ;;
esac

build "$tmp/full.wasm" full '-s -w'
build "$tmp/verify.wasm" verify '-s -w'
build "$tmp/plugin.wasm" plugin '-s -w'

if [ "${1:-}" = "--check" ]; then
  status=0
  for pair in "$tmp/full.wasm:$full" "$tmp/verify.wasm:$verify" "$tmp/plugin.wasm:$plugin"; do
    fresh=${pair%%:*} out=${pair#*:}
    if cmp -s "$fresh" "$out"; then
      echo "build-wasm: $out matches a fresh build ($(wc -c <"$out") bytes)"
    else
      echo "build-wasm: $out differs from a fresh build: run scripts/build-wasm.sh and commit the result" >&2
      status=1
    fi
  done
  exit $status
fi
cp "$tmp/full.wasm" "$full"
cp "$tmp/verify.wasm" "$verify"
cp "$tmp/plugin.wasm" "$plugin"
for out in "$full" "$verify" "$plugin"; do
  echo "build-wasm: wrote $out: $(wc -c <"$out") bytes, $(gzip -9 -c "$out" | wc -c) gzipped"
done
