import { ACTIVATION_NAMES, NetworkSpec, type ActivationSpec } from '../../../contract/index.js';
import { assignModelWeights, readModelWeights, type NamedWeight } from '../../../engine/export/weights.js';
import { buildModel, type Model } from '../../../engine/model.js';
import type { TF } from '../../../engine/tf.js';

/** A small deterministic generator (LCG) of floats in [lo, hi). */
export function seededFloats(seed: number): (n: number, lo?: number, hi?: number) => Float32Array {
  let s = seed >>> 0;
  return (n, lo = -1, hi = 1) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out[i] = lo + ((hi - lo) * s) / 2 ** 32;
    }
    return out;
  };
}

/**
 * Builds the network and gives every variable non-trivial random values (batchNorm moving variance in
 * [0.5, 1.5], moving mean in [−0.5, 0.5]), so an export that dropped or misplaced a tensor shows.
 */
export function randomizedModel(tf: TF, network: NetworkSpec, seed = 3): { model: Model; weights: NamedWeight[] } {
  const model = buildModel(tf, network, { seed });
  const rand = seededFloats(seed);
  const weights = readModelWeights(tf, model).map((w) => {
    const role = w.name.split('/')[1];
    const values = role?.startsWith('movingVariance')
      ? rand(w.values.length, 0.5, 1.5)
      : role?.startsWith('movingMean')
        ? rand(w.values.length, -0.5, 0.5)
        : rand(w.values.length, -1, 1);
    return { ...w, values };
  });
  assignModelWeights(tf, model, weights);
  return { model, weights };
}

/** The engine's inference output for x [batch, ...inputShape] (flattened, row-major). */
export function enginePredict(tf: TF, model: Model, x: Float32Array, batch: number): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor(x, [batch, ...model.inputShape], 'float32'), { training: false }).output.dataSync() as Float32Array);
}

/** Every activation with a non-default parameter where it has one (alpha values a user might set). */
export function everyActivation(): ActivationSpec[] {
  return ACTIVATION_NAMES.map((name) => {
    if (name === 'leakyRelu') return { name, alpha: 0.2 };
    if (name === 'elu') return { name, alpha: 0.5 };
    return { name } as ActivationSpec;
  });
}

/** A dense network [4] → 6 (activation) → 3 (linear), with scaled inputs so saturating regions are hit. */
export function denseNetwork(activation: ActivationSpec): NetworkSpec {
  return NetworkSpec.parse({
    name: `dense-${activation.name}`,
    inputShape: [4],
    layers: [
      { type: 'dense', units: 6, activation },
      { type: 'dense', units: 3 },
    ],
  });
}

/** A small CNN covering conv2d (same/valid, strided), batchNorm, both poolings, flatten, dropout, softmax. */
export function convNetwork(): NetworkSpec {
  return NetworkSpec.parse({
    name: 'small-cnn',
    inputShape: [7, 6, 2],
    layers: [
      { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: { name: 'relu' } },
      { type: 'batchNorm', epsilon: 0.001 },
      { type: 'activation', activation: { name: 'elu', alpha: 0.7 } },
      { type: 'conv2d', filters: 4, kernelSize: [2, 1], padding: 'valid', useBias: false, activation: { name: 'gelu' } },
      { type: 'maxPool2d', poolSize: 2, strides: 1, padding: 'same' },
      { type: 'avgPool2d', poolSize: 2, padding: 'same' },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.3 },
      { type: 'batchNorm' },
      { type: 'dense', units: 5, activation: { name: 'swish' } },
      { type: 'dense', units: 3 },
      { type: 'activation', activation: { name: 'softmax' } },
    ],
  });
}
