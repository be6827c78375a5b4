// Runs the driver against the real Chromium: --smoke must print one
// well-formed benchmark line per impl and algorithm, and a bad token that
// verifies must stop the run. Skipped only when Chromium is not installed.
// Run with: node --test bench/browser/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const run = fileURLToPath(new URL('run.mjs', import.meta.url));
const tokensFile = fileURLToPath(new URL('../testdata/tokens.json', import.meta.url));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(chromium) ? false : `no Chromium at ${chromium}: apt-get install chromium (or set CHROMIUM)`;
const impls = ['chromium-wasm', 'chromium-wasm-stdlib'];

// driver runs run.mjs and resolves to { code, stdout, stderr }.
function driver(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [run, '--chromium', chromium, ...args], { timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 'killed') : 0, stdout, stderr });
    });
  });
}

test('--smoke prints a line for every impl and algorithm', { skip, timeout: 180_000 }, async () => {
  const algs = Object.keys(JSON.parse(await readFile(tokensFile, 'utf8')));
  const { code, stdout, stderr } = await driver('--smoke', '--procs', '2');
  assert.equal(code, 0, stderr);
  for (const key of ['goos', 'goarch', 'pkg', 'cpu']) {
    assert.match(stdout, new RegExp(`^${key}: \\S`, 'm'), `the ${key} line`);
  }
  const lines = stdout.split('\n').filter((l) => l.startsWith('Benchmark'));
  const seen = new Set();
  for (const line of lines) {
    const m = /^BenchmarkVerify\/alg=([\w-]+?)\/impl=([\w-]+)-2\s+1\s+(\d+(?:\.\d+)?) ns\/op$/.exec(line);
    assert.ok(m, `malformed line ${JSON.stringify(line)}`);
    assert.ok(Number(m[3]) > 0, line);
    seen.add(`${m[1]} ${m[2]}`);
  }
  const want = algs.flatMap((a) => impls.map((i) => `${a} ${i}`));
  assert.deepEqual([...seen].sort(), want.sort());
  assert.equal(lines.length, want.length, 'one line each');
});

test('a bad token that verifies stops the run', { skip, timeout: 180_000 }, async (t) => {
  const tokens = JSON.parse(await readFile(tokensFile, 'utf8'));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'jwtwasm-browser-'));
  t.after(() => rm(dir, { recursive: true }));
  const file = path.join(dir, 'tokens.json');
  await writeFile(file, JSON.stringify({ ES256: { ...tokens.ES256, bad_token: tokens.ES256.token } }));
  const { code, stdout, stderr } = await driver('--smoke', '--tokens', file);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /chromium-wasm accepts the bad ES256 token/);
  assert.doesNotMatch(stdout, /^Benchmark/m);
});

test('a missing Chromium is an error that says how to install it', async () => {
  const { code, stderr } = await driver('--smoke', '--chromium', path.join(os.tmpdir(), 'no-such-chromium'));
  assert.equal(code, 1);
  assert.match(stderr, /apt-get install chromium/);
});
