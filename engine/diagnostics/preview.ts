import {
  type ExperimentSpec,
  type InitializerSpec,
  type LayerSpec,
  type NetworkSpec,
  type PreviewLayer,
  type PreviewResult,
  inferNetworkShapes,
} from '../../contract/index.js';
import { gatherRows, labelTensor } from '../batches.js';
import { loadDataset, type DatasetSource } from '../datasets/index.js';
import { datasetSplit } from '../datasets/split.js';
import { initializerMoments } from '../initializers.js';
import { createLoss } from '../losses.js';
import { fixupScale } from '../layers/residual.js';
import { buildModel, type Model } from '../model.js';
import { deriveSeed } from '../random.js';
import type { Scalar, Tensor, TF, Variable } from '../tf.js';
import type { Moments } from './gaussian-moments.js';
import { mainWeight } from './layer-stats.js';
import { meanFieldStds } from './mean-field.js';
import { measureSignalProp } from './signal-prop.js';

/** Default number of probe samples of an init preview. */
export const DEFAULT_PREVIEW_PROBE_SIZE = 256;

/** The network with `initializer` as the kernel initializer of every dense and conv2d layer and residual block (its branch layers, not its projection). */
export function withKernelInitializer(network: NetworkSpec, initializer: InitializerSpec): NetworkSpec {
  const layers = network.layers.map((layer): LayerSpec =>
    layer.type === 'dense' || layer.type === 'conv2d' || layer.type === 'residual' ? { ...layer, kernelInitializer: initializer } : layer,
  );
  return { ...network, layers };
}

/**
 * Theoretical std of a layer's main weight: the kernel initializer's (a residual block's first kernel: times
 * Fixup's 1/√L with `init` 'fixup'), 0 for batchNorm's γ = 1, else null.
 */
function theoryWeightStd(spec: LayerSpec, paramShapes: Record<string, number[]>, residualBlocks: number): number | null {
  if (spec.type === 'dense' || spec.type === 'conv2d') return Math.sqrt(initializerMoments(spec.kernelInitializer, paramShapes.kernel as number[]).variance);
  if (spec.type === 'residual') {
    const std = Math.sqrt(initializerMoments(spec.kernelInitializer, paramShapes.kernel as number[]).variance);
    return spec.init === 'fixup' ? std * fixupScale(residualBlocks) : std;
  }
  if (spec.type === 'batchNorm') return 0;
  return null;
}

/**
 * Measures one built model: one forward pass (training mode: batchNorm on batch statistics, dropout
 * with a fixed seed) of the probe batch and one backward pass, with zero "taps" added to every layer
 * output so that ∂loss/∂(layer output) is a gradient like any other. One device read.
 */
async function measure(
  tf: TF,
  model: Model,
  lossName: ExperimentSpec['train']['loss'],
  numClasses: number,
  xb: Tensor,
  yb: Tensor,
  dropoutSeed: number,
): Promise<{ loss: number | null; input: Moments; layers: { mean: number; m2: number; gradStd: number; gradNorm: number; weightStd: number }[] }> {
  const lossFn = createLoss(tf, lossName, {
    outputActivation: model.outputActivation,
    outputUnits: model.outputShape[model.outputShape.length - 1] as number,
    numClasses,
  });
  const batch = xb.shape[0] as number;
  const taps: Variable[] = model.layers.map((layer) => tf.tidy(() => tf.variable(tf.zeros([batch, ...layer.outputShape]), true)));
  const kept: { moments?: Tensor } = {};
  let computed: { value: Scalar; grads: Record<string, Tensor> } | null = null;
  try {
    computed = tf.variableGrads(() => {
      const result = model.forward(xb, { training: true, dropoutSeed, taps, collectActivations: true });
      kept.moments = tf.keep(tf.stack(result.activations!.flatMap((a) => [tf.mean(a), tf.mean(tf.square(a))])));
      return lossFn.loss(result, yb as import('@tensorflow/tfjs').Tensor1D);
    }, [...model.variables, ...taps]);
    const { value, grads } = computed;
    const flat = tf.tidy(() => {
      const zero = tf.scalar(0);
      const perLayer = model.layers.map((layer, i) => {
        const tapGrad = grads[taps[i]!.name];
        const gradStd = tapGrad ? tf.sqrt(tf.moments(tapGrad).variance) : zero;
        let sq: Tensor = zero;
        for (const p of layer.params) {
          const g = grads[p.variable.name];
          if (g) sq = tf.add(sq, tf.sum(tf.square(g)));
        }
        const w = mainWeight(layer);
        const weightStd = w ? tf.sqrt(tf.moments(w).variance) : zero;
        return tf.stack([gradStd, tf.sqrt(sq), weightStd]);
      });
      return tf.concat([tf.reshape(value, [1]), tf.reshape(tf.stack([tf.mean(xb), tf.mean(tf.square(xb))]), [-1]), kept.moments!, ...perLayer]);
    });
    let v: Float32Array;
    try {
      v = (await flat.data()) as Float32Array;
    } finally {
      flat.dispose();
    }
    const L = model.layers.length;
    const loss = v[0] as number;
    const momentsAt = 3;
    const gradsAt = momentsAt + 2 * L;
    return {
      loss: Number.isFinite(loss) ? loss : null,
      input: { m1: v[1] as number, m2: v[2] as number },
      layers: model.layers.map((_, i) => ({
        mean: v[momentsAt + 2 * i] as number,
        m2: v[momentsAt + 2 * i + 1] as number,
        gradStd: v[gradsAt + 3 * i] as number,
        gradNorm: v[gradsAt + 3 * i + 1] as number,
        weightStd: v[gradsAt + 3 * i + 2] as number,
      })),
    };
  } finally {
    kept.moments?.dispose();
    if (computed) {
      computed.value.dispose();
      for (const g of Object.values(computed.grads)) g.dispose();
    }
    for (const t of taps) t.dispose();
  }
}

/**
 * Init preview: for the experiment's network with its own initializers (when `initializers` is
 * empty or absent) or with each of `initializers` as the kernel initializer of every dense/conv2d
 * layer, builds the untrained model (seeded by train.seed), runs one forward and backward pass of
 * a probe batch (the first `probeSize` samples of the training split — the same split training
 * uses, see datasets/split.ts — with their labels, or real-valued targets for a regression set, and
 * the experiment's loss) and reports per layer the measured activation std next to the mean-field
 * theoretical std (mean-field.ts), the std of ∂loss/∂(output) and the L2 norm of ∂loss/∂(params).
 * Frees every tensor it creates.
 * @param source where an imported dataset's stored file is (for `{ id }` dataset references)
 */
export async function previewInit(
  tf: TF,
  experiment: ExperimentSpec,
  initializers: readonly InitializerSpec[] = [],
  probeSize = DEFAULT_PREVIEW_PROBE_SIZE,
  source?: DatasetSource,
): Promise<PreviewResult[]> {
  const cfg = experiment.train;
  const data = loadDataset(experiment.dataset, source);
  const split = datasetSplit(experiment.dataset, data, cfg.validationSplit);
  const p = Math.min(probeSize, split.train.length);
  if (p < 1) throw new Error('init preview: the training split is empty');
  const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
  const choices: (InitializerSpec | null)[] = initializers.length > 0 ? [...initializers] : [null];
  const xb = tf.tensor(gatherRows(data.x, rowSize, split.train, 0, p), [p, ...data.inputShape], 'float32');
  const yb = labelTensor(tf, data.targets ?? data.y, split.train, 0, p);
  try {
    const results: PreviewResult[] = [];
    for (const initializer of choices) {
      const network = initializer ? withKernelInitializer(experiment.network, initializer) : experiment.network;
      const model = buildModel(tf, network, { seed: cfg.seed, target: { loss: cfg.loss, numClasses: data.numClasses, inputShape: data.inputShape } });
      try {
        const m = await measure(tf, model, cfg.loss, data.numClasses, xb, yb, deriveSeed(cfg.seed, 'preview'));
        const measured = m.layers.map((l) => ({ m1: l.mean, m2: l.m2 }));
        const theory = meanFieldStds(network, m.input, measured, true);
        const shapes = inferNetworkShapes(network);
        const blocks = network.layers.filter((l) => l.type === 'residual').length;
        const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
        const layers: PreviewLayer[] = model.layers.map((layer, i) => {
          const l = m.layers[i]!;
          const spec = network.layers[i]!;
          return {
            layer: layer.name,
            index: i,
            type: layer.type,
            activation: layer.activation?.name ?? null,
            activationMean: num(l.mean),
            activationStd: num(Math.sqrt(Math.max(0, l.m2 - l.mean * l.mean))),
            theoryStd: theory[i] ?? null,
            gradientStd: num(l.gradStd),
            gradientNorm: layer.params.length > 0 ? num(l.gradNorm) : null,
            weightStd: mainWeight(layer) ? num(l.weightStd) : null,
            theoryWeightStd: theoryWeightStd(spec, shapes[i]!.paramShapes, blocks),
          };
        });
        // Residual blocks: signal propagation at init (batch statistics, like the pass above).
        const signalProp = await measureSignalProp(tf, model, xb, true);
        results.push({ initializer, loss: m.loss, layers, ...(signalProp.length > 0 ? { signalProp } : {}) });
      } finally {
        model.dispose();
      }
    }
    return results;
  } finally {
    xb.dispose();
    yb.dispose();
  }
}
