#!/usr/bin/env bash
# Every check and test of the project; .ci/run runs exactly this.
#   scripts/test.sh
# Needs only Go (the version in go.mod); tools are pinned in go.mod and run
# with "go tool".
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "format, modules, vet, staticcheck"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go mod tidy -diff
go vet ./...
go tool staticcheck ./...
GOOS=wasip1 GOARCH=wasm "$(go tool -n staticcheck)" ./wasm/... ./core/internal/fastverify
# The verify-only build (build tag jwtwasm_lean) swaps files in core and the guest.
go vet -tags jwtwasm_lean ./core/... ./wasm/...
go tool staticcheck -tags jwtwasm_lean ./core/... ./wasm/...
GOOS=wasip1 GOARCH=wasm "$(go tool -n staticcheck)" -tags jwtwasm_lean ./wasm/...

step "the committed modules are fresh, reproducible builds of wasm/ (full and verify-only)"
GOOS=wasip1 GOARCH=wasm go build ./core/...
GOOS=wasip1 GOARCH=wasm go build -tags jwtwasm_lean ./core/...
bash scripts/build-wasm.sh --check

step "tools the tests call: openssl (PKCS#8 interop)"
if ! command -v openssl >/dev/null; then
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi

step "quick tests (-short: what a developer runs before each commit)"
go test -count=1 -short ./...

step "the verify-only build natively: core's cases, vectors, Wycheproof and JWK codec tests, its own tests, the guest's"
go test -count=1 -tags jwtwasm_lean \
  -run '^(TestCases|TestVectors|TestWycheproofJWS|TestJWKCodecsAgree|TestJWKCodecEdges|TestParseKeySetFollowsOwnCodec|TestLean.*)$' ./core
go test -count=1 -tags jwtwasm_lean -run '^TestLean' ./wasm/internal/guest

step "full tests (the slow ones too: many modules, soak, every Wycheproof case, the interpreter)"
go test -count=1 ./...

step "the command's whole suite again, on the WebAssembly engine"
JWTWASM_ENGINE=wasm go test -count=1 ./host/cmd/jwtwasm/

step "the fast signature path inside WebAssembly: its tests and every Wycheproof signature vector under wazero"
GOOS=wasip1 GOARCH=wasm go test -count=1 -exec "$PWD/scripts/wasmexec.sh" ./core/internal/fastverify

step "the module under Node's node:wasi"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  # Debian packages npm apart from nodejs; the browser step needs both.
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
node --test wasm/js/

step "the module in headless Chromium (bench/browser: a WASI shim, playwright-core)"
if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
npm ci --prefix bench/browser --no-audit --no-fund --silent
node --test bench/browser/

step "the token inspector page in headless Chromium (web/e2e: a real jwtwasm serve, playwright-core)"
npm ci --prefix web/e2e --no-audit --no-fund --silent
node --test web/

step "the proxy plugin in a real Traefik v3.7.9 (built once, ~10 minutes, then cached in the user cache directory)"
if ! command -v curl >/dev/null || ! command -v python3 >/dev/null; then
  apt-get update -qq && apt-get install -y -qq curl python3 >/dev/null
fi
bash scripts/e2e-traefik.sh

step "race detector on core, the host and the command"
go test -count=1 -race -short ./core/... ./host/... ./wasm/...

step "fuzz smoke (a few seconds per target)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-3}"

step "benchmark smoke: every benchmark once, so none rots (no timing asserted)"
go test -count=1 -run '^$' -bench . -benchtime=1x ./core/...
bash scripts/bench.sh --smoke

echo
echo "all checks passed"
