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
 * One row of the transposed im2col (see conv2d-backprop-filter.ts) as WebAssembly code over the tfjs
 * wasm heap: for one filter tap (i, j, c), the values x[b0 + b, p·sh + i − top, q·sw + j − left, c]
 * for b < nb, p < oh, q < ow in that order, 0 where the position lies in the padding. Columns
 * q ∈ [qLo, qHi) lie inside the input (the caller computes them per tap); the others are zeros.
 * When consecutive q read consecutive floats (ci = 1, sw = 1) the copy moves four at a time (v128).
 */

/** The i32 parameters, in order (addresses and strides in bytes, the rest in elements). */
const PARAMS = ['out', 'x', 'nb', 'oh', 'ow', 'h', 'imageBytes', 'rowBytes', 'stepBytes', 'rowOffset', 'sh', 'qLo', 'qHi', 'colBytes'] as const;
const P = Object.fromEntries(PARAMS.map((p, i) => [p, i])) as Record<(typeof PARAMS)[number], number>;

function im2colTapFunction(): WasmFunction {
  const v = valueType;
  const L = new LocalAllocator(PARAMS.length);
  const [o, image, b, p, r, q, src, vectorEnd] = Array.from({ length: 8 }, () => L.add(v.i32)) as [number, number, number, number, number, number, number, number];
  const get = local.get;
  const param = (name: (typeof PARAMS)[number]): Code => get(P[name]);
  /** Zeros at o while q < end. */
  const zerosUntil = (end: Code): Code =>
    whileLoop(i32.lt(get(q), end), [...f32.store(get(o), f32.zero()), ...i32.increment(o, i32.const(4)), ...i32.increment(q, i32.const(1))]);
  const copyRow: Code = [
    ...zerosUntil(param('qLo')),
    ...local.set(src, i32.add(i32.add(get(image), i32.mul(get(r), param('rowBytes'))), param('colBytes'))),
    ...whileLoop(i32.lt(get(q), get(vectorEnd)), [
      ...op.storeAt(get(o), op.loadAt(get(src))),
      ...i32.increment(o, i32.const(16)),
      ...i32.increment(src, i32.const(16)),
      ...i32.increment(q, i32.const(4)),
    ]),
    ...whileLoop(i32.lt(get(q), param('qHi')), [
      ...f32.store(get(o), f32.load(get(src))),
      ...i32.increment(o, i32.const(4)),
      ...i32.increment(src, param('stepBytes')),
      ...i32.increment(q, i32.const(1)),
    ]),
    ...zerosUntil(param('ow')),
  ];
  const body: Code = [
    // Four at a time only when the source is contiguous: up to qHi − 3 (exclusive), else never.
    ...local.set(vectorEnd, more.select(i32.sub(param('qHi'), i32.const(3)), param('qLo'), more.i32Eq(param('stepBytes'), i32.const(4)))),
    ...local.set(o, param('out')),
    ...local.set(image, param('x')),
    ...local.set(b, i32.const(0)),
    ...whileLoop(i32.lt(get(b), param('nb')), [
      ...local.set(p, i32.const(0)),
      ...local.set(r, param('rowOffset')),
      ...whileLoop(i32.lt(get(p), param('oh')), [
        ...local.set(q, i32.const(0)),
        ...more.ifElse(more.i32GeU(get(r), param('h')), zerosUntil(param('ow')), copyRow),
        ...i32.increment(r, param('sh')),
        ...i32.increment(p, i32.const(1)),
      ]),
      ...i32.increment(image, param('imageBytes')),
      ...i32.increment(b, i32.const(1)),
    ]),
  ];
  return { name: 'im2colTap', params: Array(PARAMS.length).fill(v.i32), locals: L.types, body };
}

/** The module's bytes: one exported function `im2colTap(...)` with the parameters of {@link PARAMS}. */
export function assembleIm2col(): Uint8Array {
  return assembleFunctions([im2colTapFunction()]);
}

/** The compiled function; arguments as {@link PARAMS}. */
export type Im2colTapOnHeap = (...args: number[]) => void;

/** The im2colTap function on the wasm heap of `backend` (cached per heap), or null when it cannot be instantiated. */
export const im2colForBackend: (backend: unknown) => Im2colTapOnHeap | null = functionOnHeap<Im2colTapOnHeap>(assembleIm2col, 'im2colTap');

/** The parts of tfjs's Conv2DInfo the im2col needs (elements). */
export interface Im2colGeometry {
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}

/**
 * The transposed im2col of images [b0, b0 + nb) of x [n, h, w, ci] into `out` [kh·kw·ci, nb·oh·ow]
 * (float32 views of one heap), equal to fillTransposedIm2col of conv2d-backprop-filter.ts: one
 * call of `fn` per filter tap.
 * @throws Error if the views' lengths do not match the geometry or they lie on different buffers
 */
export function im2colViews(fn: Im2colTapOnHeap, out: Float32Array, x: Float32Array, xShape: readonly number[], b0: number, nb: number, filterShape: readonly number[], g: Im2colGeometry): void {
  const [n, h, w, ci] = xShape as [number, number, number, number];
  const [kh, kw] = filterShape as [number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = g;
  const rows = nb * oh * ow;
  if (x.length !== n * h * w * ci || out.length !== kh * kw * ci * rows || b0 < 0 || b0 + nb > n) {
    throw new Error(`im2col-simd: views of length ${out.length}, ${x.length} do not match x [${xShape.join(',')}], images ${b0}..${b0 + nb}, filter ${kh}×${kw}`);
  }
  if (out.buffer !== x.buffer) throw new Error('im2col-simd: out and x must be views of the same wasm heap');
  const { top, left } = g.padInfo;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // Columns q with 0 ≤ q·sw + j − left < w.
      const qLo = Math.min(ow, Math.max(0, Math.ceil((left - j) / sw)));
      const qHi = Math.max(qLo, Math.min(ow, Math.ceil((w + left - j) / sw)));
      for (let c = 0; c < ci; c++) {
        const tap = (i * kw + j) * ci + c;
        const xBase = x.byteOffset + (b0 * h * w * ci + c) * 4;
        fn(out.byteOffset + tap * rows * 4, xBase, nb, oh, ow, h, h * w * ci * 4, w * ci * 4, sw * ci * 4, i - top, sh, qLo, qHi, ((qLo * sw + j - left) * ci) * 4);
      }
    }
  }
}
