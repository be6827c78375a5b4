// The browser side of the jwtwasm benchmarks: for every algorithm in
// bench/testdata/tokens.json it times, in headless Chromium,
//
//   chromium-wasm         the jwtwasm module through wasm/js/instance.mjs and
//                         its WASI shim wasm/js/wasi.mjs (a prepared verifier,
//                         one jwtwasm_verify_input call per token), and
//   chromium-wasm-stdlib  the same with a verifier made with "crypto":
//                         "stdlib" (Go's crypto/rsa and crypto/ecdsa instead
//                         of the module's own RSA and P-256 code),
//
// and prints the results in Go's benchmark format, so that
// `go tool benchstat -col /impl` shows them next to the Go and Node rows:
//
//   BenchmarkVerify/alg=RS256/impl=chromium-wasm-2   1234   567890 ns/op
//
// Usage (from the repository root; see README.md):
//
//   apt-get install chromium
//   npm ci --prefix bench/browser
//   node bench/browser/run.mjs [--quick | --smoke] [--count N] [--benchtime SECONDS]
//        [--algs RS256,ES256] [--procs N] [--pkg PKG] [--cpu NAME]
//        [--tokens FILE] [--module FILE] [--chromium PATH]
//
// It serves page.html, its scripts, the module and the tokens from an HTTP
// server on 127.0.0.1 (a free port), opens the page in Chromium with
// playwright-core, and asks the page to run each timed loop (page.mjs), so
// that no round trip to the browser is timed. Before timing anything, each
// implementation must accept the valid token (with the claims it carries)
// and refuse bad_token; otherwise the run stops with exit status 1.
// Progress goes to stderr, results to stdout.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { commonOptions, header, list, repo, resultLine } from '../js/benchfmt.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const options = {
  ...commonOptions,
  smoke: { type: 'boolean', default: false },
  chromium: { type: 'string' },
};
let flags;
try {
  flags = parseArgs({ options }).values;
} catch (err) {
  process.stderr.write(`bench/browser: ${err.message} (--help lists the flags)\n`);
  process.exit(2);
}

if (flags.help) {
  process.stdout.write(`usage: node bench/browser/run.mjs [--quick | --smoke] [--count N] [--benchtime SECONDS]
       [--warmup SECONDS] [--algs A,B] [--impls chromium-wasm,chromium-wasm-stdlib] [--procs N]
       [--pkg PKG] [--cpu NAME] [--tokens FILE] [--module FILE] [--chromium PATH]
  --quick          3 runs of ~0.3 s each, RS256 and ES256 unless --algs (default: 10 runs of ~1 s)
  --smoke          check every impl and algorithm, then time one verification of each: for CI
  --procs N        the GOMAXPROCS suffix of the Go results to line up with (1: none)
  --chromium PATH  the browser (default: $CHROMIUM, else /usr/bin/chromium)
`);
  process.exit(0);
}

/** A failure that ends the run with a message and exit status 1. */
class Fail extends Error {}
const fail = (msg) => {
  throw new Fail(msg);
};
const log = (msg) => process.stderr.write(`bench/browser: ${msg}\n`);

const number = (name, text, fallback) => {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) {
    log(`--${name} wants a positive number, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return v;
};
if (flags.quick && flags.smoke) {
  log('--quick and --smoke do not go together');
  process.exit(2);
}
const count = flags.smoke ? 1 : Math.round(number('count', flags.count, flags.quick ? 3 : 10));
const benchtimeNs = number('benchtime', flags.benchtime, flags.quick ? 0.3 : 1) * 1e9;
const warmupNs = number('warmup', flags.warmup, flags.quick ? 0.5 : 1) * 1e9;
const procs = Math.round(number('procs', flags.procs, os.availableParallelism()));

// ---- the server ----------------------------------------------------------------

// Everything the page may fetch, and nothing else.
const files = {
  '/': [path.join(here, 'page.html'), 'text/html; charset=utf-8'],
  '/page.mjs': [path.join(here, 'page.mjs'), 'text/javascript; charset=utf-8'],
  '/js/instance.mjs': [path.join(repo, 'wasm/js/instance.mjs'), 'text/javascript; charset=utf-8'],
  '/js/wasi.mjs': [path.join(repo, 'wasm/js/wasi.mjs'), 'text/javascript; charset=utf-8'],
  '/jwtwasm.wasm': [path.resolve(flags.module), 'application/wasm'],
  '/tokens.json': [path.resolve(flags.tokens), 'application/json'],
};

// serve starts the server on a free port of 127.0.0.1 and returns it.
// Cross-origin isolation (COOP and COEP) gets the page a finer
// performance.now(): 5 µs instead of 100 µs in Chromium.
async function serve() {
  const server = http.createServer(async (req, res) => {
    const file = files[new URL(req.url, 'http://127.0.0.1').pathname];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const body = await readFile(file[0]);
      res.writeHead(200, {
        'Content-Type': file[1],
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      log(`serving ${req.url}: ${err.message}`);
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${err.message}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}

// ---- main ----------------------------------------------------------------------

let server;
let browser;
try {
  await main();
} catch (err) {
  log(err instanceof Fail ? err.message : err.stack ?? String(err));
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  server?.closeAllConnections();
}

async function main() {
  const executablePath = flags.chromium ?? process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    fail(`no Chromium at ${executablePath}: install Debian's package (apt-get install chromium) or pass --chromium PATH`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    fail(`playwright-core is not installed (${err.code ?? err.message}): run npm ci --prefix bench/browser`);
  }
  for (const [, [file]] of Object.entries(files)) {
    if (!existsSync(file)) fail(`${file} does not exist`);
  }

  let tokens;
  try {
    tokens = JSON.parse(await readFile(flags.tokens, 'utf8'));
  } catch (err) {
    fail(`reading ${flags.tokens}: ${err.message}`);
  }
  // The Go suite's order (bench/fixtures_test.go), then any others.
  const order = ['RS256', 'RS256-4096', 'PS256', 'ES256', 'ES384', 'EdDSA'];
  const rank = (a) => (order.includes(a) ? order.indexOf(a) : order.length);
  const algs = list(flags.algs) ?? (flags.quick ? ['RS256', 'ES256'] : Object.keys(tokens).sort((a, b) => rank(a) - rank(b)));
  for (const a of algs) if (!tokens[a]) fail(`${flags.tokens} has no algorithm ${a}`);

  server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/`;

  const launched = performance.now();
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  } catch (err) {
    fail(`starting ${executablePath}: ${err.message.split('\n')[0]}`);
  }
  const page = await browser.newPage();
  let pageError;
  page.on('console', (msg) => log(`page: ${msg.text()}`));
  page.on('pageerror', (err) => {
    pageError = err;
    log(`page error: ${err.message}`);
  });
  page.on('crash', () => log('the page crashed'));
  const response = await page.goto(url);
  if (!response?.ok()) fail(`${url}: HTTP ${response?.status()}`);
  await page.waitForFunction(() => globalThis.bench !== undefined, undefined, { timeout: 30_000 })
    .catch(() => fail(`page.mjs did not start${pageError ? `: ${pageError.message}` : ''}`));
  const started = performance.now();
  const info = await page.evaluate(() => globalThis.bench.init());
  const secs = (from, to = performance.now()) => `${((to - from) / 1000).toFixed(1)} s`;
  log(`Chromium ${browser.version()} started in ${secs(launched, started)}, loaded the module ${info.impls.length} times in ${secs(started)}` +
    ` (cross-origin isolated: ${info.crossOriginIsolated})`);

  const implNames = list(flags.impls) ?? info.impls;
  for (const i of implNames) if (!info.impls.includes(i)) fail(`unknown impl ${i} (the page has ${info.impls.join(', ')})`);

  const out = (line) => process.stdout.write(line + '\n');
  // The browser's version goes in a comment: a "chromium:" configuration
  // line, which no Go or Node result has, would put these rows in a
  // benchstat table of their own.
  out(`# Browser comparison (bench/browser/run.mjs${flags.smoke ? ' --smoke' : ''}): ${path.relative(repo, path.resolve(flags.module))}` +
    ` in headless Chromium ${browser.version()} through wasm/js/wasi.mjs; chromium-wasm = crypto "fast" (the default), chromium-wasm-stdlib = crypto "stdlib"`);
  header(flags).forEach(out);

  const call = (name, ...args) => page.evaluate(([name, args]) => globalThis.bench[name](...args), [name, args]);

  for (const alg of algs) {
    for (const name of implNames) {
      const problem = await call('prepare', alg, name);
      if (problem) fail(problem);
      // n is sized from the warm-up's best time per op, not by growing it
      // until one run takes the bench time as Go's testing package does:
      // on a loaded machine one stall can stop that growth far too early.
      let n = 1;
      if (!flags.smoke) {
        const best = await call('warmUp', warmupNs);
        n = Math.max(1, Math.min(1e9, Math.round(benchtimeNs / best)));
      }
      for (let r = 0; r < count; r++) {
        out(resultLine(alg, name, procs, n, (await call('time', n)) / n));
      }
      if (!(await call('release'))) fail('no verification ran');
      log(`${alg} ${name} done`);
    }
  }
}
