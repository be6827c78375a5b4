// The page's side of the browser benchmark: it loads the module through
// wasm/js/instance.mjs and its WASI shim, as bench/node does, prepares
// one verifier at a time and runs every timed loop itself, with
// performance.now(), so that no round trip to the driver (run.mjs) sits in
// a timed loop. The driver calls the functions of globalThis.bench with
// page.evaluate; each returns plain data.

import { Instance } from '/js/instance.mjs';

// The implementations: extra verifier_new members (wasm/ABI.md, op 2).
const IMPLS = {
  'chromium-wasm': {}, // the module's default crypto, "fast", as node-wasm
  'chromium-wasm-stdlib': { crypto: 'stdlib' }, // Go's crypto/rsa and crypto/ecdsa
};

const decoder = new TextDecoder();

function payloadOf(token) {
  const b64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return JSON.parse(decoder.decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}

let tokens;
const modules = {}; // impl name -> the loaded module, one instance each
let current; // { wasm, handle, token } of the prepared verifier
let sink; // keeps results alive so that no call is optimised away

// timeN verifies the current token n times and returns the nanoseconds.
function timeN(n) {
  const { wasm, handle, token } = current;
  const start = performance.now();
  for (let i = 0; i < n; i++) sink = JSON.parse(wasm.verify(handle, token, Date.now()).claims);
  return (performance.now() - start) * 1e6;
}

function release() {
  if (current) current.wasm.freeVerifier(current.handle);
  current = undefined;
}

globalThis.bench = {
  /** Fetches tokens.json and the module, and instantiates it once per impl. */
  async init() {
    const [t, m] = await Promise.all([fetch('/tokens.json'), fetch('/jwtwasm.wasm')]);
    if (!t.ok || !m.ok) throw new Error(`fetching the fixtures: ${t.status} ${m.status}`);
    tokens = await t.json();
    const module = await WebAssembly.compile(await m.arrayBuffer());
    for (const name of Object.keys(IMPLS)) modules[name] = await Instance.create(module);
    return {
      algs: Object.keys(tokens),
      impls: Object.keys(IMPLS),
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      userAgent: navigator.userAgent,
    };
  },

  /**
   * Prepares impl's verifier for alg, then checks that it accepts the valid
   * token with its claims and refuses bad_token. Returns undefined, or what
   * went wrong.
   */
  prepare(alg, impl) {
    release();
    const spec = tokens[alg];
    const wasm = modules[impl];
    if (!spec || !wasm) return `no ${alg} token or no impl ${impl}`;
    let handle;
    try {
      ({ handle } = wasm.newVerifier(JSON.stringify(spec.jwks), spec.policy, IMPLS[impl]));
    } catch (err) {
      return `${impl} cannot prepare a ${alg} verifier: ${err.message}`;
    }
    current = { wasm, handle, token: spec.token };
    let claims;
    try {
      claims = JSON.parse(wasm.verify(handle, spec.token, Date.now()).claims);
    } catch (err) {
      return `${impl} refuses the valid ${alg} token: ${err.message}`;
    }
    const want = JSON.stringify(payloadOf(spec.token));
    if (JSON.stringify(claims) !== want) {
      return `${impl} accepts the ${alg} token with claims ${JSON.stringify(claims)}, want ${want}`;
    }
    try {
      wasm.verify(handle, spec.bad_token, Date.now());
    } catch {
      return undefined;
    }
    return `${impl} accepts the bad ${alg} token`;
  },

  time: timeN,

  /**
   * Runs the verifier until it stops getting faster, as bench/node/run.mjs
   * does: V8 compiles the module with its baseline compiler first and tiers
   * hot functions up in the background. At least warmupNs, then windows of
   * a tenth of it until three in a row bring no gain of 2 % (at most 20 s).
   * Returns the best window's nanoseconds per verification.
   */
  warmUp(warmupNs) {
    const start = performance.now();
    const elapsed = () => (performance.now() - start) * 1e6;
    let n = 1;
    while (elapsed() < warmupNs) {
      timeN(n);
      n = Math.min(n * 2, 1024);
    }
    const window = warmupNs / 10;
    n = Math.max(1, Math.round((n * window) / Math.max(1, timeN(n))));
    let best = Infinity;
    let stale = 0;
    while (stale < 3 && elapsed() < 20e9) {
      const perOp = timeN(n) / n;
      if (perOp < best * 0.98) stale = 0;
      else stale++;
      best = Math.min(best, perOp);
    }
    return best;
  },

  /** Frees the prepared verifier; true if any verification ran. */
  release() {
    release();
    return sink !== undefined;
  },
};
