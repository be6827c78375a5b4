// What bench/node/run.mjs and bench/browser/run.mjs share: the flags both
// take and the lines of Go's benchmark format both print, so that
// `go tool benchstat -col /impl` puts their rows beside the Go suite's.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The flags of both runners; each adds its own. */
export const commonOptions = {
  quick: { type: 'boolean', default: false },
  count: { type: 'string' },
  benchtime: { type: 'string' },
  warmup: { type: 'string' },
  algs: { type: 'string' },
  impls: { type: 'string' },
  procs: { type: 'string' },
  pkg: { type: 'string', default: 'github.com/jwtwasm/jwtwasm/bench' },
  cpu: { type: 'string' },
  tokens: { type: 'string', default: path.join(repo, 'bench/testdata/tokens.json') },
  module: { type: 'string', default: path.join(repo, 'wasm/blob/jwtwasm.wasm') },
  help: { type: 'boolean', short: 'h', default: false },
};

/** Splits a comma list; undefined for an absent or empty one. */
export const list = (text) => (text ? text.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/**
 * The configuration lines Go's testing package prints (goos, goarch, pkg,
 * cpu), then node, as scripts/bench.sh prints it: the same values keep
 * these rows in the Go rows' tables.
 */
export function header(flags) {
  const goos = { win32: 'windows' }[process.platform] ?? process.platform;
  const goarch = { x64: 'amd64', ia32: '386' }[process.arch] ?? process.arch;
  return [
    `goos: ${goos}`,
    `goarch: ${goarch}`,
    `pkg: ${flags.pkg}`,
    `cpu: ${flags.cpu ?? os.cpus()[0]?.model.trim() ?? 'unknown'}`,
    `node: ${process.version}`,
  ];
}

/** One result line: BenchmarkVerify/alg=ALG/impl=IMPL[-procs] n ns/op. */
export function resultLine(alg, impl, procs, n, nsPerOp) {
  const bench = `BenchmarkVerify/alg=${alg}/impl=${impl}${procs > 1 ? `-${procs}` : ''}`;
  return `${bench.padEnd(48)}\t${String(n).padStart(8)}\t${nsPerOp >= 100 ? nsPerOp.toFixed(0) : nsPerOp.toFixed(2)} ns/op`;
}
