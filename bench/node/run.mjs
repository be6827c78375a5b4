// The Node side of the jwtwasm benchmarks: for every algorithm in
// bench/testdata/tokens.json it times
//
//   node-wasm  the jwtwasm module through wasm/js/instance.mjs and its WASI
//              shim, as the JS package runs it (a prepared verifier, one
//              jwtwasm_verify_input call per token, the claims parsed), and
//   node-jose  panva's jose (Node's WebCrypto): createLocalJWKSet + jwtVerify
//              with the token's policy (algorithms, issuer, audience, ...),
//
// and prints the results in Go's benchmark format, so that
// `go tool benchstat -col /impl` shows them next to the Go implementations:
//
//   BenchmarkVerify/alg=ES256/impl=node-jose-2   12345   81234 ns/op
//
// Usage (from the repository root; scripts/bench.sh runs it for you):
//
//   npm ci --prefix bench/node
//   node --no-warnings bench/node/run.mjs [--quick] [--count N] [--benchtime SECONDS]
//        [--algs RS256,ES256] [--procs N] [--pkg PKG] [--cpu NAME]
//        [--tokens FILE] [--module FILE]
//
// Before timing anything, each implementation must accept the valid token
// (with the claims it carries) and refuse bad_token; otherwise the run stops
// with exit status 1. Progress goes to stderr, results to stdout.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Instance } from '../../wasm/js/instance.mjs';
import { commonOptions, header, list, repo, resultLine } from '../js/benchfmt.mjs';

const options = { ...commonOptions };
let flags;
try {
  flags = parseArgs({ options }).values;
} catch (err) {
  process.stderr.write(`bench/node: ${err.message} (--help lists the flags)\n`);
  process.exit(2);
}

if (flags.help) {
  process.stdout.write(`usage: node --no-warnings bench/node/run.mjs [--quick] [--count N] [--benchtime SECONDS]
       [--warmup SECONDS] [--algs A,B] [--impls node-wasm,node-jose] [--procs N] [--pkg PKG] [--cpu NAME]
       [--tokens FILE] [--module FILE]
  --quick        3 runs of ~0.3 s each (default: 10 runs of ~1 s)
  --procs N      the GOMAXPROCS suffix of the Go results to line up with (1: none)
`);
  process.exit(0);
}

const die = (msg) => {
  process.stderr.write(`bench/node: ${msg}\n`);
  process.exit(1);
};

const number = (name, text, fallback) => {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) die(`--${name} wants a positive number, not ${JSON.stringify(text)}`);
  return v;
};
const count = Math.round(number('count', flags.count, flags.quick ? 3 : 10));
const benchtimeNs = number('benchtime', flags.benchtime, flags.quick ? 0.3 : 1) * 1e9;
const warmupNs = number('warmup', flags.warmup, flags.quick ? 0.5 : 1) * 1e9;
const procs = Math.round(number('procs', flags.procs, os.availableParallelism()));

// ---- the two implementations -------------------------------------------

const decoder = new TextDecoder();
const payloadOf = (token) => JSON.parse(decoder.decode(Buffer.from(token.split('.')[1], 'base64url')));

// Each factory prepares everything once (keys, policy) and returns
// { verify(token) -> claims, async }: verify throws for a refused token.
const implementations = {
  'node-wasm': async () => {
    const wasm = await Instance.create(await WebAssembly.compile(await readFile(flags.module)));
    return (spec) => {
      const { handle } = wasm.newVerifier(JSON.stringify(spec.jwks), spec.policy);
      return { verify: (token) => JSON.parse(wasm.verify(handle, token, Date.now()).claims), async: false };
    };
  },
  'node-jose': async () => (spec) => {
    const keys = createLocalJWKSet(spec.jwks);
    const options = joseOptions(spec.policy);
    return { verify: async (token) => (await jwtVerify(token, keys, options)).payload, async: true };
  },
};

// joseOptions maps a jwtwasm policy (wasm/ABI.md) onto jwtVerify's options.
function joseOptions(policy) {
  const o = { algorithms: policy.algorithms };
  for (const [k, v] of Object.entries(policy)) {
    switch (k) {
      case 'algorithms': break;
      case 'issuer': o.issuer = v; break;
      case 'audiences': o.audience = v; break;
      case 'subject': o.subject = v; break;
      case 'required_claims': o.requiredClaims = v; break;
      case 'leeway_ms': o.clockTolerance = v / 1000; break;
      case 'max_age_ms': o.maxTokenAge = v / 1000; break;
      case 'max_token_size': break; // jose has no such limit; the tokens are small
      default: die(`policy member ${JSON.stringify(k)} has no jose equivalent`);
    }
  }
  return o;
}

// ---- timing ----------------------------------------------------------------

let sink; // keeps results alive so that no call is optimised away

async function timeN(impl, token, n) {
  const start = process.hrtime.bigint();
  if (impl.async) {
    for (let i = 0; i < n; i++) sink = await impl.verify(token);
  } else {
    for (let i = 0; i < n; i++) sink = impl.verify(token);
  }
  return Number(process.hrtime.bigint() - start);
}

// iterationsFor grows n the way Go's testing package does until one run of
// n iterations takes the bench time, and returns that n.
async function iterationsFor(impl, token) {
  let n = 1;
  for (;;) {
    const ns = await timeN(impl, token, n);
    if (ns >= benchtimeNs || n >= 1e9) return n;
    const predicted = ns > 0 ? Math.round((n * benchtimeNs * 1.2) / ns) : n * 100;
    n = Math.max(n + 1, Math.min(predicted, n * 100));
  }
}

// warmUp runs the verifier until it stops getting faster: V8 compiles the
// module's functions with its baseline compiler first and tiers hot ones up
// in the background, which for some algorithms takes a few seconds. It runs
// at least the warm-up time, then windows of a tenth of it until three in a
// row bring no gain of 2 % over the best so far (at most 20 s).
async function warmUp(impl, token) {
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start);
  let n = 1;
  while (elapsed() < warmupNs) {
    await timeN(impl, token, n);
    n = Math.min(n * 2, 1024);
  }
  const window = warmupNs / 10;
  n = Math.max(1, Math.round((n * window) / Math.max(1, await timeN(impl, token, n))));
  let best = Infinity;
  let stale = 0;
  while (stale < 3 && elapsed() < 20e9) {
    const perOp = (await timeN(impl, token, n)) / n;
    if (perOp < best * 0.98) stale = 0;
    else stale++;
    best = Math.min(best, perOp);
  }
}

// ---- checks ------------------------------------------------------------------

async function settle(impl, token) {
  try {
    return { claims: await impl.verify(token) };
  } catch (err) {
    return { err };
  }
}

async function check(name, alg, impl, spec) {
  const good = await settle(impl, spec.token);
  if (good.err) die(`${name} refuses the valid ${alg} token: ${good.err.message}`);
  const want = JSON.stringify(payloadOf(spec.token));
  if (JSON.stringify(good.claims) !== want) {
    die(`${name} accepts the ${alg} token with claims ${JSON.stringify(good.claims)}, want ${want}`);
  }
  const bad = await settle(impl, spec.bad_token);
  if (!bad.err) die(`${name} accepts the bad ${alg} token`);
}

// ---- main -------------------------------------------------------------------

let tokens;
try {
  tokens = JSON.parse(await readFile(flags.tokens, 'utf8'));
} catch (err) {
  die(`reading ${flags.tokens}: ${err.message}`);
}
// The Go suite's order (bench/fixtures_test.go), then any others.
const order = ['RS256', 'RS256-4096', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const rank = (a) => (order.includes(a) ? order.indexOf(a) : order.length);
const algs = list(flags.algs) ?? Object.keys(tokens).sort((a, b) => rank(a) - rank(b));
for (const a of algs) if (!tokens[a]) die(`${flags.tokens} has no algorithm ${a}`);
const implNames = list(flags.impls) ?? Object.keys(implementations);
for (const i of implNames) if (!implementations[i]) die(`unknown impl ${i}`);

const require = createRequire(import.meta.url);
const joseVersion = require('jose/package.json').version;

const out = (line) => process.stdout.write(line + '\n');
out(`# Node comparison (bench/node/run.mjs): node-wasm = ${path.relative(repo, path.resolve(flags.module))} under wasm/js's WASI shim, node-jose = jose ${joseVersion}`);
header(flags).forEach(out);

const prepared = {};
for (const name of implNames) prepared[name] = await implementations[name]();

for (const alg of algs) {
  const spec = tokens[alg];
  for (const name of implNames) {
    const impl = prepared[name](spec);
    await check(name, alg, impl, spec);
    await warmUp(impl, spec.token);
    const n = await iterationsFor(impl, spec.token);
    for (let r = 0; r < count; r++) {
      out(resultLine(alg, name, procs, n, (await timeN(impl, spec.token, n)) / n));
    }
    process.stderr.write(`bench/node: ${alg} ${name} done\n`);
  }
}
if (sink === undefined) die('no verification ran');
