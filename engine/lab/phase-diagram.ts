import {
  DEFAULT_BIAS_VARIANCE_AXIS,
  DEFAULT_WEIGHT_VARIANCE_AXIS,
  PhaseRequest,
  type ActivationSpec,
  type LabAxis,
  type PhaseCell,
  type PhaseDiagram,
} from '../../contract/index.js';
import { scalarActivation } from '../diagnostics/scalar-activations.js';
import { activationDerivative } from './activation-derivatives.js';
import { meanFieldPoint, type MeanFieldRules, type ScalarActivation } from './mean-field-maps.js';
import { networkPhasePoints } from './network-points.js';
import { gaussHermiteNormalRule, simpsonNormalRule } from './quadrature.js';

let cachedRules: MeanFieldRules | null = null;
/** The quadrature rules (built once per process): Simpson h = 0.01 on ±10σ, 2-D Gauss–Hermite 48 × 48. */
export function meanFieldRules(): MeanFieldRules {
  cachedRules ??= { line: simpsonNormalRule(2000, 10), plane: gaussHermiteNormalRule(48) };
  return cachedRules;
}

/** φ and φ' of an activation; throws for softmax (not element-wise). */
export function scalarPair(activation: ActivationSpec): ScalarActivation {
  const phi = scalarActivation(activation);
  const dphi = activationDerivative(activation);
  if (!phi || !dphi) throw new Error(`phase diagram: ${activation.name} is not element-wise`);
  return { phi, dphi };
}

/** The `steps` evenly spaced values of an axis. */
export function axisValues(axis: LabAxis): number[] {
  return Array.from({ length: axis.steps }, (_, i) => axis.min + ((axis.max - axis.min) * i) / (axis.steps - 1));
}

/** χ₁ − 1 at (σ_w², σ_b²), with an unbounded variance map counted as chaotic (+∞). */
function criticality(act: ScalarActivation, rules: MeanFieldRules, sw2: number, sb2: number): number {
  const p = meanFieldPoint(act, rules, sw2, sb2);
  return p.chi1 === null ? Infinity : p.chi1 - 1;
}

/**
 * The σ_w² where χ₁ = 1 at σ_b², between two σ_w² that bracket it (χ₁ − 1 changes sign), by 50 bisections
 * (χ₁ is monotone in σ_w² for the activations here: a larger σ_w² never makes the network more ordered).
 */
export function criticalWeightVariance(act: ScalarActivation, rules: MeanFieldRules, sb2: number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 50 && b - a > 1e-13; i++) {
    const mid = (a + b) / 2;
    if (criticality(act, rules, mid, sb2) < 0) a = mid;
    else b = mid;
  }
  return (a + b) / 2;
}

/**
 * Order–chaos phase diagram (Schoenholz et al. 2017, "Deep Information Propagation"): for the
 * activation, every mean-field quantity (mean-field-maps.ts) over the σ_w² × σ_b² grid, the critical
 * line χ₁ = 1 (bisection between grid columns that bracket it), the depth scales ξ_q, ξ_c along σ_w²
 * at one σ_b² (201 points), and the user's network as points (network-points.ts). Plain float64
 * arithmetic: no tensors. Cost: about a second for the default 36 × 31 grid.
 * @throws Error naming the field for an invalid request (parsed with contract PhaseRequest)
 */
export function phaseDiagram(raw: PhaseRequest): PhaseDiagram {
  const parsed = PhaseRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`phase diagram: ${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  const request = parsed.data;
  const act = scalarPair(request.activation);
  const rules = meanFieldRules();
  const weightVariances = axisValues(request.weightVariance ?? DEFAULT_WEIGHT_VARIANCE_AXIS);
  const biasVariances = axisValues(request.biasVariance ?? DEFAULT_BIAS_VARIANCE_AXIS);
  const cells: PhaseCell[] = [];
  const criticalLine: PhaseDiagram['criticalLine'] = [];
  for (const sb2 of biasVariances) {
    const row = weightVariances.map((sw2) => ({ weightVariance: sw2, biasVariance: sb2, ...meanFieldPoint(act, rules, sw2, sb2) }));
    cells.push(...row);
    const signs = row.map((c) => (c.chi1 === null ? Infinity : c.chi1 - 1));
    const exact = signs.findIndex((s) => s === 0);
    if (exact >= 0) {
      criticalLine.push({ biasVariance: sb2, weightVariance: weightVariances[exact]! });
      continue;
    }
    const j = signs.findIndex((s, k) => k > 0 && signs[k - 1]! < 0 && s > 0);
    if (j > 0) criticalLine.push({ biasVariance: sb2, weightVariance: criticalWeightVariance(act, rules, sb2, weightVariances[j - 1]!, weightVariances[j]!) });
  }
  const network = request.network ? networkPhasePoints(request.network, request.activation) : { points: [], depth: 0 };
  const curveBias = request.curveBiasVariance ?? network.points.find((p) => p.sameActivation)?.biasVariance ?? 0;
  const lo = weightVariances[0]!;
  const hi = weightVariances[weightVariances.length - 1]!;
  const curve = Array.from({ length: 201 }, (_, i) => {
    const sw2 = lo + ((hi - lo) * i) / 200;
    const p = meanFieldPoint(act, rules, sw2, curveBias);
    return { weightVariance: sw2, phase: p.phase, xiQ: p.xiQ, xiC: p.xiC };
  });
  return {
    activation: request.activation,
    weightVariances,
    biasVariances,
    cells,
    criticalLine,
    depthCurve: { biasVariance: curveBias, points: curve },
    network: network.points,
    depth: network.depth,
  };
}
