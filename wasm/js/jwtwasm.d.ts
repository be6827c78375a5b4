// Types of jwtwasm.mjs, the package's entry point.

import type { ErrorCode, WasiLike } from './instance.js';
export { JwtwasmError, codes } from './instance.js';
export type { ErrorCode, WasiLike } from './instance.js';

/** A JWK as JSON. */
export interface JWK {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  crv?: string;
  [member: string]: unknown;
}

/** A JWK Set as JSON. */
export interface JWKS {
  keys: JWK[];
}

/** A key document: a JWKS or JWK object, or text (JSON, or PEM). */
export type KeyInput = JWKS | JWK | string | Uint8Array;

/** Where the module comes from. A string is a URL (relative to the page), or in Node a file path. */
export type ModuleSource =
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | PromiseLike<Response>
  | WebAssembly.Module
  | URL
  | string;

/** A duration: seconds, or text as jose reads it ("30s", "5m", "2 hours", "1d", "1w", "1y"). */
export type Duration = number | string;

/** The policy of jwtVerify and createVerifier. */
export interface VerifyOptions {
  /** The algorithms accepted; required, no default. */
  algorithms: string[];
  /** The one issuer accepted ("iss"). */
  issuer?: string | [string];
  /** Audiences of which "aud" must name one. Without it a token with "aud" is refused unless ignoreAudience. */
  audience?: string | string[];
  /** The subject required ("sub"). */
  subject?: string;
  /** Claims that must be present. */
  requiredClaims?: string[];
  /** Leeway for exp, nbf and iat. */
  clockTolerance?: Duration;
  /** The oldest "iat" accepted. */
  maxTokenAge?: Duration;
  /** Extensions understood in "crit", as jose's { b64: true }. */
  crit?: Record<string, boolean>;
  /** Not supported: refused with invalid_argument (the module does not check typ). */
  typ?: never;
  /** Accept a token without "exp". */
  allowNoExpiry?: boolean;
  /** The longest token accepted, in bytes. */
  maxTokenSize?: number;
  /** Access rules (core's rule syntax, e.g. "scope~read:orders"): a failure is "forbidden". */
  require?: string[];
  /** Accept RSA keys under 2048 bits and short HMAC secrets. */
  allowWeakKeys?: boolean;
  /** Accept any "aud" when no audience is given. */
  ignoreAudience?: boolean;
  /** Pin one key of the set by its kid. */
  keyId?: string;
  /** Decrypts an encrypted PKCS#8 key document. */
  passphrase?: string;
  /** "fast" (the default: the module's own RSA and P-256 code) or "stdlib" (Go's). */
  crypto?: 'fast' | 'stdlib';
  /** Cache this many verified tokens inside the module. */
  cache?: number;
}

/** jwtVerify's options: the policy, and the instant to judge at. */
export interface JWTVerifyOptions extends VerifyOptions {
  /** Judge the token as of this instant; default now. */
  currentDate?: Date;
}

/** A verified JWT. */
export interface JWTVerifyResult {
  payload: Record<string, unknown>;
  protectedHeader: Record<string, unknown>;
  /** The kid of the key that verified the token ("" for a key without one). */
  kid: string;
  /** That key's position in the set. */
  keyIndex: number;
}

/** verifyJWS's options. */
export interface VerifyJWSOptions {
  algorithms: string[];
  crit?: Record<string, boolean>;
  maxTokenSize?: number;
  allowWeakKeys?: boolean;
  keyId?: string;
  passphrase?: string;
  crypto?: 'fast' | 'stdlib';
}

/** A verified JWS. */
export interface JWSVerifyResult {
  payload: Uint8Array;
  protectedHeader: Record<string, unknown>;
  kid: string;
  keyIndex: number;
}

/** Keys and a policy prepared once; see createVerifier. */
export declare class Verifier {
  private constructor();
  /** The kid of each key of the set, by key index. */
  readonly kids: string[];
  /** Verifies a token in one call into the module. */
  verify(token: string, options?: { currentDate?: Date }): Promise<JWTVerifyResult>;
  /** The JWS layer only: algorithm, crit, key and signature. */
  verifyJWS(token: string): Promise<JWSVerifyResult>;
  /** Frees the verifier in every instance. */
  close(): void;
}

/** sign's options. */
export interface SignOptions {
  /** The algorithm; default the key's. */
  alg?: string;
  /** The header's kid; default the key's, "" for none. */
  kid?: string;
  /** The header's typ; default "JWT" for claims, none for bytes; "" for none. */
  typ?: string;
  /** Decrypts an encrypted PKCS#8 key document (not with a Signer). */
  passphrase?: string;
  allowWeakKeys?: boolean;
}

/** A signing key prepared once; see createSigner. */
export declare class Signer {
  private constructor();
  /** The signing key's kid. */
  readonly kid: string;
  sign(payload: Record<string, unknown> | Uint8Array, options?: Omit<SignOptions, 'passphrase'>): Promise<string>;
  close(): void;
}

/** One date claim, as inspect reads it. */
export interface DateClaim {
  name: string;
  /** RFC 3339; absent past year 9999 or before year 0. */
  time?: string;
  seconds: number;
  /** "expired 3m ago", "valid for 58s", ... */
  relative: string;
}

/** Something inspect noticed. */
export interface Finding {
  severity: string;
  code: string;
  message: string;
}

/** What inspect reads from a token. */
export interface Inspection {
  header: Record<string, unknown>;
  /** The claims, for a JWT. */
  claims?: Record<string, unknown>;
  /** The payload, when it is not a claims set. */
  payload?: Uint8Array;
  signatureSize: number;
  dates: DateClaim[];
  findings: Finding[];
}

/** inspect's options. */
export interface InspectOptions {
  /** A key document to check the signature with. */
  key?: KeyInput;
  passphrase?: string;
  currentDate?: Date;
  maxTokenSize?: number;
}

/** generateKeyPair's options. */
export interface GenerateKeyPairOptions {
  /** "RSA", "EC", "OKP" or "oct"; default from alg. */
  kty?: string;
  /** RSA modulus bits, or a secret's. */
  modulusLength?: number;
  crv?: string;
  kid?: string;
  use?: string;
  /** "jwk" (the default), "jwks" or "pem". */
  format?: 'jwk' | 'jwks' | 'pem';
  pemFormat?: 'pkcs8' | 'pkcs1' | 'sec1';
  /** Encrypts a PEM private key. */
  passphrase?: string;
}

/** A new key; the key types depend on the format. */
export interface GeneratedKeyPair<K = JWK | JWKS | string> {
  privateKey: K;
  /** Absent for a secret. */
  publicKey?: K;
  kid: string;
  kty: string;
  bits: number;
  crv?: string;
  thumbprint: string;
}

/** One key's summary. */
export interface KeyInfo {
  kid: string;
  thumbprint: string;
  kty: string;
  bits: number;
  crv?: string;
  private: boolean;
}

/** load's options. */
export interface LoadOptions {
  /** The most instances at once; default 1. */
  poolSize?: number;
  /** The full module, when source is a verify-only one: sign, keygen and conversion load it on first use. */
  full?: ModuleSource;
  /** Makes the WASI object instead of this package's shim (e.g. node:wasi). */
  wasi?: () => WasiLike;
}

/** A loaded module and every operation on it. */
export declare class Jwtwasm {
  private constructor();
  /** The instances alive in the pool. */
  readonly instances: number;
  jwtVerify(token: string, keys: KeyInput, options: JWTVerifyOptions): Promise<JWTVerifyResult>;
  jwtVerify(token: string, verifier: Verifier, options?: { currentDate?: Date }): Promise<JWTVerifyResult>;
  createVerifier(keys: KeyInput, options: VerifyOptions): Promise<Verifier>;
  verifyJWS(token: string, keys: KeyInput, options: VerifyJWSOptions): Promise<JWSVerifyResult>;
  verifyJWS(token: string, verifier: Verifier): Promise<JWSVerifyResult>;
  decode(token: string): Promise<{ protectedHeader: Record<string, unknown>; payload: Record<string, unknown> | Uint8Array }>;
  inspect(token: string, options?: InspectOptions): Promise<Inspection>;
  sign(payload: Record<string, unknown> | Uint8Array, keys: KeyInput | Signer, options?: SignOptions): Promise<string>;
  createSigner(keys: KeyInput, options?: { passphrase?: string }): Promise<Signer>;
  generateKeyPair(alg: string | undefined, options?: GenerateKeyPairOptions & { format?: 'jwk' }): Promise<GeneratedKeyPair<JWK>>;
  generateKeyPair(alg: string | undefined, options: GenerateKeyPairOptions & { format: 'jwks' }): Promise<GeneratedKeyPair<JWKS>>;
  generateKeyPair(alg: string | undefined, options: GenerateKeyPairOptions & { format: 'pem' }): Promise<GeneratedKeyPair<string>>;
  exportJWK(keys: KeyInput, options?: { passphrase?: string; public?: boolean }): Promise<JWK>;
  exportJWKS(keys: KeyInput, options?: { passphrase?: string; public?: boolean }): Promise<JWKS>;
  exportPEM(keys: KeyInput, options?: { passphrase?: string; pemFormat?: 'pkcs8' | 'spki' | 'pkcs1' | 'sec1' }): Promise<string>;
  importPEM(pem: string, options?: { passphrase?: string }): Promise<JWK>;
  calculateJwkThumbprint(key: KeyInput, digestAlgorithm?: 'sha256', options?: { passphrase?: string }): Promise<string>;
  thumbprints(keys: KeyInput, options?: { passphrase?: string }): Promise<KeyInfo[]>;
  /** Drops the instances; later calls fail. */
  close(): void;
}

/** Loads a module into a new Jwtwasm of its own; without source, ../blob/jwtwasm.wasm. */
export declare function load(source?: ModuleSource, options?: LoadOptions): Promise<Jwtwasm>;
/** Loads the module the functions below use (calling again replaces it). */
export declare function init(source?: ModuleSource, options?: LoadOptions): Promise<Jwtwasm>;

export declare const jwtVerify: Jwtwasm['jwtVerify'];
export declare const createVerifier: Jwtwasm['createVerifier'];
export declare const verifyJWS: Jwtwasm['verifyJWS'];
export declare const decode: Jwtwasm['decode'];
export declare const inspect: Jwtwasm['inspect'];
export declare const sign: Jwtwasm['sign'];
export declare const createSigner: Jwtwasm['createSigner'];
export declare const generateKeyPair: Jwtwasm['generateKeyPair'];
export declare const exportJWK: Jwtwasm['exportJWK'];
export declare const exportJWKS: Jwtwasm['exportJWKS'];
export declare const exportPEM: Jwtwasm['exportPEM'];
export declare const importPEM: Jwtwasm['importPEM'];
export declare const calculateJwkThumbprint: Jwtwasm['calculateJwkThumbprint'];
export declare const thumbprints: Jwtwasm['thumbprints'];
