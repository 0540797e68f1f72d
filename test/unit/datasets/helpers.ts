import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatasetImportOptions, type DatasetImportResult } from '../../../contract/index.js';
import { readDatasetFile, type DatasetFileContent } from '../../../engine/datasets/dataset-file.js';
import { DatasetService } from '../../../main/datasets/dataset-service.js';
import { DatasetStore, openDatabase } from '../../../main/store/index.js';

/** A dataset service over an in-memory database and a temporary data folder. */
export function makeService(): { service: DatasetService; dataDir: string; inputDir: string; close: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), 'initscope-ds-'));
  const db = openDatabase(':memory:');
  const dataDir = path.join(root, 'data');
  const service = new DatasetService(new DatasetStore(db), dataDir, () => new Date('2025-01-02T03:04:05.000Z'));
  return {
    service,
    dataDir,
    inputDir: path.join(root, 'input'),
    close: () => {
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Imports with the contract's defaults filled in. */
export function importWith(service: DatasetService, options: Record<string, unknown>): Promise<DatasetImportResult> {
  return service.import(DatasetImportOptions.parse(options));
}

/** The stored file of an imported dataset. */
export function storedContent(dataDir: string, id: string): DatasetFileContent {
  return readDatasetFile(path.join(dataDir, 'datasets', `${id}.isds`));
}

/** Every file in the data folder's datasets folder (temporary files included). */
export function datasetFiles(dataDir: string): string[] {
  try {
    return readdirSync(path.join(dataDir, 'datasets')).sort();
  } catch {
    return [];
  }
}
