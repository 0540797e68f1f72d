import { existsSync } from 'node:fs';
import path from 'node:path';
import { importError } from './import-error.js';
import { ImportProgress } from './import-progress.js';
import { parseNpy, type NpyArray } from './npy.js';
import { checkLabels, type ParsedDataset } from './parsed-dataset.js';
import { readInputFile } from './read-input.js';
import { checkAllocation, classIndexProblem, importByteBudget, mb } from './limits.js';
import { extractZipEntry, readZipDirectory, type ZipEntry } from './zip.js';

/** Options of {@link importNpy}. */
export interface NpyOptions {
  /** `.npy`: the labels file (default: a sibling named like the features with x→y, features/images/data→labels). */
  labelsPath?: string;
  /** `.npz`: the labels array's name (default y, labels, label, targets, target, y_train). */
  label?: string;
  classes?: number;
}

const FEATURE_KEYS = ['x', 'X', 'features', 'data', 'images', 'inputs', 'x_train'];
const LABEL_KEYS = ['y', 'Y', 'labels', 'label', 'targets', 'target', 'y_train'];

/** Features as float32, the allocation checked against the import budget first. */
function toFloat32(x: NpyArray, file: string): Float32Array {
  checkAllocation(x.data.length * 4, file, "header field 'shape'", `features of shape (${x.shape.join(', ')}) as float32`);
  return Float32Array.from(x.data);
}

/** The labels `.npy` next to a features `.npy`, by common naming (x.npy → y.npy, X_train → y_train, …). */
export function guessNpyLabelsFile(featuresFile: string): string | undefined {
  const dir = path.dirname(featuresFile);
  const base = path.basename(featuresFile);
  const candidates = [base.replace(/^[xX](?=[_.-]|\.npy)/, 'y'), base.replace(/features|images|data|inputs/i, 'labels')].filter((c) => c !== base);
  return candidates.map((c) => path.join(dir, c)).find((p) => existsSync(p));
}

/**
 * Reads NumPy data: a `.npz` archive holding a features and a labels array, or a features `.npy` with its
 * labels `.npy`. Features of shape [n, ...] are flattened to [n, rest] (uint8 stays uint8, other dtypes
 * become float32; a rank-3 array's last two dims are the image shape); labels must be [n] integers in
 * [0, classes). Errors name the file (and the array inside an archive). Reports `reading` (bytes, per
 * file) and `decoding` (samples) on `progress`.
 */
export async function importNpy(file: string, options: NpyOptions, progress = ImportProgress.silent(file)): Promise<ParsedDataset> {
  let x: NpyArray;
  let y: NpyArray;
  let labelsWhere: string;
  if (/\.npz$/i.test(file)) {
    const archive = await readInputFile(file, progress);
    const directory = readZipDirectory(archive, file);
    const budget = importByteBudget();
    const declared = directory.reduce((a, e) => a + e.size, 0);
    if (declared > budget) {
      throw importError(
        file,
        null,
        `the archive's ${directory.length} entries declare ${mb(declared)} uncompressed, more than the import limit of ${mb(budget)}`,
      );
    }
    const arrays = new Map(directory.map((entry) => [entry.name.replace(/\.npy$/, ''), entry] as const));
    const featureKey = FEATURE_KEYS.find((k) => arrays.has(k));
    const labelKey = options.label ?? LABEL_KEYS.find((k) => arrays.has(k));
    const names = [...arrays.keys()].join(', ');
    if (!featureKey) throw importError(file, null, `no features array (looked for ${FEATURE_KEYS.join(', ')}; the archive holds ${names})`);
    if (!labelKey || !arrays.has(labelKey))
      throw importError(file, null, `no labels array ${labelKey ? `'${labelKey}'` : `(looked for ${LABEL_KEYS.join(', ')})`}; the archive holds ${names}`);
    const featureEntry = arrays.get(featureKey) as ZipEntry;
    const labelEntry = arrays.get(labelKey) as ZipEntry;
    x = parseNpy(extractZipEntry(archive, featureEntry, file), `${file}:${featureKey}.npy (entry ${featureEntry.index})`);
    labelsWhere = `${file}:${labelKey}.npy (entry ${labelEntry.index})`;
    y = parseNpy(extractZipEntry(archive, labelEntry, file), labelsWhere);
  } else {
    const labelsFile = options.labelsPath ?? guessNpyLabelsFile(file);
    if (!labelsFile) throw importError(file, null, 'no labels file found next to it (e.g. y.npy next to x.npy); name it with --labels');
    x = parseNpy(await readInputFile(file, progress), file);
    labelsWhere = labelsFile;
    y = parseNpy(await readInputFile(labelsFile, progress), labelsFile);
  }
  if (x.shape.length < 1) throw importError(file, "header field 'shape'", 'the features array is a scalar');
  const n = x.shape[0] as number;
  const labelCount = y.shape.reduce((a, b) => a * b, 1);
  if (y.shape.length > 2 || (y.shape.length === 2 && y.shape[1] !== 1)) {
    throw importError(labelsWhere, "header field 'shape'", `labels must have shape (n,), got (${y.shape.join(', ')})`);
  }
  if (labelCount !== n) throw importError(labelsWhere, "header field 'shape'", `holds ${labelCount} labels but the features hold ${n} samples`);
  const labels = new Int32Array(n);
  progress.begin('decoding', 'samples', n);
  for (let i = 0; i < n; i++) {
    const v = y.data[i] as number;
    const problem = classIndexProblem(v, options.classes);
    if (problem) throw importError(labelsWhere, `item ${i}`, problem);
    labels[i] = v;
    if (progress.due()) await progress.pause(i);
  }
  progress.finish(n);
  const numClasses = checkLabels(labels, options.classes, (i, message) => importError(labelsWhere, `item ${i}`, message));
  const sampleDims = x.shape.slice(1);
  const rowSize = sampleDims.reduce((a, b) => a * b, 1);
  return {
    format: 'npy',
    features: x.data instanceof Uint8Array && !x.dtype.endsWith('b1') ? x.data : toFloat32(x, file),
    labels,
    inputShape: [rowSize],
    numClasses,
    ...(sampleDims.length === 2 ? { imageShape: sampleDims } : {}),
  };
}
