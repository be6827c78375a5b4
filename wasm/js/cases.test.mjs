// The shared verification cases of core/testdata/cases (the format is
// described in core/cases_test.go; core's TestCases and host's
// TestDifferential read the same files) through the package's API: each
// case's policy becomes jwtVerify's options, and the verdict must be the
// file's, the code core's. Both paths run: jwtVerify with the key document
// (verifier_new, then op 8) and a prepared Verifier (jwtwasm_verify_input);
// they must agree on everything. Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createVerifier, jwtVerify, JwtwasmError } from './jwtwasm.mjs';

const dir = new URL('../../core/testdata/cases/', import.meta.url);
const MIN_CASES = 100; // as core's minCases: fewer means the files moved

// parseCase reads one case file as host's parseDiffCase does.
function parseCase(text, file) {
  const cut = text.indexOf('\n\n');
  const body = text.slice(cut + 2);
  if (cut < 0 || !body.endsWith('\n') || body.indexOf('\n') !== body.length - 1) {
    throw new Error(`${file}: want header lines, a blank line, then the token on one line`);
  }
  const f = { token: body.slice(0, -1) };
  for (const line of text.slice(0, cut).split('\n')) {
    const at = line.indexOf(': ');
    if (at < 0) throw new Error(`${file}: header line ${JSON.stringify(line)} is not "name: value"`);
    const name = line.slice(0, at);
    if (name in f) throw new Error(`${file}: field ${name} given twice`);
    f[name] = line.slice(at + 2);
  }
  for (const name of ['token', 'keys', 'claims']) {
    const enc = f[`${name}-encoding`];
    if (enc === undefined) continue;
    if (enc !== 'base64') throw new Error(`${file}: ${name}-encoding ${enc}`);
    f[name] = Buffer.from(f[name], 'base64').toString('utf8');
  }
  return f;
}

// optionsOf maps an ABI policy (wasm/ABI.md) onto the package's options:
// the inverse of what the package does, so that the conversion is tested
// too. A member it does not know fails the test.
function optionsOf(policy) {
  const o = {};
  for (const [k, v] of Object.entries(policy)) {
    switch (k) {
      case 'algorithms': o.algorithms = v; break;
      case 'issuer': o.issuer = v; break;
      case 'audiences': o.audience = v; break;
      case 'subject': o.subject = v; break;
      case 'required_claims': o.requiredClaims = v; break;
      case 'leeway_ms': o.clockTolerance = v / 1000; break;
      case 'max_age_ms': o.maxTokenAge = `${v / 1000}s`; break;
      case 'allow_no_expiry': o.allowNoExpiry = v; break;
      case 'max_token_size': o.maxTokenSize = v; break;
      case 'critical': o.crit = Object.fromEntries(v.map((name) => [name, true])); break;
      case 'require': o.require = v; break;
      case 'allow_weak_keys': o.allowWeakKeys = v; break;
      case 'ignore_audience': o.ignoreAudience = v; break;
      case 'key_id': o.keyId = v; break;
      default: throw new Error(`policy member ${k} has no option here: add it to the package and to this map`);
    }
  }
  return o;
}

// outcome runs one path and returns what it made of the token.
async function outcome(run) {
  try {
    const r = await run();
    return { verdict: 'valid', payload: r.payload, header: r.protectedHeader, kid: r.kid, keyIndex: r.keyIndex };
  } catch (e) {
    if (!(e instanceof JwtwasmError)) throw e;
    return { verdict: e.code, message: e.message, errors: e.errors, payload: e.payload, header: e.protectedHeader, kid: e.kid, keyIndex: e.keyIndex };
  }
}

const files = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();

test(`core/testdata/cases holds at least ${MIN_CASES} cases`, () => {
  assert.ok(files.length >= MIN_CASES, `${files.length} case files in ${dir.pathname}`);
});

test('every case: the verdict and code of the Go engine, on both paths', async (t) => {
  const seen = {};
  for (const file of files) {
    const c = parseCase(await readFile(new URL(file, dir), 'utf8'), file);
    await t.test(c.name, async () => {
      assert.equal(`${c.name}.txt`, file, 'the name is the file\'s');
      const options = optionsOf(JSON.parse(c.policy));
      const currentDate = new Date(Number(c.now));
      const once = await outcome(() => jwtVerify(c.token, c.keys, { ...options, currentDate }));
      // A case whose keys or policy the module refuses has no verifier to
      // prepare: the same error must come from createVerifier.
      const prepared = await outcome(async () => {
        const v = await createVerifier(c.keys, options);
        try {
          return await v.verify(c.token, { currentDate });
        } finally {
          v.close();
        }
      });
      assert.equal(once.verdict, c.expect, `jwtVerify: ${once.message ?? 'valid'} (${c.comment})`);
      assert.deepEqual(prepared, once, 'a prepared verifier judges as jwtVerify does');
      if (c.expect === 'valid' || c.expect === 'forbidden') {
        assert.deepEqual(once.payload, JSON.parse(c.claims), 'the claims, as the case gives them');
        assert.equal(typeof once.kid, 'string');
      }
      seen[c.expect] = (seen[c.expect] ?? 0) + 1;
    });
  }
  t.diagnostic(`${files.length} cases: ${Object.entries(seen).map(([k, n]) => `${k}=${n}`).join(' ')}`);
});
