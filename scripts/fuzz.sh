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
extra=()
if [ "$secs" -le 10 ]; then
  # A smoke run: don't spend it minimising new inputs. Go's fuzzer can also
  # end a short run with "context deadline exceeded" when its deadline falls
  # during minimisation, a failure of the fuzzer rather than of the code.
  extra=(-fuzzminimizetime=0)
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for pkg in $(go list "$pattern"); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "--- fuzz $pkg $target (${secs}s)"
    for try in 1 2; do
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "${secs}s" "${extra[@]}" "$pkg" >"$log" 2>&1; then
        tail -n 2 "$log"
        break
      fi
      cat "$log"
      # Retry only the fuzzer's own deadline failure, never a found crasher.
      if [ "$try" = 2 ] || grep -q 'Failing input written' "$log" || ! grep -q 'context deadline exceeded' "$log"; then
        exit 1
      fi
      echo "(the fuzzer's deadline failure above is not a finding; running $target once more)"
    done
  done
done
