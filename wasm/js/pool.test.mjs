// The instance pool (pool.mjs) with stand-in instances: no module needed.
// Run with: node --test wasm/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pool } from './pool.mjs';

// maker returns a make function for the pool and the instances it made;
// each is made after `delay` ms.
function maker(delay = 1) {
  const made = [];
  const make = () => new Promise((resolve) => setTimeout(() => {
    const inst = { id: made.length, broken: false, busy: false };
    made.push(inst);
    resolve(inst);
  }, delay));
  return { make, made };
}

test('calls reuse the one idle instance, synchronously', async () => {
  const { make, made } = maker();
  const pool = new Pool(make, 4);
  await pool.start();
  const ids = [];
  for (let i = 0; i < 10; i++) ids.push(pool.run((inst) => inst.id));
  assert.deepEqual(ids, Array(10).fill(0), 'no promise and no second instance');
  assert.equal(made.length, 1);
  assert.equal(pool.size, 1);
});

test('a call that finds no instance waits; the pool grows one at a time, within its size', async () => {
  const { make, made } = maker(5);
  const pool = new Pool(make, 2);
  // No start(): every call must wait for the first instance.
  const results = Promise.all(Array.from({ length: 5 }, (_, i) => pool.run((inst) => `${i}@${inst.id}`)));
  assert.equal(pool.waiting, 5);
  assert.deepEqual(await results, ['0@0', '1@0', '2@0', '3@0', '4@0'], 'in order, on the one instance made');
  assert.equal(made.length, 1, 'the waiting calls share the first instance rather than each making one');
  assert.equal(pool.waiting, 0);
});

test('a broken instance is dropped and replaced when a call needs one', async () => {
  const { make, made } = maker();
  const pool = new Pool(make, 1);
  await pool.start();
  assert.throws(() => pool.run((inst) => {
    inst.broken = true;
    throw new Error('trap');
  }), /trap/);
  assert.equal(pool.size, 0);
  assert.equal(await pool.run((inst) => inst.id), 1, 'a new instance');
  assert.equal(made.length, 2);
  assert.equal(pool.size, 1);
});

test('the size limit holds: with every instance taken, calls queue', async () => {
  const { make, made } = maker();
  const pool = new Pool(make, 1);
  await pool.start();
  // A call made while another holds the only instance (here, from inside
  // it) queues until that one ends, and no second instance is made.
  let outer;
  pool.run(() => {
    outer = pool.run((again) => again.id);
    assert.equal(pool.waiting, 1);
  });
  assert.equal(await outer, 0);
  assert.equal(made.length, 1, 'no second instance past the limit');
});

test('when making an instance fails, the waiting calls fail with it; the next call tries again', async () => {
  let fail = true;
  const pool = new Pool(async () => {
    if (fail) throw new Error('no module');
    return { broken: false, busy: false };
  }, 1);
  await assert.rejects(pool.run(() => 1), /no module/);
  fail = false;
  assert.equal(await pool.run(() => 2), 2);
});

test('close fails waiting and later calls; each skips busy and broken instances', async () => {
  const { make } = maker(5);
  const pool = new Pool(make, 1);
  await pool.start();
  const seen = [];
  pool.each((inst) => seen.push(inst.id));
  assert.deepEqual(seen, [0]);
  pool.close();
  assert.throws(() => pool.run(() => 1), (e) => e.code === 'invalid_argument');
});
