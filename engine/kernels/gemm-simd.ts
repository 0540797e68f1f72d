import { functionOnHeap } from './heap-module.js';

/**
 * A float32 GEMM, C[M,N] = A[M,K]·B[K,N] (row-major, no transposes), as WebAssembly SIMD code
 * (engine/kernels/wat/gemm.wat: a 4×8 register-blocked micro-kernel; its header explains the loop
 * order and edges) that reads A and B and writes C where they lie on the tfjs wasm heap — no
 * packing, no operator to create. The stock wasm `BatchMatMul` (XNNPACK) creates and caches a
 * fully-connected operator per B tensor, which packs B (~8 ns per B element here); in training
 * every B is new, so that creation is paid on every call. This kernel pays nothing per B.
 */

/** C = A·B with byte offsets a, b, c on the heap and sizes m, k, n ≥ 1 (elements). */
export type GemmOnHeap = (a: number, b: number, c: number, m: number, k: number, n: number) => void;

/**
 * The gemm function instantiated on the wasm heap of `backend` (cached per heap), or null when the
 * backend exposes no WebAssembly.Memory or the SIMD module cannot be instantiated (callers fall
 * back to the stock kernel).
 */
export const gemmForBackend: (backend: unknown) => GemmOnHeap | null = functionOnHeap<GemmOnHeap>('gemm', 'gemm');

/**
 * The gemm_ta function (C = A·B with A stored transposed, [k, m] row-major) on the wasm heap of
 * `backend`, or null (see gemmForBackend). Same operations in the same order as gemm on the explicit
 * transpose: the same bits, without the copy.
 */
export const gemmTaForBackend: (backend: unknown) => GemmOnHeap | null = functionOnHeap<GemmOnHeap>('gemm', 'gemm_ta');

/**
 * c = a·b for float32 views of one heap: a [m, k], b [k, n], c [m, n] (row-major, c must not
 * overlap a or b). k = 0 gives zeros; m = 0 or n = 0 does nothing.
 * @param gemm the compiled function from {@link gemmForBackend} (or instantiated on `a.buffer` by the caller)
 * @throws Error if the views' lengths do not match m, k, n or they lie on different buffers
 */
export function gemmViews(gemm: GemmOnHeap, a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  if (a.length !== m * k || b.length !== k * n || c.length !== m * n) {
    throw new Error(`gemm-simd: views of length ${a.length}, ${b.length}, ${c.length} do not match [${m},${k}]·[${k},${n}]`);
  }
  if (a.buffer !== c.buffer || b.buffer !== c.buffer) throw new Error('gemm-simd: a, b and c must be views of the same wasm heap');
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0);
    return;
  }
  gemm(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n);
}
