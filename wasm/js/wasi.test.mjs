// The WASI shim under Node: no browser needed. Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { WASI, WasiExit, Errno } from './wasi.mjs';

const bytes = await readFile(new URL('../blob/jwtwasm.wasm', import.meta.url));
const module = await WebAssembly.compile(bytes);

test('the shim provides every import the module declares', () => {
  const provided = new WASI().getImportObject();
  for (const imp of WebAssembly.Module.imports(module)) {
    assert.equal(imp.module, 'wasi_snapshot_preview1', `import ${imp.module}.${imp.name}`);
    assert.equal(typeof provided.wasi_snapshot_preview1[imp.name], 'function', `import ${imp.name}`);
  }
});

test('the module initialises under the shim and makes a key', async () => {
  const wasi = new WASI({ version: 'preview1', args: [], env: {} });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  wasi.initialize(instance);
  const x = instance.exports;
  assert.equal(x.jwtwasm_abi_version(), 1);

  // keygen (op 5) needs random_get and the clock.
  const req = new TextEncoder().encode(JSON.stringify({ alg: 'ES256', format: 'jwks' }));
  const ptr = x.jwtwasm_alloc(req.length);
  new Uint8Array(x.memory.buffer, ptr, req.length).set(req);
  const packed = BigInt.asUintN(64, x.jwtwasm_call(5, ptr, req.length));
  x.jwtwasm_free(ptr);
  const out = new Uint8Array(x.memory.buffer, Number(packed >> 32n), Number(packed & 0xffffffffn));
  assert.equal(out[0], 0, new TextDecoder().decode(out.subarray(1)));
  assert.equal(JSON.parse(new TextDecoder().decode(out.subarray(1))).kty, 'EC');
});

// A shim over a bare memory, to call imports one by one.
function bare() {
  const wasi = new WASI();
  wasi.memory = new WebAssembly.Memory({ initial: 4 });
  return { wasi, imports: wasi.imports(), view: () => new DataView(wasi.memory.buffer) };
}

test('random_get fills more than one getRandomValues chunk', () => {
  const { wasi, imports } = bare();
  const len = 3 * 65536 + 17;
  assert.equal(imports.random_get(8, len), Errno.SUCCESS);
  const got = new Uint8Array(wasi.memory.buffer, 8, len);
  for (const at of [0, 65536, 2 * 65536, 3 * 65536]) {
    assert.ok(got.subarray(at, at + 16).some((b) => b !== 0), `bytes at ${at} are random`);
  }
  assert.equal(new Uint8Array(wasi.memory.buffer)[8 + len], 0, 'nothing past the end');
});

test('clock_time_get: the wall clock is Unix time, the monotonic one does not go back', () => {
  const { imports, view } = bare();
  assert.equal(imports.clock_time_get(0, 0n, 0), Errno.SUCCESS);
  const wall = Number(view().getBigUint64(0, true) / 1_000_000n);
  assert.ok(Math.abs(wall - Date.now()) < 1000, `wall clock ${wall} ms, Date.now() ${Date.now()}`);
  imports.clock_time_get(1, 0n, 0);
  const a = view().getBigUint64(0, true);
  imports.clock_time_get(1, 0n, 0);
  assert.ok(view().getBigUint64(0, true) >= a);
  assert.equal(imports.clock_time_get(2, 0n, 0), Errno.INVAL);
});

test('without performance.timeOrigin the wall clock is Date.now()', (t) => {
  const { imports, view } = bare();
  t.mock.getter(performance, 'timeOrigin', () => 0);
  t.mock.method(Date, 'now', () => 1_700_000_000_123);
  assert.equal(imports.clock_time_get(0, 0n, 0), Errno.SUCCESS);
  assert.equal(view().getBigUint64(0, true), 1_700_000_000_123_000_000n);
});

test('poll_oneoff waits for a relative clock subscription', () => {
  const { imports, view } = bare();
  const v = view();
  v.setBigUint64(0, 42n, true); // userdata
  v.setUint8(8, 0); // clock
  v.setUint32(16, 1, true); // monotonic
  v.setBigUint64(24, 2_000_000n, true); // 2 ms
  const start = performance.now();
  assert.equal(imports.poll_oneoff(0, 64, 1, 128), Errno.SUCCESS);
  assert.ok(performance.now() - start >= 2);
  assert.equal(v.getUint32(128, true), 1);
  assert.equal(v.getBigUint64(64, true), 42n);
  assert.equal(v.getUint16(64 + 8, true), Errno.SUCCESS);
});

test('fd_write writes whole lines to the console; files do not exist', (t) => {
  const { wasi, imports, view } = bare();
  const lines = [];
  t.mock.method(console, 'error', (line) => lines.push(line));
  const text = new TextEncoder().encode('panic: one\ntwo');
  new Uint8Array(wasi.memory.buffer).set(text, 64);
  view().setUint32(0, 64, true);
  view().setUint32(4, text.length, true);
  assert.equal(imports.fd_write(2, 0, 1, 16), Errno.SUCCESS);
  assert.equal(view().getUint32(16, true), text.length);
  assert.deepEqual(lines, ['panic: one']);
  assert.equal(imports.fd_write(7, 0, 1, 16), Errno.BADF);
  assert.equal(imports.fd_prestat_get(3, 0), Errno.BADF);
  assert.equal(imports.path_open(3), Errno.BADF);
  assert.throws(() => imports.proc_exit(3), (e) => e instanceof WasiExit && e.code === 3);
});
