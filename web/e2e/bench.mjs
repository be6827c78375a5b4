// How fast is the token inspector page? In one headless Chromium, against a
// real "jwtwasm serve", this measures
//
//   - page load → header and claims shown, → module ready, → first decode
//     with the module's findings (a share link), → first RS256
//     verify (keys typed in as soon as the page has loaded), with a fresh
//     profile (cold) and on reload (warm: HTTP cache and service worker);
//   - verify per op, RS256 and ES256, in the page's own worker.mjs (a
//     verifier prepared once, one call per token), and panva's jose in a
//     module Worker of the same browser (WebCrypto, a key imported once).
//
// jose is loaded from web/e2e/node_modules by a server of this script's own,
// on another port: the page never loads it. Prints a Markdown table.
//
//   npm ci --prefix web/e2e
//   node web/e2e/bench.mjs [--runs N] [--seconds S]     (scripts/bench.sh --web)

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as jose from 'jose';
import { browser, chromiumPath, repo, serve, skip } from './harness.mjs';

const { values: flags } = parseArgs({ options: { runs: { type: 'string', default: '5' }, seconds: { type: 'string', default: '0.5' } } });
const RUNS = Number(flags.runs);
const SECONDS = Number(flags.seconds);
if (skip) {
  process.stderr.write(`web/e2e/bench: ${skip}\n`);
  process.exit(2);
}
const log = (m) => process.stderr.write(`web/e2e/bench: ${m}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Keys and tokens, made with jose.
const now = Math.floor(Date.now() / 1000);
const algs = {};
for (const alg of ['RS256', 'ES256']) {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: `${alg}-1`, alg, use: 'sig' };
  const token = await new jose.SignJWT({ sub: 'bench', iss: 'https://issuer.example', aud: 'bench-api' })
    .setProtectedHeader({ alg, kid: jwk.kid, typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3 * 3600)
    .sign(privateKey);
  algs[alg] = { jwk, token };
}
const policy = (alg) => ({ algorithms: [alg], issuer: 'https://issuer.example', audience: 'bench-api' });

// jose's side: a module worker on a server of its own.
const joseDir = path.join(repo, 'web/e2e/node_modules/jose/dist/webapi');
const joseWorker = `
import * as jose from '/jose/index.js';
onmessage = async ({ data: { jwk, token, alg, n } }) => {
  const key = await jose.importJWK(jwk, alg);
  const opts = { algorithms: [alg], issuer: 'https://issuer.example', audience: 'bench-api' };
  await jose.jwtVerify(token, key, opts);
  const start = performance.now();
  for (let i = 0; i < n; i++) await jose.jwtVerify(token, key, opts);
  postMessage((performance.now() - start) / n);
};`;
const joseServer = http.createServer(async (req, res) => {
  const p = new URL(req.url, 'http://x').pathname;
  if (p === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>jose</title>');
  if (p === '/worker.mjs') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(joseWorker);
  if (p.startsWith('/jose/') && !p.includes('..')) {
    try {
      return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(await readFile(path.join(joseDir, p.slice(6))));
    } catch {}
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => joseServer.listen(0, '127.0.0.1', resolve));

const server = await serve();
const marks = () =>
  Object.fromEntries(['jwtwasm:shown', 'jwtwasm:ready', 'jwtwasm:decoded', 'jwtwasm:verified'].map((n) => [n.slice(8), performance.getEntriesByName(n)[0]?.startTime]));

// One page load: the share link decodes by itself; the key and policy are
// typed in and Verify clicked as soon as the load event has fired.
async function load(page, url) {
  if (url) await page.goto(url);
  else await page.reload();
  await page.click('#tab-verify');
  await page.fill('#keys', JSON.stringify({ keys: [algs.RS256.jwk] }));
  await page.fill('#issuer', 'https://issuer.example');
  await page.fill('#audience', 'bench-api');
  await page.click('#verify-btn');
  await page.waitForSelector('#verify-result[data-code]', { state: 'attached', timeout: 120_000 });
  const code = await page.getAttribute('#verify-result', 'data-code');
  if (code !== 'valid') throw new Error(`the first verify said ${code}`);
  await page.waitForFunction(() => performance.getEntriesByName('jwtwasm:decoded').length > 0);
  return page.evaluate(marks);
}

const rows = { cold: [], warm: [] };
const perOp = { RS256: {}, ES256: {} };
try {
  const shareURL = `${server.base}/#v1:token=${algs.RS256.token}`;
  for (let i = 0; i < RUNS; i++) {
    const b = await browser();
    try {
      const page = await b.context.newPage();
      rows.cold.push(await load(page, shareURL));
      await page.evaluate(() => navigator.serviceWorker.ready);
      rows.warm.push(await load(page));
    } finally {
      await b.close();
    }
    log(`load ${i + 1}/${RUNS}: cold ${JSON.stringify(rows.cold.at(-1))}, warm ${JSON.stringify(rows.warm.at(-1))}`);
  }

  const b = await browser();
  try {
    const page = await b.context.newPage();
    await page.goto(`${server.base}/`);
    const joseTab = await b.context.newPage();
    await joseTab.goto(`http://127.0.0.1:${joseServer.address().port}/`);
    for (const [alg, { jwk, token }] of Object.entries(algs)) {
      // The page's worker.mjs, as the page starts it.
      const wasm = (n) =>
        page.evaluate(
          ({ token, jwk, options, n }) =>
            new Promise((resolve, reject) => {
              globalThis.benchWorker ??= new Worker('worker.mjs', { type: 'module' });
              const w = globalThis.benchWorker;
              w.onmessage = ({ data }) => (data.ok ? resolve(data.value) : reject(new Error(data.message)));
              w.postMessage({ id: 1, op: 'bench', args: [token, { keys: [jwk] }, options, n] });
            }),
          { token, jwk, options: policy(alg), n },
        );
      const joseRun = (n) =>
        joseTab.evaluate(
          ({ jwk, token, alg, n }) =>
            new Promise((resolve) => {
              globalThis.joseWorker ??= new Worker('/worker.mjs', { type: 'module' });
              globalThis.joseWorker.onmessage = ({ data }) => resolve(data);
              globalThis.joseWorker.postMessage({ jwk, token, alg, n });
            }),
          { jwk, token, alg, n },
        );
      for (const [impl, fn] of [['jwtwasm', wasm], ['jose', joseRun]]) {
        const warm = await fn(200); // warm-up, and the size of a run
        const n = Math.max(50, Math.ceil((SECONDS * 1000) / warm));
        const samples = [];
        for (let i = 0; i < RUNS; i++) samples.push(await fn(n));
        perOp[alg][impl] = median(samples);
        log(`${alg} ${impl}: ${samples.map((s) => (s * 1000).toFixed(0)).join(' ')} µs/op (n=${n})`);
      }
    }
  } finally {
    await b.close();
  }
} finally {
  await server.stop();
  joseServer.close();
}

const version = (await import('node:child_process')).execFileSync(chromiumPath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const ms = (xs, k) => `${median(xs.map((x) => x[k])).toFixed(0)} ms`;
console.log(`${version}, ${RUNS} runs each, medians\n`);
console.log('| from page load (navigation start) | cold: fresh profile | warm: reload |');
console.log('|---|---|---|');
for (const [k, label] of [['shown', 'header and claims shown (read in the page, before the module)'], ['ready', 'module ready in the worker'], ['decoded', 'first decode with the module\'s findings (a share link)'], ['verified', 'first RS256 verify']]) {
  console.log(`| ${label} | ${ms(rows.cold, k)} | ${ms(rows.warm, k)} |`);
}
console.log('\n| verify, per op | jwtwasm in the page\'s worker | jose 6 (WebCrypto) in a worker | jwtwasm / jose |');
console.log('|---|---|---|---|');
for (const [alg, r] of Object.entries(perOp)) {
  console.log(`| ${alg} | ${(r.jwtwasm * 1000).toFixed(0)} µs | ${(r.jose * 1000).toFixed(0)} µs | ${(r.jwtwasm / r.jose).toFixed(2)}× |`);
}
