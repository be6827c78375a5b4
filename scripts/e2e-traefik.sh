#!/usr/bin/env bash
# The proxy plugin end to end in a real Traefik v3.7.9 (scripts/traefik.sh
# builds it once and caches it): Traefik loads wasm/plugin as a local
# plugin with a key directory mounted, in front of an upstream on loopback,
# and the Go test TestTraefik (wasm/plugin/traefik_test.go) asserts on the
# answers: valid, missing, tampered, expired and "none" tokens, forwarded
# and spoof-stripped headers, a skipped path, and a key set rotated on disk.
#
#   scripts/e2e-traefik.sh           the end-to-end test
#   scripts/e2e-traefik.sh --bench   also Traefik's CPU per request with and
#                                    without the plugin (BenchmarkTraefik)
set -euo pipefail
cd "$(dirname "$0")/.."

bench=
case "${1:-}" in
  "") ;;
  --bench) bench=1 ;;
  *) echo "usage: scripts/e2e-traefik.sh [--bench]" >&2; exit 2 ;;
esac

say() { echo "e2e-traefik: $*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jwtwasm-e2e-traefik.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
web=$(freeport) admin=$(freeport) upstream=$(freeport)

# Keys: the issuer's signing keys stay outside the mount; the plugin sees
# only the public set.
jwtwasm=$work/jwtwasm
go build -o "$jwtwasm" ./host/cmd/jwtwasm
mkdir -p "$work/private" "$work/keys"
"$jwtwasm" keygen --alg ES256 --kid e2e-es --format jwks -o "$work/private/es.jwks" >/dev/null
"$jwtwasm" keygen --alg RS256 --kid e2e-rs --format jwks -o "$work/private/rs.jwks" >/dev/null
"$jwtwasm" keygen --alg ES256 --kid e2e-next --format jwks -o "$work/private/next.jwks" >/dev/null
"$jwtwasm" jwks merge "$work/private/es.jwks" "$work/private/rs.jwks" >"$work/keys/jwks.json"

cat >"$work/dynamic.yml" <<EOF
http:
  routers:
    auth:
      rule: PathPrefix(\`/\`)
      service: upstream
      middlewares: [jwt]
    bare:
      rule: PathPrefix(\`/bare/\`)
      priority: 1000
      service: upstream
  middlewares:
    jwt:
      plugin:
        jwtwasm:
          realm: e2e
          providers:
            - issuer: https://issuer.e2e
              keysFile: /keys/jwks.json
              algorithms: [ES256, RS256]
              audiences: [e2e-api]
              require: ["role!=banned"]
          forward:
            - claim: sub
              header: X-User
            - claim: roles
              header: X-Roles
          stripToken: true
          skipPaths: [/healthz]
          keysReload: 1s
          cacheSize: 1000
  services:
    upstream:
      loadBalancer:
        servers:
          - url: http://127.0.0.1:$upstream
EOF

say "starting Traefik (web 127.0.0.1:$web, admin 127.0.0.1:$admin, upstream 127.0.0.1:$upstream)"
level=DEBUG
if [ -n "$bench" ]; then level=INFO; fi
read -r pid tdir < <(bash scripts/traefik-run.sh --log-level "$level" --plugin wasm/plugin --module github.com/jwtwasm/jwtwasm \
  --name jwtwasm --dynamic "$work/dynamic.yml" --port "$web" --admin-port "$admin" \
  --mount "$work/keys:/keys:ro" --dir "$work/traefik")

export JWTWASM_TRAEFIK_URL=http://127.0.0.1:$web
export JWTWASM_TRAEFIK_UPSTREAM=127.0.0.1:$upstream
export JWTWASM_TRAEFIK_PRIVATE=$work/private
export JWTWASM_TRAEFIK_KEYS=$work/keys
export JWTWASM_TRAEFIK_PID=$pid
status=0
go test -count=1 -run '^TestTraefik$' -v ./wasm/plugin/ 2>&1 | grep -v '^=== ' || status=$?
if [ "$status" = 0 ] && [ -n "$bench" ]; then
  go test -count=1 -run '^$' -bench '^BenchmarkTraefik$' -benchtime 2000x ./wasm/plugin/ || status=$?
fi
if [ "$status" != 0 ]; then
  say "failed; the last lines of Traefik's log:"
  tail -n 40 "$tdir/traefik.log" >&2 || true
fi
exit "$status"
