import type { KernelFunc } from '@tensorflow/tfjs';
import { KernelScope, type KernelArgs, type WasmBackendLike } from './wasm-kernel-call.js';

/**
 * Wraps the wasm backend's `BatchMatMul` or `_FusedMatMul` kernel so that transposed operands take
 * its fast path. Stock wasm multiplies with XNNPACK (~30 GFLOP/s here) only when neither operand is
 * transposed and falls back to a scalar loop (~2.5 GFLOP/s) otherwise — and every backward-pass
 * matmul of a dense layer (dX = dY·Wᵀ, dW = Xᵀ·dY) is transposed. The wrapper transposes the
 * flagged operand explicitly (one copy, O(m·n)) and calls the stock kernel with both flags false
 * (O(m·n·k)). Shapes: a [..., m, k] (or [..., k, m] with transposeA), b [..., k, n] (or [..., n, k]
 * with transposeB) → [..., m, n]; every other input (bias, prelu weights) and attribute passes
 * through unchanged.
 * @param stock the stock kernel function being wrapped
 */
export function transposedMatMulFastPath(stock: KernelFunc, kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, attrs = {} } = args;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if (!transposeA && !transposeB) return stock(args);
    const a = inputs.a;
    const b = inputs.b;
    if (!a || !b) return stock(args);
    const scope = new KernelScope((args as KernelArgs).backend as WasmBackendLike, kernelOf);
    try {
      return stock({
        inputs: { ...inputs, a: transposeA ? scope.transposeInner(a) : a, b: transposeB ? scope.transposeInner(b) : b },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      scope.dispose();
    }
  };
}
