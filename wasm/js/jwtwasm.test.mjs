// The package's promise API (jwtwasm.mjs) on the committed module: every
// operation, and bad input in each. Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as jw from './jwtwasm.mjs';
import { JwtwasmError, load } from './jwtwasm.mjs';
import { WASI } from './wasi.mjs';

const blobURL = new URL('../blob/jwtwasm.wasm', import.meta.url);
const bytes = await readFile(blobURL);
const keyFile = (name) => readFile(new URL(`../../core/testdata/keys/${name}`, import.meta.url), 'utf8');

// code asserts that a promise rejects with a JwtwasmError of that code
// and, if given, a message matching re.
const code = (promise, want, re) => assert.rejects(promise, (e) => {
  assert.ok(e instanceof JwtwasmError, `${e}`);
  assert.equal(e.code, want, e.message);
  if (re) assert.match(e.message, re);
  return true;
});

const nowSec = () => Math.floor(Date.now() / 1000);
const es = await jw.generateKeyPair('ES256', { kid: 'es-1' }); // loads the default module from ../blob
const claims = () => ({ iss: 'https://issuer.example', aud: 'api', sub: 'alice', iat: nowSec(), exp: nowSec() + 600, jti: 'j1', scope: 'read' });
const policy = { algorithms: ['ES256'], issuer: 'https://issuer.example', audience: 'api' };

test('generateKeyPair, sign and jwtVerify, as jose names them', async () => {
  assert.equal(es.kid, 'es-1');
  assert.equal(es.kty, 'EC');
  assert.equal(es.crv, 'P-256');
  assert.equal(es.privateKey.kty, 'EC');
  assert.ok(es.privateKey.d && !es.publicKey.d, 'the public key has no private member');
  assert.match(es.thumbprint, /^[\w-]{43}$/);

  const token = await jw.sign(claims(), es.privateKey);
  const res = await jw.jwtVerify(token, es.publicKey, policy);
  assert.equal(res.payload.sub, 'alice');
  assert.deepEqual(res.protectedHeader, { alg: 'ES256', kid: 'es-1', typ: 'JWT' });
  assert.equal(res.kid, 'es-1');
  assert.equal(res.keyIndex, 0);
  // A JWKS object, a JWK's JSON text and PEM are keys too.
  assert.equal((await jw.jwtVerify(token, { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'x' }, es.publicKey] }, policy)).keyIndex, 1);
  assert.equal((await jw.jwtVerify(token, JSON.stringify(es.publicKey), policy)).kid, 'es-1');
  const pem = await jw.exportPEM(es.publicKey);
  assert.equal((await jw.jwtVerify(token, pem, policy)).payload.jti, 'j1');
});

test('jwtVerify refuses what the policy refuses, with core\'s codes', async () => {
  const token = await jw.sign(claims(), es.privateKey);
  const rsa = await jw.exportJWK(await keyFile('rsa2048.pem'), { public: true });
  await code(jw.jwtVerify(token, { keys: [rsa, es.publicKey] }, { ...policy, algorithms: ['RS256'] }), 'alg_not_allowed');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, algorithms: ['RS256'] }), 'key_mismatch');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, issuer: 'https://other.example' }), 'bad_issuer');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, audience: ['web', 'app'] }), 'bad_audience');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, subject: 'bob' }), 'bad_subject');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, requiredClaims: ['nonce'] }), 'missing_claim');
  await code(jw.jwtVerify(token, es.publicKey, { algorithms: ['ES256'] }), 'bad_audience', /aud/);
  assert.equal((await jw.jwtVerify(token, es.publicKey, { algorithms: ['ES256'], ignoreAudience: true })).payload.aud, 'api');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, currentDate: new Date(Date.now() + 3600_000) }), 'expired');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, currentDate: new Date(Date.now() - 3600_000) }), 'issued_in_future');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, keyId: 'nope' }), 'invalid_argument');
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, require: ['scope~write'] }), 'forbidden');
  // A forbidden token verified: the error says whose it was.
  await assert.rejects(jw.jwtVerify(token, es.publicKey, { ...policy, require: ['scope~write'] }),
    (e) => e.code === 'forbidden' && e.payload.sub === 'alice' && e.kid === 'es-1' && e.keyIndex === 0 && e.protectedHeader.alg === 'ES256');
  // Several failures at once: every one is listed.
  await assert.rejects(jw.jwtVerify(token, es.publicKey, { ...policy, issuer: 'x', subject: 'bob' }),
    (e) => e.code === 'bad_issuer' && e.errors.map((x) => x.code).join() === 'bad_issuer,bad_subject');
});

test('clockTolerance and maxTokenAge take seconds or jose\'s duration text', async () => {
  const t = nowSec();
  const token = await jw.sign({ ...claims(), iat: t - 120, exp: t - 60 }, es.privateKey);
  await code(jw.jwtVerify(token, es.publicKey, policy), 'expired');
  for (const clockTolerance of [90, '90s', '2m', '2 minutes', '1.5 mins', '1h', '1d', '1w', '1y']) {
    assert.equal((await jw.jwtVerify(token, es.publicKey, { ...policy, clockTolerance })).payload.sub, 'alice', `${clockTolerance}`);
  }
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, clockTolerance: '30s' }), 'expired');
  const fresh = await jw.sign({ ...claims(), iat: t - 600 }, es.privateKey);
  await code(jw.jwtVerify(fresh, es.publicKey, { ...policy, maxTokenAge: '5m' }), 'expired');
  assert.ok(await jw.jwtVerify(fresh, es.publicKey, { ...policy, maxTokenAge: 3600 }));
  for (const bad of ['5 parsecs', '-5s', -1, '5s ago', NaN, Infinity, {}, '']) {
    await code(jw.jwtVerify(fresh, es.publicKey, { ...policy, clockTolerance: bad }), 'invalid_argument', /clockTolerance/);
  }
});

test('an unknown or unsupported option is refused, naming it', async () => {
  const token = await jw.sign(claims(), es.privateKey);
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, clockTolerence: 5 }), 'invalid_argument', /unknown option "clockTolerence"/);
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, typ: 'JWT' }), 'invalid_argument', /"typ" is not supported/);
  await code(jw.jwtVerify(token, es.publicKey, { issuer: 'x' }), 'invalid_argument', /algorithms/);
  await code(jw.jwtVerify(token, es.publicKey, { algorithms: [] }), 'invalid_argument', /algorithms/);
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, issuer: ['a', 'b'] }), 'invalid_argument', /one issuer/);
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, currentDate: Date.now() }), 'invalid_argument', /currentDate/);
  await code(jw.jwtVerify(token, es.publicKey, { ...policy, allowNoExpiry: 'yes' }), 'invalid_argument', /allowNoExpiry/);
  await code(jw.jwtVerify(token, es.publicKey, 'not options'), 'invalid_argument', /options must be an object/);
  await code(jw.createVerifier(es.publicKey, { ...policy, currentDate: new Date() }), 'invalid_argument', /unknown option "currentDate"/);
  await code(jw.sign(claims(), es.privateKey, { algorithm: 'ES256' }), 'invalid_argument', /unknown option "algorithm"/);
  await code(jw.generateKeyPair('ES256', { extractable: true }), 'invalid_argument', /"extractable"/);
  await code(jw.exportJWK(es.privateKey, { format: 'pem' }), 'invalid_argument', /"format"/);
  await code(jw.inspect(token, { verify: true }), 'invalid_argument', /"verify"/);
  await code(load(bytes, { pool: 2 }), 'invalid_argument', /unknown option "pool"/);
});

test('bad tokens, keys and key types are refused with the module\'s codes', async () => {
  const token = await jw.sign(claims(), es.privateKey);
  await code(jw.jwtVerify('not a token', es.publicKey, policy), 'malformed');
  await code(jw.jwtVerify('a.b.c', es.publicKey, policy), 'malformed');
  await code(jw.jwtVerify(token.slice(0, -4) + 'AAAA', es.publicKey, policy), 'bad_signature');
  await code(jw.jwtVerify(42, es.publicKey, policy), 'invalid_argument', /token/);
  // An RSA key for an ES256 token.
  const rsa = await keyFile('rsa2048.pem');
  await code(jw.jwtVerify(token, rsa, { ...policy, algorithms: ['ES256', 'RS256'] }), 'key_mismatch');
  // Bad key documents.
  await code(jw.jwtVerify(token, '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n', policy), 'invalid_key');
  await code(jw.jwtVerify(token, { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA' }] }, policy), 'invalid_key');
  await code(jw.jwtVerify(token, '{"keys": 7}', policy), 'invalid_key');
  await code(jw.jwtVerify(token, { keys: 'x' }, policy), 'invalid_argument', /JWKS/);
  await code(jw.jwtVerify(token, 17, policy), 'invalid_argument', /JWKS/);
  await code(jw.jwtVerify(token, [es.publicKey], policy), 'invalid_argument', /JWKS/);
  await code(jw.exportJWK('', {}), 'invalid_key');
});

test('createVerifier prepares once; its verify is the same verdict as jwtVerify\'s', async () => {
  const other = await jw.generateKeyPair('ES256', { kid: 'es-2' });
  const keys = { keys: [other.publicKey, es.publicKey] };
  const v = await jw.createVerifier(keys, policy);
  assert.deepEqual(v.kids, ['es-2', 'es-1']);
  const token = await jw.sign(claims(), es.privateKey);
  const a = await v.verify(token);
  const b = await jw.jwtVerify(token, v);
  const c = await jw.jwtVerify(token, keys, policy);
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
  assert.equal(a.kid, 'es-1');
  assert.equal(a.keyIndex, 1);
  await code(v.verify(token, { currentDate: new Date(Date.now() + 3600_000) }), 'expired');
  await code(jw.jwtVerify(token, v, { issuer: 'x' }), 'invalid_argument', /fixed by createVerifier/);
  await code(v.verify(token, { clockTolerance: 5 }), 'invalid_argument', /clockTolerance/);
  // Many at once: one instance serves them in turn.
  const all = await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
  assert.ok(all.every((r) => r.payload.sub === 'alice'));
  v.close();
  v.close(); // twice is fine
  await code(v.verify(token), 'invalid_argument', /closed/);
  await code(jw.createVerifier('{"keys":[]}', { algorithms: ['ES256'] }), 'invalid_key');
});

test('verifyJWS checks any bytes, without claim rules', async () => {
  const ed = await jw.generateKeyPair('EdDSA');
  const payload = new Uint8Array([0, 0xff, 0x22, 0x0a]);
  const token = await jw.sign(payload, ed.privateKey);
  const res = await jw.verifyJWS(token, ed.publicKey, { algorithms: ['EdDSA'] });
  assert.deepEqual([...res.payload], [...payload]);
  assert.equal(res.kid, ed.kid);
  assert.equal(res.protectedHeader.alg, 'EdDSA');
  assert.equal(res.protectedHeader.typ, undefined);
  const v = await jw.createVerifier(ed.publicKey, { algorithms: ['EdDSA'], issuer: 'https://issuer.example' });
  assert.deepEqual([...(await jw.verifyJWS(token, v)).payload], [...payload]);
  await code(v.verify(token), 'malformed');
  await code(jw.verifyJWS(token, ed.publicKey, { algorithms: ['ES256'] }), 'key_mismatch');
  await code(jw.verifyJWS(token, ed.publicKey, { algorithms: ['EdDSA'], issuer: 'x' }), 'invalid_argument', /"issuer"/);
  await code(jw.verifyJWS(token, v, { algorithms: ['EdDSA'] }), 'invalid_argument');
  await code(jw.verifyJWS(token.replace(/\.[^.]*$/, '.AAAA'), ed.publicKey, { algorithms: ['EdDSA'] }), 'bad_signature');
  await code(jw.sign('text', ed.privateKey), 'invalid_argument', /Uint8Array/);
  v.close();
});

test('createSigner prepares the key once; sign options set the header', async () => {
  const s = await jw.createSigner(es.privateKey);
  assert.equal(s.kid, 'es-1');
  const token = await s.sign(claims(), { kid: 'other', typ: 'at+jwt' });
  const { protectedHeader } = await jw.decode(token);
  assert.deepEqual(protectedHeader, { alg: 'ES256', kid: 'other', typ: 'at+jwt' });
  const same = await jw.sign(claims(), s, { kid: '' });
  assert.equal((await jw.decode(same)).protectedHeader.kid, undefined);
  await code(jw.sign(claims(), s, { passphrase: 'x' }), 'invalid_argument', /createSigner/);
  await code(s.sign(claims(), { alg: 'RS256' }), 'key_mismatch');
  s.close();
  await code(s.sign(claims()), 'invalid_argument', /closed/);
  await code(jw.createSigner(es.publicKey), 'invalid_key');
});

test('decode and inspect read a token without verifying it', async () => {
  const token = await jw.sign({ sub: 'alice', exp: nowSec() - 60 }, es.privateKey);
  const d = await jw.decode(token);
  assert.equal(d.payload.sub, 'alice');
  assert.equal(d.protectedHeader.kid, 'es-1');
  const i = await jw.inspect(token, { key: es.publicKey });
  assert.equal(i.claims.sub, 'alice');
  assert.equal(i.signatureSize, 64);
  assert.equal(i.dates[0].name, 'exp');
  assert.match(i.dates[0].relative, /expired/);
  assert.ok(i.findings.some((f) => f.code === 'no_aud'), JSON.stringify(i.findings));
  const jws = await jw.sign(new Uint8Array([1, 0xff, 3]), es.privateKey);
  assert.deepEqual([...(await jw.decode(jws)).payload], [1, 0xff, 3]);
  const ji = await jw.inspect(jws);
  assert.deepEqual([...ji.payload], [1, 0xff, 3]);
  assert.equal(ji.claims, undefined);
  assert.ok(ji.findings.some((f) => f.code === 'bad_claims'));
  await code(jw.decode('nope'), 'malformed');
  await code(jw.inspect(token, { currentDate: 'yesterday' }), 'invalid_argument', /currentDate/);
});

test('key conversion: JWK, JWKS, PEM, thumbprints', async () => {
  const jwk = await jw.exportJWK(es.privateKey);
  assert.equal(jwk.d, es.privateKey.d);
  const pub = await jw.exportJWK(es.privateKey, { public: true });
  assert.equal(pub.d, undefined);
  assert.equal(pub.x, es.publicKey.x);
  const set = await jw.exportJWKS(es.privateKey, { public: true });
  assert.deepEqual(set.keys, [pub]);
  const pem = await jw.exportPEM(es.privateKey);
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(await jw.exportPEM(es.privateKey, { pemFormat: 'sec1' }), /^-----BEGIN EC PRIVATE KEY-----\n/);
  const back = await jw.importPEM(pem);
  assert.equal(back.d, es.privateKey.d);
  assert.equal(back.x, es.privateKey.x);
  await code(jw.importPEM('{"kty":"EC"}'), 'invalid_argument', /PEM/);
  await code(jw.importPEM('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), 'invalid_key');
  await code(jw.exportPEM({ kty: 'oct', k: 'b29vb29vb29vb29vb29vb29vb29vb29vb29vb29vb28' }), 'invalid_argument', /HMAC/);
  await code(jw.exportPEM(es.privateKey, { pemFormat: 'pkcs9' }), 'invalid_argument');
  await code(jw.exportJWK({ keys: [es.publicKey, { ...es.publicKey, kid: 'b' }] }), 'invalid_argument', /2 keys/);

  // RFC 7638, section 3.1.
  const rfc = JSON.parse(await keyFile('rfc7638.jwk'));
  assert.equal(await jw.calculateJwkThumbprint(rfc), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  assert.equal(await jw.calculateJwkThumbprint(es.publicKey), es.thumbprint);
  await code(jw.calculateJwkThumbprint(rfc, 'sha384'), 'invalid_argument', /sha256/);
  const infos = await jw.thumbprints({ keys: [rfc, es.privateKey] });
  assert.deepEqual(infos.map((k) => [k.kid, k.kty, k.private]), [['2011-04-29', 'RSA', false], ['es-1', 'EC', true]]);
  await code(jw.calculateJwkThumbprint({ keys: [rfc, es.publicKey] }), 'invalid_argument', /2 keys/);
});

test('generateKeyPair: formats, types, bad requests', async () => {
  const pem = await jw.generateKeyPair('EdDSA', { format: 'pem' });
  assert.match(pem.privateKey, /^-----BEGIN PRIVATE KEY-----/);
  assert.match(pem.publicKey, /^-----BEGIN PUBLIC KEY-----/);
  const set = await jw.generateKeyPair('ES384', { format: 'jwks', use: 'sig' });
  assert.equal(set.privateKey.keys[0].crv, 'P-384');
  assert.equal(set.publicKey.keys[0].use, 'sig');
  const hs = await jw.generateKeyPair('HS256');
  assert.equal(hs.kty, 'oct');
  assert.equal(hs.publicKey, undefined, 'a secret has no public part');
  await code(jw.generateKeyPair('XX999'), 'invalid_argument');
  await code(jw.generateKeyPair('ES256', { format: 'der' }), 'invalid_argument', /format/);
  await code(jw.generateKeyPair('RS256', { modulusLength: 1024 }), 'invalid_argument', /2048/);
});

test('a passphrase decrypts a key once; a signer re-made elsewhere needs it no more', async () => {
  const made = await jw.generateKeyPair('ES256', { format: 'pem', passphrase: 'correct horse' });
  assert.match(made.privateKey, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  await code(jw.importPEM(made.privateKey, { passphrase: 'wrong' }), 'invalid_key');
  const s = await jw.createSigner(made.privateKey, { passphrase: 'correct horse' });
  const token = await s.sign(claims());
  assert.equal((await jw.jwtVerify(token, made.publicKey, policy)).payload.sub, 'alice');
  s.close();
});

test('the module loads from bytes, a Response, a Module, a URL or a path', async () => {
  const module = await WebAssembly.compile(bytes);
  const sources = {
    'Uint8Array': new Uint8Array(bytes),
    'ArrayBuffer': bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    'WebAssembly.Module': module,
    'Response (streaming)': new Response(bytes, { headers: { 'content-type': 'application/wasm' } }),
    'Response (no wasm type)': new Response(bytes),
    'Promise<Response>': Promise.resolve(new Response(bytes, { headers: { 'content-type': 'application/wasm' } })),
    'file URL': blobURL,
    'file URL text': blobURL.href,
    'path': fileURLToPath(blobURL),
  };
  for (const [name, source] of Object.entries(sources)) {
    const j = await load(source);
    assert.equal((await j.thumbprints(es.publicKey))[0].kid, 'es-1', name);
    assert.equal(j.instances, 1, name);
    j.close();
    await code(j.thumbprints(es.publicKey), 'invalid_argument', /closed/);
  }
  await code(load(new Uint8Array([1, 2, 3])), 'invalid_argument', /not a WebAssembly module/);
  await code(load(new Response('no', { status: 404 })), 'invalid_argument', /HTTP 404/);
  await code(load(42), 'invalid_argument', /not bytes/);
  await code(load(new URL('file:///no/such/jwtwasm.wasm')), 'invalid_argument', /reading the module/);
  await code(load(await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))), 'invalid_argument', /not a jwtwasm module/);
  await code(load(bytes, { poolSize: 0 }), 'invalid_argument', /poolSize/);
  // init replaces the module the exported functions use.
  const j = await jw.init(module);
  assert.ok(j instanceof jw.Jwtwasm);
  assert.equal(await jw.calculateJwkThumbprint(es.publicKey), es.thumbprint);
});

test('a verify-only module first, the full one on demand (load\'s full option)', async () => {
  // The full module cannot load: signing fails; verifying never needs it.
  const j = await load(bytes, { full: new Response('gone', { status: 410 }) });
  const token = await jw.sign(claims(), es.privateKey);
  assert.equal((await j.jwtVerify(token, es.publicKey, policy)).payload.sub, 'alice');
  assert.ok(await j.inspect(token));
  await code(j.sign(claims(), es.privateKey), 'invalid_argument', /HTTP 410/);
  await code(j.generateKeyPair('ES256'), 'invalid_argument', /HTTP 410/);
  await code(j.exportJWK(es.privateKey), 'invalid_argument', /HTTP 410/);
  // A full module that loads serves them.
  const k = await load(bytes, { full: bytes });
  const s = await k.createSigner(es.privateKey);
  assert.equal((await k.jwtVerify(await s.sign(claims()), es.publicKey, policy)).kid, 'es-1');
  assert.equal((await k.generateKeyPair('EdDSA')).kty, 'OKP');
});

test('after a trap the pool makes a new instance, and a verifier is re-made there', async () => {
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
  const j = await load(bytes, { wasi: () => new Failing() });
  const v = await j.createVerifier(es.publicKey, policy);
  const token = await jw.sign(claims(), es.privateKey);
  assert.equal((await v.verify(token)).kid, 'es-1');
  fail = true;
  await code(j.generateKeyPair('ES256'), 'internal', /trapped/);
  assert.equal(j.instances, 0, 'the broken instance is gone');
  fail = false;
  assert.equal((await v.verify(token)).kid, 'es-1', 'the verifier, made again in the new instance');
  assert.equal(j.instances, 1);
  v.close();
});
