// Runs the committed module under Node's node:wasi: the same bytes the Go
// host embeds. Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { load, Op, JwtwasmError } from './jwtwasm.mjs';

const here = new URL('.', import.meta.url);
const bytes = await readFile(new URL('../blob/jwtwasm.wasm', here));
const m = await load(bytes);

test('a key made and a token signed in the module verify; a tampered one does not', () => {
  const key = m.call(Op.keygen, { alg: 'ES256', format: 'jwks' });
  assert.equal(key.kty, 'EC');
  const pub = m.call(Op.convertKeys, { keys: key.private, to: 'public-jwks' }).output;
  assert.ok(!pub.includes('"d"'), 'the public set has no private member');

  const now = Date.now();
  const claims = { iss: 'https://issuer.example', aud: 'api', sub: 'alice', exp: Math.floor(now / 1000) + 600, role: 'admin' };
  const { token } = m.call(Op.sign, { keys: key.private, claims });
  const handle = m.newVerifier(pub, { algorithms: ['ES256'], issuer: 'https://issuer.example', audiences: ['api'] });

  const ok = m.verify(handle, token);
  assert.equal(ok.claims.sub, 'alice');
  assert.equal(ok.kid, key.kid);
  assert.equal(ok.header.alg, 'ES256');

  const [h, , s] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...claims, role: 'root' })).toString('base64url');
  assert.throws(() => m.verify(handle, `${h}.${forged}.${s}`),
    (e) => e instanceof JwtwasmError && e.code === 'bad_signature');
  assert.throws(() => m.verify(handle, token, now + 3600_000),
    (e) => e.code === 'expired');
  m.freeVerifier(handle);
  assert.throws(() => m.verify(handle, token), (e) => e.code === 'invalid_argument');
});

test('the RFC 7515 A.3 ES256 vector verifies at its time', async () => {
  const text = await readFile(new URL('../../core/testdata/vectors/rfc7515-a3-es256.txt', here), 'utf8');
  const key = /^key: (.*)$/m.exec(text)[1];
  const now = Number(/^now: (\d+)$/m.exec(text)[1]) * 1000;
  const token = text.trim().split('\n').at(-1);
  const handle = m.newVerifier(key, { algorithms: ['ES256'] });
  const res = m.verify(handle, token, now);
  assert.equal(res.claims.iss, 'joe');
  const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
  assert.throws(() => m.verify(handle, flipped, now), (e) => e.code === 'bad_signature');
});

test('hostile calls are errors, not traps', () => {
  assert.throws(() => m.call(99, {}), (e) => e.code === 'invalid_argument');
  assert.throws(() => m.call(Op.verifierNew, { keys: '{}', policy: {}, bogus: 1 }), (e) => e.code === 'invalid_argument');
  assert.throws(() => m.newVerifier('{"keys":[]}', { algorithms: ['none'] }), JwtwasmError);
  assert.throws(() => m.verify(12345, 'a.b.c'), (e) => e.code === 'invalid_argument');
  // The module still works afterwards.
  assert.equal(m.call(Op.thumbprint, { keys: '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}' }).keys.length, 1);
});

test('verifyJWS checks a JWS whose payload is any bytes, without claim rules', () => {
  const key = m.call(Op.keygen, { alg: 'EdDSA', format: 'jwks' });
  const pub = m.call(Op.convertKeys, { keys: key.private, to: 'public-jwks' }).output;
  const payload = Buffer.from([0, 0xff, 0x22, 0x0a]);
  const { token } = m.call(Op.sign, { keys: key.private, payload: payload.toString('base64url') });
  // An issuer the payload does not carry: the JWS layer ignores claim rules.
  const handle = m.newVerifier(pub, { algorithms: ['EdDSA'], issuer: 'https://issuer.example' });
  const res = m.verifyJWS(handle, token);
  assert.deepEqual([...res.payload], [...payload]);
  assert.equal(res.kid, key.kid);
  assert.equal(res.keyIndex, 0);
  assert.equal(res.header.alg, 'EdDSA');
  assert.throws(() => m.verify(handle, token), (e) => e.code === 'malformed');

  const [h, p, s] = token.split('.');
  const other = Buffer.from('other').toString('base64url');
  assert.throws(() => m.verifyJWS(handle, `${h}.${other}.${s}`), (e) => e.code === 'bad_signature');
  assert.throws(() => m.verifyJWS(handle, `${h}.${p}`), (e) => e.code === 'malformed');
  m.freeVerifier(handle);
  assert.throws(() => m.verifyJWS(handle, token), (e) => e.code === 'invalid_argument');
});
