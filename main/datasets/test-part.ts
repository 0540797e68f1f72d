import { importError } from './import-error.js';
import type { ParsedDataset } from './parsed-dataset.js';

const rowSizeOf = (data: ParsedDataset): number => data.inputShape.reduce((a, b) => a * b, 1);
const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Makes a separately read test part (a t10k pair, a `--test-file`) fit the training data it goes with:
 * - the same values per sample (and, where both record them, image shape and CSV feature columns);
 * - labels numbered like the training data's: category names map to the training data's class indices
 *   (a test category the training data lacks is refused), integer labels stay as they are;
 * - one class count (the larger; the decoders already held both to `classes` where it was given);
 * - one feature type (uint8 only when both are uint8, else both float32).
 * Errors are `invalid_input` naming `testFile` and the sample or column at fault.
 * @returns both parts, ready to store together (the inputs are not modified)
 */
export function alignTestPart(main: ParsedDataset, test: ParsedDataset, testFile: string): { main: ParsedDataset; test: ParsedDataset } {
  const mainSize = rowSizeOf(main);
  const testSize = rowSizeOf(test);
  if (mainSize !== testSize || !sameList(main.inputShape, test.inputShape)) {
    throw importError(testFile, null, `has ${testSize} values per sample, the training data ${mainSize}: the test part must have the same shape`);
  }
  if (main.imageShape && test.imageShape && !sameList(main.imageShape, test.imageShape)) {
    throw importError(testFile, null, `holds ${test.imageShape.join('×')} images, the training data ${main.imageShape.join('×')}`);
  }
  if (main.columns && test.columns && !sameList(main.columns, test.columns)) {
    const j = main.columns.findIndex((c, i) => c !== test.columns?.[i]);
    throw importError(testFile, 'line 1', `feature column ${j + 1} is '${test.columns[j] ?? '(none)'}', in the training data '${main.columns[j] ?? '(none)'}'`);
  }
  const labels = testLabelsLike(main, test, testFile);
  const numClasses = main.classNames ? main.numClasses : Math.max(main.numClasses, test.numClasses);
  const float = !(main.features instanceof Uint8Array && test.features instanceof Uint8Array);
  const asFeatures = (f: Uint8Array | Float32Array) => (float && f instanceof Uint8Array ? Float32Array.from(f) : f);
  return {
    main: { ...main, numClasses, features: asFeatures(main.features) },
    test: { ...test, numClasses, labels, features: asFeatures(test.features), ...(main.classNames ? { classNames: main.classNames } : {}) },
  };
}

/** The test part's labels as class indices of the training data (see {@link alignTestPart}). */
function testLabelsLike(main: ParsedDataset, test: ParsedDataset, testFile: string): Int32Array {
  if (!main.classNames) {
    if (test.classNames) {
      throw importError(
        testFile,
        'data row 1',
        `labels are category names (${test.classNames.slice(0, 3).join(', ')}…) but the training labels are class indices`,
      );
    }
    return test.labels;
  }
  const indexOf = new Map(main.classNames.map((name, i) => [name, i]));
  const nameOf = (label: number): string => (test.classNames ? (test.classNames[label] as string) : String(label));
  return Int32Array.from(test.labels, (label, i) => {
    const index = indexOf.get(nameOf(label));
    if (index === undefined) {
      throw importError(
        testFile,
        `data row ${i + 1}`,
        `label '${nameOf(label)}' does not occur in the training data (classes: ${main.classNames?.join(', ')})`,
      );
    }
    return index;
  });
}
