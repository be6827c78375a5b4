// Types of instance.mjs: one module instance, driven synchronously.

/** The ABI version this package speaks (wasm/ABI.md). */
export declare const ABI_VERSION: 1;

/** Operation numbers of jwtwasm_call. */
export declare const Op: Readonly<{
  inspect: 1;
  verifierNew: 2;
  verifierFree: 3;
  sign: 4;
  keygen: 5;
  convertKeys: 6;
  thumbprint: 7;
  verify: 8;
  signerNew: 9;
  signerFree: 10;
  verifyJWS: 11;
}>;

/** core's stable code names (core/errors.go). */
export type ErrorCode =
  | 'internal' | 'malformed' | 'too_large' | 'alg_not_allowed' | 'unknown_kid' | 'key_mismatch'
  | 'bad_signature' | 'expired' | 'not_yet_valid' | 'issued_in_future' | 'bad_issuer' | 'bad_audience'
  | 'bad_subject' | 'missing_claim' | 'unsupported_crit' | 'weak_key' | 'forbidden' | 'invalid_key'
  | 'invalid_argument' | 'canceled' | 'timeout' | 'never_valid' | 'unsupported';

/** Code names by wire number: codes[7] is "bad_signature"; codes[0] is undefined. */
export declare const codes: readonly (ErrorCode | undefined)[];

/** A refusal or failure; decide by `code`, never by message. */
export declare class JwtwasmError extends Error {
  constructor(code: ErrorCode, message: string, details?: object);
  readonly name: 'JwtwasmError';
  /** A stable code name; a status number this package does not know reads as "internal". */
  readonly code: ErrorCode;
  /** The message without the code in front. */
  readonly reason: string;
  /** The wire status, when the module answered (absent for the package's own checks). */
  readonly status?: number;
  /** Every failed claim rule, when several failed at once. */
  readonly errors?: { code: ErrorCode; message: string }[];
  /** forbidden only (a valid token refused by an access rule): the token's claims. */
  readonly payload?: Record<string, unknown>;
  /** forbidden only: the token's header. */
  readonly protectedHeader?: Record<string, unknown>;
  /** forbidden only: the kid of the key that verified it. */
  readonly kid?: string;
  /** forbidden only: that key's position in the set. */
  readonly keyIndex?: number;
}

/** Throws an invalid_argument JwtwasmError with message. */
export declare function invalid(message: string): never;

/** Throws an invalid_argument JwtwasmError unless module has ABI 1's exports. */
export declare function checkModule(module: WebAssembly.Module): void;

/** What Instance.create and load accept as `wasi`: node:wasi's shape. */
export interface WasiLike {
  getImportObject(): WebAssembly.Imports;
  initialize(instance: WebAssembly.Instance): void;
}

/** One instance of the module; every method is synchronous. */
export declare class Instance {
  static create(module: WebAssembly.Module, options?: { wasi?: () => WasiLike }): Promise<Instance>;
  private constructor(instance: WebAssembly.Instance);
  /** True after a trap: never use the instance again. */
  readonly broken: boolean;
  /** True while a call runs. */
  readonly busy: boolean;
  /** Runs operation op on request (sent as JSON); returns the parsed result. */
  call(op: number, request: object): any;
  /**
   * Verifies token with a prepared verifier in one guest call, as of nowMs
   * (Unix ms; 0 is the module's clock). header and claims are the JSON text sent.
   */
  verify(handle: number, token: string, nowMs?: number): { header: string; claims: string; keyIndex: number };
  /** Prepares a verifier (op 2) from a key document and an ABI policy. */
  newVerifier(keys: string, policy: object, extra?: object): { handle: number; keys?: string };
  /** Frees a prepared verifier (op 3). */
  freeVerifier(handle: number): void;
}
