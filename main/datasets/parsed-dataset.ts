import type { DatasetFormat } from '../../contract/index.js';

/** A dataset as read from its source file(s), before splitting, normalisation and storage. */
export interface ParsedDataset {
  format: DatasetFormat;
  /** Row-major [samples, rowSize]; uint8 sources stay uint8, everything else becomes float32. */
  features: Uint8Array | Float32Array;
  /** Class index per sample, [samples], each in [0, numClasses). */
  labels: Int32Array;
  /** Per-sample shape: [features] for tables, [h, w, 1] for image folders (IDX/NPY keep their flat [h·w]). */
  inputShape: number[];
  numClasses: number;
  classNames?: string[];
  /** Height and width of image data. */
  imageShape?: number[];
  /** Table sources: the feature column names. */
  columns?: string[];
  /** Text tables (CSV/TSV): the first rows' feature cells exactly as written in the file (for the preview). */
  cells?: string[][];
}

/** Number of samples of a parsed dataset. */
export function sampleCount(data: ParsedDataset): number {
  return data.labels.length;
}

/**
 * Checks labels are class indices in [0, classes) and returns the class count: `classes` if given,
 * else the largest label + 1. `where(i)` names the place of sample i for the error message.
 */
export function checkLabels(labels: Int32Array, classes: number | undefined, fail: (index: number, message: string) => Error): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] as number;
    if (v < 0 || (classes !== undefined && v >= classes)) {
      throw fail(i, `label ${v} is outside the class range [0, ${classes ?? 'classes'})`);
    }
    if (v > max) max = v;
  }
  return classes ?? max + 1;
}
