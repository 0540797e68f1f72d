import type { BuiltinDatasetRef, DatasetInfo } from '../../contract/index.js';
import { Random } from '../random.js';
import type { GeneratedDataset } from './builtin.js';

/** The built-in regression sets. */
export type RegressionName = 'plane' | 'multiGaussian';

/** Width σ of each bump of multiGaussian, in input units. */
export const MULTI_GAUSSIAN_SIGMA = 0.2;
/** Centres (x, y) and signs of the six bumps of multiGaussian: a 3 × 2 grid of alternating signs. */
export const MULTI_GAUSSIAN_BUMPS: ReadonlyArray<readonly [number, number, number]> = [
  [-2 / 3, 0.4, 1],
  [0, 0.4, -1],
  [2 / 3, 0.4, 1],
  [-2 / 3, -0.4, -1],
  [0, -0.4, 1],
  [2 / 3, -0.4, -1],
];

/**
 * The noiseless target of a regression set at (x1, x2):
 * plane: (x1 + x2) / 2 ∈ [−1, 1];
 * multiGaussian: Σ_k s_k·exp(−|x − c_k|² / (2σ²)) over {@link MULTI_GAUSSIAN_BUMPS}, σ = 0.2.
 */
export function regressionTarget(name: RegressionName, x1: number, x2: number): number {
  if (name === 'plane') return (x1 + x2) / 2;
  let sum = 0;
  for (const [cx, cy, sign] of MULTI_GAUSSIAN_BUMPS) {
    const d2 = (x1 - cx) ** 2 + (x2 - cy) ** 2;
    sum += sign * Math.exp(-d2 / (2 * MULTI_GAUSSIAN_SIGMA ** 2));
  }
  return sum;
}

/**
 * Seeded 2-D regression set: inputs uniform in [−1, 1]², target {@link regressionTarget} plus Gaussian
 * noise of std `noise` (in target units). numClasses is 0 and `y` is all zeros.
 * @returns x Float32Array [samples, 2] row-major; targets Float32Array [samples]
 */
export function generateRegression(name: RegressionName, ref: BuiltinDatasetRef): GeneratedDataset {
  const n = ref.samples;
  const rng = new Random(ref.seed);
  const noiseRng = new Random(ref.seed ^ 0x5f3759df);
  const x = new Float32Array(n * 2);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniform(-1, 1);
    const x2 = rng.uniform(-1, 1);
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    targets[i] = regressionTarget(name, x1, x2) + (ref.noise > 0 ? noiseRng.normal(0, ref.noise) : 0);
  }
  return { x, y: new Int32Array(n), targets, inputShape: [2], numClasses: 0 };
}

/** The regression sets' entries in `datasets/list`. */
export function listRegressionDatasets(): DatasetInfo[] {
  return [
    {
      name: 'plane',
      builtin: true,
      inputShape: [2],
      numClasses: 0,
      description: 'Regression: target (x + y) / 2 on the square [−1, 1]², plus noise.',
      defaultSamples: 1000,
    },
    {
      name: 'multiGaussian',
      builtin: true,
      inputShape: [2],
      numClasses: 0,
      description: 'Regression: six Gaussian bumps of alternating sign on [−1, 1]², plus noise.',
      defaultSamples: 1000,
    },
  ];
}
