import type { KernelFunc } from '@tensorflow/tfjs';
import type { TF } from '../tf.js';
import { gemmForBackend, gemmViews } from './gemm-simd.js';
import { heapSimdCalls } from './simd-call-counts.js';
import { im2colForBackend, im2colViews } from './im2col-simd.js';
import { KernelScope, type Info, type KernelArgs } from './wasm-kernel-call.js';

/** Largest im2col block built at once, in float32 elements (default 8 Mi = 32 MiB); larger batches go in chunks. Mutable for tests. */
export const im2colLimits = { blockElements: 8 * 1024 * 1024 };

/** The parts of tfjs's Conv2DInfo the im2col needs. */
interface ConvGeometry {
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}

/**
 * Writes the transposed im2col of images [b0, b0 + nb) of x [n, h, w, ci] into `out`
 * [kh·kw·ci, nb·oh·ow]: out[(i·kw + j)·ci + c][(b·oh + p)·ow + q] = x[b0 + b, p·sh + i − top,
 * q·sw + j − left, c], or 0 where that position lies in the padding.
 */
export function fillTransposedIm2col(
  out: Float32Array,
  x: Float32Array,
  xShape: readonly number[],
  b0: number,
  nb: number,
  filterShape: readonly number[],
  g: ConvGeometry,
): void {
  const [, h, w, ci] = xShape as [number, number, number, number];
  const [kh, kw] = filterShape as [number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = g;
  const { top, left } = g.padInfo;
  const rows = nb * oh * ow;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < ci; c++) {
        let o = ((i * kw + j) * ci + c) * rows;
        for (let b = 0; b < nb; b++) {
          const image = (b0 + b) * h * w * ci;
          for (let p = 0; p < oh; p++) {
            const r = p * sh + i - top;
            if (r < 0 || r >= h) {
              out.fill(0, o, o + ow);
              o += ow;
              continue;
            }
            const rowBase = image + r * w * ci + c;
            for (let q = 0; q < ow; q++, o++) {
              const col = q * sw + j - left;
              out[o] = col >= 0 && col < w ? (x[rowBase + col * ci] as number) : 0;
            }
          }
        }
      }
    }
  }
}

/**
 * `Conv2DBackpropFilter` for the wasm backend, which lacks it (so stock wasm cannot train a conv2d
 * layer). The filter gradient of a 2-D convolution is a matrix product of the input's patches with
 * the output gradient:
 *   dW[i, j, c, o] = Σ_{n, p, q} xPadded[n, p·sh + i, q·sw + j, c] · dy[n, p, q, o]
 * The transposed im2col [kh·kw·ci, n·oh·ow] (row order (i, j, c), the filter's) is written in one
 * pass over the wasm heap (WebAssembly code from im2col-simd.ts, or the JavaScript loop
 * {@link fillTransposedIm2col} when `useSimd` is false) (stock strided slices, channel-axis concats and rank-5
 * transposes were each 50–170 ms at these sizes), then one matrix product with dy [n·oh·ow, co]
 * gives [kh·kw·ci, co]: the SIMD GEMM of gemm-simd.ts on the heap (dy is new on every training
 * step, and the stock XNNPACK BatchMatMul packs each new B first: ~25 ms of ~31 for the conv
 * net's [128, 26, 26, 32]), or the stock BatchMatMul where that module cannot be instantiated or the
 * `useSimd` is false (the kernel set's `heapSimd`). The product is reshaped to the filter shape [kh, kw, ci, co]. Batches whose im2col exceeds
 * {@link im2colLimits} are processed in chunks whose results are summed.
 * Inputs: x [batch, h, w, ci], dy [batch, oh, ow, co]; attrs: strides, pad ('same' | 'valid' | number
 * | explicit), dataFormat 'NHWC' (NCHW is refused), dimRoundingMode, filterShape [kh, kw, ci, co].
 * @param useSimd whether to run the im2col and GEMM modules (im2col.wat, gemm.wat) or the JavaScript
 *   im2col and the stock BatchMatMul (float32 rounding differs)
 */
export function conv2dBackpropFilter(tf: TF, kernelOf: (name: string) => KernelFunc, useSimd: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args as KernelArgs;
    const x = inputs.x as Info;
    const dy = inputs.dy as Info;
    if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
      throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${String(attrs.dataFormat)}'`);
    }
    const filterShape = attrs.filterShape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      attrs.strides as [number, number] | number,
      1,
      attrs.pad as 'same' | 'valid' | number,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    const [kh, kw, ci, co] = filterShape;
    const { batchSize, outHeight: oh, outWidth: ow } = info;
    const taps = kh * kw * ci;
    const scope = new KernelScope(backend, kernelOf);
    const gemm = useSimd && taps > 0 && co > 0 && batchSize * oh * ow > 0 ? gemmForBackend(backend) : null;
    const im2col = gemm ? im2colForBackend(backend) : null;
    try {
      const chunk = Math.max(1, Math.min(batchSize, Math.floor(im2colLimits.blockElements / Math.max(1, oh * ow * taps))));
      let total: Info | null = null;
      for (let b0 = 0; b0 < batchSize; b0 += chunk) {
        const nb = Math.min(chunk, batchSize - b0);
        const rows = nb * oh * ow;
        const colsT = scope.alloc([taps, rows]);
        if (gemm) {
          const part = scope.alloc([taps, co]);
          // Views only after the last allocation (the heap may grow); dy's chunk is contiguous.
          if (im2col) im2colViews(im2col, scope.view(colsT), scope.view(x), x.shape, b0, nb, filterShape, info);
          else fillTransposedIm2col(scope.view(colsT), scope.view(x), x.shape as number[], b0, nb, filterShape, info);
          const dyRows = scope.view(dy).subarray(b0 * oh * ow * co, (b0 + nb) * oh * ow * co);
          gemmViews(gemm, scope.view(colsT), dyRows, scope.view(part), taps, rows, co);
          heapSimdCalls.conv2dBackpropFilter++;
          total = total === null ? part : scope.run('Add', { a: total, b: part });
          continue;
        }
        fillTransposedIm2col(scope.view(colsT), scope.view(x), x.shape as number[], b0, nb, filterShape, info);
        const dyChunk = nb === batchSize ? dy : scope.run('Slice', { x: dy }, { begin: [b0, 0, 0, 0], size: [nb, oh, ow, co] });
        const part = scope.run('BatchMatMul', { a: colsT, b: scope.reshape(dyChunk, [rows, co]) }, { transposeA: false, transposeB: false });
        total = total === null ? part : scope.run('Add', { a: total, b: part });
      }
      return scope.keep(scope.reshape(total as Info, [kh, kw, ci, co]));
    } finally {
      scope.dispose();
    }
  };
}
