import type { GemmOnHeap } from './gemm-simd.js';
import { allFiniteForBackend } from './finite-simd.js';
import { functionOnHeap, wrappedPerHeap } from './heap-module.js';
import { runsNatively, withNativeGemm } from './native-gemm.js';

/**
 * The zero-skipping GEMM (engine/kernels/wat/gemm-sparse.wat) and the per-call choice between it
 * and the dense gemm.wat. Skipping the terms whose A element is ±0 gives the dense kernel's bits
 * whenever B is all finite (the argument is in the .wat header), so the choice changes speed only,
 * never results: it is not recorded in a run's provenance. MNIST inputs are ~81 % zeros, which makes
 * a dense layer's first products (X·W and Xᵀ·dZ) several times cheaper.
 */

/** count(a, len) → i32: the nonzero floats of len at heap byte offset a. */
type CountOnHeap = (a: number, len: number) => number;

const sparseGemm = functionOnHeap<GemmOnHeap>('gemm-sparse', 'gemm_sparse');
const sparseGemmTa = functionOnHeap<GemmOnHeap>('gemm-sparse', 'gemm_ta_sparse');
const countNonzero = functionOnHeap<CountOnHeap>('gemm-sparse', 'countNonzero');

/**
 * The largest fraction of nonzero A elements for which the sparse kernel runs. The kernel alone breaks
 * even near 0.6 for the MLP's 784-wide products, but 0.4–0.5 sent layer 2's relu inputs sparse and
 * gained nothing in a training step (docs/benchmarks.md, "Zero-skipping GEMM"); MNIST is ~0.19.
 */
export const SPARSE_MAX_DENSITY = 0.3;

/**
 * The threshold instead of {@link SPARSE_MAX_DENSITY} when the products run natively
 * (engine/kernels/native-gemm.ts, both the dense and the zero-skipping one): X[128,784]·W[784,256]
 * sparse vs dense natively, random zeros: 0.6× the time at 10 % nonzero, 0.85× at 19 %, 1.15× at
 * 30 %; Xᵀ·dZ 0.65×, 0.85×, 1.0× (docs/benchmarks.md, "Native GEMM").
 */
export const SPARSE_MAX_DENSITY_BESIDE_NATIVE = 0.2;

/**
 * The fewest columns of C for which the sparse kernel runs: its per-row gather pass over A pays only
 * when a row's list feeds at least one 32-column panel (measured [128,128]·[128,10]: 2–2.6× slower).
 */
export const SPARSE_MIN_COLUMNS = 32;

/** Environment variable: '0' or 'false' turns the zero-skipping path off (measurements). */
export const SPARSE_ENV_VAR = 'INITSCOPE_WASM_SPARSE';

const envOff = (): boolean => {
  const raw = (typeof process !== 'undefined' ? process.env[SPARSE_ENV_VAR] : undefined)?.trim().toLowerCase();
  return raw === '0' || raw === 'false';
};
let enabled = !envOff();

/** Turns the zero-skipping path on or off for this process (tests, benchmarks); returns the previous state. */
export function setSparseGemm(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Calls of the sparse path (tests check that it ran). */
export const sparseGemmCalls = { sparse: 0, dense: 0 };

/** The zero-skipping variant run natively where the addon is built (same bits), cached per heap. */
const sparseMaybeNative = {
  gemm: wrappedPerHeap(sparseGemm, (wasm, backend) => withNativeGemm(wasm, backend, 'gemm_sparse')),
  gemm_ta: wrappedPerHeap(sparseGemmTa, (wasm, backend) => withNativeGemm(wasm, backend, 'gemm_ta_sparse')),
};

/**
 * Wraps the dense `gemm` (or gemm_ta when `transposeA`) so that each call runs the zero-skipping
 * kernel when the path is on, a scratch is given (byte offset ≠ 0), C has at least
 * {@link SPARSE_MIN_COLUMNS} columns, at most {@link SPARSE_MAX_DENSITY} (or
 * {@link SPARSE_MAX_DENSITY_BESIDE_NATIVE} when `dense` would run natively; the zero-skipping
 * kernel then runs natively too)
 * of A is nonzero (one SIMD pass over A's m·k floats) and B's k·n floats are all finite (one more
 * pass); otherwise `dense`. Both give the same bits, so the choice is invisible in the results.
 * Returns `dense` itself where the sparse module cannot be instantiated.
 */
export function choosingGemm(dense: GemmOnHeap, backend: unknown, transposeA: boolean): GemmOnHeap {
  const sparse = (transposeA ? sparseMaybeNative.gemm_ta : sparseMaybeNative.gemm)(backend);
  const count = countNonzero(backend);
  const finite = allFiniteForBackend(backend);
  if (!sparse || !count || !finite) return dense;
  return (a, b, c, m, k, n, scratch) => {
    const maxDensity = runsNatively(dense, n) ? SPARSE_MAX_DENSITY_BESIDE_NATIVE : SPARSE_MAX_DENSITY;
    if (enabled && scratch !== 0 && n >= SPARSE_MIN_COLUMNS && count(a, m * k) <= maxDensity * m * k && finite(b, k * n) === 1) {
      sparseGemmCalls.sparse++;
      sparse(a, b, c, m, k, n, scratch);
    } else {
      sparseGemmCalls.dense++;
      dense(a, b, c, m, k, n, scratch);
    }
  };
}
