// What the page's browser tests and measurements share: a real
// "jwtwasm serve" (built with go build, or $JWTWASM_BIN), headless Chromium
// with a fresh profile (Debian's, through playwright-core), and a log of
// every request the browser makes.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const skip = existsSync(chromiumPath) ? false : `no Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM)`;
export const outDir = path.join(repo, 'web/e2e/out');

let built;
/** The jwtwasm binary: $JWTWASM_BIN, or one go build makes once per process. */
export function binary() {
  if (process.env.JWTWASM_BIN) return process.env.JWTWASM_BIN;
  if (!built) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jwtwasm-web-'));
    built = path.join(dir, 'jwtwasm');
    execFileSync('go', ['build', '-o', built, './host/cmd/jwtwasm'], { cwd: repo, stdio: 'inherit' });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return built;
}

/**
 * Starts "jwtwasm serve --addr 127.0.0.1:0 --log" and resolves to
 * { base, demoToken, log (the request lines it printed), stop() }.
 */
export function serve() {
  const child = spawn(binary(), ['serve', '--addr', '127.0.0.1:0', '--log'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { log: [], stdout: '', stderr: '', child };
  child.stderr.setEncoding('utf8').on('data', (d) => {
    server.stderr += d;
    for (const line of d.split('\n')) if (/^[A-Z]+ \//.test(line)) server.log.push(line);
  });
  server.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  server.stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return server.exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`jwtwasm serve printed no URL in 60s:\n${server.stdout}${server.stderr}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      server.stdout += d;
      const url = /token inspector is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(server.stdout);
      const token = /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m.exec(server.stdout);
      if (url && token) {
        clearTimeout(timer);
        Object.assign(server, { base: url[1], demoToken: token[1] });
        resolve(server);
      }
    });
    server.exited.then(({ code }) => reject(new Error(`jwtwasm serve exited ${code}:\n${server.stderr}`)));
  });
}

/**
 * Launches Chromium with a fresh profile. Resolves to { context, requests,
 * close() }; requests holds every URL the browser asked for, from the page,
 * its workers and its service worker.
 */
export async function browser(options = {}) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'jwtwasm-web-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox'],
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  return {
    context,
    requests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens base in a new page and waits for the module to be ready. The page
 * object collects console errors, page errors and CSP violations in
 * page.problems.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => m.type() === 'error' && page.problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForFunction(() => /ready/.test(document.getElementById('status').textContent), null, { timeout: 60_000 });
  return page;
}

/** Fills the token box and waits for the module's findings. */
export async function decodeToken(page, token) {
  await page.fill('#token', token);
  await page.waitForFunction((t) => document.querySelector('#parts')?.textContent.startsWith(t.slice(0, 20)) && document.querySelector('#findings li'), token);
}

/** Clicks Verify and resolves to the result's code ("valid" or an error code) and text. */
export async function verifyNow(page) {
  await page.evaluate(() => {
    const r = document.getElementById('verify-result');
    r.hidden = true;
    delete r.dataset.code;
  });
  await page.click('#verify-btn');
  await page.waitForSelector('#verify-result[data-code]', { state: 'attached' });
  return page.evaluate(() => ({ code: document.getElementById('verify-result').dataset.code, text: document.getElementById('verify-result').textContent }));
}
