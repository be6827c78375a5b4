// A small driver for the jwtwasm module under Node's node:wasi: it speaks
// the ABI of wasm/ABI.md (guest-owned buffers, packed i64 results, a status
// byte and a JSON body). The browser wrapper will share this shape.

import { WASI } from 'node:wasi';

const ABI_VERSION = 1;

// Operation numbers (wasm/ABI.md).
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

// Error code names by number (wasm/ABI.md); unknown numbers read as
// "internal".
const CODES = [undefined, 'internal', 'malformed', 'too_large', 'alg_not_allowed',
  'unknown_kid', 'key_mismatch', 'bad_signature', 'expired', 'not_yet_valid',
  'issued_in_future', 'bad_issuer', 'bad_audience', 'bad_subject', 'missing_claim',
  'unsupported_crit', 'weak_key', 'forbidden', 'invalid_key', 'invalid_argument',
  'canceled', 'timeout', 'never_valid', 'unsupported'];

/** An error the module returned: `code` is its stable name. */
export class JwtwasmError extends Error {
  constructor(code, message, body) {
    super(`${code}: ${message}`);
    this.name = 'JwtwasmError';
    this.code = code;
    this.body = body;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Instantiates the module (its bytes) and runs _initialize once. The
 * instance serves one call at a time.
 */
export async function load(bytes) {
  const wasi = new WASI({ version: 'preview1', args: [], env: {}, returnOnExit: true });
  const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
  wasi.initialize(instance);
  const x = instance.exports;
  const version = x.jwtwasm_abi_version();
  if (version !== ABI_VERSION) {
    throw new Error(`jwtwasm: the module speaks ABI version ${version}, this driver ${ABI_VERSION}`);
  }

  const write = (bytes) => {
    const ptr = x.jwtwasm_alloc(bytes.length);
    if (ptr === 0) throw new JwtwasmError('too_large', `request of ${bytes.length} bytes is over the module's limit`);
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  };

  // Reads and frees a packed result; returns the decoded body or throws.
  const result = (packed) => {
    const p = BigInt.asUintN(64, packed);
    const ptr = Number(p >> 32n);
    const len = Number(p & 0xffffffffn);
    const view = new Uint8Array(x.memory.buffer, ptr, len);
    const status = view[0];
    const body = JSON.parse(decoder.decode(view.subarray(1)));
    x.jwtwasm_free(ptr);
    if (status !== 0) {
      throw new JwtwasmError(CODES[status] ?? 'internal', body.message, body);
    }
    return body;
  };

  const call = (op, request) => {
    const req = encoder.encode(JSON.stringify(request));
    const ptr = write(req);
    try {
      return result(x.jwtwasm_call(op, ptr, req.length));
    } finally {
      x.jwtwasm_free(ptr);
    }
  };

  return {
    call,
    /** Prepares a verifier; returns its handle. */
    newVerifier(keys, policy, options = {}) {
      return call(Op.verifierNew, { keys, policy, ...options }).handle;
    },
    /** Verifies a token with a prepared verifier: {header, claims, kid}. */
    verify(handle, token, nowMillis = 0) {
      const bytes = encoder.encode(token);
      const ptr = write(bytes);
      try {
        return result(x.jwtwasm_verify(handle, BigInt(nowMillis), ptr, bytes.length));
      } finally {
        x.jwtwasm_free(ptr);
      }
    },
    /**
     * Verifies a compact JWS whose payload is any bytes with a prepared
     * verifier (op 11: algorithm, crit, key and signature; no claim rules):
     * {header, payload (a Uint8Array), kid, keyIndex}.
     */
    verifyJWS(handle, token) {
      const res = call(Op.verifyJWS, { handle, token });
      return { header: res.header, payload: new Uint8Array(Buffer.from(res.payload, 'base64url')), kid: res.kid, keyIndex: res.key_index };
    },
    freeVerifier(handle) {
      call(Op.verifierFree, { handle });
    },
  };
}
