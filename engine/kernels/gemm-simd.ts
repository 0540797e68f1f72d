import {
  assembleFunctions,
  doWhile,
  f32,
  functionOnHeap,
  i32,
  local,
  op,
  valueType,
  whileLoop,
  type Code,
  type ValueType,
  type WasmFunction,
} from './wasm-simd-assembler.js';

/**
 * A float32 GEMM, C[M,N] = A[M,K]·B[K,N] (row-major, no transposes), as WebAssembly SIMD code that
 * reads A and B and writes C where they lie on the tfjs wasm heap — no packing, no operator to
 * create. The stock wasm `BatchMatMul` (XNNPACK) creates and caches a fully-connected operator per B
 * tensor, which packs B (~8 ns per B element here); in training every B is new, so that creation is
 * paid on every call. This kernel pays nothing per B.
 *
 * Loop order: column panels of C (4·V columns, j outer), row blocks of R rows inside (i), k
 * innermost. The micro-kernel keeps an R × 4V block of C in R·V v128 accumulators; per k it loads V
 * vectors of B[k, j..j+4V) and broadcasts A[i+r, k] (v128.load32_splat), then multiplies and adds
 * (no FMA in wasm SIMD128: products are rounded before the sum, like the cpu backend). Edges: rows
 * left over from the R-row blocks run as 1-row blocks; columns left over from the 4V-wide panels as
 * 4-wide panels, the last N mod 4 columns as one 4-wide panel ending at column N (overlapping the
 * previous one) or, when N < 4, with a scalar loop. Any M, K, N ≥ 1.
 */

/** Geometry of the main micro-kernel: rows of C per block and v128 vectors (four columns each) per row. */
export interface MicroKernelShape {
  rows: number;
  vectors: number;
}

/** The micro-kernel the exported `gemm` uses: 4 rows × 8 columns (8 accumulators; fits 16 xmm registers). */
export const DEFAULT_MICRO_KERNEL: MicroKernelShape = { rows: 4, vectors: 2 };

/** Parameters of the exported function: byte offsets of A, B, C on the heap, then M, K, N (elements). */
const [A, B, C, M, K, N] = [0, 1, 2, 3, 4, 5];

/** Hands out local indices after the parameters, remembering their types. */
class Locals {
  readonly types: ValueType[] = [];
  constructor(private readonly paramCount: number) {}
  add(type: ValueType): number {
    this.types.push(type);
    return this.paramCount + this.types.length - 1;
  }
  many(type: ValueType, count: number): number[] {
    return Array.from({ length: count }, () => this.add(type));
  }
}

/** The gemm function's body for a micro-kernel of `shape`. */
function gemmFunction(fnName: string, shape: MicroKernelShape): WasmFunction {
  const L = new Locals(6);
  const v = valueType;
  const k4 = L.add(v.i32); // K·4: bytes per row of A
  const n4 = L.add(v.i32); // N·4: bytes per row of B and C
  const j = L.add(v.i32); // byte offset of the panel's first column within a row of B / C
  const i = L.add(v.i32); // row of C
  const rowA = L.add(v.i32); // address of A[i, 0]
  const rowC = L.add(v.i32); // address of C[i, j]
  const pb = L.add(v.i32); // address of B[k, j]
  const endA = L.add(v.i32); // address of A[i, K]
  const pc = L.add(v.i32); // store cursor
  const maxRows = Math.max(shape.rows, 1);
  const pa = L.many(v.i32, maxRows); // address of A[i + r, k]
  const acc = L.many(v.v128, maxRows * shape.vectors);
  const bv = L.many(v.v128, shape.vectors);
  const av = L.add(v.v128);
  const sum = L.add(v.f32);
  const get = local.get;

  /** C[i..i+rows, j..j+4·vectors) = A[i..i+rows, :]·B[:, j..j+4·vectors). */
  const microKernel = (rows: number, vectors: number): Code => {
    const accOf = (r: number, q: number) => acc[r * vectors + q] as number;
    const code: Code = [];
    for (let a = 0; a < rows * vectors; a++) code.push(...local.set(acc[a] as number, op.zero()));
    for (let r = 0; r < rows; r++) code.push(...local.set(pa[r] as number, r === 0 ? get(rowA) : i32.add(get(pa[r - 1] as number), get(k4))));
    code.push(...local.set(endA, i32.add(get(rowA), get(k4))), ...local.set(pb, i32.add(get(B), get(j))));
    const step: Code = [];
    for (let q = 0; q < vectors; q++) step.push(...local.set(bv[q] as number, op.loadAt(get(pb), 16 * q)));
    for (let r = 0; r < rows; r++) {
      step.push(...local.set(av, op.loadSplat(get(pa[r] as number))));
      for (let q = 0; q < vectors; q++) step.push(...local.set(accOf(r, q), op.add(get(accOf(r, q)), op.mul(get(av), get(bv[q] as number)))));
    }
    for (let r = 0; r < rows; r++) step.push(...i32.increment(pa[r] as number, i32.const(4)));
    step.push(...i32.increment(pb, get(n4)));
    code.push(...doWhile(step, i32.lt(get(pa[0] as number), get(endA))));
    code.push(...local.set(pc, get(rowC)));
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < vectors; q++) code.push(...op.storeAt(get(pc), get(accOf(r, q)), 16 * q));
      if (r + 1 < rows) code.push(...i32.increment(pc, get(n4)));
    }
    return code;
  };

  /** Advances i, rowA and rowC by `rows` rows. */
  const nextRows = (rows: number): Code => [
    ...i32.increment(i, i32.const(rows)),
    ...i32.increment(rowA, rows === 1 ? get(k4) : i32.mul(get(k4), i32.const(rows))),
    ...i32.increment(rowC, rows === 1 ? get(n4) : i32.mul(get(n4), i32.const(rows))),
  ];

  /** All rows of the panel of columns [j, j + 4·vectors): blocks of `rows` rows, then single rows. */
  const panel = (rows: number, vectors: number): Code => [
    ...local.set(i, i32.const(0)),
    ...local.set(rowA, get(A)),
    ...local.set(rowC, i32.add(get(C), get(j))),
    ...(rows > 1 ? whileLoop(i32.le(i32.add(get(i), i32.const(rows)), get(M)), [...microKernel(rows, vectors), ...nextRows(rows)]) : []),
    ...whileLoop(i32.lt(get(i), get(M)), [...microKernel(1, vectors), ...nextRows(1)]),
  ];

  /** Column j of C (one float), all rows, with a scalar dot product per element. */
  const scalarColumn: Code = [
    ...local.set(i, i32.const(0)),
    ...local.set(rowA, get(A)),
    ...local.set(rowC, i32.add(get(C), get(j))),
    ...whileLoop(i32.lt(get(i), get(M)), [
      ...local.set(sum, f32.zero()),
      ...local.set(pa[0] as number, get(rowA)),
      ...local.set(endA, i32.add(get(rowA), get(k4))),
      ...local.set(pb, i32.add(get(B), get(j))),
      ...doWhile(
        [
          ...local.set(sum, f32.add(get(sum), f32.mul(f32.load(get(pa[0] as number)), f32.load(get(pb))))),
          ...i32.increment(pa[0] as number, i32.const(4)),
          ...i32.increment(pb, get(n4)),
        ],
        i32.lt(get(pa[0] as number), get(endA)),
      ),
      ...f32.store(get(rowC), get(sum)),
      ...nextRows(1),
    ]),
  ];

  const wide = 16 * shape.vectors;
  const body: Code = [
    ...local.set(k4, i32.mul(get(K), i32.const(4))),
    ...local.set(n4, i32.mul(get(N), i32.const(4))),
    ...local.set(j, i32.const(0)),
    ...whileLoop(i32.le(i32.add(get(j), i32.const(wide)), get(n4)), [...panel(shape.rows, shape.vectors), ...i32.increment(j, i32.const(wide))]),
    ...(shape.vectors > 1 ? whileLoop(i32.le(i32.add(get(j), i32.const(16)), get(n4)), [...panel(shape.rows, 1), ...i32.increment(j, i32.const(16))]) : []),
    // The last N mod 4 columns: when N ≥ 4, one more 4-wide panel ending at column N (it recomputes
    // up to three columns, with the same operations in the same order, so the same values);
    // otherwise the scalar loop per column.
    0x02, 0x40, // block: skipped when no column is left
    ...i32.lt(get(j), get(n4)), 0x45, 0x0d, 0,
    ...i32.le(i32.const(16), get(n4)), 0x04, 0x40, // if N ≥ 4
    ...local.set(j, i32.sub(get(n4), i32.const(16))), ...panel(shape.rows, 1),
    0x05, // else
    ...whileLoop(i32.lt(get(j), get(n4)), [...scalarColumn, ...i32.increment(j, i32.const(4))]),
    0x0b, 0x0b,
  ];
  return { name: fnName, params: Array<ValueType>(6).fill(v.i32), locals: L.types, body };
}

/** The module's bytes: one exported function `gemm(a, b, c, m, k, n)` built for micro-kernel `shape`. */
export function assembleGemm(shape: MicroKernelShape = DEFAULT_MICRO_KERNEL): Uint8Array {
  if (!(shape.rows >= 1 && shape.vectors >= 1 && Number.isInteger(shape.rows) && Number.isInteger(shape.vectors))) {
    throw new Error(`gemm-simd: micro-kernel needs whole rows ≥ 1 and vectors ≥ 1, got ${JSON.stringify(shape)}`);
  }
  return assembleFunctions([gemmFunction('gemm', shape)]);
}

/** C = A·B with byte offsets a, b, c on the heap and sizes m, k, n ≥ 1 (elements). */
export type GemmOnHeap = (a: number, b: number, c: number, m: number, k: number, n: number) => void;

/**
 * The gemm function instantiated on the wasm heap of `backend` (cached per heap), or null when the
 * backend exposes no WebAssembly.Memory or the SIMD module cannot be instantiated (callers fall
 * back to the stock kernel).
 */
export const gemmForBackend: (backend: unknown) => GemmOnHeap | null = functionOnHeap<GemmOnHeap>(() => assembleGemm(), 'gemm');

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
