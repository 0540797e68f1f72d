import type { GeneratedDataset } from './builtin.js';
import { normalizeFeatures, readDatasetFile, shapeSize } from './dataset-file.js';

/**
 * Loads an imported dataset from its stored file for training: features normalised as recorded at
 * import (float32), labels as class indices, and the recorded split (train = the first counts.train
 * samples, validation = the next counts.validation; the test split is withheld from training).
 * @returns x Float32Array [n, ...inputShape]; y Int32Array [n]; split indices into them
 */
export function loadStoredDataset(file: string): GeneratedDataset {
  const { header, features, labels } = readDatasetFile(file);
  const x = normalizeFeatures(features, shapeSize(header.inputShape), header.normalization);
  const { train, validation } = header.counts;
  const range = (start: number, count: number): Int32Array => Int32Array.from({ length: count }, (_, i) => start + i);
  return {
    x,
    y: labels,
    inputShape: [...header.inputShape],
    numClasses: header.numClasses,
    split: { train: range(0, train), val: range(train, validation) },
  };
}
