import type { DatasetCounts, NormalizationKind, SplitSpec } from '../../contract/index.js';
import { type DatasetFileContent, type NormalizationStats, Random } from '../../engine/index.js';
import { importError } from './import-error.js';
import type { ParsedDataset } from './parsed-dataset.js';

/**
 * Seeded split of n samples: a permutation by `split.seed`; its first nTrain indices are the training
 * split, the next nVal validation, the last nTest test, with nVal = round(n·validation),
 * nTest = round(n·test), nTrain = n − nVal − nTest (at least 1).
 * @returns the permutation (sample order in the stored file) and the counts
 */
export function splitOrder(n: number, split: SplitSpec, what: string): { order: Int32Array; counts: DatasetCounts } {
  const validation = Math.round(n * split.validation);
  const test = Math.round(n * split.test);
  const train = n - validation - test;
  if (train < 1) throw importError(what, null, `the split leaves no training samples (${n} samples, validation ${split.validation}, test ${split.test})`);
  return { order: new Random(split.seed).permutation(n), counts: { train, validation, test } };
}

/**
 * Normalisation statistics from the first `trainCount` rows only (the training split).
 * unit: uint8 data uses the fixed range [0, 255]; float data the training split's min and max.
 * standardize: per-feature mean and population standard deviation (a constant feature gets std 1).
 * @param features row-major [n, rowSize], already in split order
 */
export function normalizationStats(kind: NormalizationKind, features: Uint8Array | Float32Array, rowSize: number, trainCount: number): NormalizationStats {
  if (kind === 'none') return { kind };
  if (kind === 'unit') {
    if (features instanceof Uint8Array) return { kind, min: 0, max: 255 };
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < trainCount * rowSize; i++) {
      const v = features[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { kind, min, max };
  }
  const mean = new Float64Array(rowSize);
  const sq = new Float64Array(rowSize);
  for (let r = 0; r < trainCount; r++) {
    for (let j = 0; j < rowSize; j++) mean[j] = (mean[j] as number) + (features[r * rowSize + j] as number);
  }
  for (let j = 0; j < rowSize; j++) mean[j] = (mean[j] as number) / trainCount;
  for (let r = 0; r < trainCount; r++) {
    for (let j = 0; j < rowSize; j++) sq[j] = (sq[j] as number) + ((features[r * rowSize + j] as number) - (mean[j] as number)) ** 2;
  }
  const std = Array.from(sq, (s) => {
    const sd = Math.sqrt(s / trainCount);
    return sd > 1e-8 ? sd : 1;
  });
  return { kind, mean: Array.from(mean), std };
}

/**
 * Puts a parsed dataset into its stored form: samples reordered by the seeded split, normalisation
 * statistics from the training split, and the file header. A separately read `test` part (aligned to
 * `data`, see test-part.ts) follows the split samples in its own order and is counted as the test split.
 */
export function prepareDatasetFile(
  data: ParsedDataset,
  options: { split: SplitSpec; normalization: NormalizationKind },
  what: string,
  test?: ParsedDataset,
): DatasetFileContent {
  const n = data.labels.length;
  const nTest = test?.labels.length ?? 0;
  const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
  const { order, counts } = splitOrder(n, options.split, what);
  const total = n + nTest;
  const features = data.features instanceof Uint8Array ? new Uint8Array(total * rowSize) : new Float32Array(total * rowSize);
  const labels = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    const src = order[i] as number;
    features.set(data.features.subarray(src * rowSize, (src + 1) * rowSize), i * rowSize);
    labels[i] = data.labels[src] as number;
  }
  if (test) {
    features.set(test.features, n * rowSize);
    labels.set(test.labels, n);
    counts.test += nTest;
  }
  return {
    header: {
      version: 1,
      samples: total,
      inputShape: [...data.inputShape],
      numClasses: data.numClasses,
      featureDtype: features instanceof Uint8Array ? 'uint8' : 'float32',
      counts,
      normalization: normalizationStats(options.normalization, features, rowSize, counts.train),
      ...(data.classNames ? { classNames: data.classNames } : {}),
      ...(data.imageShape ? { imageShape: data.imageShape } : {}),
    },
    features,
    labels,
  };
}
