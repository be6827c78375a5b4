// The synchronous driver of one instance (instance.mjs) on the committed
// module: the same bytes the Go host embeds. Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Instance, Op, JwtwasmError, checkModule, codes } from './instance.mjs';
import { WASI } from './wasi.mjs';

const here = new URL('.', import.meta.url);
const module = await WebAssembly.compile(await readFile(new URL('../blob/jwtwasm.wasm', here)));
const m = await Instance.create(module);

test('a key made and a token signed in the module verify; a tampered one does not', () => {
  const key = m.call(Op.keygen, { alg: 'ES256', format: 'jwks' });
  assert.equal(key.kty, 'EC');
  const pub = m.call(Op.convertKeys, { keys: key.private, to: 'public-jwks' }).output;
  assert.ok(!pub.includes('"d"'), 'the public set has no private member');

  const now = Date.now();
  const claims = { iss: 'https://issuer.example', aud: 'api', sub: 'alice', exp: Math.floor(now / 1000) + 600, role: 'admin' };
  const { token } = m.call(Op.sign, { keys: key.private, claims });
  const { handle } = m.newVerifier(pub, { algorithms: ['ES256'], issuer: 'https://issuer.example', audiences: ['api'] });

  const ok = m.verify(handle, token, now);
  assert.equal(JSON.parse(ok.claims).sub, 'alice');
  assert.equal(ok.keyIndex, 0);
  assert.equal(JSON.parse(ok.header).alg, 'ES256');
  // The header and claims come back as the token carries them.
  assert.equal(ok.claims, Buffer.from(token.split('.')[1], 'base64url').toString());

  const [h, , s] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...claims, role: 'root' })).toString('base64url');
  assert.throws(() => m.verify(handle, `${h}.${forged}.${s}`, now),
    (e) => e instanceof JwtwasmError && e.code === 'bad_signature' && e.status === 7);
  assert.throws(() => m.verify(handle, token, now + 3600_000), (e) => e.code === 'expired');
  m.freeVerifier(handle);
  assert.throws(() => m.verify(handle, token, now), (e) => e.code === 'invalid_argument');
});

test('the RFC 7515 A.3 ES256 vector verifies at its time', async () => {
  const text = await readFile(new URL('../../core/testdata/vectors/rfc7515-a3-es256.txt', here), 'utf8');
  const key = /^key: (.*)$/m.exec(text)[1];
  const now = Number(/^now: (\d+)$/m.exec(text)[1]) * 1000;
  const token = text.trim().split('\n').at(-1);
  const { handle } = m.newVerifier(key, { algorithms: ['ES256'] });
  const res = m.verify(handle, token, now);
  assert.equal(JSON.parse(res.claims).iss, 'joe');
  const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
  assert.throws(() => m.verify(handle, flipped, now), (e) => e.code === 'bad_signature');
  m.freeVerifier(handle);
});

test('the input buffer grows for a long token and takes UTF-8', () => {
  const { handle } = m.newVerifier('{"kty":"oct","k":"b29vb29vb29vb29vb29vb29vb29vb29vb29vb29vb28"}', { algorithms: ['HS256'] });
  // Not base64url: malformed, but the bytes reached the module whole.
  for (const token of ['a.b.c', 'é'.repeat(20000), 'x'.repeat(40000)]) {
    assert.throws(() => m.verify(handle, token, Date.now()), (e) => e.code === 'malformed' || e.code === 'too_large', token.slice(0, 8));
  }
  assert.throws(() => m.verify(handle, 'x'.repeat(5 << 20)), (e) => e.code === 'too_large');
  assert.throws(() => m.verify(handle, 42), (e) => e.code === 'invalid_argument');
  m.freeVerifier(handle);
});

test('hostile calls are errors, not traps', () => {
  assert.throws(() => m.call(99, {}), (e) => e.code === 'invalid_argument');
  assert.throws(() => m.call(Op.verifierNew, { keys: '{}', policy: {}, bogus: 1 }), (e) => e.code === 'invalid_argument');
  assert.throws(() => m.newVerifier('{"keys":[]}', { algorithms: ['none'] }), JwtwasmError);
  assert.throws(() => m.verify(12345, 'a.b.c'), (e) => e.code === 'invalid_argument');
  assert.equal(m.broken, false);
  // The module still works afterwards.
  assert.equal(m.call(Op.thumbprint, { keys: '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}' }).keys.length, 1);
});

test('verifyJWS (op 11) checks a JWS whose payload is any bytes, without claim rules', () => {
  const key = m.call(Op.keygen, { alg: 'EdDSA', format: 'jwks' });
  const pub = m.call(Op.convertKeys, { keys: key.private, to: 'public-jwks' }).output;
  const payload = Buffer.from([0, 0xff, 0x22, 0x0a]);
  const { token } = m.call(Op.sign, { keys: key.private, payload: payload.toString('base64url') });
  // An issuer the payload does not carry: the JWS layer ignores claim rules.
  const { handle } = m.newVerifier(pub, { algorithms: ['EdDSA'], issuer: 'https://issuer.example' });
  const res = m.call(Op.verifyJWS, { handle, token });
  assert.deepEqual([...Buffer.from(res.payload, 'base64url')], [...payload]);
  assert.equal(res.kid, key.kid);
  assert.equal(res.key_index, 0);
  assert.throws(() => m.verify(handle, token, Date.now()), (e) => e.code === 'malformed');
  m.freeVerifier(handle);
});

test('a module without the ABI\'s exports is refused, naming what is missing', async () => {
  const empty = await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  assert.throws(() => checkModule(empty), (e) => e.code === 'invalid_argument' &&
    /func jwtwasm_verify_input\(i32, i64, i32\) -> i64/.test(e.message) && /memory/.test(e.message));
  await assert.rejects(Instance.create(empty), (e) => e.code === 'invalid_argument');
  assert.throws(() => checkModule(new Uint8Array(8)), (e) => e.code === 'invalid_argument');
});

test('a trap breaks the instance: every later call is internal', async () => {
  // A WASI whose random source fails once the module runs: keygen traps.
  let fail = false;
  class Failing extends WASI {
    imports() {
      const i = super.imports();
      const random = i.random_get;
      i.random_get = (...a) => {
        if (fail) throw new Error('no randomness');
        return random(...a);
      };
      return i;
    }
  }
  const inst = await Instance.create(module, { wasi: () => new Failing() });
  fail = true;
  assert.throws(() => inst.call(Op.keygen, { alg: 'ES256', format: 'jwk' }),
    (e) => e.code === 'internal' && /trapped: no randomness/.test(e.message));
  assert.equal(inst.broken, true);
  assert.throws(() => inst.call(Op.thumbprint, { keys: '{}' }), (e) => e.code === 'internal' && /trapped before/.test(e.message));
});

test('the code table is core/errors.go\'s, number for number', async () => {
  const src = await readFile(new URL('../../core/errors.go', here), 'utf8');
  // The constants in iota order, from CodeInternal (1) to codeEnd.
  const consts = /CodeInternal Code = iota \+ 1\n([\s\S]*?)\n\s*codeEnd\b/.exec(src);
  assert.ok(consts, 'core/errors.go declares CodeInternal = iota + 1 ... codeEnd');
  const order = ['CodeInternal', ...[...consts[1].matchAll(/^\s*(Code\w+)\s*$/gm)].map((x) => x[1])];
  const names = Object.fromEntries([...src.matchAll(/^\s*(Code\w+):\s*"(\w+)",$/gm)].map((x) => [x[1], x[2]]));
  assert.ok(order.length >= 22, `${order.length} codes`);
  assert.deepEqual(order.map((c) => names[c]), codes.slice(1));
  assert.equal(codes[0], undefined);
  assert.equal(codes[7], 'bad_signature');
});

// fake is a WebAssembly.Instance look-alike whose jwtwasm_call answers
// with the status and body given, and whose verify_input points where told.
function fake({ status = 0, body = '{}', verifyResult = [0, 0] } = {}) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const pack = (ptr, len) => (BigInt(ptr) << 32n) | BigInt(len);
  return {
    exports: {
      memory,
      jwtwasm_abi_version: () => 1,
      jwtwasm_alloc: () => 1024,
      jwtwasm_free: () => 0,
      jwtwasm_input: () => 4096,
      jwtwasm_call: () => {
        const bytes = new TextEncoder().encode(body);
        const out = new Uint8Array(memory.buffer, 2048, bytes.length + 1);
        out[0] = status;
        out.set(bytes, 1);
        return pack(2048, bytes.length + 1);
      },
      jwtwasm_verify_input: () => pack(...verifyResult),
    },
  };
}

test('a status this package does not know reads as internal, its number kept', () => {
  const inst = new Instance(fake({ status: 99, body: '{"message":"signing is not in this module"}' }));
  assert.throws(() => inst.call(Op.sign, {}), (e) => e instanceof JwtwasmError && e.code === 'internal' && e.status === 99 &&
    /answered code 99, which this package does not know: signing is not in this module/.test(e.message));
  assert.equal(inst.broken, false, 'an answer is not a trap');
});

test('a result outside the module\'s memory breaks the instance', () => {
  const inst = new Instance(fake({ verifyResult: [65530, 100] }));
  assert.throws(() => inst.verify(1, 'a.b.c', 1), (e) => e.code === 'internal' && /outside its memory/.test(e.message));
  assert.equal(inst.broken, true);
  const short = new Instance(fake({ verifyResult: [2048, 3] }));
  assert.throws(() => short.verify(1, 'a.b.c', 1), (e) => e.code === 'internal' && /shorter than its layout/.test(e.message));
});

test('a module of another ABI version is refused', () => {
  const f = fake();
  f.exports.jwtwasm_abi_version = () => 2;
  assert.throws(() => new Instance(f), (e) => e.code === 'invalid_argument' && /ABI version 2/.test(e.message));
});
