import { functionOnHeap } from './heap-module.js';

/**
 * Column sums of a row-major float32 matrix on the tfjs wasm heap, as WebAssembly SIMD code
 * (engine/kernels/wat/sum-rows.wat): out[j] = Σ_i x[i·cols + j], accumulated in float64 (f64x2
 * lanes), rounded to float32 once at the end. Rows are summed in order for each column, so the
 * result equals the float64 JavaScript pass bit for bit (and the cpu backend's Sum).
 */

/** Column sums with byte offsets x, out, acc (float64 scratch of cols, zeroed) on the heap; rows, cols ≥ 0. */
export type SumRowsOnHeap = (x: number, out: number, acc: number, rows: number, cols: number) => void;

/**
 * The sumRows function instantiated on the wasm heap of `backend` (cached per heap), or null when
 * the backend exposes no WebAssembly.Memory or the module cannot be instantiated.
 */
export const sumRowsForBackend: (backend: unknown) => SumRowsOnHeap | null = functionOnHeap<SumRowsOnHeap>('sum-rows', 'sumRows');

/**
 * out[j] = Σ_i x[i·cols + j] for float32 views of one heap: x [rows, cols], out [cols]; `scratch`
 * holds at least 2·cols float32 (8 bytes per column) and is overwritten.
 * @throws Error if the views' lengths do not match rows and cols or they lie on different buffers
 */
export function sumRowsViews(sumRows: SumRowsOnHeap, x: Float32Array, out: Float32Array, scratch: Float32Array, rows: number, cols: number): void {
  if (x.length !== rows * cols || out.length !== cols || scratch.length < 2 * cols) {
    throw new Error(`reduce-simd: views of length ${x.length}, ${out.length}, ${scratch.length} do not match [${rows},${cols}]`);
  }
  if (x.buffer !== out.buffer || scratch.buffer !== out.buffer) throw new Error('reduce-simd: x, out and scratch must be views of the same wasm heap');
  scratch.fill(0, 0, 2 * cols);
  sumRows(x.byteOffset, out.byteOffset, scratch.byteOffset, rows, cols);
}
