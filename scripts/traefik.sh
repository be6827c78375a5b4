#!/usr/bin/env bash
# A real Traefik, built once from its module source and cached, for the
# proxy plugin's end-to-end test. Prints the binary's path on stdout and
# nothing else, so that callers write
#   traefik=$(bash scripts/traefik.sh)
# Progress and errors go to stderr.
#
# The binary lives in ${XDG_CACHE_HOME:-$HOME/.cache}/jwtwasm/traefik/<version>/traefik.
# A cache hit costs one `traefik version` (0.4 s); a miss builds Traefik:
# 9 minutes on 2 idle cores, 24 when other builds share them, 3.2 GB of
# memory at its peak, some 300 MB of modules to download, a 174 MB binary.
# A lock makes concurrent callers wait for one build instead of starting
# their own.
#
# Why not `go install …/cmd/traefik@<version>`? Traefik's go.mod has replace
# directives, which go install refuses. So the script copies the module's
# source out of the module cache and builds ./cmd/traefik inside it, after
# filling two holes in the module zip:
#   - pkg/config/dynamic/ext, a nested module that a replace directive points
#     at, is not in the zip (a nested module never is). It holds two empty
#     structs that dynamic.HTTPConfiguration and dynamic.Router embed;
#     nothing else uses it, so empty types with the same names are enough.
#   - webui/static, which a //go:embed names, is built by npm upstream and is
#     absent; one placeholder file satisfies the embed. The dashboard of this
#     build serves that placeholder, so leave it off.
# The version variables are set as Traefik's release does, with the tag's
# date as the build date, so `traefik version` names the release.
set -euo pipefail

version=v3.7.9
codename=langres # Traefik's release workflow for v3.7
module=github.com/traefik/traefik/v3

cache=${XDG_CACHE_HOME:-$HOME/.cache}/jwtwasm/traefik/$version
bin=$cache/traefik

step=start
trap 'echo "traefik.sh: failed at step: $step" >&2' ERR
say() { echo "traefik.sh: $*" >&2; }
die() { say "$step: $*"; exit 1; }

# runs prints nothing and succeeds if $bin is a Traefik of $version.
runs() {
  local out
  [ -x "$bin" ] && out=$("$bin" version 2>/dev/null) && grep -q "^Version: *$version\$" <<<"$out"
}

if runs; then
  echo "$bin"
  exit 0
fi

step="create the cache directory $cache"
mkdir -p "$cache"

step="take the build lock $cache.lock"
exec 9>"$cache.lock"
if ! flock -n 9; then
  say "another process is building Traefik $version; waiting for it"
  flock 9
fi
# The build we waited for may have left the binary.
if runs; then
  echo "$bin"
  exit 0
fi
if [ -e "$bin" ]; then
  say "$bin does not run as Traefik $version; rebuilding it"
fi

work=
tmpbin=
cleanup() {
  if [ -n "$work" ]; then chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; fi
  if [ -n "$tmpbin" ]; then rm -f "$tmpbin"; fi
}
trap cleanup EXIT

step="check the go command"
command -v go >/dev/null || die "no go command on PATH"

step="download $module@$version"
json=$(GOFLAGS= GOWORK=off go mod download -json "$module@$version") ||
  die "go mod download failed (see above)"
dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
info=$(sed -n 's/^[[:space:]]*"Info": "\(.*\)",$/\1/p' <<<"$json")
[ -n "$dir" ] && [ -d "$dir" ] || die "no source directory in the answer: $json"
date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info" 2>/dev/null || true)

step="check the Go version against Traefik's go.mod"
need=$(awk '/^go /{print $2; exit}' "$dir/go.mod")
have=$(go env GOVERSION)
have=${have#go}
if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
  case "$(go env GOTOOLCHAIN)" in
    local*) die "Traefik $version needs Go $need, the go command is $have and GOTOOLCHAIN=local: run with GOTOOLCHAIN=auto or a newer Go" ;;
    *) say "Traefik $version needs Go $need, the go command is $have: GOTOOLCHAIN=$(go env GOTOOLCHAIN) fetches it" ;;
  esac
fi

step="copy the module source"
work=$(mktemp -d "${TMPDIR:-/tmp}/jwtwasm-traefik.XXXXXX")
cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"

step="recreate the nested module pkg/config/dynamic/ext"
ext=$work/src/pkg/config/dynamic/ext
grep -q '=> ./pkg/config/dynamic/ext$' "$work/src/go.mod" ||
  die "Traefik's go.mod no longer replaces the ext module with ./pkg/config/dynamic/ext; check what $version needs"
if [ ! -e "$ext/go.mod" ]; then
  mkdir -p "$ext"
  printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"$ext/go.mod"
  cat >"$ext/ext.go" <<'EOF'
// Package ext stands in for Traefik's dynamic configuration extensions,
// which the module zip lacks: two empty structs, embedded inline.
package ext

// HTTP is embedded in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded in dynamic.Router.
type Router struct{}
EOF
fi

step="fill webui/static for its go:embed"
mkdir -p "$work/src/webui/static"
if [ -z "$(ls -A "$work/src/webui/static")" ]; then
  echo '<!doctype html><title>Traefik</title><p>No dashboard in this build.' >"$work/src/webui/static/index.html"
fi

step="build ./cmd/traefik"
tmpbin=$(mktemp "$cache/.traefik.XXXXXX")
say "building Traefik $version with go $have into $cache; this takes minutes"
start=$(date +%s)
pkg=$module/pkg/version
(
  cd "$work/src"
  CGO_ENABLED=0 GOWORK=off GOFLAGS=-buildvcs=false nice -n 10 \
    go build -trimpath -o "$tmpbin" \
    -ldflags="-s -w -X $pkg.Version=$version -X $pkg.Codename=$codename -X $pkg.BuildDate=$date" \
    ./cmd/traefik
) || die "go build failed (see above)"
say "built in $(($(date +%s) - start)) s: $(du -h "$tmpbin" | cut -f1)"

step="check that the new binary runs"
"$tmpbin" version >&2 || die "$tmpbin version failed"

step="install the binary at $bin"
chmod 755 "$tmpbin"
mv -f "$tmpbin" "$bin"
tmpbin=
runs || die "$bin does not report version $version"
echo "$bin"
