import {
  CoordCheckRequest,
  type CoordCheckCell,
  type CoordCheckCurve,
  type CoordCheckRequestInput,
  type CoordCheckResult,
  type ExperimentSpec,
  InitScopeError,
  logLogSlope,
  type Parametrization,
} from '../../contract/index.js';
import { gatherRows, gatherLabels } from '../batches.js';
import { loadDataset, type DatasetSource } from '../datasets/index.js';
import { datasetSplit } from '../datasets/split.js';
import { deriveSeed } from '../random.js';
import type { Tensor, TF } from '../tf.js';
import { buildMupMlp, mlpForward, type MlpShape, type MupMlp } from './mup-mlp.js';

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/**
 * The MLP shape of an experiment: every dense layer but the last is a hidden layer (resized to each
 * width, its activation and kernel initializer kept), the last is the output layer. Dropout and
 * flatten layers are skipped (the check runs without dropout); any other layer type is refused.
 * @throws InitScopeError invalid_input naming the layer when the network is not an MLP
 */
export function mlpShapeOf(experiment: ExperimentSpec, inputSize: number, outputUnits: number): MlpShape {
  const dense = [];
  for (const [i, layer] of experiment.network.layers.entries()) {
    if (layer.type === 'dense') dense.push(layer);
    else if (layer.type !== 'dropout' && layer.type !== 'flatten') {
      throw new InitScopeError('invalid_input', `coordinate check: network.layers.${i} is a ${layer.type} layer; only dense networks (MLPs) are supported`);
    }
  }
  if (dense.length < 2)
    throw new InitScopeError('invalid_input', 'coordinate check: the network needs at least one hidden dense layer and an output dense layer');
  return {
    inputSize,
    hidden: dense.slice(0, -1).map((l) => ({ activation: l.activation, kernelInitializer: l.kernelInitializer })),
    outputInitializer: dense[dense.length - 1]!.kernelInitializer,
    outputUnits,
  };
}

/**
 * Loss of the logits: softmax cross-entropy against the class labels for classification sets, mean
 * squared error of the single output for regression sets (numClasses 0).
 */
function lossOf(tf: TF, logits: Tensor, y: Tensor, numClasses: number): Tensor {
  if (numClasses > 0) return tf.losses.softmaxCrossEntropy(tf.oneHot(y as import('@tensorflow/tfjs').Tensor1D, numClasses), logits);
  return tf.losses.meanSquaredError(tf.reshape(y, [-1, 1]), logits);
}

/** Mean |output| of every layer of `mlp` on batch `x`: one device read. */
async function meanAbsPerLayer(tf: TF, mlp: MupMlp, x: Tensor): Promise<number[]> {
  const t = tf.tidy(() => tf.stack(mlpForward(tf, mlp, mlp.params, x).map((a) => tf.mean(tf.abs(a)))));
  try {
    return Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/**
 * Trains `mlp` in place for one step on (x, y) with Adam (moments in `state`) or SGD, learning rate
 * η·lrFactors[i] per parameter. Replaces (and frees) the old parameter and moment tensors.
 */
function trainStep(
  tf: TF,
  mlp: MupMlp,
  state: { m: Tensor[]; v: Tensor[]; t: number },
  x: Tensor,
  y: Tensor,
  numClasses: number,
  lr: number,
  optimizer: 'adam' | 'sgd',
): void {
  state.t += 1;
  const t = state.t;
  const next = tf.tidy(() => {
    const grads = tf.grads((...ps: Tensor[]) => {
      const outs = mlpForward(tf, mlp, ps, x);
      return lossOf(tf, outs[outs.length - 1]!, y, numClasses);
    })(mlp.params);
    const params: Tensor[] = [];
    const m: Tensor[] = [];
    const v: Tensor[] = [];
    for (let i = 0; i < mlp.params.length; i++) {
      const step = lr * mlp.lrFactors[i]!;
      const g = grads[i]!;
      if (optimizer === 'sgd') {
        params.push(tf.sub(mlp.params[i]!, tf.mul(g, step)));
        continue;
      }
      const mi = tf.add(tf.mul(state.m[i]!, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1));
      const vi = tf.add(tf.mul(state.v[i]!, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2));
      const mHat = tf.div(mi, 1 - ADAM_BETA1 ** t);
      const vHat = tf.div(vi, 1 - ADAM_BETA2 ** t);
      params.push(tf.sub(mlp.params[i]!, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), ADAM_EPSILON)), step)));
      m.push(mi);
      v.push(vi);
    }
    return { params, m, v };
  });
  for (const old of [...mlp.params, ...state.m, ...state.v]) old.dispose();
  mlp.params = next.params;
  state.m = next.m;
  state.v = next.v;
}

/**
 * μP coordinate check (Yang & Hu 2021; Yang et al. 2022, "Tensor Programs V", §D; microsoft/mup's
 * `get_coord_data`): trains the experiment's MLP, resized to each width, for `steps` steps on one
 * fixed batch (the first `batchSize` samples of the training split), under standard parametrization
 * and under μP (see contract Parametrization), with the same base learning rate η, and records the
 * mean |activation| of every layer at t = 0..steps, averaged over `seeds` seeds. Under a correct μP
 * every coordinate stays O(1) as width grows (log–log slope ≈ 0); under SP with Adam the hidden
 * activations after an update grow like width (slope → 1), since every one of a unit's `width`
 * incoming weights moves by ≈ η.
 * Frees every tensor it creates.
 * @param source where an imported dataset's stored file is (for `{ id }` dataset references)
 * @throws InitScopeError invalid_input for a bad request or a network that is not an MLP
 */
export async function coordCheck(tf: TF, input: CoordCheckRequestInput, source?: DatasetSource): Promise<CoordCheckResult> {
  const parsed = CoordCheckRequest.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InitScopeError('invalid_input', `coordinate check: ${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  const req = parsed.data;
  const cfg = req.experiment.train;
  const data = loadDataset(req.experiment.dataset, source);
  const split = datasetSplit(req.experiment.dataset, data, cfg.validationSplit);
  const n = Math.min(req.batchSize, split.train.length);
  if (n < 1) throw new InitScopeError('invalid_input', 'coordinate check: the training split is empty');
  const inputSize = data.inputShape.reduce((a, b) => a * b, 1);
  const outputUnits = data.numClasses > 0 ? data.numClasses : 1;
  const shape = mlpShapeOf(req.experiment, inputSize, outputUnits);
  const widths = [...req.widths].sort((a, b) => a - b);
  const baseWidth = req.baseWidth ?? widths[0]!;
  const lr = req.learningRate ?? cfg.optimizer.learningRate;
  const L = shape.hidden.length + 1;
  const x = tf.tensor2d(gatherRows(data.x, inputSize, split.train, 0, n), [n, inputSize]);
  const labels =
    data.numClasses > 0 ? gatherLabels(data.y, split.train, 0, n) : gatherLabels(data.targets ?? new Float32Array(data.y.length), split.train, 0, n);
  const y = data.numClasses > 0 ? tf.tensor1d(labels as Int32Array, 'int32') : tf.tensor1d(labels as Float32Array);
  try {
    const curves: CoordCheckCurve[] = [];
    for (const parametrization of ['standard', 'mup'] as Parametrization[]) {
      // sums[step][layer][widthIndex]
      const sums = Array.from({ length: req.steps + 1 }, () => Array.from({ length: L }, () => new Array<number>(widths.length).fill(0)));
      for (const [wi, width] of widths.entries()) {
        for (let s = 0; s < req.seeds; s++) {
          const mlp = buildMupMlp(
            tf,
            shape,
            { parametrization, width, baseWidth, optimizer: req.optimizer, outputInit: req.outputInit },
            deriveSeed(cfg.seed, 'coordCheck', width, s),
          );
          const state = { m: mlp.params.map((p) => tf.zerosLike(p)), v: mlp.params.map((p) => tf.zerosLike(p)), t: 0 };
          try {
            for (let step = 0; step <= req.steps; step++) {
              if (step > 0) trainStep(tf, mlp, state, x, y, data.numClasses, lr, req.optimizer);
              const values = await meanAbsPerLayer(tf, mlp, x);
              for (let l = 0; l < L; l++) sums[step]![l]![wi]! += values[l]! / req.seeds;
            }
          } finally {
            for (const t of [...mlp.params, ...state.m, ...state.v]) t.dispose();
          }
        }
      }
      const cells: CoordCheckCell[] = [];
      for (let step = 0; step <= req.steps; step++) {
        for (let l = 0; l < L; l++) {
          const meanAbs = sums[step]![l]!.map((v) => (Number.isFinite(v) ? v : null));
          cells.push({ step, layer: l, meanAbs, slope: logLogSlope(widths, meanAbs) });
        }
      }
      curves.push({ parametrization, cells });
    }
    const layers = Array.from({ length: L }, (_, l) => (l === L - 1 ? `output` : `hidden_${l + 1}`));
    return { widths, baseWidth, steps: req.steps, seeds: req.seeds, optimizer: req.optimizer, learningRate: lr, layers, curves };
  } finally {
    x.dispose();
    y.dispose();
  }
}
