import { TRAINABLE_DEPTH_FACTOR, type ActivationSpec, type Phase } from '../../contract/index.js';
import { meanFieldPoint } from './mean-field-maps.js';
import { meanFieldRules, scalarPair } from './phase-diagram.js';

/** The correlation depth scale at one σ_w² and the trainable-depth limit it implies. */
export interface TrainableDepth {
  /** σ_w²: weights ~ N(0, σ_w²/fan_in). */
  weightVariance: number;
  phase: Phase;
  /** ξ_c in layers; null where infinite (critical) or undefined (unbounded variance map). */
  xiC: number | null;
  /** TRAINABLE_DEPTH_FACTOR (6) · ξ_c in layers; null where ξ_c is. */
  depthLimit: number | null;
}

/**
 * Schoenholz et al. 2017 ("Deep Information Propagation", §5, Fig. 5–6): a random network of the
 * activation is trainable iff its depth L ≲ 6·ξ_c, with ξ_c = −1/ln χ_c the depth over which the
 * correlation of two inputs relaxes to its fixed point (mean-field-maps.ts: χ_c = χ₁ = σ_w² E[φ'(√q* z)²]
 * in the ordered phase, σ_w² E[φ'(u₁)φ'(u₂)] at c* in the chaotic phase). Plain float64 arithmetic,
 * about a millisecond per point.
 * @param activation an element-wise activation (throws for softmax)
 * @param biasVariance σ_b² (biases ~ N(0, σ_b²))
 * @param weightVariances the σ_w² values, each > 0
 */
export function trainableDepths(activation: ActivationSpec, biasVariance: number, weightVariances: readonly number[]): TrainableDepth[] {
  const act = scalarPair(activation);
  const rules = meanFieldRules();
  return weightVariances.map((sw2) => {
    const p = meanFieldPoint(act, rules, sw2, biasVariance);
    return { weightVariance: sw2, phase: p.phase, xiC: p.xiC, depthLimit: p.xiC === null ? null : TRAINABLE_DEPTH_FACTOR * p.xiC };
  });
}
