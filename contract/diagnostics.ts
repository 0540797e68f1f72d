import { z } from 'zod';
import { InitializerSpec } from './initializer.js';

/**
 * Fixed histogram edges of layer outputs: 21 edges from −4 to 4 (bins 0.4 wide). Fixed so that
 * histograms of different steps, layers and runs line up. `counts` has edges.length + 1 entries:
 * counts[0] is (−∞, −4), counts[i] is [edges[i−1], edges[i]) for 1 ≤ i ≤ 20, counts[21] is [4, ∞).
 */
export const HISTOGRAM_EDGES: readonly number[] = Array.from({ length: 21 }, (_, i) => Math.round((-4 + 0.4 * i) * 10) / 10);

/**
 * Percentiles of a layer's weight and gradient distributions (TensorBoard's "distributions" bands):
 * min, the normal distribution's ±1.5σ, ±1σ, ±0.5σ points, the median and max, in percent.
 */
export const DISTRIBUTION_PERCENTILES: readonly number[] = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100];

/** Bins of a layer's data-range output histogram (see LayerStats.rangeHistogram). */
export const RANGE_HISTOGRAM_BINS = 20;

/** Saturation threshold: tanh counts as saturated where |y| > 0.97, sigmoid outside [0.03, 0.97]. */
export const SATURATION_THRESHOLD = 0.97;

/**
 * Statistics of one layer at one recorded step. Activation statistics are measured on the layer's
 * output (after its activation) over a fixed probe batch (the same samples at every step, in
 * inference mode); gradient statistics come from the training batch of that step.
 */
export const LayerStats = z.object({
  /** Layer name, e.g. 'dense_2' (NetworkSpec.layers[2]). */
  layer: z.string(),
  index: z.number().int().min(0),
  /** Mean and (population) standard deviation over every element of the output, in output units. */
  activationMean: z.number().nullable(),
  activationStd: z.number().nullable(),
  /** Fraction of output elements exactly 0, in [0, 1]. */
  zeroFraction: z.number().nullable(),
  /** Fraction of units (last axis: neurons or channels) that are 0 for every probe sample and position. */
  deadFraction: z.number().nullable(),
  /**
   * Fraction of output elements saturated: tanh |y| > 0.97; sigmoid y < 0.03 or y > 0.97;
   * hardSigmoid y ≤ 0 or y ≥ 1. Null for other activations (no saturation defined).
   */
  saturatedFraction: z.number().nullable(),
  /** Fraction of output elements per bin of {@link HISTOGRAM_EDGES} (length 22, sums to 1; at most 16384 evenly strided elements are binned). */
  histogram: z.array(z.number()),
  /** Std of the layer's main weight (kernel; γ for batchNorm) after the step; null without weights. */
  weightStd: z.number().nullable(),
  /** L2 norm of the loss gradient over all the layer's parameters at this step; null without parameters. */
  gradientNorm: z.number().nullable(),
  /** ‖W_after − W_before‖₂ / ‖W_before‖₂ of the main weight for this step's update; null without weights. */
  updateRatio: z.number().nullable(),
  /**
   * The output histogram over the data's own range, so a collapsed layer (values ~1e-7) still shows its
   * shape: `min`/`max` of the binned elements (the same ones as `histogram`), `counts` the fraction of
   * them in each of RANGE_HISTOGRAM_BINS equal bins over [min, max] (the last bin closed; all in bin 0
   * when min = max). Absent in records stored before it existed; null when the output was not finite.
   */
  rangeHistogram: z
    .object({ min: z.number(), max: z.number(), counts: z.array(z.number()) })
    .nullable()
    .optional(),
  /**
   * Percentiles (DISTRIBUTION_PERCENTILES, linear interpolation between order statistics) of the main
   * weight after the step, and of its gradient at this step; null without weights. Absent in older records.
   */
  weightPercentiles: z.array(z.number()).nullable().optional(),
  gradientPercentiles: z.array(z.number()).nullable().optional(),
});
export type LayerStats = z.infer<typeof LayerStats>;

/** Per-layer statistics of one recorded step, as stored and returned by `runs/layerStats`. */
export const LayerStatsRecord = z.object({
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  layers: z.array(LayerStats),
});
export type LayerStatsRecord = z.infer<typeof LayerStatsRecord>;

/**
 * Signal propagation of one residual block (Brock et al. 2021, "Characterizing signal propagation to
 * close the performance gap in unnormalized ResNets"), measured on the probe batch in inference mode
 * (batchNorm on its moving statistics; at init, in the preview, on batch statistics). For a tensor z of
 * shape [batch, …, channels], per channel c: μ_c = mean of z over batch (and spatial) positions,
 * σ²_c = the (population) variance over the same positions. Values in squared output units; null when
 * not finite.
 */
export const SignalPropBlock = z.object({
  /** Layer name of the block, e.g. 'residual_3' (NetworkSpec.layers[3]). */
  layer: z.string(),
  index: z.number().int().min(0),
  /** 0-based position of the block among the network's residual blocks. */
  block: z.number().int().min(0),
  /** Average channel squared mean of the block's output (the residual stream): mean over c of μ_c². */
  squaredMean: z.number().nullable(),
  /** Average channel variance of the block's output: mean over c of σ²_c. */
  variance: z.number().nullable(),
  /** Average channel variance of the residual branch's contribution α·branch(x) (before the add). */
  branchVariance: z.number().nullable(),
  /**
   * Average channel squared mean of α·branch(x). squaredMean + variance is the stream's per-channel
   * second moment, and the stream's grows by the branch's (branchSquaredMean + branchVariance) per block
   * at init. Absent in records stored before it existed.
   */
  branchSquaredMean: z.number().nullable().optional(),
});
export type SignalPropBlock = z.infer<typeof SignalPropBlock>;

/** Signal propagation of every residual block at one recorded step, as returned by `runs/signalProp`. */
export const SignalPropRecord = z.object({
  step: z.number().int().min(0),
  epoch: z.number().int().min(0),
  blocks: z.array(SignalPropBlock),
});
export type SignalPropRecord = z.infer<typeof SignalPropRecord>;

/**
 * One layer of an init preview: a forward and backward pass of a probe batch through the untrained
 * network (batch statistics for batchNorm, no dropout).
 */
export const PreviewLayer = z.object({
  layer: z.string(),
  index: z.number().int().min(0),
  type: z.string(),
  /** Activation applied by the layer (null for layers without one). */
  activation: z.string().nullable(),
  /** Mean and std over every element of the layer output on the probe batch. */
  activationMean: z.number().nullable(),
  activationStd: z.number().nullable(),
  /**
   * Output std predicted by mean-field theory (Poole et al. 2016): pre-activation variance
   * q = fan_in·Var(W)·E[x²] + Var(b), output moments by integrating the activation against N(mean(b), q).
   * Null where no closed form exists (pooling, softmax, non-zero-mean weights).
   */
  theoryStd: z.number().nullable(),
  /** Std of ∂loss/∂(layer output) over the probe batch (the back-propagated signal). */
  gradientStd: z.number().nullable(),
  /** L2 norm of ∂loss/∂(layer parameters); null without parameters. */
  gradientNorm: z.number().nullable(),
  /** Empirical std of the main weight and the initializer's theoretical std (null where undefined). */
  weightStd: z.number().nullable(),
  theoryWeightStd: z.number().nullable(),
});
export type PreviewLayer = z.infer<typeof PreviewLayer>;

/** The preview of one initializer choice. `initializer` null: the network's own initializers. */
export const PreviewResult = z.object({
  initializer: InitializerSpec.nullable(),
  /** Loss of the probe batch, in the loss's units. */
  loss: z.number().nullable(),
  layers: z.array(PreviewLayer),
  /**
   * Signal propagation at init of each residual block on the probe batch (batch statistics); absent or
   * empty for a network without residual blocks.
   */
  signalProp: z.array(SignalPropBlock).optional(),
});
export type PreviewResult = z.infer<typeof PreviewResult>;
