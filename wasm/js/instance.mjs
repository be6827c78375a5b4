// One instance of the jwtwasm module, spoken to in the ABI of wasm/ABI.md:
// guest-owned buffers, packed i64 results, a status byte and a JSON body,
// and the one-call verify path (jwtwasm_input, jwtwasm_verify_input).
//
// Most users want jwtwasm.mjs, which pools these instances behind a
// promise API. This file is for hosts that drive one instance themselves,
// synchronously: the benchmarks (bench/node, bench/browser) time it.
//
// # Notes
//
//   - An Instance serves one call at a time; every method is synchronous. A
//     call made while another runs (from a console hook that fd_write
//     reached) is refused: the Go runtime inside is not re-entrant.
//   - After a trap (a WebAssembly.RuntimeError, a proc_exit) the instance is
//     in an unknown state: `broken` turns true and every later call fails
//     with "internal". Make another.
//   - Guest pointers and lengths are untrusted: a result outside the
//     module's memory is an "internal" error that breaks the instance.

import { WASI } from './wasi.mjs';

/** The ABI version this file speaks. */
export const ABI_VERSION = 1;

/** Operation numbers of jwtwasm_call (wasm/ABI.md, "Operations"). */
export const Op = Object.freeze({
  inspect: 1,
  verifierNew: 2,
  verifierFree: 3,
  sign: 4,
  keygen: 5,
  convertKeys: 6,
  thumbprint: 7,
  verify: 8,
  signerNew: 9,
  signerFree: 10,
  verifyJWS: 11,
});

/**
 * Error code names by number, as core/errors.go numbers them: index 1 is
 * "internal", 22 "never_valid", 23 "unsupported". Codes are appended, never renumbered.
 */
export const codes = Object.freeze([undefined, 'internal', 'malformed', 'too_large', 'alg_not_allowed',
  'unknown_kid', 'key_mismatch', 'bad_signature', 'expired', 'not_yet_valid',
  'issued_in_future', 'bad_issuer', 'bad_audience', 'bad_subject', 'missing_claim',
  'unsupported_crit', 'weak_key', 'forbidden', 'invalid_key', 'invalid_argument',
  'canceled', 'timeout', 'never_valid', 'unsupported']);

/**
 * A refusal or failure: `code` is one of core's stable code names (see
 * `codes`), never a message to match. A status number this file does not
 * know (a newer module's) reads as "internal", its number in `status`.
 */
export class JwtwasmError extends Error {
  /**
   * @param {string} code a name from `codes`
   * @param {string} message for a person; it may change between versions
   * @param {object} [details] more members for the error: status, errors, ...
   */
  constructor(code, message, details) {
    super(`${code}: ${message}`);
    this.name = 'JwtwasmError';
    this.code = code;
    this.reason = message;
    if (details) Object.assign(this, details);
  }
}

/** Throws an invalid_argument JwtwasmError. */
export function invalid(message) {
  throw new JwtwasmError('invalid_argument', message);
}

// errorFrom builds the error of a failed result: its status and body.
function errorFrom(status, body) {
  const known = codes[status];
  const code = known ?? 'internal';
  let message = typeof body?.message === 'string' ? body.message : 'the module gave no message';
  if (!known) message = `the module answered code ${status}, which this package does not know: ${message}`;
  const details = { status };
  if (Array.isArray(body?.errors)) details.errors = body.errors.map((e) => ({ code: e.code, message: e.message }));
  // A forbidden token verified: the error says whose it was (ABI.md, Results).
  if (body?.claims !== undefined) {
    details.payload = body.claims;
    details.protectedHeader = body.header;
    details.kid = body.kid ?? '';
    details.keyIndex = body.key_index;
  }
  return new JwtwasmError(code, message, details);
}

// The exports an instance needs, with the signature each must have: a
// WebAssembly.Module lists names and kinds only, so a wrong signature shows
// only when called (a TypeError or a trap, which breaks the instance).
const EXPORTS = {
  memory: 'memory',
  _initialize: '() -> ()',
  jwtwasm_abi_version: '() -> i32',
  jwtwasm_alloc: '(i32) -> i32',
  jwtwasm_free: '(i32) -> i32',
  jwtwasm_call: '(i32, i32, i32) -> i64',
  jwtwasm_input: '(i32) -> i32',
  jwtwasm_verify_input: '(i32, i64, i32) -> i64',
};

/**
 * Checks that module has the exports of ABI version 1, and throws an
 * invalid_argument JwtwasmError naming every one missing.
 */
export function checkModule(module) {
  if (!(module instanceof WebAssembly.Module)) invalid('want a WebAssembly.Module');
  const have = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const missing = [];
  for (const [name, sig] of Object.entries(EXPORTS)) {
    const kind = sig === 'memory' ? 'memory' : 'function';
    if (have.get(name) !== kind) missing.push(kind === 'memory' ? 'memory memory' : `func ${name}${sig}`);
  }
  if (missing.length) invalid(`not a jwtwasm module: it does not export ${missing.join(', ')}`);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const INPUT_START = 16384; // the first input buffer: most tokens fit
const MAX_ALLOC = 4 << 20; // abi.MaxAlloc

export class Instance {
  /**
   * Instantiates module (a WebAssembly.Module), runs _initialize once and
   * checks the ABI version. wasi, if given, makes the WASI object (with
   * node:wasi's getImportObject and initialize); the default is this
   * package's shim (wasi.mjs).
   */
  static async create(module, { wasi } = {}) {
    checkModule(module);
    const w = wasi ? wasi() : new WASI();
    const instance = await WebAssembly.instantiate(module, w.getImportObject());
    w.initialize(instance);
    return new Instance(instance);
  }

  #x;
  #in = 0; // the input buffer's address, 0 until asked for
  #inCap = 0;

  /** Use Instance.create. */
  constructor(instance) {
    this.#x = instance.exports;
    /** True after a trap: the instance must not be used again. */
    this.broken = false;
    /** True while a call runs: the module is not re-entrant. */
    this.busy = false;
    const version = this.#guard(() => this.#x.jwtwasm_abi_version());
    if (version !== ABI_VERSION) {
      this.broken = true;
      invalid(`the module speaks ABI version ${version}; this package speaks ${ABI_VERSION}`);
    }
  }

  // guard runs fn, a call into the module; a trap breaks the instance.
  #guard(fn) {
    if (this.broken) throw new JwtwasmError('internal', 'the instance trapped before and may not be used again');
    if (this.busy) throw new JwtwasmError('internal', 'a call into the instance while it runs another (from a console hook?)');
    this.busy = true;
    try {
      return fn();
    } catch (err) {
      if (err instanceof JwtwasmError) throw err; // an answer, or a bad pointer that broke it already
      this.broken = true;
      throw new JwtwasmError('internal', `the module trapped: ${err?.message ?? err}`, { cause: err });
    } finally {
      this.busy = false;
    }
  }

  // view returns len bytes of guest memory at ptr, or breaks the instance.
  #view(ptr, len) {
    const buf = this.#x.memory.buffer;
    if (ptr <= 0 || ptr + len > buf.byteLength) {
      this.broken = true;
      throw new JwtwasmError('internal', `the module returned (${ptr}, ${len}), outside its memory of ${buf.byteLength} bytes`);
    }
    return new Uint8Array(buf, ptr, len);
  }

  // unpack splits a packed i64 result into its address and length.
  static #unpack(packed) {
    const p = BigInt.asUintN(64, packed);
    return [Number(p >> 32n), Number(p & 0xffffffffn)];
  }

  // body reads a failed result (status, JSON) into an error.
  #failure(view) {
    let body;
    try {
      body = JSON.parse(decoder.decode(view.subarray(1)));
    } catch {
      body = { message: 'the module returned an error that does not decode' };
    }
    return errorFrom(view[0], body);
  }

  /**
   * Runs operation op (Op) on request, an object sent as JSON; returns the
   * result's JSON, parsed, or throws a JwtwasmError.
   */
  call(op, request) {
    const req = encoder.encode(JSON.stringify(request));
    if (req.length > MAX_ALLOC) throw new JwtwasmError('too_large', `request of ${req.length} bytes is over the module's limit of ${MAX_ALLOC}`);
    return this.#guard(() => {
      const ptr = this.#x.jwtwasm_alloc(req.length);
      if (ptr === 0) throw new JwtwasmError('too_large', `request of ${req.length} bytes is over the module's limit`);
      // No finally: after a trap the instance is not called again, not
      // even to free.
      this.#view(ptr, req.length).set(req);
      const res = Instance.#unpack(this.#x.jwtwasm_call(op, ptr, req.length));
      this.#x.jwtwasm_free(ptr);
      const view = this.#view(res[0], res[1]);
      try {
        if (view.length === 0) throw new JwtwasmError('internal', 'the module returned an empty result');
        if (view[0] !== 0) throw this.#failure(view);
        return JSON.parse(decoder.decode(view.subarray(1)));
      } finally {
        this.#x.jwtwasm_free(res[0]);
      }
    });
  }

  /**
   * Verifies token with prepared verifier handle in one guest call
   * (jwtwasm_verify_input), as of nowMs (Unix milliseconds; 0 means the
   * module's clock). Returns { header, claims, keyIndex }, header and claims
   * as the JSON text sent, or throws a JwtwasmError.
   */
  verify(handle, token, nowMs = 0) {
    if (typeof token !== 'string') invalid(`the token is a ${typeof token}, not a string`);
    return this.#guard(() => {
      const len = this.#input(token);
      const [ptr, size] = Instance.#unpack(this.#x.jwtwasm_verify_input(handle, BigInt(nowMs), len));
      const view = this.#view(ptr, size);
      if (size === 0) throw new JwtwasmError('internal', 'the module returned an empty result');
      if (view[0] !== 0) throw this.#failure(view);
      if (size < 9) throw new JwtwasmError('internal', `the module returned a result of ${size} bytes, shorter than its layout`);
      const dv = new DataView(view.buffer, view.byteOffset, size);
      const keyIndex = dv.getUint32(1, true);
      const hlen = dv.getUint32(5, true);
      if (hlen > size - 9) throw new JwtwasmError('internal', `the module returned a header of ${hlen} bytes in a result of ${size}`);
      return {
        header: decoder.decode(view.subarray(9, 9 + hlen)),
        claims: decoder.decode(view.subarray(9 + hlen)),
        keyIndex,
      };
    });
  }

  // input writes token into the instance's input buffer, growing it as
  // needed, and returns its length in bytes.
  #input(token) {
    if (this.#inCap < token.length) this.#grow(token.length);
    let { read, written } = encoder.encodeInto(token, this.#view(this.#in, this.#inCap));
    if (read < token.length) { // not ASCII, and longer in UTF-8
      const bytes = encoder.encode(token);
      this.#grow(bytes.length);
      this.#view(this.#in, bytes.length).set(bytes);
      written = bytes.length;
    }
    return written;
  }

  #grow(size) {
    const want = Math.max(size, INPUT_START);
    if (size > MAX_ALLOC) throw new JwtwasmError('too_large', `token of ${size} bytes is over the module's limit of ${MAX_ALLOC}`);
    const ptr = this.#x.jwtwasm_input(Math.min(want, MAX_ALLOC));
    if (ptr === 0) throw new JwtwasmError('too_large', `token of ${size} bytes is over the module's limit`);
    this.#in = ptr;
    this.#inCap = Math.min(want, MAX_ALLOC);
  }

  /** Prepares a verifier (op 2); returns the result: { handle, keys? }. */
  newVerifier(keys, policy, extra = {}) {
    return this.call(Op.verifierNew, { keys, policy, ...extra });
  }

  /** Frees a prepared verifier (op 3). */
  freeVerifier(handle) {
    this.call(Op.verifierFree, { handle });
  }
}
