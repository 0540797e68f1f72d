import type { DatasetImportOptions, DatasetPreview } from '../../contract/index.js';
import { countClasses } from './describe.js';
import { listImageFolder } from './image-folder.js';
import type { ParsedDataset } from './parsed-dataset.js';
import { findMnistLayout } from './mnist-layout.js';
import { readDatasetParts } from './read-parts.js';
import { detectFormat, readSource } from './read-source.js';

const PREVIEW_IMAGES = 16;
const PREVIEW_ROWS = 10;

/** Scales a sample to bytes for display: uint8 as is, other data by its min/max over the sample. */
function toBytes(values: ArrayLike<number>, isUint8: boolean): number[] {
  const row = Array.from(values);
  if (isUint8) return row;
  let min = Infinity;
  let max = -Infinity;
  for (const v of row) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return row.map((v) => (max > min ? Math.round((255 * (v - min)) / (max - min)) : 0));
}

/** The preview of a parsed dataset: counts, and up to 16 images or 10 table rows with their labels. */
export function previewOf(data: ParsedDataset, classCounts?: number[]): DatasetPreview {
  const n = data.labels.length;
  const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
  const isUint8 = data.features instanceof Uint8Array;
  const take = Math.min(n, data.imageShape ? PREVIEW_IMAGES : PREVIEW_ROWS);
  const rows = Array.from({ length: take }, (_, i) => data.features.subarray(i * rowSize, (i + 1) * rowSize));
  return {
    format: data.format,
    samples: classCounts ? classCounts.reduce((a, b) => a + b, 0) : n,
    inputShape: data.inputShape,
    numClasses: data.numClasses,
    classCounts: classCounts ?? countClasses(data.labels, data.numClasses),
    ...(data.classNames ? { classNames: data.classNames } : {}),
    ...(data.imageShape ? { imageShape: data.imageShape } : {}),
    featureDtype: isUint8 ? 'uint8' : 'float32',
    ...(data.imageShape
      ? { images: rows.map((r) => toBytes(r, isUint8)) }
      : {
          columns: data.columns ?? Array.from({ length: rowSize }, (_, j) => `x${j}`),
          rows: rows.map((r) => Array.from(r)),
          ...(data.cells ? { cells: data.cells.slice(0, take) } : {}),
        }),
    labels: Array.from(data.labels.subarray(0, take)),
  };
}

/**
 * Reads a source and describes it without storing anything. Image folders decode only a few images
 * per class (class counts come from the file listing). A test part read from its own file(s) (an MNIST
 * folder's t10k pair, `testPath`) is counted in `testSamples`; a numeric-looking header is reported.
 */
export async function previewSource(options: DatasetImportOptions): Promise<DatasetPreview> {
  const mnistFolder = (options.format === undefined || options.format === 'idx') && findMnistLayout(options.path) !== undefined;
  if (!mnistFolder && detectFormat(options.path, options.format) === 'images') {
    const classCounts = listImageFolder(options.path).map((c) => c.files.length);
    const data = await readSource({ ...options, format: 'images' }, { limitPerClass: Math.ceil(PREVIEW_IMAGES / classCounts.length) });
    return previewOf(data, classCounts);
  }
  const { data, test, numericHeader } = await readDatasetParts(options);
  return { ...previewOf(data), ...(test ? { testSamples: test.labels.length } : {}), ...(numericHeader ? { numericHeader } : {}) };
}
