import type { KernelFunc } from '@tensorflow/tfjs';
import { gemmForBackend, gemmScratchLength, gemmViews } from './gemm-simd.js';
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

/** Product of a shape's leading (batch) axes. */
const batchSize = (shape: readonly number[]): number => shape.slice(0, -2).reduce((p, d) => p * d, 1);

/**
 * Wraps `BatchMatMul` so that a B operand the wasm backend has not multiplied before is multiplied
 * by the SIMD GEMM of gemm-simd.ts instead of XNNPACK. XNNPACK creates (packs) a fully-connected
 * operator per B tensor and caches it by tensor id — ~8 ns per B element here, paid on every call in
 * training, where weights change every step and backward operands are always new. So: the first
 * matmul with a given B (dataId, remembered in a WeakSet) runs the GEMM; later ones with the same B
 * (evaluation with fixed weights) take `next`, whose cached operator is then the faster choice. With
 * transposeB the stock path would multiply a fresh explicit transpose every time, so the GEMM always
 * runs. Only float32 operands whose batch axes hold one matrix (2-D, or [1, m, k]·[1, k, n]) take
 * the GEMM; batched ones, other dtypes, or a backend whose heap the SIMD module cannot be
 * instantiated on take `next`. (A kernel set without `gemm` does not install this wrapper.) Transposed
 * operands are read where they lie (gemm_ta, gemm_tb, gemm_tab: bit-identical to gemm on the explicit
 * transposes, without the copies; a transposed B is gathered one 8-column panel at a time into a
 * scratch buffer of 8·k floats).
 * Shapes: a [..., m, k] (or [..., k, m] with transposeA), b [..., k, n] (or [..., n, k] with
 * transposeB) → [..., m, n], the leading axes all 1.
 * @param next the kernel to call otherwise (the transposed-operand fast path around the stock kernel)
 * @param kernelOf resolves stock kernel names (Transpose) for the explicit transposes
 */
export function freshOperandGemm(next: KernelFunc, kernelOf: (name: string) => KernelFunc): KernelFunc {
  const multiplied = new WeakSet<object>();
  return (args) => {
    const { inputs, attrs = {} } = args;
    const a = inputs.a;
    const b = inputs.b;
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return next(args);
    if (a.shape.length < 2 || b.shape.length < 2 || batchSize(a.shape) !== 1 || batchSize(b.shape) !== 1) return next(args);
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if (!transposeB) {
      if (multiplied.has(b.dataId)) return next(args);
      multiplied.add(b.dataId);
    }
    const backend = (args as KernelArgs).backend as WasmBackendLike;
    // Transposed operands are read in place (gemm_ta, gemm_tb, gemm_tab: the same operations as gemm
    // on their copies, the same bits).
    const gemm = gemmForBackend(backend, { transposeA, transposeB });
    const k = a.shape[a.shape.length - (transposeA ? 2 : 1)] as number;
    if (!gemm || k !== b.shape[b.shape.length - (transposeB ? 1 : 2)]) return next(args); // mismatches: the stock error
    const scope = new KernelScope(backend, kernelOf);
    try {
      const m = a.shape[a.shape.length - (transposeA ? 1 : 2)] as number;
      const n = b.shape[b.shape.length - (transposeB ? 2 : 1)] as number;
      const rank = Math.max(a.shape.length, b.shape.length);
      const out = scope.alloc([...Array<number>(rank - 2).fill(1), m, n]);
      // Every variant gets a scratch: gemm_tb/gemm_tab pack B into it, gemm/gemm_ta list A's nonzero terms.
      const scratch = scope.alloc([gemmScratchLength(k)]);
      // Views only after the last allocation (the heap may grow).
      gemmViews(gemm, scope.view(a), scope.view(b), scope.view(out), m, k, n, scope.view(scratch));
      return scope.keep(out);
    } finally {
      scope.dispose();
    }
  };
}
