import { z } from 'zod';
import { ExperimentSpec } from './experiment.js';

/**
 * Parametrizations of a width-scaled MLP (Yang & Hu 2021, "Tensor Programs IV/V"; microsoft/mup).
 * - `standard` (SP): every dense layer keeps the network's own kernel initializer, biases zero, one
 *   learning rate η for every parameter, no output multiplier.
 * - `mup` (μP, Adam form of the mup package): input and hidden kernels N(0, 1/fan_in); the output
 *   kernel N(0, 1/fan_in) (or zero) with its product h·W multiplied by baseWidth/width (the bias added
 *   after, as mup's MuReadout and a μP run); Adam learning rate
 *   η for the input layer, biases and output kernel, η·baseWidth/width for hidden kernels.
 */
export const Parametrization = z.enum(['standard', 'mup']);
export type Parametrization = z.infer<typeof Parametrization>;

/** Largest width a coordinate check accepts (a width² hidden kernel must fit comfortably in memory). */
export const COORD_CHECK_MAX_WIDTH = 8192;

/** A μP coordinate check: one network trained for a few steps at several widths under SP and μP. */
export const CoordCheckRequest = z
  .object({
    /**
     * The experiment: its dataset, its dense layers (the hidden ones are resized to each width; their
     * activations are kept; conv and other layers are refused), its loss and its optimizer's learning rate.
     */
    experiment: ExperimentSpec,
    /** Hidden widths to train at, e.g. [64, 128, 256, 512] (at least 2, distinct). */
    widths: z
      .array(z.number().int().min(2).max(COORD_CHECK_MAX_WIDTH))
      .min(2)
      .max(12)
      .refine((w) => new Set(w).size === w.length, 'widths must be distinct'),
    /** Training steps T (one fixed batch per step); activations are measured at t = 0..T. */
    steps: z.number().int().min(1).max(50).default(3),
    /** Seeds averaged per (parametrization, width). */
    seeds: z.number().int().min(1).max(16).default(3),
    /** μP's base width: the width at which μP and SP coincide in learning rates (default: the smallest width). */
    baseWidth: z.number().int().min(1).max(COORD_CHECK_MAX_WIDTH).optional(),
    /** μP's output kernel initialization: N(0, 1/fan_in) (mup's default readout) or zero. */
    outputInit: z.enum(['gaussian', 'zero']).default('gaussian'),
    /** Samples in the fixed batch (first samples of the training split). */
    batchSize: z.number().int().min(1).max(4096).default(64),
    /** Which optimizer to scale the learning rates for. */
    optimizer: z.enum(['adam', 'sgd']).default('adam'),
    /** Base learning rate η (default: the experiment optimizer's learning rate). */
    learningRate: z.number().positive().max(10).optional(),
  })
  .strict();
export type CoordCheckRequest = z.infer<typeof CoordCheckRequest>;
export type CoordCheckRequestInput = z.input<typeof CoordCheckRequest>;

/** One layer at one step: mean |activation| per width (seed average), and the log–log slope over width. */
export const CoordCheckCell = z.object({
  /** Step t (0 = at initialization, before any update). */
  step: z.number().int().min(0),
  /** Layer index in the resized network (0 = first hidden layer; the last one is the output, logits). */
  layer: z.number().int().min(0),
  /** Mean over the fixed batch and units of |activation| (after the layer's activation), per width, in the order of `widths`. */
  meanAbs: z.array(z.number().nullable()),
  /** Least-squares slope of ln(meanAbs) against ln(width): ≈ 0 for a width-stable coordinate; null if any value is ≤ 0 or not finite. */
  slope: z.number().nullable(),
});
export type CoordCheckCell = z.infer<typeof CoordCheckCell>;

/** The coordinate check of one parametrization. */
export const CoordCheckCurve = z.object({
  parametrization: Parametrization,
  cells: z.array(CoordCheckCell),
});
export type CoordCheckCurve = z.infer<typeof CoordCheckCurve>;

/** Result of a coordinate check. */
export const CoordCheckResult = z.object({
  widths: z.array(z.number().int()),
  baseWidth: z.number().int(),
  steps: z.number().int(),
  seeds: z.number().int(),
  optimizer: z.enum(['adam', 'sgd']),
  learningRate: z.number(),
  /** Layer labels: 'hidden_1' … 'hidden_k', then 'output' (the logits). */
  layers: z.array(z.string()),
  curves: z.array(CoordCheckCurve),
});
export type CoordCheckResult = z.infer<typeof CoordCheckResult>;

/**
 * Least-squares slope of ln(y) against ln(x); null when fewer than 2 points or any y ≤ 0 / non-finite.
 * A coordinate that does not change with width has slope 0; one that grows like width^k has slope k.
 */
export function logLogSlope(xs: readonly number[], ys: readonly (number | null)[]): number | null {
  if (xs.length < 2 || xs.length !== ys.length) return null;
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !(y > 0) || !Number.isFinite(y)) return null;
    lx.push(Math.log(xs[i]!));
    ly.push(Math.log(y));
  }
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : null;
}
