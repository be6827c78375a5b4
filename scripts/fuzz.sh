#!/usr/bin/env bash
# Run every fuzz target in the module for a while each.
#   scripts/fuzz.sh [seconds-per-target] [package-pattern]
# CI runs it for a few seconds per target so that none rots; before a
# release run it for ten minutes or more per target. New crashers land in
# the package's testdata/fuzz/ and become regression cases.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
pattern="${2:-./...}"
for pkg in $(go list "$pattern"); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "--- fuzz $pkg $target (${secs}s)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s" "$pkg"
  done
done
