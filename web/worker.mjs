// The page's Web Worker: the jwtwasm module runs here, off the page's
// thread, so that an RSA-4096 key generation never freezes typing. The page
// starts two of these (one decodes and verifies, one makes keys and tokens)
// and talks to each with messages { id, op, args } → { id, ok, value } or
// { id, ok: false, code, message, errors }: a JwtwasmError loses its class
// in postMessage, so its code and message cross as plain data.

import { load } from './js/jwtwasm.mjs';

// The module this worker loads. A smaller verify-only module (same ABI) is a
// change to this one line: { source: 'blob/jwtwasm-verify.wasm', full:
// 'blob/jwtwasm.wasm' } (signing, key generation and conversion then load
// the full module on first use). Relative URLs resolve against this file.
const MODULE = { source: 'blob/jwtwasm.wasm', full: undefined };

const ready = load(MODULE.source, { full: MODULE.full });

// currentDate turns the page's "as of" (milliseconds, or null) into a Date.
const currentDate = (ms) => (ms == null ? undefined : new Date(ms));

const ops = {
  // ready resolves once the module is compiled and instantiated.
  async ready() {
    await ready;
    return true;
  },
  async inspect(jw, token, asOf) {
    return jw.inspect(token, { currentDate: currentDate(asOf) });
  },
  async keys(jw, keys) {
    return jw.thumbprints(keys);
  },
  async verify(jw, token, keys, options, asOf) {
    return jw.jwtVerify(token, keys, { ...options, currentDate: currentDate(asOf) });
  },
  async generate(jw, alg, options) {
    const pair = await jw.generateKeyPair(alg, options);
    return { ...(await exportAll(jw, pair.privateKey)), kid: pair.kid, kty: pair.kty, bits: pair.bits, crv: pair.crv };
  },
  async exportAll(jw, keys) {
    return exportAll(jw, keys);
  },
  async sign(jw, claims, keys, options) {
    return jw.sign(claims, keys, options);
  },
  // bench times n verifications of token with a verifier prepared once
  // (the measurement scripts use it; the page does not).
  async bench(jw, token, keys, options, n) {
    const v = await jw.createVerifier(keys, options);
    try {
      await v.verify(token);
      const start = performance.now();
      for (let i = 0; i < n; i++) await v.verify(token);
      return (performance.now() - start) / n;
    } finally {
      v.close();
    }
  },
};

// exportAll writes one private key document in every form the page offers.
async function exportAll(jw, keys) {
  const privateJWK = await jw.exportJWK(keys);
  const publicJWKS = await jw.exportJWKS(keys, { public: true });
  return {
    privatePEM: await jw.exportPEM(keys),
    publicPEM: await jw.exportPEM(publicJWKS.keys[0]),
    privateJWK,
    publicJWKS,
  };
}

onmessage = async ({ data: { id, op, args } }) => {
  try {
    const fn = ops[op];
    if (!fn) throw Object.assign(new Error(`unknown operation ${op}`), { code: 'internal' });
    const value = op === 'ready' ? await fn() : await fn(await ready, ...args);
    postMessage({ id, ok: true, value });
  } catch (err) {
    postMessage({
      id,
      ok: false,
      code: err?.code ?? 'internal',
      message: err?.message ?? String(err),
      errors: err?.errors,
    });
  }
};
