import type { ActivationSpec, LossName } from '../contract/index.js';
import type { ForwardResult } from './model.js';
import type { Scalar, Tensor, Tensor1D, TF } from './tf.js';
import { fusedSparseSoftmaxCrossEntropy, fusedSparseSoftmaxCrossEntropyWithCorrect, hasFusedSoftmaxCrossEntropy } from './kernels/softmax-cross-entropy.js';

/**
 * Losses and accuracy for class-index labels, and MSE for real-valued targets (regression sets:
 * numClasses 0). All losses are means over the batch, in nats for the cross-entropies and squared
 * output units for MSE.
 *
 * - sparseCategoricalCrossentropy: −mean log p(y|x). If the last activation is softmax, log p is the
 *   log-softmax of the last layer's pre-activation (stable: never takes log of a rounded-to-zero
 *   probability); for any other last activation its output is treated as logits.
 * - categoricalCrossentropy: the labels one-hot encoded as targets t, −mean Σ_k t_k·log p_k (equal to
 *   the sparse form for one-hot targets; log p as above).
 * - binaryCrossentropy (1 output unit, labels in {0, 1}): with logits z (the pre-activation when the
 *   last activation is sigmoid, else the output), mean(max(z, 0) − z·y + log(1 + e^−|z|)), the stable
 *   form of −[y·log σ(z) + (1−y)·log(1−σ(z))].
/**
 * - meanSquaredError: mean over batch and units of (output − target)², target one-hot [batch, K]
 *   (or the label itself with a single output unit). For a regression set (numClasses 0) the target
 *   is the real-valued label itself (float32 [batch]) and the network has one output unit: the loss is
 *   mean over the batch of (output − target)², in squared target units.
 *
 * Accuracy: argmax of the outputs equals the label; with a single output unit, the prediction is
 * class 1 when the logit is > 0 (cross-entropy) or the output is > 0.5 (MSE). Regression has no
 * accuracy (`hasAccuracy` false; `correct` is 0).
 */
export interface LossFunction {
  /** False for regression (no notion of a correct sample); then `correct` always counts 0. */
  readonly hasAccuracy: boolean;
  /**
   * Mean loss over the batch (a scalar). Differentiable. `labels` [batch]: int32 class indices, or
   * float32 targets for a regression set.
   */
  loss(result: ForwardResult, labels: Tensor1D): Scalar;
  /** Number of correctly classified samples in the batch, as a float32 scalar (0 for regression). */
  correct(result: ForwardResult, labels: Tensor1D): Scalar;
}

/** The loss functions createLoss made that read only `logits` of a ForwardResult (loss and count alike). */
const logitsReaders = new WeakSet<LossFunction>();

/**
 * True when `lossFn` (the very object createLoss returned) reads only the `logits` of a forward
 * result, never its `output`: a sparse or categorical cross-entropy on a softmax output, a binary
 * one on a sigmoid output. The caller may then skip the output activation (ForwardOptions.logitsOnly).
 */
export function readsOnlyLogits(lossFn: LossFunction): boolean {
  return logitsReaders.has(lossFn);
}

/** Marks `lossFn` as reading only logits when `yes` (see readsOnlyLogits). @returns lossFn */
function logitsOnlyIf(yes: boolean, lossFn: LossFunction): LossFunction {
  if (yes) logitsReaders.add(lossFn);
  return lossFn;
}

/** A loss function's one-pass loss + count (see {@link lossAndCorrect}); null where it has none for these inputs. */
type LossAndCorrect = (result: ForwardResult, labels: Tensor1D) => { loss: Scalar; correct: Scalar } | null;

/** The one-pass paths of the loss functions createLoss made, by object (a copy or a wrapper has none). */
const onePass = new WeakMap<LossFunction, LossAndCorrect>();

/**
 * `lossFn.correct(result, labels)` and `lossFn.loss(result, labels)`, from one kernel call where the
 * backend has one (patched wasm, sparse cross-entropy with int32 labels: the count rides in the loss
 * kernel's pass), else by calling the two in that order. The same values either way. Only the very
 * object createLoss returned takes the one-pass path: a copy with its own `loss` (e.g. `{ ...base,
 * loss }`) is called as written.
 * @returns tensors owned by the caller's scope (loss differentiable, correct a float32 count)
 */
export function lossAndCorrect(lossFn: LossFunction, result: ForwardResult, labels: Tensor1D): { loss: Scalar; correct: Scalar } {
  const both = onePass.get(lossFn)?.(result, labels);
  if (both) return both;
  const correct = lossFn.correct(result, labels);
  return { correct, loss: lossFn.loss(result, labels) };
}

/** What a loss needs to know about the network's output. */
export interface LossTarget {
  /** Activation of the last layer. */
  outputActivation: ActivationSpec;
  /** Number of output units (last dimension of the output). */
  outputUnits: number;
  /** Classes of the dataset; 0 for a regression set (real-valued targets). */
  numClasses: number;
}

/**
 * Creates the loss function for `name`.
 * @param tf the TensorFlow.js namespace
 */
export function createLoss(tf: TF, name: LossName, target: LossTarget): LossFunction {
  const act = target.outputActivation.name;
  if (target.numClasses === 0) return createRegressionLoss(tf, name, target);
  const argmaxCorrect = (scores: Tensor, labels: Tensor1D): Scalar => tf.sum(tf.cast(tf.equal(tf.argMax(scores, -1), labels), 'float32'));
  const labelColumn = (labels: Tensor1D): Tensor => tf.reshape(tf.cast(labels, 'float32'), [-1, 1]);

  switch (name) {
    case 'sparseCategoricalCrossentropy': {
      const logits = (r: ForwardResult) => (act === 'softmax' ? r.logits : r.output);
      // Patched wasm: one kernel each way (engine/kernels/softmax-cross-entropy.ts), float64 inside.
      const fused = (r: ForwardResult, labels: Tensor1D) => labels.dtype === 'int32' && logits(r).rank === 2 && hasFusedSoftmaxCrossEntropy(tf);
      const loss = (r: ForwardResult, labels: Tensor1D): Scalar =>
        tf.tidy(() => {
          if (fused(r, labels)) return fusedSparseSoftmaxCrossEntropy(tf, logits(r), labels);
          const logp = tf.logSoftmax(logits(r));
          const picked = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(labels, target.numClasses), 'float32')), -1);
          return tf.neg(tf.mean(picked));
        });
      const lossFn: LossFunction = {
        hasAccuracy: true,
        loss,
        correct: (r, labels) => tf.tidy(() => argmaxCorrect(logits(r), labels)),
      };
      // The accuracy count rides in the loss kernel's pass (wasm ArgMax's first-maximum rule).
      onePass.set(lossFn, (r, labels) => {
        if (!fused(r, labels)) return null;
        const [value, count] = fusedSparseSoftmaxCrossEntropyWithCorrect(tf, logits(r), labels);
        return { loss: value, correct: count };
      });
      return logitsOnlyIf(act === 'softmax', lossFn);
    }
    case 'categoricalCrossentropy': {
      // One-hot targets t: −mean over the batch of Σ_k t_k·log p_k, log p = log-softmax of the logits.
      const logits = (r: ForwardResult) => (act === 'softmax' ? r.logits : r.output);
      return logitsOnlyIf(act === 'softmax', {
        hasAccuracy: true,
        loss: (r, labels) =>
          tf.tidy(() => {
            const targets = tf.oneHot(labels, target.numClasses).toFloat();
            return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits(r))), -1)));
          }),
        correct: (r, labels) => tf.tidy(() => argmaxCorrect(logits(r), labels)),
      });
    }
    case 'binaryCrossentropy': {
      const logits = (r: ForwardResult) => (act === 'sigmoid' ? r.logits : r.output);
      return logitsOnlyIf(act === 'sigmoid', {
        hasAccuracy: true,
        loss: (r, labels) =>
          tf.tidy(() => {
            const z = logits(r);
            const y = labelColumn(labels);
            const perSample = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
            return tf.mean(perSample);
          }),
        correct: (r, labels) => tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.cast(tf.greater(logits(r), 0), 'float32'), labelColumn(labels)), 'float32'))),
      });
    }
    case 'meanSquaredError': {
      const single = target.outputUnits === 1;
      const targets = (labels: Tensor1D): Tensor => (single ? labelColumn(labels) : tf.cast(tf.oneHot(labels, target.numClasses), 'float32'));
      return {
        hasAccuracy: true,
        loss: (r, labels) => tf.tidy(() => tf.mean(tf.squaredDifference(r.output, targets(labels)))),
        correct: (r, labels) =>
          tf.tidy(() =>
            single ? tf.sum(tf.cast(tf.equal(tf.cast(tf.greater(r.output, 0.5), 'float32'), labelColumn(labels)), 'float32')) : argmaxCorrect(r.output, labels),
          ),
      };
    }
    default:
      throw new Error(`Unknown loss '${String(name)}'`);
  }
}

/**
 * The loss of a regression set (numClasses 0): only meanSquaredError, on one output unit, with the
 * float32 targets [batch] as a column: mean over the batch of (output − target)².
 * @throws Error for a classification loss, or more than one output unit
 */
function createRegressionLoss(tf: TF, name: LossName, target: LossTarget): LossFunction {
  if (name !== 'meanSquaredError') {
    throw new Error(`train.loss: ${name} needs class labels, but this dataset is a regression set (real-valued targets); use meanSquaredError`);
  }
  if (target.outputUnits !== 1) {
    throw new Error(
      `meanSquaredError on a regression set needs exactly 1 output unit (one real-valued target per sample), the network has ${target.outputUnits}`,
    );
  }
  return {
    hasAccuracy: false,
    loss: (r, targets) => tf.tidy(() => tf.mean(tf.squaredDifference(r.output, tf.reshape(tf.cast(targets, 'float32'), [-1, 1])))),
    correct: () => tf.scalar(0),
  };
}
