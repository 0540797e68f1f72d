import path from 'node:path';
import type { DatasetFormat, DatasetInfo, NormalizationKind, SplitSpec } from '../../contract/index.js';
import type { DatasetFileHeader } from '../../engine/index.js';

/** Samples per class, index = class. */
export function countClasses(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/** A readable default name for an imported file: its base name without data extensions. */
export function defaultDatasetName(source: string): string {
  return (
    path
      .basename(source)
      .replace(/\.gz$/i, '')
      .replace(/\.(csv|tsv|tab|txt|npy|npz)$/i, '') || 'dataset'
  );
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
  const testFrom = args.testSource ? ` (test part from ${path.basename(args.testSource)})` : '';
  return {
    name: args.name,
    builtin: false,
    inputShape: [...header.inputShape],
    numClasses: header.numClasses,
    description: `Imported from ${path.basename(args.source)} (${args.format}): ${header.samples} samples, ${train} train / ${validation} validation / ${test} test${testFrom}.`,
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
    source: path.basename(args.source),
    ...(args.testSource ? { testSource: path.basename(args.testSource) } : {}),
    createdAt: args.createdAt,
  };
}
