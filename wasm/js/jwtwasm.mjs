// jwtwasm for JavaScript: the jwtwasm module (wasm/blob/jwtwasm.wasm) in
// browsers, Web Workers, Node and edge runtimes, behind a promise API whose
// names follow panva's jose where the operation is the same.
//
// Most users need two calls:
//
//   - jwtVerify(token, keys, { algorithms, issuer, audience, ... }) checks a
//     JWT once: { payload, protectedHeader, kid, keyIndex };
//   - createVerifier(keys, options) prepares the keys and the policy once;
//     its verify(token) is then one call into the module per token.
//
// The module loads on first use: in Node from ../blob/jwtwasm.wasm beside
// this file, elsewhere by fetching that URL. init(source) loads it from
// bytes, a Response, a WebAssembly.Module or a URL instead (an edge runtime
// that compiles no code at run time wants the Module). load(source) makes a
// second, independent copy.
//
// # Errors
//
// Every failure rejects with a JwtwasmError whose `code` is one of core's
// stable names (`codes`): "expired", "bad_signature", ... Decide by code,
// never by message. An option this package does not know is refused
// ("invalid_argument", naming it), never ignored.
//
// # Notes
//
//   - One WASI shim (wasi.mjs) serves every runtime, Node included, rather
//     than node:wasi or a package such as @bjorn3/browser_wasi_shim: it is
//     ours, small (the 18 imports the module declares), needs nothing but
//     crypto.getRandomValues, performance and console, adds no dependency
//     and prints no ExperimentalWarning. It is not slower than node:wasi
//     for verify: measured 2026-12-04 in Node 20 on 2 shared cores (load
//     ~8), one prepared verifier per WASI, verify_input alternating in 15
//     rounds of 3000-5000, best round shim / node:wasi: ES256 249 / 249 µs,
//     RS256 155 / 162 µs, EdDSA 758 / 809 µs; the median per-round ratio
//     was 0.95-1.03, within the noise. The hot path hardly reaches WASI:
//     2000 ES256 verifies called one import, clock_time_get, 12 times.
//   - Instances are pooled (pool.mjs): poolSize (default 1) instances at
//     most. Guest calls are synchronous, so one thread gains nothing from a
//     second instance; run this package in several Workers for
//     parallelism.
//   - A prepared Verifier or Signer lives in every instance that has used
//     it: made in the first, it is re-made in another from the plain JWKS
//     the module returned (return_keys), so a passphrase's KDF runs once.
//     close() frees it in every instance; one that is garbage collected is
//     freed then.

import { Instance, JwtwasmError, Op, codes, invalid } from './instance.mjs';
import { Pool } from './pool.mjs';

export { JwtwasmError, codes };

// ---- loading -------------------------------------------------------------------

/** Where the module is unless init or load says otherwise. */
const defaultModuleURL = () => new URL('../blob/jwtwasm.wasm', import.meta.url);

// compile turns any source the API takes into a WebAssembly.Module.
async function compile(source) {
  source = await source;
  if (source === undefined) source = defaultModuleURL();
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string') source = await urlOf(source);
  if (source instanceof URL) {
    if (source.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      source = await readFile(source).catch((err) => invalid(`reading the module: ${err.message}`));
    } else {
      source = await fetch(source);
    }
  }
  try {
    if (typeof Response !== 'undefined' && source instanceof Response) {
      if (!source.ok) invalid(`fetching the module: HTTP ${source.status} from ${source.url || 'a Response'}`);
      // compileStreaming compiles as the bytes arrive, but only a body
      // served as application/wasm.
      const type = source.headers.get('content-type') ?? '';
      if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\b/i.test(type)) {
        return await WebAssembly.compileStreaming(source);
      }
      return await WebAssembly.compile(await source.arrayBuffer());
    }
    if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return await WebAssembly.compile(source);
  } catch (err) {
    if (err instanceof JwtwasmError) throw err;
    invalid(`the source is not a WebAssembly module: ${err.message}`);
  }
  return invalid('the module source is not bytes, a Response, a WebAssembly.Module or a URL');
}

// urlOf reads a string as a URL: relative to the page (or worker) in a
// browser; in Node, an absolute URL or else a file path.
async function urlOf(text) {
  if (globalThis.location?.href) return new URL(text, globalThis.location.href);
  try {
    return new URL(text);
  } catch {
    const { pathToFileURL } = await import('node:url');
    return pathToFileURL(text);
  }
}

// Operations the full module has and a verify-only one may not (it answers
// them with "unsupported"): with load's `full` option they run there.
const FULL_OPS = new Set([Op.sign, Op.keygen, Op.convertKeys, Op.signerNew, Op.signerFree]);

const LOAD_OPTIONS = ['poolSize', 'full', 'wasi'];

/**
 * A loaded module: a pool of its instances and every operation. The
 * functions this file exports run on the default one (init).
 */
export class Jwtwasm {
  #pool;
  #full; // undefined, or { source, pool?: Promise<Pool> } for FULL_OPS
  #options;

  /** Use load or init. */
  constructor(key, pool, full, options) {
    if (key !== secret) invalid('use load(source) or init(source) to make a Jwtwasm');
    this.#pool = pool;
    this.#full = full;
    this.#options = options;
  }

  /** The instances alive in the pool (for tests and monitoring). */
  get instances() {
    return this.#pool.size;
  }

  // poolFor returns the pool that serves op: the full module's for
  // FULL_OPS when load had a `full` source (made on first use).
  #poolFor(op) {
    if (!this.#full || !FULL_OPS.has(op)) return this.#pool;
    this.#full.pool ??= makePool(this.#full.source, this.#options).catch((err) => {
      this.#full.pool = undefined; // the next call tries again
      throw err;
    });
    return this.#full.pool;
  }

  // run runs fn(instance) in the pool that serves op.
  async #run(op, fn) {
    return (await this.#poolFor(op)).run(fn);
  }

  // call runs one operation in a pool instance.
  #call(op, request) {
    return this.#run(op, (inst) => inst.call(op, request));
  }

  /**
   * Verifies a JWT: its signature with keys (a JWKS, a JWK, PEM, or a
   * Verifier) and its claims with the options' policy. Resolves to
   * { payload, protectedHeader, kid, keyIndex }.
   */
  async jwtVerify(token, keys, options = {}) {
    checkToken(token);
    if (keys instanceof Verifier) {
      checkOptions(options, ['currentDate'], 'jwtVerify with a Verifier (its policy was fixed by createVerifier)');
      return keys.verify(token, options);
    }
    checkOptions(options, [...VERIFY_OPTIONS, 'currentDate'], 'jwtVerify');
    const { request, now } = verifierRequest(keys, options, true);
    return this.#run(Op.verifierNew, (inst) => {
      const { handle } = inst.call(Op.verifierNew, request);
      try {
        const res = inst.call(Op.verify, { handle, token, now: nowMillis(now) });
        return { payload: res.claims, protectedHeader: res.header, kid: res.kid, keyIndex: res.key_index };
      } finally {
        inst.freeVerifier(handle);
      }
    });
  }

  /**
   * Prepares keys and a policy once (jwtVerify's options, but no
   * currentDate): the Verifier's verify(token) is one guest call.
   */
  async createVerifier(keys, options = {}) {
    checkOptions(options, VERIFY_OPTIONS, 'createVerifier');
    const { request } = verifierRequest(keys, options, false);
    const v = new Verifier(secret, this.#pool, request);
    await this.#pool.run((inst) => v.handleIn(inst)); // fail now, not at the first token
    return v;
  }

  /**
   * Verifies a compact JWS whose payload is any bytes: algorithm, crit, key
   * and signature, no claim rules. Resolves to
   * { payload (Uint8Array), protectedHeader, kid, keyIndex }.
   */
  async verifyJWS(token, keys, options = {}) {
    checkToken(token);
    if (keys instanceof Verifier) {
      checkOptions(options, [], 'verifyJWS with a Verifier');
      return keys.verifyJWS(token);
    }
    checkOptions(options, JWS_OPTIONS, 'verifyJWS');
    const { request } = verifierRequest(keys, options, false);
    return this.#run(Op.verifierNew, (inst) => {
      const { handle } = inst.call(Op.verifierNew, request);
      try {
        return jwsResult(inst.call(Op.verifyJWS, { handle, token }));
      } finally {
        inst.freeVerifier(handle);
      }
    });
  }

  /**
   * Reads a token without verifying it: { protectedHeader, payload }, the
   * payload an object for a JWT, otherwise a Uint8Array. Trust nothing in it.
   */
  async decode(token) {
    checkToken(token);
    const res = await this.#call(Op.inspect, { token });
    return { protectedHeader: res.header, payload: res.claims ?? payloadBytes(token) };
  }

  /**
   * Reads a token as the command's inspect does: its header, claims, dates
   * and findings (problems a verifier would refuse or a reader should
   * see); with key, whether its signature verifies.
   */
  async inspect(token, options = {}) {
    checkToken(token);
    checkOptions(options, ['key', 'passphrase', 'currentDate', 'maxTokenSize'], 'inspect');
    const req = { token };
    if (options.key !== undefined) req.key = keyDocument(options.key, 'key');
    if (options.passphrase !== undefined) req.passphrase = str(options.passphrase, 'passphrase');
    if (options.currentDate !== undefined) req.now = nowMillis(dateOf(options.currentDate));
    if (options.maxTokenSize !== undefined) req.max_size = positiveInt(options.maxTokenSize, 'maxTokenSize');
    const res = await this.#call(Op.inspect, req);
    const out = { header: res.header, signatureSize: res.signature_size, dates: res.dates, findings: res.findings };
    if (res.claims !== undefined) out.claims = res.claims;
    if (res.claims === undefined) out.payload = payloadBytes(token);
    return out;
  }

  /**
   * Signs payload with the active key of keys (a key document or a
   * Signer): an object is signed as JWT claims (typ JWT), a Uint8Array as
   * a JWS. Resolves to the compact token.
   */
  async sign(payload, keys, options = {}) {
    checkOptions(options, ['alg', 'kid', 'typ', 'passphrase', 'allowWeakKeys'], 'sign');
    if (keys instanceof Signer) {
      if (options.passphrase !== undefined) invalid('sign: a Signer has its key already; passphrase belongs to createSigner');
      return keys.sign(payload, options);
    }
    const req = signRequest(payload, options);
    req.keys = keyDocument(keys);
    if (options.passphrase !== undefined) req.passphrase = str(options.passphrase, 'passphrase');
    return (await this.#call(Op.sign, req)).token;
  }

  /**
   * Prepares the active key of keys once: the Signer's sign(payload) skips
   * parsing (and a passphrase's KDF) on every token.
   */
  async createSigner(keys, options = {}) {
    checkOptions(options, ['passphrase'], 'createSigner');
    const req = { keys: keyDocument(keys) };
    if (options.passphrase !== undefined) req.passphrase = str(options.passphrase, 'passphrase');
    const s = new Signer(secret, await this.#poolFor(Op.signerNew), req);
    await s.ready();
    return s;
  }

  /**
   * Makes a key: alg (e.g. "ES256") picks its type, or options.kty does.
   * Resolves to { privateKey, publicKey, kid, kty, bits, crv, thumbprint },
   * the keys as JWK objects (format "jwk", the default), JWKS objects
   * ("jwks") or PEM text ("pem"); publicKey is undefined for a secret.
   */
  async generateKeyPair(alg, options = {}) {
    checkOptions(options, ['kty', 'modulusLength', 'crv', 'kid', 'use', 'format', 'pemFormat', 'passphrase'], 'generateKeyPair');
    const format = options.format ?? 'jwk';
    if (!['jwk', 'jwks', 'pem'].includes(format)) invalid(`generateKeyPair: format ${JSON.stringify(format)}: want "jwk", "jwks" or "pem"`);
    const req = { format };
    if (alg !== undefined) req.alg = str(alg, 'alg');
    if (options.kty !== undefined) req.type = str(options.kty, 'kty');
    if (options.modulusLength !== undefined) req.bits = positiveInt(options.modulusLength, 'modulusLength');
    if (options.crv !== undefined) req.curve = str(options.crv, 'crv');
    if (options.kid !== undefined) req.kid = str(options.kid, 'kid');
    if (options.use !== undefined) req.use = str(options.use, 'use');
    if (options.pemFormat !== undefined) req.pem_format = str(options.pemFormat, 'pemFormat');
    if (options.passphrase !== undefined) req.passphrase = str(options.passphrase, 'passphrase');
    const res = await this.#call(Op.keygen, req);
    const read = (text) => (text ? (format === 'pem' ? text : JSON.parse(text)) : undefined);
    const out = { privateKey: read(res.private), publicKey: read(res.public), kid: res.kid, kty: res.kty, bits: res.bits, thumbprint: res.thumbprint };
    if (res.crv) out.crv = res.crv;
    return out;
  }

  /** The one key of keys as a JWK object; with public: true, its public part. */
  async exportJWK(keys, options = {}) {
    checkOptions(options, ['passphrase', 'public'], 'exportJWK');
    if (options.public) {
      const set = await this.exportJWKS(keys, options);
      if (set.keys.length !== 1) invalid(`exportJWK: the document holds ${set.keys.length} public keys; a JWK holds one (use exportJWKS)`);
      return set.keys[0];
    }
    return JSON.parse(await this.#convert(keys, options, 'jwk'));
  }

  /** keys as a JWKS object; with public: true, the public keys only. */
  async exportJWKS(keys, options = {}) {
    checkOptions(options, ['passphrase', 'public'], 'exportJWKS');
    return JSON.parse(await this.#convert(keys, options, options.public ? 'public-jwks' : 'jwks'));
  }

  /**
   * The one key of keys as PEM: pemFormat "pkcs8" (the default for a
   * private key), "spki" (for a public one), "pkcs1" or "sec1".
   */
  async exportPEM(keys, options = {}) {
    checkOptions(options, ['passphrase', 'pemFormat'], 'exportPEM');
    return this.#convert(keys, options, 'pem');
  }

  /** A PEM key (PKCS#1, PKCS#8, encrypted PKCS#8, SEC1, SPKI, a certificate) as a JWK object. */
  async importPEM(pem, options = {}) {
    checkOptions(options, ['passphrase'], 'importPEM');
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN ')) invalid('importPEM: want PEM text ("-----BEGIN ...")');
    return JSON.parse(await this.#convert(pem, options, 'jwk'));
  }

  async #convert(keys, options, to) {
    const req = { keys: keyDocument(keys), to };
    if (options.passphrase !== undefined) req.passphrase = str(options.passphrase, 'passphrase');
    if (options.pemFormat !== undefined) req.pem_format = str(options.pemFormat, 'pemFormat');
    return (await this.#call(Op.convertKeys, req)).output;
  }

  /**
   * The RFC 7638 thumbprint (SHA-256, base64url) of the one key of key, as
   * jose's calculateJwkThumbprint; digestAlgorithm may only be "sha256".
   */
  async calculateJwkThumbprint(key, digestAlgorithm = 'sha256', options = {}) {
    if (digestAlgorithm !== 'sha256') invalid(`calculateJwkThumbprint: digest ${JSON.stringify(digestAlgorithm)}: only "sha256" is supported`);
    const infos = await this.thumbprints(key, options);
    if (infos.length !== 1) invalid(`calculateJwkThumbprint: the document holds ${infos.length} keys; want one (use thumbprints)`);
    return infos[0].thumbprint;
  }

  /** Every key of keys: [{ kid, thumbprint, kty, bits, crv?, private }]. */
  async thumbprints(keys, options = {}) {
    checkOptions(options, ['passphrase'], 'thumbprints');
    const req = { keys: keyDocument(keys) };
    if (options.passphrase !== undefined) req.passphrase = str(options.passphrase, 'passphrase');
    return (await this.#call(Op.thumbprint, req)).keys;
  }

  /** Drops the instances; calls made afterwards fail. */
  close() {
    this.#pool.close();
    this.#full?.pool?.then((p) => p.close(), () => {});
  }
}

const secret = Symbol('jwtwasm');

async function makePool(source, { poolSize, wasi }) {
  const module = await compile(source);
  const pool = new Pool(() => Instance.create(module, { wasi }), poolSize);
  await pool.start();
  return pool;
}

/**
 * Loads the module from source (see init) into a new Jwtwasm, with its own
 * pool. options: poolSize (most instances, default 1); full, the source of
 * the full module when source is a verify-only one (sign, key generation
 * and conversion then load it on first use); wasi, a function returning a
 * WASI object with node:wasi's getImportObject and initialize, instead of
 * this package's shim.
 */
export async function load(source, options = {}) {
  checkOptions(options, LOAD_OPTIONS, 'load');
  const poolSize = options.poolSize ?? 1;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) invalid(`load: poolSize ${poolSize}: want a whole number, 1 or more`);
  if (options.wasi !== undefined && typeof options.wasi !== 'function') invalid('load: wasi: want a function that returns a WASI object');
  const o = { poolSize, wasi: options.wasi };
  const pool = await makePool(source, o);
  const full = options.full === undefined ? undefined : { source: options.full };
  return new Jwtwasm(secret, pool, full, o);
}

let defaultJwtwasm; // a Promise<Jwtwasm>

/**
 * Loads the module that the functions of this file use, from source:
 * bytes (ArrayBuffer, Uint8Array), a Response or a promise of one, a
 * WebAssembly.Module, or a URL (a string is relative to the page). Without
 * a source, ../blob/jwtwasm.wasm beside this file: read from disk in Node,
 * fetched elsewhere. Calling init again replaces the default module.
 */
export function init(source, options) {
  const p = load(source, options);
  defaultJwtwasm = p;
  p.catch(() => {
    if (defaultJwtwasm === p) defaultJwtwasm = undefined; // the next call tries again
  });
  return p;
}

const defaults = () => defaultJwtwasm ?? init();

/** Jwtwasm.jwtVerify on the default module. */
export const jwtVerify = async (...a) => (await defaults()).jwtVerify(...a);
/** Jwtwasm.createVerifier on the default module. */
export const createVerifier = async (...a) => (await defaults()).createVerifier(...a);
/** Jwtwasm.verifyJWS on the default module. */
export const verifyJWS = async (...a) => (await defaults()).verifyJWS(...a);
/** Jwtwasm.decode on the default module. */
export const decode = async (...a) => (await defaults()).decode(...a);
/** Jwtwasm.inspect on the default module. */
export const inspect = async (...a) => (await defaults()).inspect(...a);
/** Jwtwasm.sign on the default module. */
export const sign = async (...a) => (await defaults()).sign(...a);
/** Jwtwasm.createSigner on the default module. */
export const createSigner = async (...a) => (await defaults()).createSigner(...a);
/** Jwtwasm.generateKeyPair on the default module. */
export const generateKeyPair = async (...a) => (await defaults()).generateKeyPair(...a);
/** Jwtwasm.exportJWK on the default module. */
export const exportJWK = async (...a) => (await defaults()).exportJWK(...a);
/** Jwtwasm.exportJWKS on the default module. */
export const exportJWKS = async (...a) => (await defaults()).exportJWKS(...a);
/** Jwtwasm.exportPEM on the default module. */
export const exportPEM = async (...a) => (await defaults()).exportPEM(...a);
/** Jwtwasm.importPEM on the default module. */
export const importPEM = async (...a) => (await defaults()).importPEM(...a);
/** Jwtwasm.calculateJwkThumbprint on the default module. */
export const calculateJwkThumbprint = async (...a) => (await defaults()).calculateJwkThumbprint(...a);
/** Jwtwasm.thumbprints on the default module. */
export const thumbprints = async (...a) => (await defaults()).thumbprints(...a);

// ---- prepared objects ----------------------------------------------------------

// Frees, in every instance of its pool, what a collected Verifier or
// Signer held there.
const collected = new FinalizationRegistry(({ pool, handles, op }) => {
  pool.each((inst) => {
    const handle = handles.get(inst);
    if (handle !== undefined) inst.call(op, { handle });
  });
});

/**
 * Keys and a policy prepared once (createVerifier). Its handle lives in
 * each instance of the pool that has used it.
 */
export class Verifier {
  #pool;
  #request; // verifier_new's request for the first instance
  #replay; // the same with the module's plain JWKS, for the others
  #handles = new WeakMap(); // Instance -> handle
  #closed = false;

  /** Use createVerifier. */
  constructor(key, pool, request) {
    if (key !== secret) invalid('use createVerifier(keys, options) to make a Verifier');
    this.#pool = pool;
    this.#request = request;
    /** The kid of each key of the set, by key index. */
    this.kids = [];
    collected.register(this, { pool, handles: this.#handles, op: Op.verifierFree }, this);
  }

  /** This verifier's handle in inst, made there if need be. Internal. */
  handleIn(inst) {
    if (this.#closed) invalid('the verifier was closed');
    let handle = this.#handles.get(inst);
    if (handle !== undefined) return handle;
    if (this.#replay) {
      handle = inst.call(Op.verifierNew, this.#replay).handle;
    } else {
      const res = inst.call(Op.verifierNew, { ...this.#request, return_keys: true });
      handle = res.handle;
      const { passphrase: _, ...rest } = this.#request;
      this.#replay = { ...rest, keys: res.keys };
      // The kids as the module names them (a key without one gets its
      // thumbprint), which the JWKS does not spell out.
      this.kids = inst.call(Op.thumbprint, { keys: res.keys }).keys.map((k) => k.kid);
      this.#request = undefined;
    }
    this.#handles.set(inst, handle);
    return handle;
  }

  /**
   * Verifies token, as of options.currentDate (a Date; default now), in one
   * call into the module: { payload, protectedHeader, kid, keyIndex }.
   */
  async verify(token, options = {}) {
    checkToken(token);
    checkOptions(options, ['currentDate'], 'Verifier.verify');
    const now = nowMillis(options.currentDate === undefined ? undefined : dateOf(options.currentDate));
    return this.#pool.run((inst) => {
      const res = inst.verify(this.handleIn(inst), token, now);
      return {
        payload: JSON.parse(res.claims),
        protectedHeader: JSON.parse(res.header),
        kid: this.kids[res.keyIndex] ?? '',
        keyIndex: res.keyIndex,
      };
    });
  }

  /** verifyJWS with this verifier's keys, algorithms and crit. */
  async verifyJWS(token) {
    checkToken(token);
    return this.#pool.run((inst) => jwsResult(inst.call(Op.verifyJWS, { handle: this.handleIn(inst), token })));
  }

  /** Frees the verifier in every instance; verify fails afterwards. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    collected.unregister(this);
    this.#pool.each((inst) => {
      const handle = this.#handles.get(inst);
      if (handle !== undefined) inst.freeVerifier(handle);
    });
  }
}

/** The active key of a key document, prepared once (createSigner). */
export class Signer {
  #pool;
  #request;
  #replay;
  #handles = new WeakMap();
  #closed = false;

  /** Use createSigner. */
  constructor(key, pool, request) {
    if (key !== secret) invalid('use createSigner(keys, options) to make a Signer');
    this.#pool = pool;
    this.#request = request;
    /** The kid of the signing key. */
    this.kid = '';
    collected.register(this, { pool, handles: this.#handles, op: Op.signerFree }, this);
  }

  async ready() {
    await this.#pool.run((inst) => this.#handleIn(inst));
  }

  #handleIn(inst) {
    if (this.#closed) invalid('the signer was closed');
    let handle = this.#handles.get(inst);
    if (handle !== undefined) return handle;
    if (this.#replay) {
      handle = inst.call(Op.signerNew, this.#replay).handle;
    } else {
      const res = inst.call(Op.signerNew, { ...this.#request, return_keys: true });
      handle = res.handle;
      this.kid = res.kid ?? '';
      this.#replay = { keys: res.keys };
      this.#request = undefined;
    }
    this.#handles.set(inst, handle);
    return handle;
  }

  /** As Jwtwasm.sign, with this signer's key. */
  async sign(payload, options = {}) {
    checkOptions(options, ['alg', 'kid', 'typ', 'allowWeakKeys'], 'Signer.sign');
    const req = signRequest(payload, options);
    return this.#pool.run((inst) => inst.call(Op.sign, { ...req, handle: this.#handleIn(inst) }).token);
  }

  /** Frees the signer in every instance; sign fails afterwards. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    collected.unregister(this);
    this.#pool.each((inst) => {
      const handle = this.#handles.get(inst);
      if (handle !== undefined) inst.call(Op.signerFree, { handle });
    });
  }
}

// ---- options -------------------------------------------------------------------

// The options of jwtVerify and createVerifier: jose's names where jose has
// the same check, then ours (see verifierRequest).
const VERIFY_OPTIONS = ['algorithms', 'issuer', 'audience', 'subject', 'requiredClaims', 'clockTolerance',
  'maxTokenAge', 'crit', 'typ', 'allowNoExpiry', 'maxTokenSize', 'require', 'allowWeakKeys', 'ignoreAudience',
  'keyId', 'passphrase', 'crypto', 'cache'];
const JWS_OPTIONS = ['algorithms', 'crit', 'maxTokenSize', 'allowWeakKeys', 'keyId', 'passphrase', 'crypto'];

// checkOptions refuses anything but a plain object whose every member is
// in allowed: a misspelt option is an error, not a silent default.
function checkOptions(options, allowed, where) {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) invalid(`${where}: options must be an object`);
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      invalid(`${where}: unknown option ${JSON.stringify(name)}${allowed.length ? ` (known: ${allowed.join(', ')})` : ''}`);
    }
  }
}

// verifierRequest builds verifier_new's request from jose-style options.
function verifierRequest(keys, o, withNow) {
  if (o.typ !== undefined) invalid('option "typ" is not supported: the module does not check the typ header');
  const policy = { algorithms: strings(o.algorithms, 'algorithms') };
  if (policy.algorithms.length === 0) invalid('algorithms: name at least one algorithm; the list is required, there is no default');
  if (o.issuer !== undefined) {
    const iss = typeof o.issuer === 'string' ? [o.issuer] : strings(o.issuer, 'issuer');
    if (iss.length !== 1) invalid(`issuer: the module checks one issuer, not ${iss.length}`);
    policy.issuer = iss[0];
  }
  if (o.audience !== undefined) policy.audiences = typeof o.audience === 'string' ? [o.audience] : strings(o.audience, 'audience');
  if (o.subject !== undefined) policy.subject = str(o.subject, 'subject');
  if (o.requiredClaims !== undefined) policy.required_claims = strings(o.requiredClaims, 'requiredClaims');
  if (o.clockTolerance !== undefined) policy.leeway_ms = durationMillis(o.clockTolerance, 'clockTolerance');
  if (o.maxTokenAge !== undefined) policy.max_age_ms = durationMillis(o.maxTokenAge, 'maxTokenAge');
  if (o.crit !== undefined) {
    if (o.crit === null || typeof o.crit !== 'object' || Array.isArray(o.crit)) invalid('crit: want an object of extension names, as jose\'s { b64: true }');
    policy.critical = Object.keys(o.crit).filter((k) => o.crit[k]);
  }
  if (o.allowNoExpiry !== undefined) policy.allow_no_expiry = bool(o.allowNoExpiry, 'allowNoExpiry');
  if (o.maxTokenSize !== undefined) policy.max_token_size = positiveInt(o.maxTokenSize, 'maxTokenSize');
  if (o.require !== undefined) policy.require = strings(o.require, 'require');
  if (o.allowWeakKeys !== undefined) policy.allow_weak_keys = bool(o.allowWeakKeys, 'allowWeakKeys');
  if (o.ignoreAudience !== undefined) policy.ignore_audience = bool(o.ignoreAudience, 'ignoreAudience');
  if (o.keyId !== undefined) policy.key_id = str(o.keyId, 'keyId');
  const request = { keys: keyDocument(keys), policy };
  if (o.passphrase !== undefined) request.passphrase = str(o.passphrase, 'passphrase');
  if (o.crypto !== undefined) request.crypto = str(o.crypto, 'crypto');
  if (o.cache !== undefined) request.cache = positiveInt(o.cache, 'cache');
  const now = withNow && o.currentDate !== undefined ? dateOf(o.currentDate) : undefined;
  return { request, now };
}

function signRequest(payload, o) {
  const req = {};
  if (payload instanceof Uint8Array) req.payload = toBase64url(payload);
  else if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) req.claims = payload;
  else invalid('sign: the payload must be an object of claims (a JWT) or a Uint8Array (a JWS)');
  if (o.alg !== undefined) req.alg = str(o.alg, 'alg');
  if (o.kid !== undefined) req.kid = str(o.kid, 'kid');
  if (o.typ !== undefined) req.typ = str(o.typ, 'typ');
  if (o.allowWeakKeys !== undefined) req.allow_weak_keys = bool(o.allowWeakKeys, 'allowWeakKeys');
  return req;
}

// keyDocument turns keys (a JWKS or JWK object, or text: JSON or PEM) into
// the text the module reads.
function keyDocument(keys, name = 'keys') {
  if (typeof keys === 'string') return keys;
  if (keys instanceof Uint8Array) return new TextDecoder().decode(keys);
  if (keys !== null && typeof keys === 'object' && !Array.isArray(keys) && (Array.isArray(keys.keys) || typeof keys.kty === 'string')) {
    return JSON.stringify(keys);
  }
  if (typeof CryptoKey !== 'undefined' && keys instanceof CryptoKey) {
    invalid(`${name}: a CryptoKey cannot be read here; export it as a JWK (crypto.subtle.exportKey("jwk", key))`);
  }
  if (keys instanceof Verifier || keys instanceof Signer) invalid(`${name}: a ${keys.constructor.name} is not a key document here`);
  return invalid(`${name}: want a JWKS ({ keys: [...] }), a JWK ({ kty, ... }) or PEM text`);
}

// durationMillis reads a duration as jose does: seconds as a number, or
// text such as "30s", "5 minutes", "2h", "1.5d", "1w", "1y" (365.25 days).
const UNITS = [
  [/^(?:s|secs?|seconds?)$/, 1],
  [/^(?:m|mins?|minutes?)$/, 60],
  [/^(?:h|hrs?|hours?)$/, 3600],
  [/^(?:d|days?)$/, 86400],
  [/^(?:w|weeks?)$/, 604800],
  [/^(?:y|yrs?|years?)$/, 31557600],
];
function durationMillis(v, name) {
  let seconds;
  if (typeof v === 'number') {
    seconds = v;
  } else if (typeof v === 'string') {
    const m = /^(\d+|\d+\.\d+) ?([a-z]+)$/i.exec(v.trim());
    const unit = m && UNITS.find(([re]) => re.test(m[2].toLowerCase()));
    if (unit) seconds = Number(m[1]) * unit[1];
  }
  const ms = Math.round(seconds * 1000);
  if (!(seconds >= 0) || !Number.isSafeInteger(ms)) {
    invalid(`${name}: want seconds (a number, 0 or more) or a duration such as "30s", "5m", "2h", not ${JSON.stringify(v)}`);
  }
  return ms;
}

function dateOf(d) {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) invalid('currentDate: want a valid Date');
  return d;
}

// nowMillis is the instant sent to the module: a Date's milliseconds, or
// now. 0 would mean "the module's clock", so the epoch itself is sent as
// -1, as the Go host does.
function nowMillis(date) {
  const ms = date === undefined ? Date.now() : date.getTime();
  return ms === 0 ? -1 : ms;
}

function checkToken(token) {
  if (typeof token !== 'string') invalid(`the token is ${token === null ? 'null' : `a ${typeof token}`}, not a string`);
}

function str(v, name) {
  if (typeof v !== 'string') invalid(`${name}: want a string, not ${JSON.stringify(v) ?? typeof v}`);
  return v;
}

function strings(v, name) {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) invalid(`${name}: want an array of strings`);
  return v;
}

function bool(v, name) {
  if (typeof v !== 'boolean') invalid(`${name}: want true or false`);
  return v;
}

function positiveInt(v, name) {
  if (!Number.isSafeInteger(v) || v < 1) invalid(`${name}: want a whole number, 1 or more, not ${JSON.stringify(v)}`);
  return v;
}

// payloadBytes is a compact token's payload, which inspect has parsed
// already: its result carries the payload as text, which cannot hold every
// byte.
function payloadBytes(token) {
  return fromBase64url(token.split('.')[1] ?? '');
}

function jwsResult(res) {
  return { payload: fromBase64url(res.payload), protectedHeader: res.header, kid: res.kid, keyIndex: res.key_index };
}

// ---- base64url, without Buffer (browsers have none) ---------------------------

function toBase64url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
