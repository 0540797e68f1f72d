import { importError } from './import-error.js';
import { dataLineBound, delimitedRecords, detectDelimiter, type CsvRecord } from './csv-text.js';
import { ImportProgress } from './import-progress.js';
import type { ParsedDataset } from './parsed-dataset.js';
import { readInputFile } from './read-input.js';
import { checkAllocation, classIndexProblem, MAX_CLASSES } from './limits.js';

/** Rows whose cells are kept as written, for the preview (it shows 10). */
const PREVIEW_TEXT_ROWS = 10;
/** Options of {@link importCsv}. */
export interface CsvOptions {
  /** Label column: header name or 0-based index (default: label/class/target/y, else the last column). */
  label?: string;
  /** Feature columns by header name (default: every column but the label). */
  features?: string[];
  /** Number of classes for numeric labels (default: largest + 1). */
  classes?: number;
}

const LABEL_NAMES = ['label', 'class', 'target', 'y'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^\+?\d+$/;

/**
 * The text of a table file, decoded losslessly: UTF-8 when the bytes are valid UTF-8 (a leading BOM
 * dropped), else Latin-1 (one character per byte), so distinct label bytes never collapse into one
 * U+FFFD replacement character.
 */
export function decodeTableText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'latin1' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}

/** The label column's index for `label` (a name, or an index) in `header`. */
function labelIndex(file: string, header: string[], label: string | undefined): number {
  if (label === undefined) {
    const named = header.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase()));
    return named >= 0 ? named : header.length - 1;
  }
  const byName = header.indexOf(label);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(label) && Number(label) < header.length) return Number(label);
  throw importError(file, 'line 1', `no label column '${label}' (columns: ${header.join(', ')})`);
}

/**
 * Reads a CSV/TSV file with a header row. Features must be numbers (float32); every missing or
 * non-numeric cell is reported with its line, column number and column name. Labels are numeric class
 * indices when every label is a non-negative integer (then within [0, classes) when `classes` is set),
 * else category names, numbered in sorted order (recorded as classNames). Ragged rows are refused.
 * Reports `reading` (bytes) then `decoding` (rows) on `progress`, yielding to the event loop between
 * slices of rows; a cancel rejects at the next slice.
 */
export async function importCsv(file: string, options: CsvOptions, progress = ImportProgress.silent(file)): Promise<ParsedDataset> {
  const { text } = decodeTableText(await readInputFile(file, progress));
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const records = delimitedRecords(text, detectDelimiter(file, firstLine));
  const nextRecord = (): CsvRecord | undefined => {
    try {
      const next = records.next();
      return next.done ? undefined : next.value;
    } catch (error) {
      throw importError(file, null, (error as Error).message);
    }
  };
  const headerRecord = nextRecord();
  if (!headerRecord) throw importError(file, null, 'the file is empty (expected a header row and data rows)');
  const header = headerRecord.cells;
  const li = labelIndex(file, header, options.label);
  const featureIdx = options.features
    ? options.features.map((name) => {
        const i = header.indexOf(name);
        if (i < 0) throw importError(file, 'line 1', `no feature column '${name}'`);
        if (i === li) throw importError(file, 'line 1', `column '${name}' is the label column, not a feature`);
        return i;
      })
    : header.map((_, i) => i).filter((i) => i !== li);
  const d = featureIdx.length;
  const rowBound = dataLineBound(text);
  checkAllocation(Math.max(1, rowBound) * Math.max(1, d) * 4, file, null, `${rowBound} rows × ${d} features`);
  let features = new Float32Array(Math.max(1, rowBound) * Math.max(1, d));
  const rawLabels: string[] = [];
  const lines: number[] = [];
  const cells: string[][] = [];
  const place = (line: number, col: number) => `line ${line}, column ${col + 1} ('${header[col]}')`;
  progress.begin('decoding', 'rows', rowBound);
  let r = 0;
  for (let row = nextRecord(); row; row = nextRecord(), r++) {
    if (r === 0 && d === 0) throw importError(file, 'line 1', 'no feature columns besides the label');
    if (row.cells.length !== header.length) {
      throw importError(file, `line ${row.line}`, `${row.cells.length} cells, expected ${header.length} as in the header`);
    }
    if ((r + 1) * d > features.length) {
      checkAllocation(features.length * 8, file, `line ${row.line}`, `${r + 1} rows × ${d} features`);
      const grown = new Float32Array(features.length * 2);
      grown.set(features);
      features = grown;
    }
    for (let j = 0; j < d; j++) {
      const col = featureIdx[j] as number;
      const cell = row.cells[col] as string;
      if (cell === '') throw importError(file, place(row.line, col), 'missing value');
      if (!NUMBER.test(cell)) throw importError(file, place(row.line, col), `'${cell}' is not a number`);
      features[r * d + j] = Number(cell);
    }
    if (r < PREVIEW_TEXT_ROWS) cells.push(featureIdx.map((col) => row.cells[col] as string));
    const label = row.cells[li] as string;
    if (label === '') throw importError(file, place(row.line, li), 'missing label');
    rawLabels.push(label);
    lines.push(row.line);
    if (progress.due()) await progress.pause(r + 1);
  }
  if (r === 0) throw importError(file, 'line 2', 'no data rows after the header');
  if (d === 0) throw importError(file, 'line 1', 'no feature columns besides the label');
  progress.finish(r);
  await progress.breathe();
  const n = r;
  if (features.length !== n * d) features = features.slice(0, n * d);
  const labels = new Int32Array(n);
  let numClasses: number;
  let classNames: string[] | undefined;
  if (rawLabels.every((l) => INTEGER.test(l))) {
    let max = 0;
    rawLabels.forEach((l, r) => {
      const v = Number(l);
      const problem = classIndexProblem(v, options.classes, l.replace(/^\+/, ''));
      if (problem) throw importError(file, place(lines[r] as number, li), problem);
      labels[r] = v;
      max = Math.max(max, v);
    });
    numClasses = options.classes ?? max + 1;
  } else {
    const numericIndex = rawLabels.findIndex((l) => NUMBER.test(l) && !INTEGER.test(l));
    if (numericIndex >= 0 && rawLabels.every((l) => NUMBER.test(l))) {
      throw importError(
        file,
        place(lines[numericIndex] as number, li),
        `label '${rawLabels[numericIndex]}' is not a class index (numeric labels must be integers ≥ 0; regression targets are not supported)`,
      );
    }
    const distinct = new Set<string>();
    const limit = Math.min(options.classes ?? MAX_CLASSES, MAX_CLASSES);
    rawLabels.forEach((l, r) => {
      distinct.add(l);
      if (distinct.size > limit) {
        throw importError(
          file,
          place(lines[r] as number, li),
          options.classes !== undefined && options.classes < MAX_CLASSES
            ? `${distinct.size} label categories so far, more than the ${options.classes} classes asked for`
            : `more than ${MAX_CLASSES.toLocaleString('en-US')} label categories (the class limit); is '${header[li]}' the label column?`,
        );
      }
    });
    classNames = [...distinct].sort();
    const indexOf = new Map(classNames.map((name, i) => [name, i]));
    rawLabels.forEach((l, r) => (labels[r] = indexOf.get(l) as number));
    numClasses = classNames.length;
    if (options.classes !== undefined && numClasses > options.classes) {
      throw importError(file, place(lines[0] as number, li), `${numClasses} label categories, more than the ${options.classes} classes asked for`);
    }
  }
  return {
    format: 'csv',
    features,
    labels,
    inputShape: [d],
    numClasses,
    columns: featureIdx.map((i) => header[i] as string),
    cells,
    ...(classNames ? { classNames } : {}),
  };
}
