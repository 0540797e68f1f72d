import { choosingGemm } from './gemm-sparse.js';
import { functionOnHeap, wrappedPerHeap } from './heap-module.js';
import { withNativeGemm, type NativeVariant } from './native-gemm.js';

/**
 * A float32 GEMM, C[M,N] = A[M,K]·B[K,N] (row-major), as WebAssembly SIMD code
 * (engine/kernels/wat/gemm.wat: a 4×8 register-blocked micro-kernel; its header explains the loop
 * order and edges) that reads A and B and writes C where they lie on the tfjs wasm heap — no
 * operator to create. The stock wasm `BatchMatMul` (XNNPACK) creates and caches a
 * fully-connected operator per B tensor, which packs B (~8 ns per B element here); in training
 * every B is new, so that creation is paid on every call. This kernel pays nothing per B.
 * Variants read A and/or B stored transposed in place (same operations in the same order as gemm
 * on the explicit transposes: the same bits, without the copies).
 */

/**
 * C = A·B with byte offsets a, b, c on the heap and sizes m, k, n ≥ 1 (elements); `scratch` is the
 * byte offset of 8·k float32 the B-transposed variants overwrite (the others ignore it).
 */
export type GemmOnHeap = (a: number, b: number, c: number, m: number, k: number, n: number, scratch: number) => void;

/** Which operands a gemm variant reads stored transposed: A as [k, m], B as [n, k]. */
export interface GemmLayout {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** The transposed-B variants resolved so far (they write the scratch; gemmViews insists on one). */
const WRITES_SCRATCH = new WeakSet<GemmOnHeap>();

/** A variant resolver that remembers the functions it returns as scratch writers. */
const writingScratch =
  (resolve: (backend: unknown) => GemmOnHeap | null) =>
  (backend: unknown): GemmOnHeap | null => {
    const gemm = resolve(backend);
    if (gemm) WRITES_SCRATCH.add(gemm);
    return gemm;
  };

/** The wasm variant `variant`, run natively where the addon is built (engine/kernels/native-gemm.ts). */
const withNative = (variant: NativeVariant) =>
  wrappedPerHeap(functionOnHeap<GemmOnHeap>('gemm', variant), (wasm, backend) => withNativeGemm(wasm, backend, variant));

/** A dense variant wrapped by choosingGemm (zero-skipping when A is sparse). */
const withSparse = (resolve: (backend: unknown) => GemmOnHeap | null, transposeA: boolean) =>
  wrappedPerHeap(resolve, (dense, backend) => choosingGemm(dense, backend, transposeA));

/** The wasm gemm and gemm_ta alone, neither native nor sparse (tests and benchmarks compare the other paths with them). */
export const denseGemmForBackend = {
  gemm: functionOnHeap<GemmOnHeap>('gemm', 'gemm'),
  gemm_ta: functionOnHeap<GemmOnHeap>('gemm', 'gemm_ta'),
};

const VARIANTS = {
  gemm: withSparse(withNative('gemm'), false),
  gemm_ta: withSparse(withNative('gemm_ta'), true),
  gemm_tb: writingScratch(withNative('gemm_tb')),
  gemm_tab: writingScratch(withNative('gemm_tab')),
};

/**
 * The gemm function instantiated on the wasm heap of `backend` (cached per heap), or null when the
 * backend exposes no WebAssembly.Memory or the SIMD module cannot be instantiated (callers fall
 * back to the stock kernel).
 * @param layout which operands lie transposed (default neither): gemm, gemm_ta, gemm_tb or gemm_tab
 */
export function gemmForBackend(backend: unknown, layout: GemmLayout = { transposeA: false, transposeB: false }): GemmOnHeap | null {
  const name = layout.transposeA ? (layout.transposeB ? 'gemm_tab' : 'gemm_ta') : layout.transposeB ? 'gemm_tb' : 'gemm';
  return VARIANTS[name](backend);
}

/**
 * The gemm_ta function (C = A·B with A stored transposed, [k, m] row-major) on the wasm heap of
 * `backend`, or null (see gemmForBackend).
 */
export const gemmTaForBackend = (backend: unknown): GemmOnHeap | null => gemmForBackend(backend, { transposeA: true, transposeB: false });

/**
 * Float32 elements of scratch a gemm call with inner size k needs: one packed 8-column panel of B
 * (transposed-B variants), or the list of nonzero terms of a row of A, 2·k floats (the zero-skipping
 * path of gemm and gemm_ta, which runs only when a scratch is given).
 */
export const gemmScratchLength = (k: number): number => 8 * k;

/**
 * c = a·b for float32 views of one heap: a [m, k] (or [k, m] for a transposed-A variant), b [k, n]
 * (or [n, k] for a transposed-B variant), c [m, n] (row-major, c must not overlap a, b or scratch).
 * k = 0 gives zeros; m = 0 or n = 0 does nothing.
 * @param gemm the compiled function from {@link gemmForBackend} (or instantiated on `a.buffer` by the caller)
 * @param scratch at least {@link gemmScratchLength}(k) floats on the same heap; required by the
 *   transposed-B variants (which write it); gemm and gemm_ta use it for their zero-skipping path
 *   (engine/kernels/gemm-sparse.ts) and run dense without it
 * @throws Error if the views' lengths do not match m, k, n, the scratch is too short, or they lie on different buffers
 */
export function gemmViews(gemm: GemmOnHeap, a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, scratch?: Float32Array): void {
  if (a.length !== m * k || b.length !== k * n || c.length !== m * n) {
    throw new Error(`gemm-simd: views of length ${a.length}, ${b.length}, ${c.length} do not match [${m},${k}]·[${k},${n}]`);
  }
  if (!scratch && WRITES_SCRATCH.has(gemm)) throw new Error('gemm-simd: a transposed-B gemm needs a scratch view');
  if (a.buffer !== c.buffer || b.buffer !== c.buffer || (scratch && scratch.buffer !== c.buffer)) {
    throw new Error('gemm-simd: a, b, c and scratch must be views of the same wasm heap');
  }
  if (scratch && scratch.length < gemmScratchLength(k))
    throw new Error(`gemm-simd: scratch of ${scratch.length} floats, need ${gemmScratchLength(k)} for k = ${k}`);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0);
    return;
  }
  gemm(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, scratch ? scratch.byteOffset : 0);
}
