import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { unpackedPath } from '../asar-path.js';
import type { GemmOnHeap } from './gemm-simd.js';
import { heapMemoryOf } from './heap-module.js';

/**
 * The native GEMM (native/gemm.c, a Node-API addon built by scripts/build-native.mjs where a C
 * compiler exists): the same loops as gemm.wat in the same order, without fused multiply-add, so its
 * C is bit-identical to the wasm kernel's (tested over every variant and edge), but compiled for the
 * machine's widest vectors (AVX-512 or AVX2 on x86-64 Linux) instead of wasm's 128 bits: ~3× the
 * wasm kernel on the MLP's products here. It reads and writes the operands where they lie on the tfjs
 * wasm heap. Like the zero-skipping path, the choice cannot change a result, so it is a process switch
 * (INITSCOPE_NATIVE_GEMM) and not recorded in a run's provenance. Where the addon is missing (no
 * compiler at install, another platform), everything runs on the wasm kernels as before.
 */

/** The addon's one function: variant numbers as {@link NATIVE_VARIANTS}; offsets in bytes. */
interface NativeGemmAddon {
  gemm(variant: number, heap: ArrayBuffer, a: number, b: number, c: number, m: number, k: number, n: number): void;
}

/**
 * The variants in the addon's numbering: the four of gemm.wat, and the zero-skipping gemm and gemm_ta
 * of gemm-sparse.wat (same bits as the dense product when B is all finite, which the caller checks).
 */
export const NATIVE_VARIANTS = { gemm: 0, gemm_ta: 1, gemm_tb: 2, gemm_tab: 3, gemm_sparse: 4, gemm_ta_sparse: 5 } as const;
export type NativeVariant = keyof typeof NATIVE_VARIANTS;

/**
 * The fewest columns of C for which the native kernel runs: narrower outputs (the MLP's 10-wide
 * logits) fall to its scalar remainder loop and measured ~2× slower than the wasm kernel.
 */
export const NATIVE_MIN_COLUMNS = 16;

/** Environment variable: '0' or 'false' turns the native path off (measurements, comparisons). */
export const NATIVE_ENV_VAR = 'INITSCOPE_NATIVE_GEMM';

/** Where the addon may lie: next to this module in dist/ (copied by the build), or the source tree's build. */
const CANDIDATES = ['./native/initscope_gemm.node', '../../native/build/Release/initscope_gemm.node'];

let addon: NativeGemmAddon | null | undefined;
let loadError = '';

/** The addon, loaded once; null (reason in {@link nativeGemmStatus}) when absent or unloadable. */
function loadAddon(): NativeGemmAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  const raw = process.env[NATIVE_ENV_VAR]?.trim().toLowerCase();
  if (raw === '0' || raw === 'false') {
    loadError = `${NATIVE_ENV_VAR}=${raw}`;
    return addon;
  }
  const require = createRequire(import.meta.url);
  for (const candidate of CANDIDATES) {
    const file = unpackedPath(fileURLToPath(new URL(candidate, import.meta.url)));
    if (!existsSync(file)) continue;
    try {
      const loaded = require(file) as Partial<NativeGemmAddon>;
      if (typeof loaded.gemm === 'function') return (addon = loaded as NativeGemmAddon);
      loadError = `${file} exports no gemm`;
    } catch (e) {
      loadError = `${file}: ${(e as Error).message}`;
    }
  }
  loadError ||= 'not built (no C compiler when the app was installed, or a platform without a build)';
  return addon;
}

let enabled = true;

/** Turns the native path on or off for this process (tests, benchmarks); returns the previous state. */
export function setNativeGemm(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Whether the addon loaded, and why not when it did not (for the bench and diagnostics). */
export function nativeGemmStatus(): { available: boolean; reason: string } {
  const available = loadAddon() !== null;
  return { available, reason: available ? '' : loadError };
}

/** The functions {@link withNativeGemm} returned that can run natively. */
const NATIVE_WRAPPERS = new WeakSet<GemmOnHeap>();

/**
 * Whether a call of `gemm` with C `n` columns wide runs natively now (the zero-skipping choice uses
 * this: the native dense product is faster than the wasm sparse one above ~10 % nonzero A).
 */
export function runsNatively(gemm: GemmOnHeap, n: number): boolean {
  return enabled && n >= NATIVE_MIN_COLUMNS && NATIVE_WRAPPERS.has(gemm);
}

/** Calls that ran natively and calls passed to the wasm kernel (tests check which path ran). */
export const nativeGemmCalls = { native: 0, wasm: 0 };

/**
 * Wraps the wasm gemm variant `wasm` of `backend`'s heap so that each call with C at least
 * {@link NATIVE_MIN_COLUMNS} wide runs natively while the path is on; other calls run `wasm`. Same
 * arguments and the same bits either way (the scratch is ignored natively: the addon packs a
 * transposed B in its own buffer). Returns `wasm` itself where the addon or the heap is missing.
 */
export function withNativeGemm(wasm: GemmOnHeap, backend: unknown, variant: NativeVariant): GemmOnHeap {
  const native = loadAddon();
  const memory = heapMemoryOf(backend);
  // A threaded build's heap is a SharedArrayBuffer, which the addon does not take.
  if (!native || !memory || !(memory.buffer instanceof ArrayBuffer)) return wasm;
  const index = NATIVE_VARIANTS[variant];
  const gemm: GemmOnHeap = (a, b, c, m, k, n, scratch) => {
    if (enabled && n >= NATIVE_MIN_COLUMNS) {
      nativeGemmCalls.native++;
      // The heap's buffer is read per call: growing the memory replaces it.
      native.gemm(index, memory.buffer, a, b, c, m, k, n);
    } else {
      nativeGemmCalls.wasm++;
      wasm(a, b, c, m, k, n, scratch);
    }
  };
  NATIVE_WRAPPERS.add(gemm);
  return gemm;
}

/**
 * The addon's gemm bound to one WebAssembly.Memory (tests and benchmarks that instantiate kernels on
 * their own heap), or null where the addon is missing.
 */
export function nativeGemmOnMemory(memory: { buffer: ArrayBuffer }, variant: NativeVariant): GemmOnHeap | null {
  const native = loadAddon();
  if (!native) return null;
  const index = NATIVE_VARIANTS[variant];
  return (a, b, c, m, k, n) => native.gemm(index, memory.buffer, a, b, c, m, k, n);
}
