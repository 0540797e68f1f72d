import type { BuiltinDatasetRef, DatasetInfo } from '../../contract/index.js';
import { Random } from '../random.js';
import type { GeneratedDataset } from './builtin.js';
import { shuffleSamples } from './shuffle-samples.js';

/** Default number of arms (classes) of the K-class spiral. */
export const MULTI_SPIRAL_DEFAULT_CLASSES = 3;

/**
 * K interleaved spiral arms, one class per arm, for softmax outputs. Arm k, point i of m:
 * t = i/(m − 1) ∈ [0, 1], r = 0.05 + 0.95·t, θ = 2π·t + 2πk/K; (x, y) = r·(sin θ, cos θ) plus isotropic
 * Gaussian noise of std `noise`. Class sizes differ by at most one (the first n mod K classes get one
 * more). Deterministic for (samples, noise, seed, classes).
 * @returns x Float32Array [samples, 2] row-major; y Int32Array [samples] in [0, K)
 */
export function generateMultiSpiral(ref: BuiltinDatasetRef): GeneratedDataset {
  const k = ref.classes ?? MULTI_SPIRAL_DEFAULT_CLASSES;
  const n = ref.samples;
  const noiseRng = new Random(ref.seed ^ 0x5f3759df);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  let row = 0;
  for (let cls = 0; cls < k; cls++) {
    const perClass = Math.floor(n / k) + (cls < n % k ? 1 : 0);
    for (let i = 0; i < perClass; i++, row++) {
      const t = perClass <= 1 ? 0 : i / (perClass - 1);
      const r = 0.05 + 0.95 * t;
      const theta = 2 * Math.PI * t + (2 * Math.PI * cls) / k;
      x[2 * row] = r * Math.sin(theta) + (ref.noise > 0 ? noiseRng.normal(0, ref.noise) : 0);
      x[2 * row + 1] = r * Math.cos(theta) + (ref.noise > 0 ? noiseRng.normal(0, ref.noise) : 0);
      y[row] = cls;
    }
  }
  const shuffled = shuffleSamples(x, y, 2, ref.seed ^ 0x2545f491);
  return { x: shuffled.x, y: shuffled.y, inputShape: [2], numClasses: k };
}

/** The K-class spiral's entry in `datasets/list` (numClasses is the default K). */
export function listMultiSpiralDataset(): DatasetInfo {
  return {
    name: 'multiSpiral',
    builtin: true,
    inputShape: [2],
    numClasses: MULTI_SPIRAL_DEFAULT_CLASSES,
    description: 'K interleaved spiral arms, one class each (set `classes`, default 3), for softmax outputs.',
    defaultSamples: 1000,
  };
}
