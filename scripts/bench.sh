#!/usr/bin/env bash
# The benchmark suite (bench/), reported with benchstat, a chart and the
# Node comparison. See bench/README.md.
#
#   scripts/bench.sh            full run: -count=10, every benchmark (35-40 minutes on 2 cores)
#   scripts/bench.sh --quick    -count=3, RS256 and ES256 only, short runs (about 2 minutes)
#   scripts/bench.sh --smoke    every benchmark once (-benchtime=1x), no Node, no chart: for CI
#   scripts/bench.sh --compare [benchstat flags] OLD.txt NEW.txt
#                               go tool benchstat OLD.txt NEW.txt: two runs, two commits
#   scripts/bench.sh --size     where the module's bytes go, package by package
#   scripts/bench.sh --web      the token inspector page in Chromium: load times, verify per op against jose
#
# A run writes its raw output to bench/results/<UTC time>-<mode>.txt and a
# copy to bench/results/latest.txt (the machine's description at the top,
# in benchfmt's "key: value" form), then (except --smoke) appends the Node
# comparison (bench/node) and the browser one (bench/browser, when
# Debian's chromium is installed), prints benchstat tables and draws
# bench/results/chart.svg. Needs Go (the version in go.mod) and, for the
# Node comparison, Node 20 with npm; the npm packages install themselves.
set -euo pipefail

usage() {
  sed -n '4,11s/^# \{0,1\}//p' "$0" >&2
  exit "${1:-2}"
}

caller_dir=$PWD
root=$(cd "$(dirname "$0")/.." && pwd)

mode=full
case "${1:-}" in
  "" | --full) ;;
  --quick) mode=quick ;;
  --smoke) mode=smoke ;;
  --compare)
    shift
    [ $# -ge 2 ] || usage
    # Paths are the caller's; benchstat runs from the module's root.
    args=()
    for a in "$@"; do
      label= path=$a
      if [[ $a == *=* && $a != -* ]]; then label=${a%%=*}= path=${a#*=}; fi
      if [[ $path != -* && $path != /* && -e $caller_dir/$path ]]; then
        a=$label$caller_dir/$path
      fi
      args+=("$a")
    done
    cd "$root"
    exec go tool benchstat "${args[@]}"
    ;;
  --size)
    # The committed module is stripped; the size profile needs its names.
    cd "$root"
    tmp=$(mktemp "${TMPDIR:-/tmp}/jwtwasm-size.XXXXXX.wasm")
    trap 'rm -f "$tmp"' EXIT
    bash scripts/build-wasm.sh --names "$tmp" >/dev/null
    echo "committed module: $(wc -c <wasm/blob/jwtwasm.wasm) bytes, $(gzip -9 -c wasm/blob/jwtwasm.wasm | wc -c) gzip -9 (stripped)"
    go run ./bench/cmd/wasmsize -top "${2:-40}" "$tmp"
    exit
    ;;
  --web)
    # Its own table (web/e2e/bench.mjs): not benchstat rows, no CI timing.
    cd "$root"
    npm ci --prefix web/e2e --no-audit --no-fund --silent
    shift
    exec node web/e2e/bench.mjs "$@"
    ;;
  -h | --help) usage 0 ;;
  *) usage ;;
esac
[ $# -le 1 ] || usage

cd "$root"
start=$SECONDS
step() { printf '\n=== %s\n' "$*" >&2; }

# ---- what runs in each mode ----------------------------------------------------

# The Go benchmarks run twice: everything but VerifyParallel, then
# VerifyParallel alone with -cpu 1,2 (how it scales from one core to two).
# -bench and -skip patterns are split at "/" into one pattern per level of
# the name (Benchmark<Op>/alg=<ALG>/impl=<impl>); a top-level "|" separates
# alternatives.
bench_main=.
skip_main='^BenchmarkVerifyParallel$'
bench_parallel='^BenchmarkVerifyParallel$'
flags=(-run '^$' -benchmem -timeout 0)
node_flags=()
case $mode in
  full)
    count=10
    ;;
  quick)
    count=3
    flags+=(-benchtime=0.2s)
    # RS256 and ES256, and the benchmarks without an alg= level (Compile,
    # Instantiate); wasm-interp for RS256 alone.
    quick_algs='^(?:alg=(?:RS256|ES256)$|[^a]|a[^l]|al[^g]|alg[^=])'
    bench_main="./$quick_algs"
    skip_main="$skip_main|/^alg=ES256\$/^impl=wasm-interp\$"
    bench_parallel="$bench_parallel/$quick_algs"
    node_flags=(--quick --algs RS256,ES256)
    ;;
  smoke)
    count=1
    flags+=(-benchtime=1x)
    ;;
esac
flags+=(-count="$count")

with_node=false
if [ "$mode" != smoke ]; then
  if command -v node >/dev/null && command -v npm >/dev/null; then
    with_node=true
  else
    echo "bench.sh: node or npm not found: the Node comparison is left out (install Node 20 and npm)" >&2
  fi
fi
if $with_node && [ ! -d bench/node/node_modules/jose ]; then
  step "npm ci --prefix bench/node"
  npm ci --prefix bench/node --no-audit --no-fund >&2
fi
chromium=${CHROMIUM:-$(command -v chromium || true)}
with_browser=false
if $with_node && [ -n "$chromium" ]; then
  with_browser=true
  if [ ! -d bench/browser/node_modules/playwright-core ]; then
    step "npm ci --prefix bench/browser"
    npm ci --prefix bench/browser --no-audit --no-fund >&2
  fi
elif [ "$mode" != smoke ]; then
  echo "bench.sh: chromium not found: the browser comparison is left out (apt-get install chromium, or set CHROMIUM)" >&2
fi

# ---- the machine -------------------------------------------------------------

mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/$stamp-$mode.txt
module=wasm/blob/jwtwasm.wasm
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# GIT_OPTIONAL_LOCKS=0: git status must not rewrite the index.
if [ "$commit" != unknown ] && [ -n "$(GIT_OPTIONAL_LOCKS=0 git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit with uncommitted changes"
fi
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
{
  # Comment lines: benchstat skips them. What changes from run to run
  # (date, commit, the module's size) stays out of the "key: value"
  # configuration, so that `benchstat old.txt new.txt` compares two runs
  # instead of putting each in a table of its own; BenchmarkCompile reports
  # the module's size as a metric.
  echo "# jwtwasm benchmarks: scripts/bench.sh --$mode, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# commit: $commit"
  echo "# module: $module, $(wc -c <"$module") bytes, $(gzip -9 -c "$module" | wc -c) bytes gzipped (gzip -9)"
  echo "go: $(go env GOVERSION)"
  echo "goos: $(go env GOOS)"
  echo "goarch: $(go env GOARCH)"
  # go test writes its own "cpu:" line (the CPUID brand string), which
  # can differ from the kernel's model name.
  echo "cpu-model: ${cpu:-unknown}"
  echo "nproc: $(nproc)"
  if $with_node; then echo "node: $(node --version)"; fi
} >"$out"
cat "$out"

# ---- Go ------------------------------------------------------------------------

step "go test ./bench -bench '$bench_main' -skip '$skip_main' ${flags[*]}"
go test ./bench "${flags[@]}" -bench "$bench_main" -skip "$skip_main" | tee -a "$out"
step "go test ./bench -bench '$bench_parallel' -cpu 1,2 ${flags[*]}"
go test ./bench "${flags[@]}" -bench "$bench_parallel" -cpu 1,2 | tee -a "$out"

# ---- Node ------------------------------------------------------------------------

if $with_node; then
  # The Node lines join the Go ones in benchstat's tables: same package,
  # same cpu line and the GOMAXPROCS suffix that the Go names carry.
  procs=$(sed -n 's/^BenchmarkVerify\/[^[:space:]]*-\([0-9][0-9]*\)[[:space:]].*/\1/p' "$out" | head -n 1)
  go_cpu=$(sed -n 's/^cpu: //p' "$out" | tail -n 1)
  pkg=$(sed -n 's/^pkg: //p' "$out" | tail -n 1)
  step "node bench/node/run.mjs ${node_flags[*]} --count $count"
  NODE_NO_WARNINGS=1 node bench/node/run.mjs "${node_flags[@]}" --count "$count" \
    --procs "${procs:-1}" --pkg "$pkg" --cpu "$go_cpu" | tee -a "$out"
fi

if $with_browser; then
  # The same module in headless Chromium, through a WASI shim: the same
  # lines, next to node-wasm and the Go impls.
  step "node bench/browser/run.mjs ${node_flags[*]} --count $count"
  node bench/browser/run.mjs "${node_flags[@]}" --count "$count" --chromium "$chromium" \
    --procs "${procs:-1}" --pkg "$pkg" --cpu "$go_cpu" | tee -a "$out"
fi

cp "$out" bench/results/latest.txt
step "raw results: $out (and bench/results/latest.txt)"

if [ "$mode" = smoke ]; then
  echo "smoke run done in $((SECONDS - start)) s" >&2
  exit 0
fi

# ---- tables ----------------------------------------------------------------------

table() {
  local title=$1
  shift
  printf '\n## %s\n\n' "$title"
  go tool benchstat "$@" "$out"
}
native='stdlib core golang-jwt jwx go-jose node-jose'
inwasm='wasm-stdlib wasm-check wasm wasm-interp node-wasm chromium-wasm-stdlib chromium-wasm'
step "benchstat tables"
{
  table "Verify, native: time per op, each vs stdlib (the bare signature check)" \
    -filter '.name:Verify .unit:sec/op' -row /alg -col "/impl@($native)"
  table "Verify, in WebAssembly: time per op, each vs wasm-stdlib (Go's crypto, the bare check in the module); wasm-check is the bare check with the module's fast path" \
    -filter '.name:Verify .unit:sec/op' -row /alg -col "/impl@($inwasm)"
  table "Verify, allocations on the Go side" \
    -filter '.name:Verify .unit:(B/op OR allocs/op)' -row /alg -col /impl
  table "VerifyCached vs Verify (a cache hit vs a full verification)" \
    -filter '.name:(Verify OR VerifyCached) /impl:(core OR wasm) .unit:sec/op' -row /alg,/impl -col .name
  table "VerifyParallel: GOMAXPROCS 1 (the unnamed column) vs 2" \
    -filter '.name:VerifyParallel .unit:sec/op' -row /alg,/impl -col /gomaxprocs
  table "Sign, Inspect, KeyGen: each vs the first impl" \
    -filter '.name:(Sign OR Inspect OR KeyGen) .unit:sec/op' -row .name,/alg -col /impl
  table "Start-up: compile (no cache, warm file cache), instantiate, a whole process to its first verify" \
    -filter '.name:(Compile OR Instantiate OR FirstVerify OR New)' -row .name,/cache,/alg -col /impl
} | tee "${out%.txt}.tables.txt"
cp "${out%.txt}.tables.txt" bench/results/latest.tables.txt

# ---- chart ------------------------------------------------------------------------

step "chart: bench/results/chart.svg"
go run ./bench/cmd/benchchart -o bench/results/chart.svg "$out"

step "done in $((SECONDS - start)) s: $out, bench/results/latest.tables.txt, bench/results/chart.svg"
