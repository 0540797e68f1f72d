import {
  assembleFunctions,
  f32,
  functionOnHeap,
  i32,
  local,
  LocalAllocator,
  more,
  op,
  valueType,
  whileLoop,
  type Code,
  type WasmFunction,
} from './wasm-simd-assembler.js';

/**
 * Column sums of a row-major float32 matrix on the tfjs wasm heap, as WebAssembly SIMD code:
 * out[j] = Σ_i x[i·cols + j], accumulated in float64 (f64x2 lanes: two float32 are widened with
 * f64x2.promote_low_f32x4 and added to two float64 accumulators), rounded to float32 once at the
 * end. Rows are summed in order for each column, so the result equals the float64 JavaScript pass
 * bit for bit (and the cpu backend's Sum, which also accumulates JavaScript numbers in order).
 */

/** Parameters: byte offsets of x [rows, cols], out [cols] and the float64 scratch acc [cols] (zeroed by the caller), then rows, cols. */
const [X, OUT, ACC, ROWS, COLS] = [0, 1, 2, 3, 4];

function sumRowsFunction(): WasmFunction {
  const v = valueType;
  const L = new LocalAllocator(5);
  const rowBytes = L.add(v.i32); // cols·4
  const pairBytes = L.add(v.i32); // bytes of a row covered by column pairs: (cols & ~1)·4
  const row = L.add(v.i32); // address of x[i, 0]
  const end = L.add(v.i32); // address of x[rows, 0]
  const px = L.add(v.i32); // address of x[i, j]
  const pairEnd = L.add(v.i32);
  const pa = L.add(v.i32); // address of acc[j]
  const j = L.add(v.i32);
  const get = local.get;

  const pairStep: Code = [
    ...op.storeAt(get(pa), more.f64x2Add(op.loadAt(get(pa)), more.f64x2PromoteLow(more.load64Zero(get(px))))),
    ...i32.increment(px, i32.const(8)),
    ...i32.increment(pa, i32.const(16)),
  ];
  const body: Code = [
    ...local.set(rowBytes, i32.mul(get(COLS), i32.const(4))),
    ...local.set(pairBytes, i32.mul(more.i32And(get(COLS), i32.const(-2)), i32.const(4))),
    ...local.set(row, get(X)),
    ...local.set(end, i32.add(get(X), i32.mul(get(ROWS), get(rowBytes)))),
    ...whileLoop(more.i32LtU(get(row), get(end)), [
      ...local.set(px, get(row)),
      ...local.set(pa, get(ACC)),
      ...local.set(pairEnd, i32.add(get(row), get(pairBytes))),
      // Two pairs per pass while four columns are left, then one pair.
      ...whileLoop(more.i32LtU(i32.add(get(px), i32.const(8)), get(pairEnd)), [...pairStep, ...pairStep]),
      ...whileLoop(more.i32LtU(get(px), get(pairEnd)), pairStep),
      // An odd last column.
      ...whileLoop(more.i32LtU(get(px), i32.add(get(row), get(rowBytes))), [
        ...more.f64Store(get(pa), more.f64Add(more.f64Load(get(pa)), more.f64PromoteF32(f32.load(get(px))))),
        ...i32.increment(px, i32.const(4)),
        ...i32.increment(pa, i32.const(8)),
      ]),
      ...i32.increment(row, get(rowBytes)),
    ]),
    ...local.set(j, i32.const(0)),
    ...whileLoop(i32.lt(get(j), get(COLS)), [
      ...f32.store(i32.add(get(OUT), i32.mul(get(j), i32.const(4))), more.f32DemoteF64(more.f64Load(i32.add(get(ACC), i32.mul(get(j), i32.const(8)))))),
      ...i32.increment(j, i32.const(1)),
    ]),
  ];
  return { name: 'sumRows', params: Array(5).fill(v.i32), locals: L.types, body };
}

/** The module's bytes: one exported function `sumRows(x, out, acc, rows, cols)`. */
export function assembleSumRows(): Uint8Array {
  return assembleFunctions([sumRowsFunction()]);
}

/** Column sums with byte offsets x, out, acc (float64 scratch of cols, zeroed) on the heap; rows, cols ≥ 0. */
export type SumRowsOnHeap = (x: number, out: number, acc: number, rows: number, cols: number) => void;

/**
 * The sumRows function instantiated on the wasm heap of `backend` (cached per heap), or null when
 * the backend exposes no WebAssembly.Memory or the module cannot be instantiated.
 */
export const sumRowsForBackend: (backend: unknown) => SumRowsOnHeap | null = functionOnHeap<SumRowsOnHeap>(assembleSumRows, 'sumRows');

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
