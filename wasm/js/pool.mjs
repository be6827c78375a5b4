// A pool of module instances with a size limit: a call takes an idle
// instance, or waits for one; an instance that trapped is dropped and, if
// calls are waiting, replaced. Internal to the package (not in its
// exports map); jwtwasm.mjs makes one per loaded module.
//
// Guest calls are synchronous, so in one thread an instance is busy only
// for the length of one call, and a call that finds none idle is rare:
// the first calls, while the first instance is being made, and calls after
// a trap. The pool therefore grows by one instance at a time, and only when
// a call waits and no instance is on its way; it never makes instances
// ahead of need. Parallelism in JavaScript comes from Workers, each with
// its own pool.

import { JwtwasmError } from './instance.mjs';

export class Pool {
  #make;
  #size;
  #idle = [];
  #live = new Set();
  #waiters = [];
  #making = false;
  #closed = false;

  /**
   * make returns a promise of a new instance (an object with `broken`
   * and `busy` flags); size is the most instances alive at once.
   */
  constructor(make, size) {
    this.#make = make;
    this.#size = size;
  }

  /** Makes the first instance now, so that a bad module fails at load. */
  async start() {
    const inst = await this.#make();
    this.#live.add(inst);
    this.#idle.push(inst);
  }

  /** The instances alive, idle or not. */
  get size() {
    return this.#live.size;
  }

  /** How many calls wait for an instance. */
  get waiting() {
    return this.#waiters.length;
  }

  /**
   * Runs fn(instance), which must be synchronous, on an idle instance:
   * at once if one is idle (its result, or its throw), otherwise a promise
   * of its result once one is.
   */
  run(fn) {
    if (this.#closed) throw new JwtwasmError('invalid_argument', 'the module was closed');
    const inst = this.#idle.pop();
    if (inst) return this.#use(inst, fn);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#grow();
    }).then((i) => this.#use(i, fn));
  }

  /**
   * Runs fn on every live instance that is not running a call: to free
   * what a prepared object holds in each. Errors are ignored.
   */
  each(fn) {
    for (const inst of this.#live) {
      if (inst.broken || inst.busy) continue;
      try {
        fn(inst);
      } catch {
        // The handle may be gone already; nothing to do.
      }
    }
  }

  /** Drops every instance; waiting calls and later ones fail. */
  close() {
    this.#closed = true;
    this.#idle = [];
    this.#live.clear();
    for (const w of this.#waiters.splice(0)) w.reject(new JwtwasmError('invalid_argument', 'the module was closed'));
  }

  #use(inst, fn) {
    try {
      return fn(inst);
    } finally {
      this.#release(inst);
    }
  }

  #release(inst) {
    if (this.#closed) return;
    if (inst.broken) {
      this.#live.delete(inst);
      this.#grow();
      return;
    }
    const w = this.#waiters.shift();
    if (w) w.resolve(inst);
    else this.#idle.push(inst);
  }

  // grow makes one more instance if a call waits, none is on its way and
  // the pool is under its size.
  #grow() {
    if (this.#closed || this.#making || this.#waiters.length === 0 || this.#live.size >= this.#size) return;
    this.#making = true;
    this.#make().then((inst) => {
      this.#making = false;
      if (this.#closed) return;
      this.#live.add(inst);
      this.#release(inst); // to the first waiter; each hands it on as it ends
    }, (err) => {
      this.#making = false;
      for (const w of this.#waiters.splice(0)) w.reject(err);
    });
  }
}
