import { z } from 'zod';
import { ActivationSpec } from './activation.js';
import { ExperimentSpec } from './experiment.js';
import { NetworkSpec } from './network.js';

/**
 * The signal-propagation lab (issue #17): instruments computed from theory (phase diagram) or from a
 * built network (Jacobian spectrum). Each is computed in an engine worker.
 */

/** An evenly spaced axis of `steps` values from `min` to `max` (inclusive). */
export const LabAxis = z
  .strictObject({
    min: z.number().min(0).max(100),
    max: z.number().min(0).max(100),
    steps: z.int().min(2).max(101),
  })
  .refine((a) => a.max > a.min, { message: 'max must be greater than min', path: ['max'] });
export type LabAxis = z.infer<typeof LabAxis>;

/** Default σ_w² axis of the phase diagram (ReLU's critical point 2 and tanh's 1 both inside). */
export const DEFAULT_WEIGHT_VARIANCE_AXIS: LabAxis = { min: 0.5, max: 4, steps: 36 };
/** Default σ_b² axis of the phase diagram. */
export const DEFAULT_BIAS_VARIANCE_AXIS: LabAxis = { min: 0, max: 0.3, steps: 31 };

/**
 * Order–chaos phase diagram request (Schoenholz et al. 2017). `network`: the user's network, drawn as
 * one point per distinct (σ_w², σ_b²) of its dense/conv2d layers. `biasVariance` of the depth-scale
 * curve: default the network's (first hidden layer's) σ_b², else 0.
 */
export const PhaseRequest = z.strictObject({
  activation: ActivationSpec.refine((a) => a.name !== 'softmax', { message: 'softmax is not element-wise: it has no mean-field phase diagram' }),
  network: NetworkSpec.optional(),
  weightVariance: LabAxis.optional(),
  biasVariance: LabAxis.optional(),
  curveBiasVariance: z.number().min(0).max(100).optional(),
});
export type PhaseRequest = z.input<typeof PhaseRequest>;

/**
 * Where a point of the (σ_w², σ_b²) plane lies: `ordered` (χ₁ < 1: nearby inputs converge),
 * `chaotic` (χ₁ > 1: they decorrelate), `critical` (|χ₁ − 1| < 1e-9), `unbounded` (the variance map
 * has no finite fixed point: activations grow without limit with depth).
 */
export const Phase = z.enum(['ordered', 'chaotic', 'critical', 'unbounded']);
export type Phase = z.infer<typeof Phase>;

/**
 * Mean-field quantities at one (σ_w², σ_b²). Null where undefined (an unbounded variance map) or
 * infinite (a depth scale exactly at criticality).
 */
export const PhaseCell = z.object({
  weightVariance: z.number(),
  biasVariance: z.number(),
  phase: Phase,
  /** Fixed point q* of the pre-activation variance map q ← σ_w² E[φ(√q z)²] + σ_b². */
  q: z.number().nullable(),
  /** χ₁ = σ_w² E[φ'(√q* z)²]: how a small perturbation grows per layer (also the mean squared singular value of a layer's Jacobian). */
  chi1: z.number().nullable(),
  /** Slope of the variance map at q*: χ₁ + σ_w² E[φ''(√q* z) φ(√q* z)]. */
  chiQ: z.number().nullable(),
  /** Fixed point c* of the correlation map (1 in the ordered phase). */
  c: z.number().nullable(),
  /** Depth scale of the variance, ξ_q = −1/ln χ_q (layers). */
  xiQ: z.number().nullable(),
  /** Depth scale of correlations, ξ_c = −1/ln χ_c with χ_c = σ_w² E[φ'(u₁)φ'(u₂)] at c* (= χ₁ when ordered). */
  xiC: z.number().nullable(),
});
export type PhaseCell = z.infer<typeof PhaseCell>;

/** One point of the user's network in the plane: the dense/conv2d layers sharing (σ_w², σ_b²). */
export const PhaseNetworkPoint = z.object({
  weightVariance: z.number(),
  biasVariance: z.number(),
  /** Indices (NetworkSpec.layers) of the layers at this point. */
  layers: z.array(z.int().min(0)),
  /** Whether these layers use the diagram's activation (else the point is only indicative). */
  sameActivation: z.boolean(),
});
export type PhaseNetworkPoint = z.infer<typeof PhaseNetworkPoint>;

export const PhaseDiagram = z.object({
  activation: ActivationSpec,
  weightVariances: z.array(z.number()),
  biasVariances: z.array(z.number()),
  /** cells[i * weightVariances.length + j]: σ_b² = biasVariances[i], σ_w² = weightVariances[j]. */
  cells: z.array(PhaseCell),
  /** The critical line χ₁ = 1: for each σ_b² with a crossing inside the σ_w² axis, that σ_w². */
  criticalLine: z.array(z.object({ biasVariance: z.number(), weightVariance: z.number() })),
  /** Depth scales along σ_w² (201 points over the axis) at σ_b² = `biasVariance`. */
  depthCurve: z.object({
    biasVariance: z.number(),
    points: z.array(z.object({ weightVariance: z.number(), phase: Phase, xiQ: z.number().nullable(), xiC: z.number().nullable() })),
  }),
  /** The user's network (empty without one). */
  network: z.array(PhaseNetworkPoint),
  /** Number of dense/conv2d layers of the user's network (its depth L; 0 without one). */
  depth: z.int().min(0),
});
export type PhaseDiagram = z.infer<typeof PhaseDiagram>;

/**
 * Fixed edges of the singular-value histograms, in log10 s: 41 edges from −4 to 4 (bins 0.2 wide), so
 * that layers, stages and runs line up. `histogram` has edges.length + 1 entries: [0] is s < 10⁻⁴
 * (zero included), [i] is [edges[i−1], edges[i]), the last is s ≥ 10⁴.
 */
export const JACOBIAN_LOG10_EDGES: readonly number[] = Array.from({ length: 41 }, (_, i) => Math.round((-4 + 0.2 * i) * 10) / 10);

/** Default number of probe inputs of a Jacobian spectrum, and the largest layer size analysed. */
export const DEFAULT_JACOBIAN_PROBES = 4;
export const MAX_JACOBIAN_DIM = 1024;

/**
 * Input–output Jacobian spectrum request (Pennington, Schoenholz & Ganguli 2017): of `experiment`'s
 * untrained network, or of a stored run (`runId`): its untrained network (same seed) and, when its
 * trained weights are stored, the trained one. Exactly one of the two.
 */
export const JacobianRequest = z
  .strictObject({
    experiment: ExperimentSpec.optional(),
    runId: z.string().min(1).max(100).optional(),
    probes: z.int().min(1).max(16).optional(),
  })
  .refine((r) => (r.experiment === undefined) !== (r.runId === undefined), { message: 'give exactly one of experiment and runId', path: ['experiment'] });
export type JacobianRequest = z.input<typeof JacobianRequest>;

/** Singular values of ∂(layer output)/∂(network input), pooled over the probe inputs. */
export const JacobianLayer = z.object({
  layer: z.string(),
  index: z.int().min(0),
  type: z.string(),
  /** Number of dense/conv2d layers up to and including this one. */
  depth: z.int().min(0),
  /** Size of the flattened layer output (rows of J) and of the input (columns). */
  rows: z.int().min(1),
  cols: z.int().min(1),
  /** Singular values pooled: min(rows, cols) per probe. */
  count: z.int().min(1),
  /** Mean and variance of s² (dynamical isometry: mean 1, variance 0). */
  meanSq: z.number(),
  varSq: z.number(),
  min: z.number(),
  max: z.number(),
  /** Fraction of singular values per log10 bin (JACOBIAN_LOG10_EDGES). */
  histogram: z.array(z.number()),
});
export type JacobianLayer = z.infer<typeof JacobianLayer>;

export const JacobianStage = z.object({
  /** `init`: the untrained network; `trained`: a finished run's stored weights. */
  stage: z.enum(['init', 'trained']),
  layers: z.array(JacobianLayer),
  /** Layers left out because their output is larger than MAX_JACOBIAN_DIM. */
  skipped: z.array(z.object({ layer: z.string(), rows: z.int() })),
});
export type JacobianStage = z.infer<typeof JacobianStage>;

export const JacobianReport = z.object({
  probes: z.int().min(1),
  inputDim: z.int().min(1),
  stages: z.array(JacobianStage),
  /** Why there is no `trained` stage for a run (no stored weights), else absent. */
  trainedMissing: z.string().optional(),
});
export type JacobianReport = z.infer<typeof JacobianReport>;
