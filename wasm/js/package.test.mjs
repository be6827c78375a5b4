// The package as a package: its exports map resolves by name, every file
// it lists exists, and each entry point's .d.ts declares exactly what the
// module exports. Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const here = new URL('.', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', here), 'utf8'));

test('package.json: an ES module package with types first in every export', () => {
  assert.equal(pkg.type, 'module');
  assert.match(pkg.name, /^@jwtwasm\//);
  assert.ok(pkg.engines?.node, 'engines.node');
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    assert.deepEqual(Object.keys(target), ['types', 'default'], `${entry}: "types" must come first`);
    for (const file of Object.values(target)) {
      assert.ok(existsSync(new URL(file, here)), `${entry}: ${file} exists`);
      assert.ok(pkg.files.includes(file.replace(/^\.\//, '')), `${entry}: ${file} is in "files"`);
    }
  }
  for (const file of pkg.files) assert.ok(existsSync(new URL(file, here)), `${file} exists`);
});

test('the package loads by its name, through its exports map', async () => {
  // Self-reference: a module inside a package with "exports" may import
  // the package by name.
  assert.equal(await import(pkg.name), await import('./jwtwasm.mjs'));
  assert.equal(await import(`${pkg.name}/instance`), await import('./instance.mjs'));
  assert.equal(await import(`${pkg.name}/wasi`), await import('./wasi.mjs'));
  await assert.rejects(import(`${pkg.name}/pool.mjs`), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  const { jwtVerify, JwtwasmError } = await import(pkg.name);
  await assert.rejects(jwtVerify('a.b.c', '{"kty":"EC"}', { algorithms: ['ES256'] }), (e) => e instanceof JwtwasmError);
});

// declared lists the value names a .d.ts exports (not types and
// interfaces, which have no runtime counterpart).
function declared(dts) {
  const names = new Set();
  for (const m of dts.matchAll(/^export declare (?:const|function|class|let|var) (\w+)/gm)) names.add(m[1]);
  for (const m of dts.matchAll(/^export \{([^}]*)\} from/gm)) {
    for (const n of m[1].split(',')) names.add(n.trim().split(/\s+as\s+/).at(-1));
  }
  return names;
}

for (const [entry, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  test(`${entry}: the .d.ts declares every export, and nothing else`, async () => {
    const dts = await readFile(new URL(target.types, here), 'utf8');
    const want = new Set(Object.keys(await import(new URL(target.default, here))));
    const got = declared(dts);
    assert.deepEqual([...want].filter((n) => !got.has(n)), [], `exported by ${target.default}, not declared in ${target.types}`);
    assert.deepEqual([...got].filter((n) => !want.has(n)), [], `declared in ${target.types}, not exported by ${target.default}`);
  });
}
