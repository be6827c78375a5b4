// The JS package (wasm/js) in headless Chromium, inside a module Worker, as
// the token inspector page (web/) will run it: the default module found
// beside the package by URL, then init(fetch(...)) with streaming
// compilation; sign, verify, inspect and an error code crossing
// postMessage. Skipped only when Chromium is not installed.
// Run with: node --test bench/browser/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(chromiumPath) ? false : `no Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM)`;

// The worker: what a page's worker does with the package.
const worker = `
import * as jw from '/wasm/js/jwtwasm.mjs';
const run = async (how) => {
  if (how === 'fetch') await jw.init(fetch('/wasm/blob/jwtwasm.wasm'));
  const k = await jw.generateKeyPair('ES256', { kid: 'w1' });
  const token = await jw.sign({ sub: 'worker', exp: Math.floor(Date.now() / 1000) + 60 }, k.privateKey);
  const v = await jw.createVerifier(k.publicKey, { algorithms: ['ES256'], clockTolerance: '5s' });
  const verified = await v.verify(token);
  const inspected = await jw.inspect(token);
  let refused;
  try {
    await v.verify(token, { currentDate: new Date(Date.now() + 3600e3) });
  } catch (err) {
    refused = { code: err.code, isError: err instanceof jw.JwtwasmError };
  }
  v.close();
  return { verified, findings: inspected.findings.map((f) => f.code), refused };
};
onmessage = ({ data }) => run(data).then((r) => postMessage({ ok: r }), (e) => postMessage({ err: String(e) }));
`;

// Everything the page may fetch, and nothing else.
const files = {
  '/wasm/js/jwtwasm.mjs': 'text/javascript',
  '/wasm/js/instance.mjs': 'text/javascript',
  '/wasm/js/pool.mjs': 'text/javascript',
  '/wasm/js/wasi.mjs': 'text/javascript',
  '/wasm/blob/jwtwasm.wasm': 'application/wasm',
};

test('the package runs in a module Worker in Chromium', { skip, timeout: 120_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (path === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>jwtwasm</title>');
    if (path === '/worker.mjs') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(worker);
    if (!files[path]) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': files[path] }).end(await readFile(repo + path.slice(1)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);

  for (const how of ['default URL', 'fetch']) {
    const out = await page.evaluate((how) => new Promise((resolve) => {
      const w = new Worker('/worker.mjs', { type: 'module' });
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => resolve({ err: e.message });
      w.postMessage(how);
    }), how);
    assert.ok(out.ok, `${how}: ${out.err}`);
    assert.equal(out.ok.verified.payload.sub, 'worker', how);
    assert.equal(out.ok.verified.kid, 'w1', how);
    assert.ok(out.ok.findings.includes('no_aud'), how);
    assert.deepEqual(out.ok.refused, { code: 'expired', isError: true }, how);
  }
});
