import type { InitializerSpec } from '../contract/index.js';
import { orthogonalMatrix } from './orthogonal.js';
import { Random } from './random.js';

/**
 * Seeded weight initializers (pure JavaScript; tfjs's own initializers are not used because its
 * orthogonal initializer refuses a seed and its fan conventions differ in places).
 *
 * Variance-scaling family (Var = scale / n):
 * - glorot* (Glorot & Bengio 2010): scale 1, n = (fanIn + fanOut)/2  ⇒ Var = 2/(fanIn + fanOut)
 * - he*     (He et al. 2015):       scale 2, n = fanIn                ⇒ Var = 2/fanIn
 * - lecun*  (LeCun et al. 1998):    scale 1, n = fanIn                ⇒ Var = 1/fanIn
 * `*Normal` draws a plain (untruncated) Gaussian with that variance, as in the papers and PyTorch.
 * `*TruncatedNormal` is Keras's form of the same names (Keras's GlorotNormal etc.): a normal of std
 * √Var / 0.8796… re-drawn outside ±2 of that std, so the variance is still Var with lighter tails
 * (the same as `varianceScaling` with `distribution: 'truncatedNormal'`). `*Uniform` draws U(−L, L)
 * with L = √(3·Var).
 */

/** Fan-in and fan-out of a weight tensor, in number of connections. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Std of a standard normal truncated to [−2, 2]; Keras divides the target std by it so that the
 * truncated distribution keeps the requested variance.
 */
export const TRUNCATED_NORMAL_STD_RATIO = 0.87962566103423978;

/**
 * Fans of a weight tensor, following Keras:
 * - [] (scalar): 1, 1;  [n] (bias): n, n
 * - [fanIn, fanOut] (dense kernel)
 * - conv kernels [...kernel, inC, outC] (e.g. [kh, kw, inC, outC]): receptive field r = ∏kernel,
 *   fanIn = r·inC, fanOut = r·outC.
 */
export function computeFans(shape: readonly number[]): Fans {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0] as number, fanOut: shape[0] as number };
  if (shape.length === 2) return { fanIn: shape[0] as number, fanOut: shape[1] as number };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * (shape[shape.length - 2] as number), fanOut: receptive * (shape[shape.length - 1] as number) };
}

type VsDistribution = 'normal' | 'uniform' | 'truncatedNormal';
interface VarianceScaling {
  scale: number;
  mode: 'fanIn' | 'fanOut' | 'fanAvg';
  distribution: VsDistribution;
}

/** The variance-scaling parameters of the named initializers (null for the others). */
function asVarianceScaling(spec: InitializerSpec): VarianceScaling | null {
  switch (spec.name) {
    case 'glorotNormal':
      return { scale: 1, mode: 'fanAvg', distribution: 'normal' };
    case 'glorotTruncatedNormal':
      return { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' };
    case 'glorotUniform':
      return { scale: 1, mode: 'fanAvg', distribution: 'uniform' };
    case 'heNormal':
      return { scale: 2, mode: 'fanIn', distribution: 'normal' };
    case 'heTruncatedNormal':
      return { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' };
    case 'heUniform':
      return { scale: 2, mode: 'fanIn', distribution: 'uniform' };
    case 'lecunNormal':
      return { scale: 1, mode: 'fanIn', distribution: 'normal' };
    case 'lecunTruncatedNormal':
      return { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' };
    case 'lecunUniform':
      return { scale: 1, mode: 'fanIn', distribution: 'uniform' };
    case 'varianceScaling':
      return { scale: spec.scale, mode: spec.mode, distribution: spec.distribution };
    default:
      return null;
  }
}

/** Target variance scale/n of a variance-scaling initializer (dimensionless, per weight). */
function targetVariance(vs: VarianceScaling, fans: Fans): number {
  const n = vs.mode === 'fanIn' ? fans.fanIn : vs.mode === 'fanOut' ? fans.fanOut : (fans.fanIn + fans.fanOut) / 2;
  return vs.scale / Math.max(1, n);
}

/**
 * Standard deviation of the values an initializer produces (of the distribution actually drawn,
 * e.g. 0.8796·std for `truncatedNormal`), or null where it depends on more than the fans
 * (orthogonal: ≈ gain/√max(rows, cols)). Constants have std 0.
 */
export function theoreticalStd(spec: InitializerSpec, fans: Fans): number | null {
  const vs = asVarianceScaling(spec);
  if (vs) return Math.sqrt(targetVariance(vs, fans));
  switch (spec.name) {
    case 'normal':
      return spec.std;
    case 'uniform':
      return Math.abs(spec.max - spec.min) / Math.sqrt(12);
    case 'truncatedNormal':
      return spec.std * TRUNCATED_NORMAL_STD_RATIO;
    case 'zeros':
    case 'ones':
    case 'constant':
      return 0;
    default:
      return null;
  }
}

/**
 * Mean and variance of one value drawn by `spec` for a tensor of `shape` (what the empirical moments
 * of a large tensor converge to). Orthogonal [rows, cols] (rows = ∏ all but the last dimension):
 * every value has mean 0 and variance gain²/max(rows, cols) (columns or rows have norm gain).
 * @param shape e.g. [fanIn, units] or [kh, kw, inC, outC]
 */
export function initializerMoments(spec: InitializerSpec, shape: readonly number[]): { mean: number; variance: number } {
  switch (spec.name) {
    case 'normal':
      return { mean: spec.mean, variance: spec.std ** 2 };
    case 'uniform':
      return { mean: (spec.min + spec.max) / 2, variance: (spec.max - spec.min) ** 2 / 12 };
    case 'truncatedNormal':
      return { mean: spec.mean, variance: (spec.std * TRUNCATED_NORMAL_STD_RATIO) ** 2 };
    case 'orthogonal': {
      const cols = shape.length ? (shape[shape.length - 1] as number) : 1;
      const rows = shape.reduce((a, b) => a * b, 1) / cols;
      return { mean: 0, variance: spec.gain ** 2 / Math.max(rows, cols) };
    }
    case 'zeros':
      return { mean: 0, variance: 0 };
    case 'ones':
      return { mean: 1, variance: 0 };
    case 'constant':
      return { mean: spec.value, variance: 0 };
    default: {
      const std = theoreticalStd(spec, computeFans(shape)) as number;
      return { mean: 0, variance: std * std };
    }
  }
}

/** Standard normal truncated to [−2, 2] by re-drawing. */
function truncatedStandardNormal(rng: Random): number {
  for (;;) {
    const z = rng.normal();
    if (z >= -2 && z <= 2) return z;
  }
}

function fill(size: number, draw: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = draw();
  return out;
}

/**
 * Initial values of a weight tensor.
 * @param spec the initializer (contract InitializerSpec, defaults applied)
 * @param shape tensor shape, e.g. [fanIn, units] for a dense kernel, [units] for a bias,
 *   [kh, kw, inC, outC] for a conv kernel
 * @param seed unsigned 32-bit seed; the same (spec, shape, seed) always gives the same values
 * @returns row-major Float32Array with ∏shape elements
 * @throws Error if the spec cannot produce that shape (orthogonal needs rank ≥ 2; uniform needs min ≤ max)
 */
export function initialValues(spec: InitializerSpec, shape: readonly number[], seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = new Random(seed);
  const vs = asVarianceScaling(spec);
  if (vs) {
    const variance = targetVariance(vs, computeFans(shape));
    const std = Math.sqrt(variance);
    switch (vs.distribution) {
      case 'normal':
        return fill(size, () => rng.normal(0, std));
      case 'truncatedNormal': {
        const s = std / TRUNCATED_NORMAL_STD_RATIO;
        return fill(size, () => s * truncatedStandardNormal(rng));
      }
      case 'uniform': {
        const limit = Math.sqrt(3 * variance);
        return fill(size, () => rng.uniform(-limit, limit));
      }
    }
  }
  switch (spec.name) {
    case 'normal':
      return fill(size, () => rng.normal(spec.mean, spec.std));
    case 'uniform':
      if (spec.min > spec.max) throw new Error(`uniform initializer: min (${spec.min}) must not exceed max (${spec.max})`);
      return fill(size, () => rng.uniform(spec.min, spec.max));
    case 'truncatedNormal':
      return fill(size, () => spec.mean + spec.std * truncatedStandardNormal(rng));
    case 'orthogonal': {
      if (shape.length < 2) throw new Error(`orthogonal initializer needs a tensor of rank ≥ 2, got shape [${shape.join(', ')}]`);
      const cols = shape[shape.length - 1] as number;
      return orthogonalMatrix(size / cols, cols, spec.gain, seed);
    }
    case 'zeros':
      return new Float32Array(size);
    case 'ones':
      return new Float32Array(size).fill(1);
    case 'constant':
      return new Float32Array(size).fill(spec.value);
    default:
      throw new Error(`Unknown initializer '${(spec as { name: string }).name}'`);
  }
}
