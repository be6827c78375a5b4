#!/usr/bin/env bash
# Run a GOOS=wasip1 GOARCH=wasm binary (a test binary, usually) under
# wazero's compiler, as a "go test -exec" helper:
#
#   GOOS=wasip1 GOARCH=wasm go test -exec "$PWD/scripts/wasmexec.sh" ./core/internal/fastverify -run X -bench .
#
# The wazero CLI is built once, at the version go.mod pins, into a cache
# directory, because "go run" relinks it on every call. The whole host
# filesystem is mounted at / and PWD is passed on, so that paths relative to
# the package directory (testdata, ../../../../shared) work inside the
# guest as they do natively; CI and JWTWASM_WYCHEPROOF_DIR are passed on
# when set, so that a missing Wycheproof corpus fails in CI here too.
#
# WASMEXEC_INTERPRETER=1 runs wazero's interpreter instead of its compiler.
# No compilation cache: every test binary is new, so a cache would only grow.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: wasmexec.sh file.wasm [args...]" >&2
  exit 2
fi
wasm=$1
shift

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(awk '$1 == "github.com/tetratelabs/wazero" { print $2 }' "$root/go.mod")
if [ -z "$version" ]; then
  echo "wasmexec.sh: go.mod does not require github.com/tetratelabs/wazero" >&2
  exit 2
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/jwtwasm/wazero-$version
bin=$cache/wazero
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp "$cache/wazero.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  # The caller's GOOS=wasip1 must not leak into the build of the host tool.
  (cd "$root" && GOOS= GOARCH= CGO_ENABLED=0 go build -trimpath -o "$tmp" github.com/tetratelabs/wazero/cmd/wazero)
  mv "$tmp" "$bin"
  trap - EXIT
fi

args=(run -mount=/:/ -env="PWD=$PWD")
for name in CI JWTWASM_WYCHEPROOF_DIR; do
  if [ -n "${!name:-}" ]; then
    args+=(-env="$name=${!name}")
  fi
done
if [ -n "${WASMEXEC_INTERPRETER:-}" ]; then
  args+=(-interpreter)
fi
exec "$bin" "${args[@]}" "$wasm" "$@"
