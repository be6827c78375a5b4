// The token inspector page (web/) in headless Chromium, served by a real
// "jwtwasm serve": decode, verify (PEM, pasted JWKS, a JWKS fetched by URL
// and through discovery), refusals with their codes, key generation →
// signing → verification, typing during an RSA-4096 key generation, share
// links, inline messages for bad input, offline use through the service
// worker, and the request log. Screenshots of each mode go to web/e2e/out/
// (and to web/screenshots/ with UPDATE_SCREENSHOTS=1).
// Run with: node --test web/   (after npm ci --prefix web/e2e)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as jose from 'jose';
import { browser, decodeToken, openPage, outDir, repo, serve, skip, verifyNow } from './harness.mjs';

const now = () => Math.floor(Date.now() / 1000);

// Tokens and keys made here with jose, so that the page is checked against
// another implementation.
async function fixtures() {
  const rsa = await jose.generateKeyPair('RS256', { extractable: true });
  const rsaJWK = { ...(await jose.exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  const ec = await jose.generateKeyPair('ES256', { extractable: true });
  const ecJWK = { ...(await jose.exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
  const claims = { iss: 'https://issuer.example', sub: 'alice', aud: 'orders-api', scope: 'read:orders' };
  const good = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(now() + 14 * 60 + 30)
    .sign(rsa.privateKey);
  const expired = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT' })
    .setIssuedAt(now() - 7200)
    .setExpirationTime(now() - 3600)
    .sign(rsa.privateKey);
  const [h, p, s] = good.split('.');
  const flipped = s[5] === 'A' ? 'B' : 'A';
  const tampered = `${h}.${p}.${s.slice(0, 5)}${flipped}${s.slice(6)}`;
  return {
    good,
    expired,
    tampered,
    rsaPEM: await jose.exportSPKI(rsa.publicKey),
    jwks: { keys: [ecJWK, rsaJWK] },
  };
}

// Measures, in the page, the delay between each key event and its input
// handler (event.timeStamp → handler), for keys typed into #issuer.
async function watchInput(page) {
  await page.evaluate(() => {
    window.__delays = [];
    document.getElementById('issuer').addEventListener('input', (e) => window.__delays.push(performance.now() - e.timeStamp));
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

test('the token inspector page in Chromium', { skip, timeout: 600_000 }, async (t) => {
  mkdirSync(outDir, { recursive: true });
  const fx = await fixtures();
  const server = await serve();
  t.after(() => server.stop());
  const b = await browser();
  t.after(() => b.close());
  const page = await openPage(b.context, `${server.base}/`);
  const shot = async (name) => {
    const file = path.join(outDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS) {
      mkdirSync(path.join(repo, 'web/screenshots'), { recursive: true });
      copyFileSync(file, path.join(repo, 'web/screenshots', `${name}.png`));
    }
  };

  await t.test('decode a known token', async () => {
    await decodeToken(page, fx.good);
    const parts = await page.$$eval('#parts .part', (es) => es.map((e) => [e.className, e.textContent]));
    assert.deepEqual(parts.map(([c]) => c), ['part p-header', 'part p-payload', 'part p-sig']);
    assert.equal(parts.map(([, t]) => t).join('.'), fx.good);
    assert.deepEqual(JSON.parse(await page.textContent('#header-json')), { alg: 'RS256', kid: 'rsa-1', typ: 'JWT' });
    assert.equal(JSON.parse(await page.textContent('#claims-json')).sub, 'alice');
    const rows = await page.$$eval('#claims-table tbody tr', (rs) => Object.fromEntries(rs.map((r) => [r.cells[0].textContent, r.cells[1].textContent])));
    assert.match(rows.exp, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.match(rows.exp, /expires in 14 min/);
    assert.match(rows.iat, /issued \d+ s ago/);
    assert.equal(await page.isHidden('#breaks'), true);
    await shot('decode');
  });

  await t.test('a broken token is decoded as far as it goes', async () => {
    const [h, p] = fx.good.split('.');
    await page.fill('#token', `${h}.${p.slice(0, 10)}*${p.slice(11)}.sig`);
    await page.waitForFunction(() => !document.getElementById('breaks').hidden);
    assert.match(await page.textContent('#breaks'), /payload \(part 2\) breaks: character "\*" at position 11 is not base64url/);
    assert.equal(JSON.parse(await page.textContent('#header-json')).kid, 'rsa-1');
    await page.fill('#token', `${h}.${p}`);
    await page.waitForFunction(() => /2 parts/.test(document.getElementById('breaks').textContent));
    await page.fill('#token', 'eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.ZW5j.aXY.Y2lwaGVy.dGFn');
    await page.waitForFunction(() => /Encrypted \(JWE\)/.test(document.getElementById('claims-json').textContent));
    assert.deepEqual(JSON.parse(await page.textContent('#header-json')), { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    assert.equal(await page.$$eval('#parts .part', (es) => es.length), 5);
  });

  await t.test('verify with a PEM key; tampered and expired tokens are refused', async () => {
    await decodeToken(page, fx.good);
    await page.click('#tab-verify');
    await page.fill('#keys', fx.rsaPEM);
    await page.waitForFunction(() => /1 key read/.test(document.getElementById('keys-msg').textContent));
    await page.fill('#audience', 'orders-api');
    await page.fill('#issuer', 'https://issuer.example');
    let r = await verifyNow(page);
    assert.equal(r.code, 'valid', r.text);
    await decodeToken(page, fx.tampered);
    r = await verifyNow(page);
    assert.equal(r.code, 'bad_signature', r.text);
    assert.match(r.text, /bad_signature/);
    await decodeToken(page, fx.expired);
    r = await verifyNow(page);
    assert.equal(r.code, 'expired', r.text);
    // "As of" an hour and a half ago, the expired token was valid.
    await page.fill('#asof', new Date((now() - 5400) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'));
    r = await verifyNow(page);
    assert.equal(r.code, 'valid', r.text);
    await page.fill('#asof', '');
    await page.fill('#audience', 'billing-api');
    await decodeToken(page, fx.good);
    r = await verifyNow(page);
    assert.equal(r.code, 'bad_audience', r.text);
    await page.fill('#audience', 'orders-api');
  });

  await t.test('verify with a pasted JWKS shows which key the kid selects', async () => {
    await page.fill('#keys', JSON.stringify(fx.jwks));
    await page.waitForFunction(() => /selects key 2 of 2/.test(document.getElementById('kid-info').textContent));
    assert.match(await page.textContent('#kid-info li.chosen'), /rsa-1/);
    const r = await verifyNow(page);
    assert.equal(r.code, 'valid', r.text);
    assert.match(r.text, /rsa-1/);
  });

  await t.test('verify with a JWKS fetched from jwtwasm serve, by URL and by discovery', async () => {
    await page.fill('#keys', '');
    await decodeToken(page, server.demoToken);
    await page.fill('#issuer', '');
    await page.fill('#audience', 'jwtwasm-demo');
    await page.fill('#jwks-url', `${server.base}/.well-known/jwks.json`);
    await page.click('#fetch-jwks');
    await page.waitForFunction(() => /Key set fetched/.test(document.getElementById('fetch-msg').textContent));
    await page.waitForFunction(() => /selects key 1 of 2/.test(document.getElementById('kid-info').textContent));
    let r = await verifyNow(page);
    assert.equal(r.code, 'valid', r.text);
    await page.fill('#keys', '');
    await page.click('#discover');
    await page.waitForFunction(() => /named by .*openid-configuration/.test(document.getElementById('fetch-msg').textContent));
    assert.equal(await page.inputValue('#issuer'), server.base);
    r = await verifyNow(page);
    assert.equal(r.code, 'valid', r.text);
    await shot('verify');
  });

  await t.test('a key set URL without CORS is explained', async () => {
    const other = http.createServer((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"keys":[]}'));
    await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
    t.after(() => other.close());
    await page.fill('#jwks-url', `http://127.0.0.1:${other.address().port}/jwks.json`);
    await page.click('#fetch-jwks');
    await page.waitForFunction(() => /CORS/.test(document.getElementById('fetch-msg').textContent));
    await page.fill('#jwks-url', 'http://example.com/jwks.json');
    await page.click('#fetch-jwks');
    await page.waitForFunction(() => /Refusing plain http/.test(document.getElementById('fetch-msg').textContent));
    page.problems = page.problems.filter((p) => !/CORS|Failed to load resource|Access-Control-Allow-Origin/.test(p));
  });

  for (const [alg, kind] of [['RS256', 'RSA-2048'], ['ES256', 'P-256'], ['EdDSA', 'Ed25519']]) {
    await t.test(`keygen → sign → verify: ${alg}`, async () => {
      await page.click('#tab-make');
      await page.selectOption('#make-alg', alg);
      await page.selectOption('#make-keykind', kind);
      await page.click('#generate');
      await page.waitForFunction(() => /kid/.test(document.getElementById('gen-status').textContent), null, { timeout: 120_000 });
      await page.click('#sign');
      await page.waitForFunction(() => !document.getElementById('made').hidden && document.getElementById('made-token').textContent);
      const token = await page.textContent('#made-token');
      const jwks = JSON.parse(await page.textContent('#out-public-jwks'));
      assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).alg, alg);
      // jose agrees.
      const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { algorithms: [alg], audience: 'orders-api' });
      assert.equal(payload.sub, 'alice');
      if (alg === 'ES256') await shot('make');
      await page.click('#use-token');
      await page.waitForFunction(() => !document.getElementById('panel-verify').hidden);
      await page.waitForFunction(() => /selects key 1 of 1/.test(document.getElementById('kid-info').textContent));
      await page.fill('#audience', 'orders-api');
      await page.fill('#issuer', 'https://issuer.example');
      const r = await verifyNow(page);
      assert.equal(r.code, 'valid', r.text);
    });
  }

  await t.test('typing stays responsive during an RSA-4096 key generation', async () => {
    await page.click('#tab-make');
    await page.selectOption('#make-keykind', 'RSA-4096');
    await page.click('#tab-verify');
    await page.fill('#issuer', '');
    await watchInput(page);
    // Start the generation from the page (the Make tab's button), then type
    // into a field of the Verify tab while it runs.
    await page.click('#tab-make');
    await page.click('#generate');
    await page.click('#tab-verify');
    await page.focus('#issuer');
    const started = Date.now();
    const roundTrips = [];
    let typed = 0;
    while (await page.evaluate(() => /generating/.test(document.getElementById('gen-status').textContent))) {
      const t0 = performance.now();
      await page.keyboard.press(String.fromCharCode(97 + (typed % 26)));
      typed++;
      await page.waitForFunction((n) => document.getElementById('issuer').value.length >= n, typed, { polling: 'raf' });
      roundTrips.push(performance.now() - t0);
      if (Date.now() - started > 300_000) throw new Error('RSA-4096 generation did not end in 5 minutes');
    }
    const genSeconds = (Date.now() - started) / 1000;
    const delays = await page.evaluate(() => window.__delays);
    assert.ok(typed >= 5, `only ${typed} keys typed while the key was made (${genSeconds.toFixed(1)} s): too fast to measure`);
    assert.equal((await page.inputValue('#issuer')).length, typed);
    const report = {
      keys: typed,
      keygenSeconds: Number(genSeconds.toFixed(1)),
      inPageDelayMs: { p50: pct(delays, 50).toFixed(1), p95: pct(delays, 95).toFixed(1), max: Math.max(...delays).toFixed(1) },
      keypressToValueMs: { p50: pct(roundTrips, 50).toFixed(1), p95: pct(roundTrips, 95).toFixed(1), max: Math.max(...roundTrips).toFixed(1) },
    };
    t.diagnostic(`input latency during RSA-4096 keygen: ${JSON.stringify(report)}`);
    assert.ok(Math.max(...delays) < 200, `an input event waited ${Math.max(...delays).toFixed(0)} ms`);
    assert.ok(pct(roundTrips, 95) < 200, `keypress → value p95 ${pct(roundTrips, 95).toFixed(0)} ms`);
    await page.waitForFunction(() => /RSA 4096 bits/.test(document.getElementById('gen-status').textContent));
    await page.fill('#issuer', '');
  });

  await t.test('a share link carries the token in its fragment and restores it', async () => {
    await page.click('#tab-decode');
    await decodeToken(page, fx.good);
    await page.click('#share');
    const link = await page.inputValue('#share-link');
    assert.equal(link, `${server.base}/#v1:token=${fx.good}`);
    const other = await openPage(b.context, link);
    await other.waitForFunction(() => document.querySelector('#findings li'));
    assert.equal(await other.inputValue('#token'), fx.good);
    assert.equal(JSON.parse(await other.textContent('#claims-json')).sub, 'alice');
    await other.goto(`${server.base}/#v9:token=abc`);
    await other.waitForFunction(() => /share format v9/.test(document.getElementById('token-msg').textContent));
    assert.deepEqual(other.problems, []);
    await other.close();
  });

  await t.test('bad input gets an inline message', async () => {
    await page.click('#tab-verify');
    await page.fill('#keys', '{"keys": [{"kty": "RSA"}]}');
    await page.waitForFunction(() => /cannot be read: /.test(document.getElementById('keys-msg').textContent));
    await page.fill('#keys', fx.rsaPEM);
    await page.fill('#leeway', 'soon');
    let r = await verifyNow(page);
    assert.equal(r.code, 'input');
    assert.match(await page.textContent('#policy-msg'), /Leeway "soon" is not a duration/);
    await page.fill('#leeway', '30s');
    await page.evaluate(() => document.querySelectorAll('#algs input').forEach((b) => (b.checked = false)));
    r = await verifyNow(page);
    assert.match(await page.textContent('#policy-msg'), /Tick at least one algorithm/);
    await page.check('#algs input[value=RS256]');
    await page.click('#tab-make');
    await page.fill('#make-claims', '{"sub": ');
    assert.match(await page.textContent('#make-claims-msg'), /not JSON/);
    await page.fill('#make-header', '{"alg": "ES256", "x5u": "https://evil.example"}');
    assert.match(await page.textContent('#make-header-msg'), /remove "x5u"/);
    await page.fill('#make-key', 'not a key');
    await page.dispatchEvent('#make-key', 'change');
    await page.waitForFunction(() => /cannot be read/.test(document.getElementById('make-key-msg').textContent));
  });

  await t.test('the page asked for nothing but its own files and the URLs typed', async () => {
    const allowed = new Set(['/', '/index.html', '/style.css', '/app.mjs', '/worker.mjs', '/sw.js', '/manifest.webmanifest', '/icon.svg', '/icon-maskable.svg',
      '/js/jwtwasm.mjs', '/js/instance.mjs', '/js/pool.mjs', '/js/wasi.mjs', '/blob/jwtwasm.wasm',
      '/.well-known/jwks.json', '/.well-known/openid-configuration']);
    const strays = b.requests.filter((u) => {
      const url = new URL(u);
      if (url.origin === server.base) return !allowed.has(url.pathname);
      // The URL typed in the CORS test, and nothing else.
      return !(url.hostname === '127.0.0.1' && url.pathname === '/jwks.json');
    });
    assert.deepEqual(strays, []);
    const served = server.log.map((l) => l.split(' ')[1]).filter((p) => !allowed.has(p));
    assert.deepEqual(served, [], 'jwtwasm serve --log saw other requests');
    assert.deepEqual(page.problems, []);
  });

  await t.test('readable at phone width, and dark', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.click('#tab-decode');
    await decodeToken(page, fx.good);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    await shot('decode-phone-dark');
  });
});

test('the page works offline once loaded', { skip, timeout: 300_000 }, async (t) => {
  const fx = await fixtures();
  const server = await serve();
  t.after(() => server.stop());
  const b = await browser();
  t.after(() => b.close());
  const page = await openPage(b.context, `${server.base}/`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
  const cached = await page.evaluate(async () => (await (await caches.open('jwtwasm-inspector-v1')).keys()).length);
  assert.equal(cached, 13);
  // Cut the network, and stop the server too: nothing may come from it.
  await b.context.setOffline(true);
  await server.stop();
  await page.reload();
  await page.waitForFunction(() => /ready/.test(document.getElementById('status').textContent), null, { timeout: 60_000 });
  await decodeToken(page, fx.good);
  await page.click('#tab-verify');
  await page.fill('#keys', JSON.stringify(fx.jwks));
  await page.fill('#audience', 'orders-api');
  const r = await verifyNow(page);
  assert.equal(r.code, 'valid', r.text);
  assert.deepEqual(page.problems, []);
});
