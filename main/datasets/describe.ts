import path from 'node:path';
import type { DatasetFormat, DatasetInfo, NormalizationKind, SplitSpec } from '../../contract/index.js';
import type { DatasetFileHeader } from '../../engine/index.js';

/** Samples per class, index = class. */
export function countClasses(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/** An upload folder's generated name (`up_` + 16 hex digits): never shown as a dataset's name or source. */
const UPLOAD_FOLDER = /^up_[0-9a-f]{16}$/;

/**
 * A readable default name for an imported file: its base name without data extensions. A browser
 * upload of several files (an MNIST-format set) has no name of its own: `dataset` (the page passes the
 * chosen folder's name for an uploaded folder).
 */
export function defaultDatasetName(source: string): string {
  const base = path.basename(source);
  if (UPLOAD_FOLDER.test(base)) return 'dataset';
  return base.replace(/\.gz$/i, '').replace(/\.(csv|tsv|tab|txt|npy|npz)$/i, '') || 'dataset';
}

/** What a dataset's record says it came from: the file's base name, or the dataset's name for an upload folder. */
function sourceName(source: string, name: string): string {
  const base = path.basename(source);
  return UPLOAD_FOLDER.test(base) ? name : base;
}

/** The DatasetInfo of a freshly imported dataset. */
export function describeImported(args: {
  id: string;
  name: string;
  format: DatasetFormat;
  header: DatasetFileHeader;
  /** Samples per class, index = class. */
  classCounts: number[];
  normalization: NormalizationKind;
  split: SplitSpec;
  contentHash: string;
  source: string;
  /** The file a separately given test part came from. */
  testSource?: string;
  createdAt: string;
}): DatasetInfo {
  const { header } = args;
  const { train, validation, test } = header.counts;
  const testFrom = args.testSource ? ` (test part from ${sourceName(args.testSource, args.name)})` : '';
  return {
    name: args.name,
    builtin: false,
    inputShape: [...header.inputShape],
    numClasses: header.numClasses,
    description: `Imported from ${sourceName(args.source, args.name)} (${args.format}): ${header.samples} samples, ${train} train / ${validation} validation / ${test} test${testFrom}.`,
    defaultSamples: header.samples,
    id: args.id,
    format: args.format,
    counts: header.counts,
    classCounts: args.classCounts,
    ...(header.classNames ? { classNames: header.classNames } : {}),
    ...(header.imageShape ? { imageShape: header.imageShape } : {}),
    featureDtype: header.featureDtype,
    normalization: args.normalization,
    split: args.split,
    contentHash: args.contentHash,
    source: sourceName(args.source, args.name),
    ...(args.testSource ? { testSource: sourceName(args.testSource, args.name) } : {}),
    createdAt: args.createdAt,
  };
}
