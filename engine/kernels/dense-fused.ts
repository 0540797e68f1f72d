import type { GradConfig, KernelFunc, NamedAttrMap, NamedTensorMap } from '@tensorflow/tfjs';
import type { Tensor, TF } from '../tf.js';
import { functionOnHeap } from './heap-module.js';
import { KernelScope, type Info, type KernelArgs } from './wasm-kernel-call.js';

/**
 * A dense layer's forward y = act(x·W + b) as ONE tfjs kernel (`InitScopeDense`) with a registered
 * gradient, for the patched wasm backend. The unfused layer is three kernels (MatMul, Add, Relu), each
 * with its own tape node, saved tensors, output buffer and pass over [batch, units]; its backward adds
 * Step, Cast, Multiply (relu), Sum and Reshape (bias) and an identity. Fused: the product (the
 * patched BatchMatMul: the SIMD GEMM) then one in-place pass adding the bias and applying relu
 * (engine/kernels/wat/dense.wat); the gradient is dz = dy·[y > 0] (one pass, `InitScopeDenseReluGrad`),
 * then dW = xᵀ·dz (gemm_ta), db = Σ_rows dz (sum-rows.wat) and dx = dz·Wᵀ (gemm_tb), each an
 * input's own thunk, so tfjs still prunes dx of the first layer (its input is the data). Same float32
 * operations in the same order as the unfused path: the same bits for finite values.
 * Activations fused: linear and relu; every other activation uses this kernel with 'linear' (the bias
 * fused) and applies the activation with tf ops after it.
 */

/** Name of the fused dense forward kernel (wasm only). */
export const DENSE_KERNEL = 'InitScopeDense';
/** Name of the relu-derivative kernel of its gradient (wasm only). */
export const DENSE_RELU_GRAD_KERNEL = 'InitScopeDenseReluGrad';

/** Activations the kernel applies itself. */
export type FusedDenseActivation = 'linear' | 'relu';

/** biasAct(c, bias, m, n, hasBias, relu) of dense.wat. */
type BiasActOnHeap = (c: number, bias: number, m: number, n: number, hasBias: number, relu: number) => void;
/** reluGrad(dy, y, dz, count) of dense.wat. */
type ReluGradOnHeap = (dy: number, y: number, dz: number, count: number) => void;

const biasActForBackend = functionOnHeap<BiasActOnHeap>('dense', 'biasAct');
const reluGradForBackend = functionOnHeap<ReluGradOnHeap>('dense', 'reluGrad');

/** Reads and checks the `activation` attribute. @throws Error naming the kernel and the value */
function activationOf(attrs: NamedAttrMap | undefined): FusedDenseActivation {
  const activation = attrs?.activation;
  if (activation !== 'linear' && activation !== 'relu')
    throw new Error(`${DENSE_KERNEL}: attr 'activation' must be 'linear' or 'relu', got '${String(activation)}'`);
  return activation as FusedDenseActivation;
}

/**
 * The `InitScopeDense` kernel: inputs x [m, k], w [k, n], optional bias [n] (all float32); attr
 * `activation` ('linear' | 'relu') → y [m, n] = act(x·w + bias).
 * @param batchMatMul the patched BatchMatMul kernel (its fresh-operand GEMM) computing x·w
 * @param kernelOf resolves stock kernels (KernelScope's contract)
 * @throws Error naming the kernel on bad shapes or dtypes, or when dense.wat cannot run on the heap
 */
export function denseForwardHeap(batchMatMul: KernelFunc, kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as KernelArgs;
    const activation = activationOf(attrs);
    const x = inputs.x as Info | undefined;
    const w = inputs.w as Info | undefined;
    const bias = inputs.bias as Info | undefined;
    if (!x || !w) throw new Error(`${DENSE_KERNEL}: inputs 'x' and 'w' are required`);
    for (const [name, t] of [
      ['x', x],
      ['w', w],
      ['bias', bias],
    ] as const) {
      if (t && t.dtype !== 'float32') throw new Error(`${DENSE_KERNEL}: input '${name}' must be float32, got ${t.dtype}`);
    }
    const [m, k] = x.shape as [number, number];
    const n = w.shape[1] as number;
    if (x.shape.length !== 2 || w.shape.length !== 2 || w.shape[0] !== k || (bias && (bias.shape.length !== 1 || bias.shape[0] !== n))) {
      throw new Error(
        `${DENSE_KERNEL}: shapes x [${x.shape.join(', ')}], w [${w.shape.join(', ')}], bias [${bias?.shape.join(', ') ?? ''}] do not make a dense layer`,
      );
    }
    const biasAct = biasActForBackend(backend);
    if (!biasAct) throw new Error(`${DENSE_KERNEL}: dense.wat cannot run on this backend's heap`);
    const scope = new KernelScope(backend, kernelOf);
    try {
      const y = batchMatMul({ inputs: { a: x, b: w }, backend: args.backend, attrs: { transposeA: false, transposeB: false } }) as Info;
      scope.keep(y);
      try {
        if (bias || activation === 'relu') {
          // Views after the product's allocation (the heap may have grown).
          biasAct(scope.view(y).byteOffset, bias ? scope.view(bias).byteOffset : 0, m, n, bias ? 1 : 0, activation === 'relu' ? 1 : 0);
        }
      } catch (error) {
        backend.disposeData(y.dataId);
        throw error;
      }
      return y;
    } finally {
      scope.dispose();
    }
  };
}

/**
 * The `InitScopeDenseReluGrad` kernel: inputs dy and y (float32, same size) → dz = dy·[y > 0], a new
 * buffer of dy's shape.
 * @throws Error naming the kernel on mismatched inputs, or when dense.wat cannot run on the heap
 */
export function denseReluGradHeap(kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args as KernelArgs;
    const dy = inputs.dy as Info | undefined;
    const y = inputs.y as Info | undefined;
    const size = (t: Info) => t.shape.reduce((p, d) => p * d, 1);
    if (!dy || !y || dy.dtype !== 'float32' || y.dtype !== 'float32' || size(dy) !== size(y)) {
      throw new Error(`${DENSE_RELU_GRAD_KERNEL}: needs float32 inputs 'dy' and 'y' of one size`);
    }
    const reluGrad = reluGradForBackend(backend);
    if (!reluGrad) throw new Error(`${DENSE_RELU_GRAD_KERNEL}: dense.wat cannot run on this backend's heap`);
    const scope = new KernelScope(backend, kernelOf);
    try {
      const dz = scope.alloc([...dy.shape]);
      reluGrad(scope.view(dy).byteOffset, scope.view(y).byteOffset, scope.view(dz).byteOffset, size(dy));
      return scope.keep(dz);
    } finally {
      scope.dispose();
    }
  };
}

/**
 * The gradient of `InitScopeDense`: dz = dy·act'(z) once (relu: from the saved output), then one
 * thunk per input, so that tfjs computes only the gradients some variable needs.
 */
function denseGradient(tf: TF): GradConfig {
  return {
    kernelName: DENSE_KERNEL,
    inputsToSave: ['x', 'w'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, y] = saved as [Tensor, Tensor, Tensor];
      const dyT = dy as Tensor;
      const dz = activationOf(attrs) === 'relu' ? tf.engine().runKernel<Tensor>(DENSE_RELU_GRAD_KERNEL, { dy: dyT, y }) : dyT;
      return {
        x: () => tf.matMul(dz as never, w as never, false, true),
        w: () => tf.matMul(x as never, dz as never, true, false),
        bias: () => tf.sum(dz, 0),
      };
    },
  };
}

/** Registers the gradient of `InitScopeDense` with `tf` (once; gradients are global to a tfjs instance). */
export function registerDenseGradient(tf: TF): void {
  if (tf.getGradient(DENSE_KERNEL) === undefined) tf.registerGradient(denseGradient(tf));
}

/** True when the active backend has the fused dense kernel (patched wasm with the GEMM). */
export function hasFusedDense(tf: TF): boolean {
  return tf.getKernel(DENSE_KERNEL, tf.getBackend()) !== undefined && tf.getGradient(DENSE_KERNEL) !== undefined;
}

/**
 * y = act(x·w + bias) through the engine (recorded on the gradient tape like any op).
 * @param x [batch, fanIn] float32
 * @param w [fanIn, units]
 * @param bias [units], or null for none
 * @throws Error if the active backend lacks the kernel (check {@link hasFusedDense})
 */
export function fusedDense(tf: TF, x: Tensor, w: Tensor, bias: Tensor | null, activation: FusedDenseActivation): Tensor {
  const inputs: NamedTensorMap = bias ? { x, w, bias } : { x, w };
  return tf.engine().runKernel<Tensor>(DENSE_KERNEL, inputs, { activation });
}
