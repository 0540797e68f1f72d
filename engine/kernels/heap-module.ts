import { KERNEL_BINARIES } from './wat/binaries.generated.js';

/**
 * Loading the WebAssembly kernels of engine/kernels/wat/*.wat (compiled at build time by
 * scripts/build-kernels.mjs) onto the tfjs wasm backend's heap. Each module imports that heap as
 * `env.memory` and exports functions whose arguments are byte addresses of float32 arrays on it,
 * plus sizes; see the comment at the top of each .wat file.
 */

/** A kernel module: the name of its .wat file under engine/kernels/wat. */
export type KernelModuleName = keyof typeof KERNEL_BINARIES;

/** The parts of the WebAssembly JS API used here (the engine compiles without DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The compiled bytes of kernel module `name` (a fresh copy). */
export function kernelBytes(name: KernelModuleName): Uint8Array {
  return new Uint8Array(Buffer.from(KERNEL_BINARIES[name], 'base64'));
}

/**
 * The tfjs wasm backend's heap as a WebAssembly.Memory, or undefined if the backend exposes none.
 * tfjs-backend-wasm has no public accessor: its Emscripten module keeps the memory as `wasmMemory`
 * (threaded builds) or as the instance export `asm.memory` (the SIMD build used here). This is the
 * one place that reads Emscripten's internals.
 */
export function heapMemoryOf(backend: unknown): WasmMemory | undefined {
  const emscripten = (backend as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } }).wasm;
  const memory = emscripten?.wasmMemory ?? emscripten?.asm?.memory;
  return wasmApi && memory instanceof wasmApi.Memory ? memory : undefined;
}

/**
 * Compiles and instantiates kernel module `name` on `memory`, synchronously.
 * @returns the exported functions
 * @throws Error naming the module if WebAssembly (or SIMD) is unavailable or instantiation fails
 */
export function instantiateOn(name: KernelModuleName, memory: WasmMemory): Record<string, unknown> {
  if (!wasmApi) throw new Error(`kernel module '${name}': WebAssembly is not available`);
  try {
    return new wasmApi.Instance(new wasmApi.Module(kernelBytes(name)), { env: { memory } }).exports;
  } catch (e) {
    throw new Error(`kernel module '${name}' cannot be instantiated: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Instantiates kernel module `name` once per heap: returns, for a heap, its exports (cached), or
 * null (also cached) where WebAssembly SIMD is unavailable.
 */
export function modulePerHeap(name: KernelModuleName): (memory: WasmMemory) => Record<string, unknown> | null {
  const compiled = new WeakMap<WasmMemory, Record<string, unknown> | null>();
  return (memory) => {
    let exports = compiled.get(memory);
    if (exports === undefined) {
      try {
        exports = instantiateOn(name, memory);
      } catch {
        exports = null;
      }
      compiled.set(memory, exports);
    }
    return exports;
  };
}

/**
 * The exported function `exportName` of kernel module `name` instantiated on a tfjs wasm backend's
 * heap (see {@link modulePerHeap}), or null when the backend exposes no WebAssembly.Memory or the
 * module cannot be instantiated (callers then fall back to their JavaScript pass or the stock kernel).
 */
export function functionOnHeap<F>(name: KernelModuleName, exportName: string): (backend: unknown) => F | null {
  const onHeap = modulePerHeap(name);
  return (backend) => {
    const memory = heapMemoryOf(backend);
    return memory ? ((onHeap(memory)?.[exportName] as F | undefined) ?? null) : null;
  };
}

/**
 * `resolve`'s function for a backend, wrapped by `wrap` once per resolved function (so once per heap)
 * and cached: e.g. a wasm kernel behind the native or zero-skipping choice.
 * @returns null where `resolve` gives none
 */
export function wrappedPerHeap<F extends object>(
  resolve: (backend: unknown) => F | null,
  wrap: (inner: F, backend: unknown) => F,
): (backend: unknown) => F | null {
  const wrapped = new WeakMap<F, F>();
  return (backend) => {
    const inner = resolve(backend);
    if (!inner) return null;
    let fn = wrapped.get(inner);
    if (!fn) wrapped.set(inner, (fn = wrap(inner, backend)));
    return fn;
  };
}
