import type { SignalPropBlock } from '../../contract/index.js';
import type { ForwardResult, Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';

/** Values per block in the flat read-back vector: squared mean, variance, branch squared mean, branch variance. */
const STRIDE = 4;

/**
 * Average channel squared mean and average channel variance of z [batch, …, channels]: with μ_c and σ²_c
 * the mean and (population) variance of channel c over every batch and spatial position, returns the
 * 2-vector [mean_c μ_c², mean_c σ²_c]. Call inside tf.tidy.
 */
export function channelMoments(tf: TF, z: Tensor): Tensor {
  const channels = z.shape[z.shape.length - 1] as number;
  const rows = tf.reshape(z, [-1, channels]);
  const { mean, variance } = tf.moments(rows, 0);
  return tf.stack([tf.mean(tf.square(mean)), tf.mean(variance)]);
}

/** Whether the model has residual blocks (and so signal-propagation statistics). */
export function hasResidualBlocks(model: Model): boolean {
  return model.layers.some((l) => l.type === 'residual');
}

/**
 * The flat statistics [squaredMean, variance, branchSquaredMean, branchVariance] of every residual block, in block order,
 * from a forward pass made with collectActivations; null when the model has no block. Call inside tf.tidy.
 */
export function signalPropTensor(tf: TF, model: Model, result: ForwardResult): Tensor | null {
  const parts: Tensor[] = [];
  model.layers.forEach((layer, i) => {
    if (layer.type !== 'residual') return;
    const out = result.activations?.[i];
    const branch = result.branches?.[i];
    if (!out || !branch) throw new Error(`${layer.name}: the forward pass did not collect the block's output and branch`);
    parts.push(channelMoments(tf, out), channelMoments(tf, branch));
  });
  return parts.length > 0 ? tf.concat(parts) : null;
}

/** The blocks of a read-back {@link signalPropTensor} (non-finite values become null). */
export function signalPropBlocks(model: Model, values: ArrayLike<number>): SignalPropBlock[] {
  const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);
  const blocks: SignalPropBlock[] = [];
  for (const layer of model.layers) {
    if (layer.type !== 'residual') continue;
    const at = blocks.length * STRIDE;
    blocks.push({
      layer: layer.name,
      index: layer.index,
      block: blocks.length,
      squaredMean: finite(values[at]),
      variance: finite(values[at + 1]),
      branchVariance: finite(values[at + 3]),
      branchSquaredMean: finite(values[at + 2]),
    });
  }
  return blocks;
}

/**
 * Signal propagation of every residual block of `model` on `x` [batch, ...inputShape] (Brock et al.
 * 2021): one forward pass, in inference mode unless `training` (then batchNorm uses batch statistics
 * and dropout is active with seed 0), one device read. Leaves no tensor behind. [] for a model without blocks.
 */
export async function measureSignalProp(tf: TF, model: Model, x: Tensor, training = false): Promise<SignalPropBlock[]> {
  if (!hasResidualBlocks(model)) return [];
  const flat = tf.tidy(() => signalPropTensor(tf, model, model.forward(x, { training, collectActivations: true })) as Tensor);
  try {
    return signalPropBlocks(model, await flat.data());
  } finally {
    flat.dispose();
  }
}
