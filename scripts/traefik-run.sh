#!/usr/bin/env bash
# Start a real Traefik (scripts/traefik.sh) with one local wasm plugin on
# 127.0.0.1, for a plugin's end-to-end test, and wait until it serves.
#
#   scripts/traefik-run.sh --plugin DIR --module PATH --dynamic FILE --port N --admin-port N
#                          [--name NAME] [--mount SPEC]... [--env NAME]... [--dir DIR] [--timeout SECONDS] [--log-level LEVEL]
#
#   --plugin DIR      the plugin: its .traefik.yml manifest and the .wasm it names
#   --module PATH     the plugin's module name (import path), e.g. example.com/probe
#   --name NAME       its name in the static configuration, which the dynamic
#                     configuration uses under middlewares.<m>.plugin.<NAME>
#                     (default: the last element of PATH)
#   --dynamic FILE    the dynamic configuration (routers, middlewares, services),
#                     watched: an edit reloads it
#   --port N          the entry point "web" that the routers use
#   --admin-port N    the entry point "traefik": /ping and the API (/api/...)
#   --mount SPEC      one settings.mounts entry, host[:guest][:ro] (repeatable)
#   --env NAME        one settings.envs entry, passed from this environment (repeatable)
#   --dir DIR         the working directory to lay out (default: a new temp dir)
#   --timeout S       how long to wait for readiness (default 60)
#   --log-level L     Traefik's log level (default DEBUG; INFO for measurements,
#                     where DEBUG's lines per request would be most of the cost)
#
# Prints "PID DIR" on stdout once Traefik answers /ping and every router
# of the file provider is enabled; DIR holds traefik.yml, plugins-local/
# and traefik.log (debug level). Stop it with `kill PID`, then remove DIR.
# If Traefik exits, or a router stays disabled (the plugin failed to load,
# its init failed, or its configuration was refused), the script stops
# Traefik, prints the log's errors on stderr (they name the router and the
# guest's trap), keeps DIR and exits 1.
#
# What a guest sees, checked with Traefik v3.7.9: its configuration is the
# middleware's plugin map as JSON with every scalar turned into a string
# (3 -> "3", true -> "true", 1.5 -> "1.500000"); its stderr goes nowhere
# (log through http-wasm's log function: it lands in traefik.log); a
# failed init drops the router, so its requests get 404 or whatever other
# router matches them.
#
# Traefik loads local plugins from plugins-local/src/<module>/ in its
# working directory only, so this script copies the plugin there and runs
# Traefik from DIR. Relative host paths in --mount are relative to DIR.
set -euo pipefail

say() { echo "traefik-run: $*" >&2; }
usage() {
  sed -n '4,6s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

plugin= module= name= dynamic= port= admin= dir= timeout=60 level=DEBUG
mounts=() envs=()
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { say "$1 wants a value"; usage; }
  case $1 in
    --plugin) plugin=$2 ;;
    --module) module=$2 ;;
    --name) name=$2 ;;
    --dynamic) dynamic=$2 ;;
    --port) port=$2 ;;
    --admin-port) admin=$2 ;;
    --mount) mounts+=("$2") ;;
    --env) envs+=("$2") ;;
    --dir) dir=$2 ;;
    --timeout) timeout=$2 ;;
    --log-level) level=$2 ;;
    *) say "unknown flag $1"; usage ;;
  esac
  shift 2
done
for v in plugin module dynamic port admin; do
  [ -n "${!v}" ] || { say "missing --${v/admin/admin-port}"; usage; }
done
[ -f "$plugin/.traefik.yml" ] || { say "no manifest $plugin/.traefik.yml"; exit 2; }
[ -f "$dynamic" ] || { say "no dynamic configuration $dynamic"; exit 2; }
name=${name:-${module##*/}}
dynamic=$(cd "$(dirname "$dynamic")" && pwd)/$(basename "$dynamic")

traefik=$(bash "$(dirname "$0")/traefik.sh")

if [ -z "$dir" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jwtwasm-traefik-run.XXXXXX")
fi
mkdir -p "$dir/plugins-local/src/$module"
dir=$(cd "$dir" && pwd)
cp -R "$plugin/." "$dir/plugins-local/src/$module/"

# YAML double-quoted strings: JSON's escaping is a subset.
q() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
{
  cat <<EOF
global:
  checkNewVersion: false
  sendAnonymousUsage: false
log:
  level: $level
  filePath: $(q "$dir/traefik.log")
entryPoints:
  web:
    address: 127.0.0.1:$port
  traefik:
    address: 127.0.0.1:$admin
ping:
  entryPoint: traefik
api:
  insecure: true
  dashboard: false
providers:
  file:
    filename: $(q "$dynamic")
    watch: true
experimental:
  localPlugins:
    $(q "$name"):
      moduleName: $(q "$module")
EOF
  if [ ${#mounts[@]} -gt 0 ] || [ ${#envs[@]} -gt 0 ]; then
    echo "      settings:"
    if [ ${#mounts[@]} -gt 0 ]; then
      echo "        mounts:"
      for m in "${mounts[@]}"; do echo "          - $(q "$m")"; done
    fi
    if [ ${#envs[@]} -gt 0 ]; then
      echo "        envs:"
      for e in "${envs[@]}"; do echo "          - $(q "$e")"; done
    fi
  fi
} >"$dir/traefik.yml"

# Traefik writes its own log to traefik.log; stdout and stderr carry only
# what comes before the log is set up.
(cd "$dir" && exec "$traefik" --configFile=traefik.yml) >"$dir/traefik.out" 2>&1 &
pid=$!

fail() {
  say "$*"
  say "errors and warnings in $dir/traefik.log (the directory is kept):"
  grep -E '^[^ ]+ (ERR|WRN|FTL) ' "$dir/traefik.log" 2>/dev/null | tail -n 20 >&2 || true
  tail -n 20 "$dir/traefik.out" >&2 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  exit 1
}

# Ready: /ping answers, the API lists a router of the file provider, and
# none of them is disabled or warned about. The file provider loads after
# the entry points open, so /ping alone is not enough.
deadline=$((SECONDS + timeout))
while :; do
  kill -0 "$pid" 2>/dev/null || fail "Traefik exited before it was ready"
  [ $SECONDS -lt $deadline ] || fail "Traefik was not ready after ${timeout}s"
  if curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$admin/ping" 2>/dev/null; then
    routers=$(curl -fsS --max-time 1 "http://127.0.0.1:$admin/api/http/routers" 2>/dev/null || true)
    if grep -q '@file"' <<<"$routers"; then
      if grep -q '"status":"disabled"\|"status":"warning"' <<<"$routers"; then
        fail "a router is not enabled"
      fi
      break
    fi
  fi
  sleep 0.1
done
echo "$pid $dir"
