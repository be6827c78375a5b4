// A WASI preview 1 shim for browsers: just the wasi_snapshot_preview1
// imports that wasm/blob/jwtwasm.wasm declares, and nothing else. The
// module gets a real wall clock, a monotonic clock and crypto.getRandomValues
// (wasm/ABI.md, "Life cycle"), empty arguments and environment, stdout and
// stderr on the console, and no files: no preopened directory exists, so
// every path call fails (EBADF, or ENOTDIR on stdio).
//
// The class below has the part of node:wasi's WASI that wasm/js/jwtwasm.mjs
// uses (the constructor, getImportObject, initialize), so bench/browser's
// page maps the specifier "node:wasi" onto this file with an import map and
// runs that driver unchanged. It only needs globalThis.crypto, performance
// and console, so it runs under Node too (wasi.test.mjs). It lived in
// bench/browser until the JS package (this directory) needed it too.
//
// # Notes
//
//   - poll_oneoff can only spin: a page's main thread may not block. The
//     module's hot paths never sleep.
//   - performance.now() is coarsened by the browser (100 µs, or 5 µs when the
//     page is cross-origin isolated, which bench/browser's server arranges).
//   - Where performance.timeOrigin is missing or 0 (some edge runtimes), the
//     wall clock is Date.now(), in whole milliseconds.

// Errno values of WASI preview 1.
export const Errno = Object.freeze({
  SUCCESS: 0,
  BADF: 8,
  INVAL: 28,
  NOSYS: 52,
  NOTDIR: 54,
});

/** Thrown by proc_exit: the instance is in an unknown state afterwards. */
export class WasiExit extends Error {
  constructor(code) {
    super(`wasi: the module called proc_exit(${code})`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const EVENTTYPE_CLOCK = 0;
const SUBSCRIPTION_CLOCK_ABSTIME = 1;
const FILETYPE_CHARACTER_DEVICE = 2;
const RANDOM_CHUNK = 65536; // crypto.getRandomValues' limit per call
const ALL_RIGHTS = (1n << 29n) - 1n; // every right preview 1 defines

// Nanoseconds since the Unix epoch and since an arbitrary start.
const realtime = () => {
  const origin = performance.timeOrigin;
  if (!(origin > 0)) return BigInt(Date.now()) * 1_000_000n;
  const whole = Math.floor(origin);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((origin - whole + performance.now()) * 1e6));
};
const monotonic = () => BigInt(Math.round(performance.now() * 1e6));

export class WASI {
  /**
   * Accepts node:wasi's options; args and env must be empty (the module
   * needs neither), and proc_exit always throws [WasiExit].
   */
  constructor(options = {}) {
    if (options.version !== undefined && options.version !== 'preview1') {
      throw new Error(`wasi: version ${JSON.stringify(options.version)}, this shim has only "preview1"`);
    }
    if (options.args?.length || Object.keys(options.env ?? {}).length) {
      throw new Error('wasi: this shim passes no arguments and no environment');
    }
    this.memory = undefined;
    this.out = { 1: '', 2: '' }; // partial lines of stdout and stderr
  }

  /** The import object for WebAssembly.instantiate. */
  getImportObject() {
    return { wasi_snapshot_preview1: this.imports() };
  }

  /** Runs the reactor's _initialize once; it must be called exactly once. */
  initialize(instance) {
    if (this.memory) throw new Error('wasi: initialize called twice');
    const { memory, _initialize: init, _start: start } = instance.exports;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error('wasi: the module exports no memory');
    if (typeof init !== 'function' || start !== undefined) {
      throw new Error('wasi: the module is not a reactor (it must export _initialize and no _start)');
    }
    this.memory = memory;
    init();
  }

  // The views are made afresh on every call: growing the memory detaches
  // the old buffer.
  view() {
    return new DataView(this.memory.buffer);
  }

  bytes(ptr, len) {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  imports() {
    const fdOK = (fd) => fd >= 0 && fd <= 2; // stdin, stdout, stderr

    return {
      args_sizes_get: (argcPtr, bufSizePtr) => {
        const v = this.view();
        v.setUint32(argcPtr, 0, true);
        v.setUint32(bufSizePtr, 0, true);
        return Errno.SUCCESS;
      },
      args_get: () => Errno.SUCCESS,
      environ_sizes_get: (countPtr, bufSizePtr) => {
        const v = this.view();
        v.setUint32(countPtr, 0, true);
        v.setUint32(bufSizePtr, 0, true);
        return Errno.SUCCESS;
      },
      environ_get: () => Errno.SUCCESS,

      clock_time_get: (id, _precision, timePtr) => {
        let t;
        if (id === CLOCK_REALTIME) t = realtime();
        else if (id === CLOCK_MONOTONIC) t = monotonic();
        else return Errno.INVAL;
        this.view().setBigUint64(timePtr, t, true);
        return Errno.SUCCESS;
      },

      random_get: (ptr, len) => {
        for (let off = 0; off < len; off += RANDOM_CHUNK) {
          crypto.getRandomValues(this.bytes(ptr + off, Math.min(RANDOM_CHUNK, len - off)));
        }
        return Errno.SUCCESS;
      },

      sched_yield: () => Errno.SUCCESS,

      proc_exit: (code) => {
        throw new WasiExit(code);
      },

      // poll_oneoff answers fd subscriptions at once with EBADF and waits
      // (by spinning) for the earliest clock subscription.
      poll_oneoff: (inPtr, outPtr, nsubs, neventsPtr) => {
        if (nsubs === 0) return Errno.INVAL;
        const v = this.view();
        const fdEvents = [];
        const clocks = [];
        for (let i = 0; i < nsubs; i++) {
          const s = inPtr + i * 48;
          const userdata = v.getBigUint64(s, true);
          const tag = v.getUint8(s + 8);
          if (tag === EVENTTYPE_CLOCK) {
            const id = v.getUint32(s + 16, true);
            const timeout = v.getBigUint64(s + 24, true);
            const abs = (v.getUint16(s + 40, true) & SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
            const now = id === CLOCK_REALTIME ? realtime : monotonic;
            const deadline = abs ? timeout : now() + timeout;
            clocks.push({ userdata, deadline, now });
          } else {
            fdEvents.push({ userdata, type: tag, error: Errno.BADF });
          }
        }
        let events = fdEvents;
        if (events.length === 0) {
          // Realtime subscriptions are timed by the wall clock, any other
          // by the monotonic one; wait until the first is due.
          let due = [];
          while (due.length === 0) due = clocks.filter((c) => c.now() >= c.deadline);
          events = due.map((c) => ({ userdata: c.userdata, type: EVENTTYPE_CLOCK, error: Errno.SUCCESS }));
        }
        events.forEach((e, i) => {
          const o = outPtr + i * 32;
          this.bytes(o, 32).fill(0);
          v.setBigUint64(o, e.userdata, true);
          v.setUint16(o + 8, e.error, true);
          v.setUint8(o + 10, e.type);
        });
        v.setUint32(neventsPtr, events.length, true);
        return Errno.SUCCESS;
      },

      fd_write: (fd, iovs, iovsLen, nwrittenPtr) => {
        if (fd !== 1 && fd !== 2) return Errno.BADF;
        const v = this.view();
        const decoder = new TextDecoder();
        let n = 0;
        for (let i = 0; i < iovsLen; i++) {
          const ptr = v.getUint32(iovs + i * 8, true);
          const len = v.getUint32(iovs + i * 8 + 4, true);
          this.out[fd] += decoder.decode(this.bytes(ptr, len), { stream: true });
          n += len;
        }
        const lines = this.out[fd].split('\n');
        this.out[fd] = lines.pop();
        for (const line of lines) (fd === 1 ? console.log : console.error)(line);
        v.setUint32(nwrittenPtr, n, true);
        return Errno.SUCCESS;
      },

      fd_read: (fd, _iovs, _iovsLen, nreadPtr) => {
        if (fd !== 0) return Errno.BADF;
        this.view().setUint32(nreadPtr, 0, true); // stdin is empty
        return Errno.SUCCESS;
      },

      fd_close: (fd) => (fdOK(fd) ? Errno.SUCCESS : Errno.BADF),

      fd_fdstat_get: (fd, ptr) => {
        if (!fdOK(fd)) return Errno.BADF;
        const v = this.view();
        this.bytes(ptr, 24).fill(0);
        v.setUint8(ptr, FILETYPE_CHARACTER_DEVICE);
        v.setUint16(ptr + 2, 0, true); // fdflags: blocking, no append
        v.setBigUint64(ptr + 8, ALL_RIGHTS, true);
        v.setBigUint64(ptr + 16, ALL_RIGHTS, true);
        return Errno.SUCCESS;
      },
      fd_fdstat_set_flags: (fd) => (fdOK(fd) ? Errno.NOSYS : Errno.BADF),

      // No preopened directories: the runtime's scan from fd 3 stops at
      // the first EBADF.
      fd_prestat_get: () => Errno.BADF,
      fd_prestat_dir_name: () => Errno.BADF,
      path_open: (dirfd) => (fdOK(dirfd) ? Errno.NOTDIR : Errno.BADF),
      path_filestat_get: (dirfd) => (fdOK(dirfd) ? Errno.NOTDIR : Errno.BADF),
    };
  }
}
