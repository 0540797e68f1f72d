import { type ActivationSpec, type LayerSpec, type NetworkSpec, inferNetworkShapes } from '../../contract/index.js';
import { initializerMoments } from '../initializers.js';
import { gaussianMoments, type Moments } from './gaussian-moments.js';
import { scalarActivation } from './scalar-activations.js';

/**
 * What theory knows about a layer's output: Gaussian with a mean and variance (right after an
 * affine map, by the central limit theorem), only its raw moments (after a non-linearity), or
 * nothing (after pooling or softmax).
 */
type Belief = { kind: 'gaussian'; mean: number; variance: number } | { kind: 'moments'; m1: number; m2: number } | null;

const rawMoments = (b: Exclude<Belief, null>): Moments => (b.kind === 'gaussian' ? { m1: b.mean, m2: b.variance + b.mean * b.mean } : { m1: b.m1, m2: b.m2 });

/** Pushes a belief through an activation; null when the result has no closed form. */
function activate(belief: Belief, activation: ActivationSpec): Belief {
  if (!belief) return null;
  if (activation.name === 'linear') return belief;
  const f = scalarActivation(activation);
  if (!f || belief.kind !== 'gaussian') return null;
  const m = gaussianMoments(f, belief.mean, belief.variance);
  return { kind: 'moments', m1: m.m1, m2: m.m2 };
}

/**
 * Pre-activation of a dense or conv2d layer: z = Σᵢ wᵢxᵢ + b with iid zero-mean weights is
 * ≈ N(mean(b), fan_in·Var(w)·E[x²] + Var(b)). Null when the weights have a non-zero mean.
 */
function affine(
  spec: Pick<Extract<LayerSpec, { type: 'dense' }>, 'kernelInitializer' | 'biasInitializer' | 'useBias'>,
  kernelShape: number[],
  input: Moments,
): Belief {
  const w = initializerMoments(spec.kernelInitializer, kernelShape);
  if (Math.abs(w.mean) > 1e-12) return null;
  const fanIn = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const b = spec.useBias ? initializerMoments(spec.biasInitializer, [kernelShape[kernelShape.length - 1] as number]) : { mean: 0, variance: 0 };
  return { kind: 'gaussian', mean: b.mean, variance: fanIn * w.variance * input.m2 + b.variance };
}

/**
 * Output moments of a residual block at init, y = skip(x) + branch(x): identity skip keeps x's moments, a
 * projection is an affine map of them; the branch is layer 2 ∘ act ∘ layer 1 (each an affine map, biases
 * 0) for 'standard' and 0 for 'skipInit' (α = 0) and 'fixup' (layer 2 = 0). Skip and branch are
 * independent (independent zero-mean weights): m1 = m1_skip + m1_branch, m2 = m2_skip + m2_branch +
 * 2·m1_skip·m1_branch. For a He-initialised ReLU branch that is m2 ← 3·m2 per block. Null with
 * normalisation or an output activation (no closed form kept).
 */
function residualMoments(spec: Extract<LayerSpec, { type: 'residual' }>, paramShapes: Record<string, number[]>, input: Moments): Belief {
  if (spec.normalization !== 'none' || spec.postActivation) return null;
  const zeroBias = { name: 'zeros' as const };
  let skip: Moments = input;
  if (spec.skip === 'projection') {
    const p = affine({ kernelInitializer: spec.projectionInitializer, biasInitializer: zeroBias, useBias: false }, paramShapes.projection!, input);
    if (!p) return null;
    skip = rawMoments(p);
  }
  if (spec.init !== 'standard') return { kind: 'moments', ...skip };
  const layer = { kernelInitializer: spec.kernelInitializer, biasInitializer: zeroBias, useBias: false };
  const h = activate(affine(layer, paramShapes.kernel!, input), spec.activation);
  const b = h ? affine(layer, paramShapes.kernel2!, rawMoments(h)) : null;
  if (!b) return null;
  const branch = rawMoments(b);
  return { kind: 'moments', m1: skip.m1 + branch.m1, m2: skip.m2 + branch.m2 + 2 * skip.m1 * branch.m1 };
}

/**
 * Mean-field theory of signal propagation at initialisation (Poole et al. 2016; Schoenholz et al.
 * 2017): the std of every layer's output predicted from the network input alone. The result for a
 * layer is null where no closed form exists (pooling, softmax, non-zero-mean weights, an activation
 * of a non-Gaussian input); the next dense/conv2d layer then restarts from the measured second
 * moment of its input (so one broken link does not void the rest of the network).
 * Conv2d with 'same' padding ignores the zero border (slightly overestimates near the edges).
 *
 * @param input measured raw moments of the network input (mean over every element of the probe batch)
 * @param measured measured raw moments of every layer's output, in order (for restarts)
 * @param dropoutActive whether dropout was active in the measured pass (then E[y²] grows by 1/(1 − rate))
 * @returns one theoretical output std per layer, or null
 */
export function meanFieldStds(network: NetworkSpec, input: Moments, measured: readonly Moments[], dropoutActive: boolean): (number | null)[] {
  const shapes = inferNetworkShapes(network);
  let belief: Belief = { kind: 'moments', ...input };
  return network.layers.map((spec, i) => {
    const inputMoments = belief ? rawMoments(belief) : i === 0 ? input : (measured[i - 1] ?? null);
    switch (spec.type) {
      case 'dense':
      case 'conv2d':
        belief = inputMoments ? activate(affine(spec, shapes[i]!.paramShapes.kernel as number[], inputMoments), spec.activation) : null;
        break;
      case 'activation':
        belief = activate(belief, spec.activation);
        break;
      case 'dropout':
        if (belief && dropoutActive && spec.rate > 0) {
          const m = rawMoments(belief);
          belief = { kind: 'moments', m1: m.m1, m2: m.m2 / (1 - spec.rate) };
        }
        break;
      case 'flatten':
      case 'reshape':
        break;
      case 'batchNorm': {
        // Batch statistics, γ = 1 and β = 0 at initialisation: each channel becomes (x − μ)/√(σ² + ε).
        const variance = belief ? Math.max(0, rawMoments(belief).m2 - rawMoments(belief).m1 ** 2) : 1;
        const v = variance / (variance + spec.epsilon);
        belief = belief?.kind === 'gaussian' ? { kind: 'gaussian', mean: 0, variance: v } : { kind: 'moments', m1: 0, m2: v };
        break;
      }
      case 'maxPool2d':
      case 'avgPool2d':
        belief = null;
        break;
      case 'residual':
        belief = inputMoments ? residualMoments(spec, shapes[i]!.paramShapes, inputMoments) : null;
        break;
    }
    if (!belief) return null;
    const m = rawMoments(belief);
    return Math.sqrt(Math.max(0, m.m2 - m.m1 * m.m1));
  });
}
