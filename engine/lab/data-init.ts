import type { DataInitConfig, DataInitLayerResult } from '../../contract/index.js';
import type { Model } from '../model.js';
import type { Tensor, TF } from '../tf.js';
import { walkWeightedLayers } from './weighted-layer-walk.js';

/** Per-unit mean and standard deviation (population, ÷n) of a pre-activation [n, …, units] over every axis but the last. */
async function unitMoments(tf: TF, pre: Tensor): Promise<{ mean: Float32Array; std: Float32Array }> {
  const [m, s] = tf.tidy(() => {
    const axes = Array.from({ length: pre.rank - 1 }, (_, i) => i);
    const { mean, variance } = tf.moments(pre, axes);
    return [mean, tf.sqrt(variance)];
  });
  try {
    return { mean: (await m.data()) as Float32Array, std: (await s.data()) as Float32Array };
  } finally {
    m.dispose();
    s.dispose();
  }
}

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The data-dependent per-unit bias/scale init of Salimans & Kingma 2016 (§3) on a built model, in place:
 * for each dense/conv2d layer from the input, measure every unit's (conv2d: output channel's) mean μ_j
 * and standard deviation σ_j of its pre-activation on the batch (inference mode: dropout off, batchNorm
 * on its moving statistics), then kernel[…, j] ×= targetStd/σ_j and bias_j ← (bias_j − μ_j)·targetStd/σ_j,
 * so the new pre-activation is (z_j − μ_j)/σ_j·targetStd. Without a bias only the scale is applied.
 * Units with σ_j = 0 (or a non-finite σ_j) keep their weights. Earlier layers are final when a layer is
 * measured, so each is measured on its real input. Frees every tensor it creates.
 * @param batch row-major [n, ...model.inputShape] samples
 * @returns one result per dense/conv2d layer, in order
 */
export async function applyDataInit(tf: TF, model: Model, batch: Float32Array, config: DataInitConfig): Promise<DataInitLayerResult[]> {
  return walkWeightedLayers(tf, model, batch, 'the per-unit data init', async (layer, x, ctx) => {
    const kernel = layer.params.find((p) => p.role === 'kernel')!.variable;
    const bias = layer.params.find((p) => p.role === 'bias')?.variable;
    const input = x;
    const before = tf.tidy(() => layer.apply(input, ctx).preActivation);
    const { mean, std } = await unitMoments(tf, before).finally(() => before.dispose());
    const units = mean.length;
    const scales = new Float32Array(units);
    const live = Array.from(std, (s) => Number.isFinite(s) && s > 0 && Number.isFinite(config.targetStd / s));
    for (let j = 0; j < units; j++) scales[j] = live[j] ? config.targetStd / std[j]! : 1;
    const dead = live.filter((ok) => !ok).length;
    let meanBiasShift = 0;
    if (bias) {
      const old = (await bias.data()) as Float32Array;
      const next = new Float32Array(units);
      for (let j = 0; j < units; j++) {
        next[j] = live[j] ? (old[j]! - mean[j]!) * scales[j]! : old[j]!;
        meanBiasShift += Math.abs(next[j]! - old[j]!) / units;
      }
      tf.tidy(() => bias.assign(tf.tensor1d(next, 'float32')));
    }
    tf.tidy(() => kernel.assign(tf.mul(kernel, tf.tensor1d(scales, 'float32'))));
    const after = tf.tidy(() => layer.apply(input, ctx).preActivation);
    const stats = await unitMoments(tf, after).finally(() => after.dispose());
    const list = Array.from(scales);
    return {
      layer: layer.name,
      index: layer.index,
      units,
      scaleMin: Math.min(...list),
      scaleMedian: median(list),
      scaleMax: Math.max(...list),
      meanBiasShift,
      hasBias: !!bias,
      deadUnits: dead,
      maxAbsMeanAfter: Math.max(...Array.from(stats.mean, Math.abs)),
      stdMinAfter: Math.min(...stats.std),
      stdMaxAfter: Math.max(...stats.std),
    };
  });
}
