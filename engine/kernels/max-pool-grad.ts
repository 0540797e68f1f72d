import type { KernelFunc } from '@tensorflow/tfjs';
import type { TF } from '../tf.js';
import { heapSimdCalls } from './simd-call-counts.js';
import { maxPoolGradForBackend, maxPoolGradViews } from './pool-simd.js';
import { KernelScope, type Info, type KernelArgs } from './wasm-kernel-call.js';

/**
 * `MaxPoolGrad` for the wasm backend, written as one pass over the wasm heap: WebAssembly SIMD code
 * (pool-simd.ts), or the JavaScript loop below with the same results where that module cannot be
 * instantiated or `useSimd` is false (the kernel set's `heapSimd`). The stock
 * wasm kernel took ~90 ms of a ~330 ms conv-net step ([128, 26, 26, 32], 2×2 pool); compositions
 * of stock kernels were slower still (a strided slice took 69 ms, a rank-5 transpose 171 ms).
 *
 * For every output position (n, p, q, c) the window of the input (clipped to the input, padding
 * skipped) is scanned in row-major order and dy[n, p, q, c] is added to dx at the FIRST position
 * holding the window's maximum — the cpu backend's rule (a strict `>` scan), which matters for ties
 * such as all-zero windows after a relu. Overlapping windows accumulate.
 * Inputs: dy [n, oh, ow, c], input [n, h, w, c] (float32, NHWC); attrs filterSize, strides, pad,
 * dimRoundingMode. Output dx [n, h, w, c].
 * @param stock the stock kernel, used for anything but float32 input
 * @param useSimd whether to run the SIMD module (max-pool-grad.wat) or the JavaScript pass (same values)
 */
export function maxPoolGradHeap(tf: TF, stock: KernelFunc, kernelOf: (name: string) => KernelFunc, useSimd: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args as KernelArgs;
    const dyInfo = inputs.dy as Info;
    const xInfo = inputs.input as Info;
    if (xInfo.dtype !== 'float32' || dyInfo.dtype !== 'float32') return stock(args);
    const info = tf.backend_util.computePool2DInfo(
      xInfo.shape as [number, number, number, number],
      attrs.filterSize as [number, number] | number,
      attrs.strides as [number, number] | number,
      1,
      attrs.pad as 'same' | 'valid' | number,
      attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    );
    const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, inChannels: c } = info;
    const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const scope = new KernelScope(backend, kernelOf);
    try {
      const dxInfo = scope.alloc([n, h, w, c]);
      const simd = useSimd && dxInfo.shape.every((d) => d > 0) ? maxPoolGradForBackend(backend) : null;
      if (simd) {
        const trash = scope.alloc([4]);
        // Views only after the last allocation (the heap may grow).
        maxPoolGradViews(simd, scope.view(xInfo), scope.view(dyInfo), scope.view(dxInfo), scope.view(trash), info);
        heapSimdCalls.maxPoolGrad++;
        return scope.keep(dxInfo);
      }
      const dx = scope.view(dxInfo);
      const x = scope.view(xInfo);
      const dy = scope.view(dyInfo);
      dx.fill(0);
      const rowStride = w * c;
      const imageStride = h * rowStride;
      const best = new Float32Array(c);
      const at = new Int32Array(c);
      let o = 0;
      for (let b = 0; b < n; b++) {
        const image = b * imageStride;
        for (let p = 0; p < oh; p++) {
          const r0 = Math.max(0, p * sh - top);
          const r1 = Math.min(h, p * sh - top + fh);
          for (let q = 0; q < ow; q++, o += c) {
            const c0 = Math.max(0, q * sw - left);
            const c1 = Math.min(w, q * sw - left + fw);
            best.fill(Number.NEGATIVE_INFINITY);
            at.fill(-1);
            // Row-major scan of the window, all channels at once (contiguous reads).
            for (let r = r0; r < r1; r++) {
              for (let col = c0; col < c1; col++) {
                const k = image + r * rowStride + col * c;
                for (let d = 0; d < c; d++) {
                  const v = x[k + d] as number;
                  if (v > (best[d] as number)) {
                    best[d] = v;
                    at[d] = k + d;
                  }
                }
              }
            }
            for (let d = 0; d < c; d++) {
              const k = at[d] as number;
              if (k >= 0) dx[k] = (dx[k] as number) + (dy[o + d] as number);
            }
          }
        }
      }
      return scope.keep(dxInfo);
    } finally {
      scope.dispose();
    }
  };
}
