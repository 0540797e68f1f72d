import { statSync } from 'node:fs';
import { isStoredDatasetRef, type BuiltinDatasetRef, type DatasetRef } from '../../contract/index.js';
import { generateBuiltinDataset, type GeneratedDataset } from './builtin.js';
import { DatasetCache, stableKey } from './dataset-cache.js';
import { loadStoredDataset } from './stored.js';

export type { GeneratedDataset } from './builtin.js';

/** Where a worker finds an imported dataset: the stored file the host resolved its id to. */
export interface DatasetSource {
  /** Absolute path of the `.isds` file. */
  path: string;
}

/** This process's last loaded datasets (a worker keeps them across the runs of a sweep). */
const loaded = new DatasetCache();

/**
 * Materialises the dataset an experiment refers to: a seeded built-in generator, or an imported
 * dataset read from the stored file the host resolved (`source`; required for `{ id }` references).
 * Once per process per dataset while it is among the last few used (dataset-cache.ts): a built-in is
 * keyed by its whole reference (generator, samples, noise, seed, …), a stored file by its path, size
 * and modification time, so the same key always gives the same bits. The arrays are shared: never
 * modify them.
 * @returns x row-major [n, ...inputShape] float32, y class indices [n] int32 (and the recorded split for stored sets)
 */
export function loadDataset(ref: DatasetRef, source?: DatasetSource): GeneratedDataset {
  if (isStoredDatasetRef(ref)) {
    if (!source) throw new Error(`Dataset ${ref.id}: the host did not say where its stored file is`);
    let key: string;
    try {
      const stat = statSync(source.path);
      key = `stored:${source.path}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return loadStoredDataset(source.path); // reports the missing or unreadable file by name
    }
    return loaded.get(key, () => loadStoredDataset(source.path));
  }
  return loaded.get(`builtin:${stableKey(ref)}`, () => generateBuiltinDataset(ref));
}

/**
 * Stores `data` as the dataset of the built-in `ref`, as if loadDataset had generated it (a worker's
 * warm-up generates it on another thread with the same code: warm-dataset.ts). Keeps a dataset
 * already held under that key.
 */
export function primeDataset(ref: BuiltinDatasetRef, data: GeneratedDataset): void {
  loaded.get(`builtin:${stableKey(ref)}`, () => data);
}

/** Forgets the datasets this process keeps (tests; memory). */
export function clearLoadedDatasets(): void {
  loaded.clear();
}
