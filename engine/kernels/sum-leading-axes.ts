import type { KernelFunc } from '@tensorflow/tfjs';
import { heapSimdCalls } from './simd-call-counts.js';
import { sumRowsForBackend, sumRowsViews } from './reduce-simd.js';
import { KernelScope, type Info, type KernelArgs } from './wasm-kernel-call.js';

/**
 * `Sum` for the wasm backend when the reduced axes are the leading ones (e.g. a bias gradient: the
 * sum of dy [n, h, w, c] over axes [0, 1, 2]): one pass over the wasm heap accumulating in float64,
 * out[j] = Σ_i x[i·cols + j] — WebAssembly SIMD code (reduce-simd.ts, f64x2 accumulators), or a
 * JavaScript loop with the same results where that module cannot be instantiated or `useSimd` is
 * false (the kernel set's `heapSimd`). Stock wasm first transposes the reduced axes innermost
 * (a slow generic rank-4 transpose: ~16 ms of a ~100 ms conv-net step). Any other case (other axes,
 * non-float32) runs the stock kernel.
 * Inputs: x [d0, …, dk]; attrs axis (number | number[]), keepDims. Output: x's trailing shape
 * (with ones in place of the reduced axes when keepDims).
 * @param stock the stock Sum kernel
 * @param useSimd whether to run the SIMD module (sum-rows.wat) or the JavaScript pass (same values)
 */
export function sumLeadingAxes(stock: KernelFunc, kernelOf: (name: string) => KernelFunc, useSimd: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs = {} } = args as KernelArgs;
    const x = inputs.x as Info;
    const rank = x.shape.length;
    const raw = attrs.axis;
    const axes = (Array.isArray(raw) ? (raw as number[]) : [raw as number]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return stock(args);
    const k = axes.length;
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const outShape = x.shape.slice(k);
    const cols = outShape.reduce((a, b) => a * b, 1);
    const scope = new KernelScope(backend, kernelOf);
    try {
      const outInfo = scope.alloc(outShape);
      const sumRows = useSimd && cols > 0 ? sumRowsForBackend(backend) : null;
      if (sumRows) {
        const scratch = scope.alloc([2 * cols]);
        // Views only after the last allocation (the heap may grow).
        sumRowsViews(sumRows, scope.view(x), scope.view(outInfo), scope.view(scratch), rows, cols);
        heapSimdCalls.sumLeadingAxes++;
      } else {
        const out = scope.view(outInfo);
        const values = scope.view(x);
        const acc = new Float64Array(cols);
        for (let i = 0, o = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++, o++) acc[j] = (acc[j] as number) + (values[o] as number);
        }
        out.set(acc);
      }
      // keepDims: return a reshaped view; the view holds the buffer once the temporary is freed.
      return attrs.keepDims === true ? scope.keep(scope.reshape(outInfo, [...Array(k).fill(1), ...outShape])) : scope.keep(outInfo);
    } finally {
      scope.dispose();
    }
  };
}
