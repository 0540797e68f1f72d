import path from 'node:path';
import type { DatasetImportOptions } from '../../contract/index.js';
import { numericHeaderCells } from './header-check.js';
import { importIdx } from './idx.js';
import { importError } from './import-error.js';
import { ImportProgress } from './import-progress.js';
import { findMnistLayout } from './mnist-layout.js';
import type { ParsedDataset } from './parsed-dataset.js';
import { readSource } from './read-source.js';
import { alignTestPart } from './test-part.js';

/** What an import reads: the data to split into train/validation, and a separately given test part. */
export interface DatasetParts {
  /** Split into train/validation (and a test fraction, when no test part is given) by the import's split. */
  data: ParsedDataset;
  /** The test part read from its own file(s) (an MNIST folder's t10k pair, `testPath`), aligned to `data`. */
  test?: ParsedDataset;
  /** The file the test part came from (the t10k images file, or `testPath`). */
  testSource?: string;
  /** Table sources: header cells that look like numbers rather than names (see header-check.ts). */
  numericHeader?: string[];
}

/**
 * Reads everything an import names: an MNIST-format folder (mnist-layout.ts: its train pair, and its t10k
 * pair as the test part), or a source as {@link readSource} reads it plus, with `testPath`, a test file
 * read the same way (same format, label column or archive key; its labels by `testLabelsPath` or by name
 * like the main file's). A test part and a test fraction (`split.test` > 0) exclude each other.
 * Errors are `invalid_input` naming the file at fault.
 */
export async function readDatasetParts(
  options: DatasetImportOptions,
  extra: { progress?: ImportProgress; limitPerClass?: number } = {},
): Promise<DatasetParts> {
  const progress = extra.progress ?? ImportProgress.silent(options.path);
  const layout = options.format === undefined || options.format === 'idx' ? findMnistLayout(options.path) : undefined;
  let data: ParsedDataset;
  let test: ParsedDataset | undefined;
  let testSource: string | undefined;
  const classes = options.classes === undefined ? {} : { classes: options.classes };
  if (layout) {
    if (options.testPath && layout.test)
      throw importError(
        options.path,
        null,
        `is an MNIST-format folder with its own test part (${path.basename(layout.test.images)}); --test-file applies to single files`,
      );
    if (options.labelsPath)
      throw importError(options.path, null, 'is an MNIST-format folder: its labels files are found by name; --labels applies to single files');
    data = await importIdx(layout.trainImages, { ...classes, labelsPath: layout.trainLabels }, progress);
    if (layout.test) {
      testSource = layout.test.images;
      test = await importIdx(layout.test.images, { ...classes, labelsPath: layout.test.labels }, progress);
    }
  } else {
    data = await readSource(options, extra);
  }
  if (options.testPath && !layout?.test) {
    // A single file, or an MNIST-format folder with only its train pair: the test file is read like the main one.
    testSource = options.testPath;
    const { labelsPath: _mainLabels, testLabelsPath, ...rest } = options;
    test = await readSource({ ...rest, path: options.testPath, format: data.format, ...(testLabelsPath ? { labelsPath: testLabelsPath } : {}) }, { progress });
  }
  if (test && testSource) {
    if (options.split.test > 0) {
      throw importError(
        testSource,
        null,
        `is the test part already, so a test fraction (--test ${options.split.test}) cannot be reserved as well; leave it at 0`,
      );
    }
    ({ main: data, test } = alignTestPart(data, test, testSource));
  }
  const numeric = data.columns ? numericHeaderCells(data.columns) : [];
  return {
    data,
    ...(test && testSource ? { test, testSource } : {}),
    ...(numeric.length > 0 ? { numericHeader: numeric } : {}),
  };
}
