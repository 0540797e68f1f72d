import type { BatchNormLayerSpec, LayerShapeInfo } from '../../contract/index.js';
import type { Tensor, Tensor1D, TF, Variable } from '../tf.js';
import { makeVariable } from './weights.js';
import type { ForwardContext, Layer } from './types.js';

/**
 * Batch normalisation over the last axis (Ioffe & Szegedy 2015). Trainable γ (init 1) and β (init 0),
 * shape [channels]; non-trainable moving mean (init 0) and variance (init 1).
 * - training: μ_B, σ²_B = mean and biased variance over every axis but the last;
 *   y = γ·(x − μ_B)/√(σ²_B + ε) + β; pushes m ← momentum·m + (1 − momentum)·μ_B (and likewise σ²)
 *   to ctx.stateUpdates, applied by the training step only when the step is finite.
 * - inference: the moving statistics replace μ_B and σ²_B.
 * Variables: `<prefix><layer name>/gamma|beta|movingMean|movingVariance` (`rename` maps the role in the name).
 */
export function buildBatchNorm(
  tf: TF,
  spec: BatchNormLayerSpec,
  info: LayerShapeInfo,
  prefix: string,
  rename: (role: string) => string = (role) => role,
): Layer {
  const channels = info.inputShape[info.inputShape.length - 1] as number;
  const ones = new Float32Array(channels).fill(1);
  const zeros = new Float32Array(channels);
  const created: Variable[] = [];
  try {
    created.push(makeVariable(tf, ones, [channels], `${prefix}${info.name}/${rename('gamma')}`));
    created.push(makeVariable(tf, zeros, [channels], `${prefix}${info.name}/${rename('beta')}`));
    for (const [values, name] of [
      [zeros, 'movingMean'],
      [ones, 'movingVariance'],
    ] as const) {
      const t = tf.tensor1d(values, 'float32');
      try {
        created.push(tf.variable(t, false, `${prefix}${info.name}/${rename(name)}`));
      } finally {
        t.dispose();
      }
    }
  } catch (error) {
    for (const v of created) v.dispose();
    throw error;
  }
  const [gamma, beta, movingMean, movingVariance] = created as [Variable, Variable, Variable, Variable];
  const axes = info.inputShape.map((_, i) => i); // batch axis 0 plus every non-channel axis
  return {
    index: info.index,
    type: 'batchNorm',
    name: info.name,
    inputShape: info.inputShape,
    outputShape: info.outputShape,
    activation: null,
    params: [
      { role: 'gamma', variable: gamma },
      { role: 'beta', variable: beta },
    ],
    paramCount: info.paramCount,
    apply(x: Tensor, ctx: ForwardContext) {
      let mean: Tensor = movingMean;
      let variance: Tensor = movingVariance;
      if (ctx.training) {
        const moments = tf.moments(x, axes);
        mean = moments.mean;
        variance = moments.variance;
        if (ctx.stateUpdates) {
          const m = spec.momentum;
          ctx.stateUpdates.push(
            { variable: movingMean, value: tf.keep(tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m))) },
            { variable: movingVariance, value: tf.keep(tf.add(tf.mul(movingVariance, m), tf.mul(variance, 1 - m))) },
          );
        }
      }
      const output = tf.batchNorm(x, mean as Tensor1D, variance as Tensor1D, beta as Tensor1D, gamma as Tensor1D, spec.epsilon);
      return { preActivation: output, output };
    },
    dispose() {
      for (const v of created) v.dispose();
    },
  };
}
