import type { GeneratedDataset } from './builtin.js';
import { normalizeFeatures, readDatasetFile, shapeSize } from './dataset-file.js';

/**
 * Loads an imported dataset from its stored file for training: features normalised as recorded at
 * import (float32), labels as class indices, and the recorded split (train = the first counts.train
 * samples, validation = the next counts.validation; the last counts.test samples are the test part,
 * withheld from training and returned as views in `test`, absent when counts.test is 0).
 * @returns x Float32Array [n, ...inputShape]; y Int32Array [n]; split indices into them; test part
 */
export function loadStoredDataset(file: string): GeneratedDataset {
  const { header, features, labels } = readDatasetFile(file);
  const rowSize = shapeSize(header.inputShape);
  const x = normalizeFeatures(features, rowSize, header.normalization);
  const { train, validation, test } = header.counts;
  const testStart = train + validation;
  const range = (start: number, count: number): Int32Array => Int32Array.from({ length: count }, (_, i) => start + i);
  return {
    x,
    y: labels,
    inputShape: [...header.inputShape],
    numClasses: header.numClasses,
    split: { train: range(0, train), val: range(train, validation) },
    ...(test > 0 ? { test: { x: x.subarray(testStart * rowSize, (testStart + test) * rowSize), y: labels.subarray(testStart, testStart + test) } } : {}),
  };
}
