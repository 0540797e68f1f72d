import { isStoredDatasetRef, type DatasetRef } from '../../contract/index.js';
import { generateBuiltinDataset, type GeneratedDataset } from './builtin.js';
import { loadStoredDataset } from './stored.js';

export type { GeneratedDataset } from './builtin.js';

/** Where a worker finds an imported dataset: the stored file the host resolved its id to. */
export interface DatasetSource {
  /** Absolute path of the `.isds` file. */
  path: string;
}

/**
 * Materialises the dataset an experiment refers to: a seeded built-in generator, or an imported
 * dataset read from the stored file the host resolved (`source`; required for `{ id }` references).
 * @returns x row-major [n, ...inputShape] float32, y class indices [n] int32 (and the recorded split for stored sets)
 */
export function loadDataset(ref: DatasetRef, source?: DatasetSource): GeneratedDataset {
  if (isStoredDatasetRef(ref)) {
    if (!source) throw new Error(`Dataset ${ref.id}: the host did not say where its stored file is`);
    return loadStoredDataset(source.path);
  }
  return generateBuiltinDataset(ref);
}
