// Types of wasi.mjs: the WASI preview 1 shim for the jwtwasm module.

/** WASI errno values the shim returns. */
export declare const Errno: Readonly<{ SUCCESS: 0; BADF: 8; INVAL: 28; NOSYS: 52; NOTDIR: 54 }>;

/** Thrown by proc_exit: the instance is in an unknown state afterwards. */
export declare class WasiExit extends Error {
  constructor(code: number);
  readonly name: 'WasiExit';
  readonly code: number;
}

/** node:wasi's WASI, as far as the module needs: no arguments, environment or files. */
export declare class WASI {
  constructor(options?: { version?: 'preview1'; args?: string[]; env?: Record<string, string>; returnOnExit?: boolean });
  /** The memory, once initialize has run. */
  memory: WebAssembly.Memory | undefined;
  /** The import object for WebAssembly.instantiate. */
  getImportObject(): { wasi_snapshot_preview1: Record<string, (...args: any[]) => any> };
  /** Runs the reactor's _initialize once. */
  initialize(instance: WebAssembly.Instance): void;
  /** The wasi_snapshot_preview1 functions. */
  imports(): Record<string, (...args: any[]) => any>;
}
