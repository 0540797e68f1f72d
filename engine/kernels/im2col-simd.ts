import { functionOnHeap } from './heap-module.js';

/**
 * One row of the transposed im2col (see conv2d-backprop-filter.ts) as WebAssembly code over the tfjs
 * wasm heap (engine/kernels/wat/im2col.wat): for one filter tap (i, j, c), the values
 * x[b0 + b, p·sh + i − top, q·sw + j − left, c] for b < nb, p < oh, q < ow in that order, 0 where
 * the position lies in the padding. When consecutive q read consecutive floats (ci = 1, sw = 1) the
 * copy moves four at a time (v128).
 */

/**
 * The compiled function: out, x, nb, oh, ow, h, imageBytes, rowBytes, stepBytes, rowOffset, sh, qLo, qHi, colBytes
 * (addresses and strides in bytes, the rest in elements; see im2col.wat and {@link im2colViews}).
 */
export type Im2colTapOnHeap = (...args: number[]) => void;

/** The im2colTap function on the wasm heap of `backend` (cached per heap), or null when it cannot be instantiated. */
export const im2colForBackend: (backend: unknown) => Im2colTapOnHeap | null = functionOnHeap<Im2colTapOnHeap>('im2col', 'im2colTap');

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
export function im2colViews(
  fn: Im2colTapOnHeap,
  out: Float32Array,
  x: Float32Array,
  xShape: readonly number[],
  b0: number,
  nb: number,
  filterShape: readonly number[],
  g: Im2colGeometry,
): void {
  const [n, h, w, ci] = xShape as [number, number, number, number];
  const [kh, kw] = filterShape as [number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = g;
  const rows = nb * oh * ow;
  if (x.length !== n * h * w * ci || out.length !== kh * kw * ci * rows || b0 < 0 || b0 + nb > n) {
    throw new Error(
      `im2col-simd: views of length ${out.length}, ${x.length} do not match x [${xShape.join(',')}], images ${b0}..${b0 + nb}, filter ${kh}×${kw}`,
    );
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
        fn(
          out.byteOffset + tap * rows * 4,
          xBase,
          nb,
          oh,
          ow,
          h,
          h * w * ci * 4,
          w * ci * 4,
          sw * ci * 4,
          i - top,
          sh,
          qLo,
          qHi,
          (qLo * sw + j - left) * ci * 4,
        );
      }
    }
  }
}
