import type { GradConfig, KernelFunc } from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, TF } from '../tf.js';
import { KernelScope, type Info, type KernelArgs } from './wasm-kernel-call.js';

/**
 * Sparse softmax cross-entropy as ONE tfjs kernel with a registered gradient, for the patched wasm
 * backend: loss = −mean_i log softmax(z_i)[y_i] from logits z [batch, classes] and int32 labels y
 * [batch]. The tf-op form (logSoftmax, oneHot, cast, mul, sum, mean, neg) is ~12 kernels forward and
 * ~12 backward, each with its tape bookkeeping, on a [128, 10] matrix: dispatch, not arithmetic.
 * Here one JavaScript pass over the wasm heap each way, in float64, rounded to float32 once:
 *   forward  loss = (1/b)·Σ_i (m_i + ln Σ_j e^{z_ij − m_i} − z_{i,y_i}),  m_i = max_j z_ij;
 *   backward ∂loss/∂z_ij = dy·(softmax(z_i)_j − [j = y_i]) / b.
 * A label outside [0, classes) selects nothing: its row adds 0 to the sum (still divided by b) and
 * gets a zero gradient, as oneHot's all-zero row does in the tf-op form. NaN or ±Infinity in z give a NaN loss (the
 * step's finiteness check skips the update). The values differ from the tf-op form by float32
 * rounding only (it rounds after every op); deterministic: the same inputs give the same bits.
 */

/** Name of the fused forward kernel (wasm only). */
export const SOFTMAX_CE_KERNEL = 'InitScopeSparseSoftmaxCrossEntropy';
/** Name of its gradient kernel (wasm only). */
export const SOFTMAX_CE_GRAD_KERNEL = 'InitScopeSparseSoftmaxCrossEntropyGrad';

/** A heap view of an int32 tensor (the backend returns the typed array of the tensor's dtype). */
type HeapViews = { typedArrayFromHeap(info: Info): Float32Array | Int32Array };

/** Checks logits [b, c] float32 and labels [b] int32. @throws Error naming the kernel */
function checkInputs(kernel: string, logits: Info | undefined, labels: Info | undefined): [number, number] {
  if (!logits || !labels || logits.dtype !== 'float32' || labels.dtype !== 'int32' || logits.shape.length !== 2 || labels.shape.length !== 1) {
    throw new Error(`${kernel}: needs float32 logits [batch, classes] and int32 labels [batch]`);
  }
  const [b, c] = logits.shape as [number, number];
  if (labels.shape[0] !== b) throw new Error(`${kernel}: ${labels.shape[0]} labels for ${b} rows of logits`);
  return [b, c];
}

/** Row i's maximum and ln Σ_j e^{z_ij − max} (float64). */
function rowLogSumExp(z: Float32Array, row: number, c: number): [number, number] {
  let max = -Infinity;
  for (let j = 0; j < c; j++) max = Math.max(max, z[row + j] as number);
  let sum = 0;
  for (let j = 0; j < c; j++) sum += Math.exp((z[row + j] as number) - max);
  return [max, Math.log(sum)];
}

/**
 * Index of row `row`'s first maximum as tfjs's wasm ArgMax finds it: start at column 0, move on a
 * strictly greater value only (so a NaN in column 0 keeps index 0, later NaNs are never chosen).
 */
function rowArgMax(z: Float32Array, row: number, c: number): number {
  let max = z[row] as number;
  let index = 0;
  for (let j = 1; j < c; j++) {
    const v = z[row + j] as number;
    if (v > max) {
      max = v;
      index = j;
    }
  }
  return index;
}

/**
 * The forward kernel: inputs `logits`, `labels` → the mean loss, a float32 scalar. With attr
 * `withCorrect: true`, two outputs: [loss, correct], correct = the number of rows whose first
 * maximum (wasm ArgMax's rule, see rowArgMax) is the label, a float32 scalar — what
 * sum(cast(equal(argMax(logits, -1), labels), 'float32')) gives, in the same pass.
 */
export function softmaxCrossEntropyHeap(kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as KernelArgs;
    const logits = inputs.logits as Info | undefined;
    const labels = inputs.labels as Info | undefined;
    const [b, c] = checkInputs(SOFTMAX_CE_KERNEL, logits, labels);
    const withCorrect = attrs?.withCorrect === true;
    const scope = new KernelScope(backend, kernelOf);
    try {
      const out = scope.alloc([]);
      const correctOut = withCorrect ? scope.alloc([]) : null;
      const z = scope.view(logits!);
      const y = (backend as unknown as HeapViews).typedArrayFromHeap(labels!) as Int32Array;
      let total = 0;
      let correct = 0;
      for (let i = 0; i < b; i++) {
        const [max, lse] = rowLogSumExp(z, i * c, c);
        const label = y[i] as number;
        if (label >= 0 && label < c) total += max + lse - (z[i * c + label] as number);
        if (correctOut && c > 0 && rowArgMax(z, i * c, c) === label) correct++;
      }
      scope.view(out)[0] = b > 0 ? total / b : Number.NaN;
      if (!correctOut) return scope.keep(out);
      scope.view(correctOut)[0] = correct;
      return [scope.keep(out), scope.keep(correctOut)];
    } finally {
      scope.dispose();
    }
  };
}

/** The gradient kernel: inputs `dy` (scalar), `logits`, `labels` → ∂loss/∂logits [batch, classes]. */
export function softmaxCrossEntropyGradHeap(kernelOf: (name: string) => KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend } = args as KernelArgs;
    const dy = inputs.dy as Info | undefined;
    const logits = inputs.logits as Info | undefined;
    const labels = inputs.labels as Info | undefined;
    const [b, c] = checkInputs(SOFTMAX_CE_GRAD_KERNEL, logits, labels);
    if (!dy || dy.dtype !== 'float32' || dy.shape.length !== 0) throw new Error(`${SOFTMAX_CE_GRAD_KERNEL}: dy must be a float32 scalar`);
    const scope = new KernelScope(backend, kernelOf);
    try {
      const dz = scope.alloc([b, c]);
      // Views after the allocation (the heap may grow).
      const z = scope.view(logits!);
      const y = (backend as unknown as HeapViews).typedArrayFromHeap(labels!) as Int32Array;
      const g = scope.view(dz);
      const scale = (scope.view(dy)[0] as number) / b;
      for (let i = 0; i < b; i++) {
        const row = i * c;
        const [max, lse] = rowLogSumExp(z, row, c);
        const label = y[i] as number;
        if (label < 0 || label >= c) {
          g.fill(0, row, row + c);
          continue;
        }
        for (let j = 0; j < c; j++) g[row + j] = scale * (Math.exp((z[row + j] as number) - max - lse) - (j === label ? 1 : 0));
      }
      return scope.keep(dz);
    } finally {
      scope.dispose();
    }
  };
}

/** The gradient of the forward kernel (logits only; labels are data). */
function softmaxCrossEntropyGradient(tf: TF): GradConfig {
  return {
    kernelName: SOFTMAX_CE_KERNEL,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, saved) => {
      const [logits, labels] = saved as [Tensor, Tensor];
      // With `withCorrect` the kernel has two outputs: only the loss's dy matters (the count is not differentiable).
      const dLoss = Array.isArray(dy) ? (dy[0] as Tensor) : dy;
      return {
        logits: () => tf.engine().runKernel<Tensor>(SOFTMAX_CE_GRAD_KERNEL, { dy: dLoss, logits, labels }),
        labels: () => tf.zerosLike(labels).toFloat(),
      };
    },
  };
}

/** Registers the forward kernel's gradient with `tf` (once; gradients are global to a tfjs instance). */
export function registerSoftmaxCrossEntropyGradient(tf: TF): void {
  if (tf.getGradient(SOFTMAX_CE_KERNEL) === undefined) tf.registerGradient(softmaxCrossEntropyGradient(tf));
}

/** True when the active backend has the fused kernel (patched wasm). */
export function hasFusedSoftmaxCrossEntropy(tf: TF): boolean {
  return tf.getKernel(SOFTMAX_CE_KERNEL, tf.getBackend()) !== undefined && tf.getGradient(SOFTMAX_CE_KERNEL) !== undefined;
}

/**
 * −mean_i log softmax(logits_i)[labels_i] through the engine (differentiable with respect to the logits).
 * @param logits [batch, classes] float32
 * @param labels [batch] int32 class indices
 * @throws Error if the active backend lacks the kernel (check {@link hasFusedSoftmaxCrossEntropy})
 */
export function fusedSparseSoftmaxCrossEntropy(tf: TF, logits: Tensor, labels: Tensor1D): Scalar {
  return tf.engine().runKernel<Scalar>(SOFTMAX_CE_KERNEL, { logits, labels });
}

/**
 * The loss of {@link fusedSparseSoftmaxCrossEntropy} and the number of rows whose first maximum logit
 * is at the label (the accuracy count of engine/losses.ts, argMax → equal → cast → sum) from ONE
 * kernel call: the count costs no kernels, tensors or tape nodes of its own.
 * @param logits [batch, classes] float32
 * @param labels [batch] int32 class indices
 * @returns [loss, correct], two float32 scalars (the count is not differentiable)
 * @throws Error if the active backend lacks the kernel (check {@link hasFusedSoftmaxCrossEntropy})
 */
export function fusedSparseSoftmaxCrossEntropyWithCorrect(tf: TF, logits: Tensor, labels: Tensor1D): [Scalar, Scalar] {
  const out = tf.engine().runKernel<Tensor[]>(SOFTMAX_CE_KERNEL, { logits, labels }, { withCorrect: true });
  return [out[0] as Scalar, out[1] as Scalar];
}
