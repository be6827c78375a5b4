// The token inspector page: decode, verify and make JWTs. This file only
// draws: every operation on tokens and keys runs in worker.mjs (the jwtwasm
// module in a Web Worker). The page requests nothing but its own files and
// the key set and discovery URLs the user asks for; a problem with any input
// is shown beside it, never only in the console.

const $ = (id) => document.getElementById(id);
const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const SHARE_VERSION = 'v1';

// ---- the workers -----------------------------------------------------------

/** One worker.mjs, called like a function: call(op, ...args) → Promise. */
class ModuleWorker {
  #worker;
  #next = 0;
  #pending = new Map();
  constructor(name) {
    this.#worker = new Worker(new URL('worker.mjs', import.meta.url), { type: 'module', name });
    this.#worker.onmessage = ({ data }) => {
      const p = this.#pending.get(data.id);
      if (!p) return;
      this.#pending.delete(data.id);
      if (data.ok) p.resolve(data.value);
      else p.reject(Object.assign(new Error(data.message), { code: data.code, errors: data.errors }));
    };
    this.#worker.onerror = (e) => {
      const err = Object.assign(new Error(`the worker failed: ${e.message || 'it could not start'}`), { code: 'internal' });
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
      status(`The module's worker failed: ${e.message || 'it could not start'}.`, 'bad');
    };
  }
  call(op, ...args) {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, args });
    });
  }
}

// One worker decodes and verifies from the start; the other makes keys and
// tokens and starts on first use, so that a long key generation never
// delays a decode.
const inspector = new ModuleWorker('inspect');
let maker;
const makerWorker = () => (maker ??= new ModuleWorker('make'));

function status(text, kind = '') {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

inspector.call('ready').then(
  () => {
    status('module ready', 'good');
    performance.mark('jwtwasm:ready');
  },
  (err) => status(`The module did not load: ${err.message}`, 'bad'),
);

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('sw.js', import.meta.url)).catch((err) => {
    status(`Offline use is not available: the service worker did not register (${err.message}).`, 'warn');
  });
}

// ---- small helpers ---------------------------------------------------------

/** Shows text in an inline message element, or hides it for ''. */
function say(id, text, kind = 'bad') {
  const el = $(id);
  el.textContent = text;
  el.hidden = !text;
  el.className = `msg ${kind}`;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'data') Object.assign(e.dataset, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

const errorText = (err) => (err.code ? `${err.code}: ${err.message.replace(new RegExp(`^${err.code}: `), '')}` : err.message);

const b64urlAlphabet = /^[A-Za-z0-9_-]*$/;

function b64urlDecode(text) {
  const pad = text.length % 4;
  if (pad === 1) throw new Error('its length is not that of any base64url text');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - pad) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// ---- dissect: the token read as far as it goes, in this thread --------------

/**
 * Splits a token into its parts and decodes each as far as it goes. Returns
 * { kind, parts: [{ name, cls, text, value?, error? }], breaks } where breaks
 * names the first place the token stops making sense, or is ''.
 */
function dissect(token) {
  const texts = token.split('.');
  let kind = 'jws';
  let names = [['header', 'p-header'], ['payload', 'p-payload'], ['signature', 'p-sig']];
  if (texts.length === 5) {
    kind = 'jwe';
    names = [['protected header', 'p-header'], ['encrypted key', 'p-key'], ['IV', 'p-iv'], ['ciphertext', 'p-payload'], ['tag', 'p-sig']];
  }
  const parts = texts.map((text, i) => ({ name: names[i]?.[0] ?? `part ${i + 1}`, cls: names[i]?.[1] ?? 'p-extra', text }));
  let breaks = '';
  const brk = (msg) => {
    if (!breaks) breaks = msg;
  };
  if (texts.length !== 3 && texts.length !== 5) {
    brk(`The token has ${texts.length} part${texts.length === 1 ? '' : 's'} separated by dots: a signed JWT (JWS) has 3 (header.payload.signature), an encrypted one (JWE) 5.`);
  }
  parts.forEach((p, i) => {
    const where = `${p.name} (part ${i + 1})`;
    if (!b64urlAlphabet.test(p.text)) {
      const at = [...p.text].findIndex((c) => !/[A-Za-z0-9_-]/.test(c));
      p.error = `character ${JSON.stringify(p.text[at])} at position ${at + 1} is not base64url`;
      return brk(`The ${where} breaks: ${p.error}.`);
    }
    if (p.text === '' && !(kind === 'jwe' && i === 1)) {
      p.error = 'empty';
      return brk(`The ${where} is empty.`);
    }
    let bytes;
    try {
      bytes = b64urlDecode(p.text);
    } catch (err) {
      p.error = err.message;
      return brk(`The ${where} breaks: ${err.message}.`);
    }
    p.bytes = bytes.length;
    const isJSON = i === 0 || (kind === 'jws' && i === 1);
    if (!isJSON) return;
    let text;
    try {
      text = utf8.decode(bytes);
    } catch {
      p.error = 'not UTF-8 text';
      return i === 0 ? brk(`The ${where} is not UTF-8 text.`) : undefined;
    }
    p.raw = text;
    try {
      p.value = JSON.parse(text);
    } catch (err) {
      p.error = `not JSON: ${err.message}`;
      return i === 0 ? brk(`The ${where} is not JSON: ${err.message}.`) : undefined;
    }
    if (i === 0 && (typeof p.value !== 'object' || p.value === null || Array.isArray(p.value))) {
      p.error = 'not a JSON object';
      brk(`The ${where} is JSON but not an object.`);
    }
  });
  return { kind, parts, breaks };
}

// ---- the token box and decode -------------------------------------------

let current = { token: '', dissected: null, inspection: null };
let decodeSeq = 0;

function normalise(text) {
  return text.trim().replace(/^Bearer\s+/i, '').replace(/\s+/g, '');
}

function renderParts(d) {
  const box = $('parts');
  box.replaceChildren();
  d.parts.forEach((p, i) => {
    if (i) box.append(el('span', { class: 'dot', textContent: '.' }));
    box.append(el('span', { class: `part ${p.cls}${p.error && p.error !== 'empty' ? ' broken' : ''}`, title: p.name, textContent: p.text }));
  });
  const legend = el('div', { class: 'legend' });
  for (const p of d.parts) {
    legend.append(el('span', { class: `chip ${p.cls}`, textContent: `${p.name}${p.bytes != null ? ` · ${p.bytes} B` : ''}${p.error ? ` · ${p.error}` : ''}` }));
  }
  box.append(legend);
  box.hidden = false;
}

function showJSON(id, value, fallback) {
  $(id).textContent = value !== undefined ? JSON.stringify(value, null, 2) : fallback;
}

async function decode() {
  const token = normalise($('token').value);
  const seq = ++decodeSeq;
  current = { token, dissected: null, inspection: null };
  say('token-msg', '');
  if (!token) {
    $('parts').hidden = true;
    say('breaks', '');
    showJSON('header-json', undefined, '');
    showJSON('claims-json', undefined, '');
    $('claims-table').tBodies[0].replaceChildren();
    $('findings').replaceChildren();
    updateKidInfo();
    return;
  }
  const d = dissect(token);
  current.dissected = d;
  renderParts(d);
  say('breaks', d.breaks);
  const header = d.parts[0];
  showJSON('header-json', header.value, header.raw ?? `(${header.error ?? 'not decoded'})`);
  if (d.kind === 'jwe') {
    $('payload-title').textContent = 'Payload';
    showJSON('claims-json', undefined, 'Encrypted (JWE): only the protected header is readable without the key. This page does not decrypt.');
    renderClaims({});
    $('findings').replaceChildren(el('li', { class: 'sev-info', textContent: 'A JWE: the module inspects signed tokens (JWS) only.' }));
  } else {
    $('payload-title').textContent = 'Claims';
    const payload = d.parts[1];
    if (payload && payload.value !== undefined) showJSON('claims-json', payload.value);
    else showJSON('claims-json', undefined, payload ? (payload.raw != null ? `${payload.raw}\n\n(${payload.error})` : `(${payload.error ?? 'not decoded'})`) : '(missing)');
    renderClaims(payload?.value && typeof payload.value === 'object' && !Array.isArray(payload.value) ? payload.value : {});
  }
  prefillAlgs();
  updateKidInfo();
  if (!performance.getEntriesByName('jwtwasm:shown').length) performance.mark('jwtwasm:shown');
  if (d.kind === 'jwe') return;
  try {
    const inspection = await inspector.call('inspect', token, null);
    if (seq !== decodeSeq) return;
    current.inspection = inspection;
    renderFindings(inspection.findings);
  } catch (err) {
    if (seq !== decodeSeq) return;
    // The module names where it stops reading the token.
    $('findings').replaceChildren(el('li', { class: 'sev-high' }, el('span', { class: 'sev', textContent: 'error' }), el('code', { textContent: err.code }), ` the module refuses the token: ${err.message.replace(/^[a-z_]+: /, '')}`));
    if (!d.breaks) say('breaks', `The module stops reading the token: ${err.message.replace(/^[a-z_]+: /, '')}.`);
  }
  performance.mark('jwtwasm:decoded');
}

function renderFindings(findings) {
  const list = $('findings');
  list.replaceChildren();
  if (!findings.length) list.append(el('li', { class: 'sev-none', textContent: 'No findings.' }));
  const order = { high: 0, medium: 1, low: 2, info: 3 };
  for (const f of [...findings].sort((a, b) => (order[a.severity] ?? 9) - (order[b.severity] ?? 9))) {
    list.append(el('li', { class: `sev-${f.severity}` }, el('span', { class: 'sev', textContent: f.severity }), el('code', { textContent: f.code }), ` ${f.message}`));
  }
}

// ---- the claims table, with live relative times -----------------------------

const CLAIMS = {
  iss: 'issuer: who made the token',
  sub: 'subject: whom it is about',
  aud: 'audience: the services it is for',
  exp: 'expires at',
  nbf: 'not valid before',
  iat: 'issued at',
  jti: 'token ID: unique per token',
  auth_time: 'when the user authenticated',
  scope: 'scopes granted (OAuth)',
  scp: 'scopes granted',
  azp: 'authorized party: the client it was issued to',
  client_id: 'the OAuth client',
  nonce: 'ties an ID token to a login request',
  sid: 'session ID',
  roles: 'roles granted',
  email: 'email address',
  name: 'full name',
};
const DATE_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time', 'updated_at']);

/** "14 min", "3 h 5 min", "2 days", for a positive number of seconds. */
function span(s) {
  s = Math.round(s);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
  }
  return `${Math.floor(s / 86400)} days`;
}

/** The live phrase for a date claim, relative to now. */
function relative(name, epoch) {
  const d = epoch - Date.now() / 1000;
  const [future, past] = {
    exp: ['expires in', 'expired'],
    nbf: ['valid in', 'valid since'],
    iat: ['issued in', 'issued'],
  }[name] ?? ['in', ''];
  return d >= 0 ? `${future} ${span(d)}` : `${past} ${span(-d)} ago`.trim();
}

function utc(epoch) {
  const d = new Date(epoch * 1000);
  return Number.isNaN(d.getTime()) ? 'out of range' : d.toISOString().replace('T', ' ').replace(/\.000Z$/, ' UTC').replace(/Z$/, ' UTC');
}

function renderClaims(claims) {
  const body = $('claims-table').tBodies[0];
  body.replaceChildren();
  for (const [name, value] of Object.entries(claims)) {
    const valueCell = el('td', {}, el('code', { textContent: typeof value === 'string' ? value : JSON.stringify(value) }));
    if (DATE_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      valueCell.append(el('div', { class: 'when', textContent: utc(value) }), el('div', { class: 'rel', data: { epoch: value, claim: name }, textContent: relative(name, value) }));
    }
    body.append(el('tr', {}, el('th', { scope: 'row' }, el('code', { textContent: name })), valueCell, el('td', { textContent: CLAIMS[name] ?? '' })));
  }
  if (!body.rows.length) body.append(el('tr', {}, el('td', { colSpan: 3, class: 'muted', textContent: 'No claims.' })));
}

setInterval(() => {
  for (const e of document.querySelectorAll('.rel[data-epoch]')) e.textContent = relative(e.dataset.claim, Number(e.dataset.epoch));
}, 1000);

// ---- verify ----------------------------------------------------------------

let keyInfos = null; // the thumbprints of the keys box, or null
let algsTouched = false;

function buildAlgs() {
  const box = $('algs');
  for (const a of ALGS) {
    const input = el('input', { type: 'checkbox', value: a, name: 'alg' });
    input.addEventListener('change', () => (algsTouched = true));
    box.append(el('label', { class: 'check alg' }, input, ` ${a}`));
  }
  const select = $('make-alg');
  for (const a of ALGS) select.append(el('option', { value: a, textContent: a, selected: a === 'ES256' }));
}

/** Until the user picks algorithms, the token's own alg is ticked. */
function prefillAlgs() {
  if (algsTouched) return;
  const alg = current.dissected?.parts[0]?.value?.alg;
  for (const box of document.querySelectorAll('#algs input')) box.checked = box.value === alg;
}

async function readKeys() {
  const text = $('keys').value.trim();
  keyInfos = null;
  if (!text) {
    say('keys-msg', '');
    updateKidInfo();
    return;
  }
  try {
    keyInfos = await inspector.call('keys', text);
    if ($('keys').value.trim() !== text) return;
    say('keys-msg', `${keyInfos.length} key${keyInfos.length === 1 ? '' : 's'} read.`, 'good');
  } catch (err) {
    if ($('keys').value.trim() !== text) return;
    say('keys-msg', `These keys cannot be read: ${errorText(err)}`);
  }
  updateKidInfo();
}

function describeKey(k) {
  return `${k.kty}${k.crv ? ` ${k.crv}` : ` ${k.bits}`}${k.private ? ' (private: only its public part is used)' : ''}`;
}

/** Says which key of the set the token's kid selects. */
function updateKidInfo() {
  const box = $('kid-info');
  box.replaceChildren();
  if (!keyInfos) return;
  const header = current.dissected?.parts[0]?.value;
  const kid = header?.kid;
  const list = el('ol', { class: 'keys' });
  keyInfos.forEach((k, i) => {
    const chosen = kid !== undefined && k.kid === kid;
    list.append(el('li', { class: chosen ? 'chosen' : '' }, el('code', { textContent: k.kid || '(no kid)' }), ` ${describeKey(k)}${chosen ? ' ← selected by the token' : ''}`));
  });
  let line;
  if (!header) line = 'No token to match the keys with.';
  else if (kid === undefined) line = 'The token has no kid: every key that fits its algorithm is tried.';
  else {
    const i = keyInfos.findIndex((k) => k.kid === kid);
    line = i >= 0 ? `The token's kid "${kid}" selects key ${i + 1} of ${keyInfos.length}.` : `No key has the token's kid "${kid}": verification fails with unknown_kid.`;
  }
  box.append(el('p', { textContent: line }), list);
}

function durationOK(text) {
  return /^\s*\d+(\.\d+)?\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|y|yr|yrs|year|years)?\s*$/i.test(text);
}

/** The policy from the form, or null after saying what is wrong. */
function policy() {
  say('policy-msg', '');
  const algorithms = [...document.querySelectorAll('#algs input:checked')].map((b) => b.value);
  if (!algorithms.length) return say('policy-msg', 'Tick at least one algorithm: a verifier accepts only the algorithms it names.'), null;
  const options = { algorithms };
  const iss = $('issuer').value.trim();
  if (iss) options.issuer = iss;
  const aud = $('audience').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (aud.length) options.audience = aud;
  else if ($('any-aud').checked) options.ignoreAudience = true;
  const leeway = $('leeway').value.trim();
  if (leeway && leeway !== '0s') {
    if (!durationOK(leeway)) return say('policy-msg', `Leeway "${leeway}" is not a duration: write e.g. 30s, 2m or 1h.`), null;
    options.clockTolerance = /^\d+$/.test(leeway) ? Number(leeway) : leeway;
  }
  let asOf = null;
  const when = $('asof').value.trim();
  if (when) {
    asOf = Date.parse(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(when) ? `${when}Z` : when);
    if (Number.isNaN(asOf)) return say('policy-msg', `"As of" ${JSON.stringify(when)} is not a time: write e.g. 2030-01-01T00:00:00Z.`), null;
  }
  return { options, asOf };
}

async function verify() {
  const out = $('verify-result');
  const token = current.token;
  const keys = $('keys').value.trim();
  const show = (ok, title, ...rest) => {
    out.className = `card result ${ok ? 'good' : 'bad'}`;
    out.replaceChildren(el('h2', { textContent: title }), ...rest);
    out.hidden = false;
    out.dataset.code = ok ? 'valid' : 'input';
  };
  if (!token) return show(false, 'No token', el('p', { textContent: 'Paste a token in the box above first.' }));
  if (!keys) return show(false, 'No keys', el('p', { textContent: 'Paste a PEM key, a JWK or a JWKS, or fetch a key set, first.' }));
  const p = policy();
  if (!p) return show(false, 'Policy incomplete', el('p', { textContent: $('policy-msg').textContent }));
  try {
    const r = await inspector.call('verify', token, keys, p.options, p.asOf);
    performance.mark('jwtwasm:verified');
    show(true, '✓ Valid', el('p', {}, 'Signature verified with key ', el('code', { textContent: r.kid || '(no kid)' }), ` (key ${r.keyIndex + 1} of the set); every claim check passed${p.asOf != null ? ` as of ${new Date(p.asOf).toISOString()}` : ''}.`));
    out.dataset.code = 'valid';
  } catch (err) {
    performance.mark('jwtwasm:verified');
    const rest = [el('p', {}, el('code', { class: 'code', textContent: err.code }), ` ${err.message.replace(/^[a-z_]+: /, '')}`)];
    if (err.errors?.length > 1) rest.push(el('ul', {}, ...err.errors.slice(1).map((e) => el('li', {}, el('code', { textContent: e.code }), ` ${e.message.replace(/^[a-z_]+: /, '')}`))));
    if (err.code === 'bad_audience' && !p.options.audience) rest.push(el('p', { class: 'muted', textContent: 'Name the audience this service is, or tick "accept any audience".' }));
    show(false, `✗ Refused: ${err.code}`, ...rest);
    out.dataset.code = err.code;
  }
}

// fetchJSON gets a JSON document the user asked for, and explains each way
// it can fail, CORS included.
async function fetchJSON(url, what) {
  let u;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${JSON.stringify(url)} is not a URL.`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`${what} URL must be https (or http on this computer), not ${u.protocol}`);
  const loopback = ['127.0.0.1', 'localhost'].includes(u.hostname);
  if (u.protocol === 'http:' && !loopback) throw new Error(`Refusing plain http for ${u.host}: anyone on the path could replace the keys. Use https.`);
  let res;
  try {
    res = await fetch(u, { mode: 'cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', headers: { Accept: 'application/json' } });
  } catch {
    throw new Error(
      `The browser could not read ${u.href}. Either the server is unreachable, or it does not allow pages of other sites to read it (CORS: no Access-Control-Allow-Origin header for ${location.origin}); the browser does not tell which. ` +
        'Fetch it yourself (curl) and paste it in the keys box.',
    );
  }
  if (!res.ok) throw new Error(`${u.href} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`);
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${u.href} did not send JSON (${err.message}).`);
  }
}

async function useJWKS(doc, from) {
  if (!doc || !Array.isArray(doc.keys)) throw new Error(`${from} is JSON but not a key set: it has no "keys" array.`);
  $('keys').value = JSON.stringify(doc, null, 2);
  await readKeys();
}

async function fetchJWKS() {
  say('fetch-msg', '');
  const url = $('jwks-url').value.trim();
  if (!url) return say('fetch-msg', 'Type the key set URL first.');
  try {
    await useJWKS(await fetchJSON(url, 'The key set'), url);
    say('fetch-msg', `Key set fetched from ${url}.`, 'good');
  } catch (err) {
    say('fetch-msg', err.message);
  }
}

async function discover() {
  say('fetch-msg', '');
  const iss = current.dissected?.parts[1]?.value?.iss;
  if (typeof iss !== 'string' || !iss) return say('fetch-msg', 'The token has no "iss" claim to find keys from.');
  const url = `${iss.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  try {
    const conf = await fetchJSON(url, 'The discovery document');
    if (typeof conf.jwks_uri !== 'string') throw new Error(`${url} has no "jwks_uri".`);
    await useJWKS(await fetchJSON(conf.jwks_uri, 'The key set'), conf.jwks_uri);
    $('jwks-url').value = conf.jwks_uri;
    let note = `Key set fetched from ${conf.jwks_uri}, named by ${url}.`;
    if (conf.issuer !== iss) note += ` Careful: the document says its issuer is ${JSON.stringify(conf.issuer)}, not the token's ${JSON.stringify(iss)}.`;
    say('fetch-msg', note, conf.issuer === iss ? 'good' : 'warn');
    if (!$('issuer').value.trim()) $('issuer').value = iss;
  } catch (err) {
    say('fetch-msg', err.message);
  }
}

// ---- make ------------------------------------------------------------------

const KEY_KINDS = {
  'RSA-2048': { kty: 'RSA', modulusLength: 2048 },
  'RSA-3072': { kty: 'RSA', modulusLength: 3072 },
  'RSA-4096': { kty: 'RSA', modulusLength: 4096 },
  'P-256': { kty: 'EC', crv: 'P-256', alg: 'ES256' },
  'P-384': { kty: 'EC', crv: 'P-384', alg: 'ES384' },
  'P-521': { kty: 'EC', crv: 'P-521', alg: 'ES512' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' },
};

const kindFits = (kind, alg) => (KEY_KINDS[kind].alg ? KEY_KINDS[kind].alg === alg : /^(RS|PS)/.test(alg));

function setHeaderAlg(alg) {
  try {
    const h = JSON.parse($('make-header').value);
    if (h && typeof h === 'object' && !Array.isArray(h)) {
      h.alg = alg;
      $('make-header').value = JSON.stringify(h, null, 2);
    }
  } catch {
    // The header box says what is wrong with it on its own.
  }
}

function onAlgChange() {
  const alg = $('make-alg').value;
  if (!kindFits($('make-keykind').value, alg)) {
    $('make-keykind').value = Object.keys(KEY_KINDS).find((k) => kindFits(k, alg));
  }
  setHeaderAlg(alg);
}

function onKindChange() {
  const kind = $('make-keykind').value;
  if (!kindFits(kind, $('make-alg').value)) {
    $('make-alg').value = KEY_KINDS[kind].alg ?? 'RS256';
    setHeaderAlg($('make-alg').value);
  }
}

/** The header box read: { alg, kid?, typ? }, or null after saying what is wrong. */
function makeHeader() {
  say('make-header-msg', '');
  let h;
  try {
    h = JSON.parse($('make-header').value);
  } catch (err) {
    return say('make-header-msg', `The header is not JSON: ${err.message}`), null;
  }
  if (!h || typeof h !== 'object' || Array.isArray(h)) return say('make-header-msg', 'The header must be a JSON object.'), null;
  const extra = Object.keys(h).filter((k) => !['alg', 'kid', 'typ'].includes(k));
  if (extra.length) return say('make-header-msg', `The module sets only alg, kid and typ in a header: remove ${extra.map((k) => JSON.stringify(k)).join(', ')}.`), null;
  for (const k of ['alg', 'kid', 'typ']) {
    if (k in h && typeof h[k] !== 'string') return say('make-header-msg', `"${k}" must be a string.`), null;
  }
  if (h.alg && !ALGS.includes(h.alg)) return say('make-header-msg', `"alg" ${JSON.stringify(h.alg)} is not one of ${ALGS.join(', ')}.`), null;
  if (h.alg && h.alg !== $('make-alg').value) $('make-alg').value = h.alg;
  return h;
}

function makeClaims() {
  say('make-claims-msg', '');
  let c;
  try {
    c = JSON.parse($('make-claims').value);
  } catch (err) {
    return say('make-claims-msg', `The claims are not JSON: ${err.message}`), null;
  }
  if (!c || typeof c !== 'object' || Array.isArray(c)) return say('make-claims-msg', 'The claims must be a JSON object.'), null;
  return c;
}

function showKeys(k) {
  $('out-private-pem').textContent = k.privatePEM;
  $('out-public-pem').textContent = k.publicPEM;
  $('out-private-jwk').textContent = JSON.stringify(k.privateJWK, null, 2);
  $('out-public-jwks').textContent = JSON.stringify(k.publicJWKS, null, 2);
  $('key-out').hidden = false;
}

let generating = false;
async function generate() {
  if (generating) return;
  const kind = $('make-keykind').value;
  const spec = KEY_KINDS[kind];
  const alg = kindFits(kind, $('make-alg').value) ? $('make-alg').value : (spec.alg ?? 'RS256');
  generating = true;
  $('generate').disabled = true;
  $('sign').disabled = true; // the key being replaced must not sign meanwhile
  const started = performance.now();
  say('make-key-msg', '');
  $('gen-status').textContent = `generating ${kind.replace('-', ' ')}${spec.kty === 'RSA' && spec.modulusLength >= 3072 ? ' (may take a few seconds; keep typing)' : ''}…`;
  try {
    const { alg: _, ...options } = spec;
    const k = await makerWorker().call('generate', alg, options);
    $('make-key').value = k.privatePEM;
    showKeys(k);
    $('gen-status').textContent = `${k.kty} ${k.crv ?? `${k.bits} bits`}, kid ${k.kid}, in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    $('make-alg').value = alg;
    setHeaderAlg(alg);
  } catch (err) {
    $('gen-status').textContent = '';
    say('make-key-msg', `No key was made: ${errorText(err)}`);
  } finally {
    generating = false;
    $('generate').disabled = false;
    $('sign').disabled = false;
  }
}

async function readMakeKey() {
  const text = $('make-key').value.trim();
  if (!text) return say('make-key-msg', ''), ($('key-out').hidden = true);
  try {
    const k = await makerWorker().call('exportAll', text);
    if ($('make-key').value.trim() !== text) return;
    say('make-key-msg', '');
    showKeys(k);
  } catch (err) {
    if ($('make-key').value.trim() !== text) return;
    $('key-out').hidden = true;
    say('make-key-msg', `This private key cannot be read: ${errorText(err)}`);
  }
}

async function sign() {
  const header = makeHeader();
  const claims = makeClaims();
  const key = $('make-key').value.trim();
  if (!key) say('make-key-msg', 'Generate a key pair or paste a private key first.');
  // No token from earlier inputs stays on show while this one is made.
  $('made').hidden = true;
  $('made-token').textContent = '';
  if (!header || !claims || !key) return;
  const options = { alg: header.alg ?? $('make-alg').value };
  if ('kid' in header) options.kid = header.kid;
  if ('typ' in header) options.typ = header.typ;
  try {
    const token = await makerWorker().call('sign', claims, key, options);
    $('made-token').textContent = token;
    $('made').hidden = false;
    say('make-key-msg', '');
  } catch (err) {
    say('make-key-msg', `Not signed: ${errorText(err)}`);
  }
}

function useMadeToken() {
  $('token').value = $('made-token').textContent;
  const jwks = $('out-public-jwks').textContent;
  if (jwks) $('keys').value = jwks;
  $('jwks-url').value = '';
  algsTouched = false;
  decode();
  readKeys();
  selectTab('verify');
  $('verify-btn').focus();
}

function defaultClaims() {
  const now = Math.floor(Date.now() / 1000);
  return JSON.stringify({ iss: 'https://issuer.example', sub: 'alice', aud: 'orders-api', iat: now, exp: now + 900, scope: 'read:orders' }, null, 2);
}

// ---- share links -------------------------------------------------------------

/** Reads "#v1:token=…": the only thing a link ever carries. */
function readFragment() {
  const frag = location.hash.slice(1);
  if (!frag) return;
  const m = /^(v\d+):(.*)$/.exec(frag);
  if (!m) return say('token-msg', 'This link\'s fragment is not a share link of this page (it should start with "#v1:").');
  if (m[1] !== SHARE_VERSION) return say('token-msg', `This link uses share format ${m[1]}, which this page does not know (it reads ${SHARE_VERSION}).`);
  const params = new URLSearchParams(m[2]);
  const token = params.get('token');
  if (!token) return say('token-msg', 'This share link carries no token.');
  $('token').value = token;
  decode();
}

function share() {
  const token = current.token;
  if (!token) return say('token-msg', 'There is no token to share.');
  const url = new URL(location.href);
  url.hash = `${SHARE_VERSION}:token=${token}`;
  $('share-link').value = url.href;
  $('share-box').hidden = false;
  $('share-link').focus();
  $('share-link').select();
}

async function demoToken() {
  say('token-msg', '');
  try {
    const res = await fetch(new URL('demo/token', location.href), { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    $('token').value = (await res.text()).trim();
    decode();
    say('token-msg', 'A demo token from jwtwasm serve: its issuer is this server, so "Find keys from the token\'s iss" (Verify) fetches its keys.', 'good');
  } catch (err) {
    say('token-msg', `This server has no demo token (${err.message}): "jwtwasm serve" has one at demo/token.`);
  }
}

// ---- copy, download, tabs, drop --------------------------------------------------

function textOf(id) {
  const e = $(id);
  return 'value' in e && e.tagName !== 'PRE' ? e.value : e.textContent;
}

async function copy(button) {
  const text = textOf(button.dataset.copy);
  const old = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed: select and copy by hand';
  }
  setTimeout(() => (button.textContent = old), 1500);
}

function download(button) {
  const url = URL.createObjectURL(new Blob([textOf(button.dataset.download)], { type: 'text/plain' }));
  const a = el('a', { href: url, download: button.dataset.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const TABS = ['decode', 'verify', 'make'];
function selectTab(name) {
  for (const t of TABS) {
    const on = t === name;
    $(`tab-${t}`).setAttribute('aria-selected', String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  document.body.dataset.mode = name;
  if (name === 'make') makerWorker();
}

function wire() {
  buildAlgs();
  $('make-claims').value = defaultClaims();
  $('token').addEventListener('input', decode);
  $('keys').addEventListener('input', readKeys);
  $('make-key').addEventListener('change', readMakeKey);
  $('make-header').addEventListener('input', makeHeader);
  $('make-claims').addEventListener('input', makeClaims);
  $('make-alg').addEventListener('change', onAlgChange);
  $('make-keykind').addEventListener('change', onKindChange);
  $('verify-btn').addEventListener('click', verify);
  $('fetch-jwks').addEventListener('click', fetchJWKS);
  $('jwks-url').addEventListener('keydown', (e) => e.key === 'Enter' && fetchJWKS());
  $('discover').addEventListener('click', discover);
  $('generate').addEventListener('click', generate);
  $('sign').addEventListener('click', sign);
  $('use-token').addEventListener('click', useMadeToken);
  $('share').addEventListener('click', share);
  $('demo-token').addEventListener('click', demoToken);
  for (const b of document.querySelectorAll('button.copy')) b.addEventListener('click', () => copy(b));
  for (const b of document.querySelectorAll('button.download')) b.addEventListener('click', () => download(b));
  for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => selectTab(t));
  $('tab-decode').parentElement.addEventListener('keydown', (e) => {
    const i = TABS.indexOf(document.body.dataset.mode);
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: TABS.length - 1 - i }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = TABS[(i + step + TABS.length) % TABS.length];
    selectTab(next);
    $(`tab-${next}`).focus();
  });
  // A file or text dropped on the token box.
  const box = $('token-box');
  box.addEventListener('dragover', (e) => {
    e.preventDefault();
    box.classList.add('dragging');
  });
  box.addEventListener('dragleave', () => box.classList.remove('dragging'));
  box.addEventListener('drop', async (e) => {
    e.preventDefault();
    box.classList.remove('dragging');
    const file = e.dataTransfer.files[0];
    const text = file ? (file.size > 1 << 20 ? null : await file.text()) : e.dataTransfer.getData('text/plain');
    if (text == null) return say('token-msg', `${file.name} is over 1 MiB: not a token.`);
    $('token').value = text.trim();
    decode();
  });
  window.addEventListener('hashchange', readFragment);
  selectTab('decode');
  readFragment();
}

wire();
