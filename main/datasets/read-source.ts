import { statSync } from 'node:fs';
import type { DatasetFormat, DatasetImportOptions } from '../../contract/index.js';
import { importCsv } from './csv.js';
import { importIdx } from './idx.js';
import { importImageFolder } from './image-folder.js';
import { importError } from './import-error.js';
import { fsErrorText } from './limits.js';
import { ImportProgress } from './import-progress.js';
import { importNpy } from './npy-import.js';
import type { ParsedDataset } from './parsed-dataset.js';

/**
 * The format of `path` when none is given: a folder → images; `.npy`/`.npz` → npy; `.csv`/`.tsv`/`.txt`
 * (optionally `.gz`) → csv; names with `idx` or `-ubyte` → idx.
 */
export function detectFormat(path: string, format?: DatasetFormat): DatasetFormat {
  if (format) return format;
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    throw importError(path, null, `cannot read: ${fsErrorText(error)}`);
  }
  if (isDir) return 'images';
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (/\.np[yz]$/.test(name)) return 'npy';
  if (/\.(csv|tsv|tab|txt)$/.test(name)) return 'csv';
  if (/idx\d|ubyte/.test(name)) return 'idx';
  throw importError(path, null, 'cannot tell the format from the name; pass --format idx|csv|images|npy');
}

/**
 * Reads the source a set of import options names, in its detected or given format, reporting progress
 * (and honouring a cancel) on `progress`; `limitPerClass` reads only that many images per class (previews).
 */
export async function readSource(options: DatasetImportOptions, extra: { progress?: ImportProgress; limitPerClass?: number } = {}): Promise<ParsedDataset> {
  const progress = extra.progress ?? ImportProgress.silent(options.path);
  const format = detectFormat(options.path, options.format);
  const classes = options.classes === undefined ? {} : { classes: options.classes };
  switch (format) {
    case 'idx':
      return importIdx(options.path, { ...classes, ...(options.labelsPath ? { labelsPath: options.labelsPath } : {}) }, progress);
    case 'csv':
      return importCsv(
        options.path,
        {
          ...classes,
          ...(options.label ? { label: options.label } : {}),
          ...(options.features ? { features: options.features } : {}),
        },
        progress,
      );
    case 'npy':
      return importNpy(
        options.path,
        {
          ...classes,
          ...(options.labelsPath ? { labelsPath: options.labelsPath } : {}),
          ...(options.label ? { label: options.label } : {}),
        },
        progress,
      );
    case 'images': {
      const parsed = await importImageFolder(options.path, {
        progress,
        ...(extra.limitPerClass !== undefined ? { limitPerClass: extra.limitPerClass } : {}),
        ...(options.imageShape ? { imageShape: options.imageShape } : {}),
      });
      if (options.classes !== undefined && parsed.numClasses > options.classes) {
        throw importError(options.path, null, `${parsed.numClasses} class folders, more than the ${options.classes} classes asked for`);
      }
      return parsed;
    }
  }
}
