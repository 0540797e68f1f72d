import { createHash } from 'node:crypto';
import { isStoredDatasetRef, type DatasetRef } from '../../contract/index.js';
import { generateBuiltinDataset } from '../../engine/index.js';

/** How a report names a run's dataset, and the sha256 of its content. */
export interface DatasetFingerprint {
  label: string;
  /** sha256 (hex), or null when the imported dataset is no longer known. */
  hash: string | null;
}

const bytesOf = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Identifies the data a run trained on. Imported datasets: their stored content hash (sha256 of the
 * stored file, from the datasets table via `storedHash`). Built-in generators: the sha256 of the
 * generated samples (x as float32 bytes, then y as int32 bytes, then regression targets if any), so
 * a change in a generator shows as a different hash even with the same settings.
 */
export function datasetFingerprint(ref: DatasetRef, storedHash: (id: string) => string | null): DatasetFingerprint {
  if (isStoredDatasetRef(ref)) return { label: `imported ${ref.id}`, hash: storedHash(ref.id) };
  const settings = Object.entries(ref)
    .filter(([k]) => k !== 'builtin')
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');
  const data = generateBuiltinDataset(ref);
  const hash = createHash('sha256').update(bytesOf(data.x)).update(bytesOf(data.y));
  if (data.targets) hash.update(bytesOf(data.targets));
  return { label: `builtin ${ref.builtin}${settings ? ` (${settings})` : ''}`, hash: hash.digest('hex') };
}
