import type { GeneratedDataset } from './builtin.js';

/** Bytes of a dataset's arrays (samples, labels, targets, recorded split, test part). */
export function datasetBytes(data: GeneratedDataset): number {
  return (
    data.x.byteLength +
    data.y.byteLength +
    (data.targets?.byteLength ?? 0) +
    (data.split ? data.split.train.byteLength + data.split.val.byteLength : 0) +
    (data.test && data.test.x.buffer !== data.x.buffer ? data.test.x.byteLength + data.test.y.byteLength : 0)
  );
}

/** A JSON text of `value` with object keys sorted, so that equal references give one key whatever their key order. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/**
 * The datasets a worker process loaded last, so that the runs of a sweep (and previews, lab jobs)
 * on one dataset generate or read it once per worker instead of once per run (the 10,000-digit MNIST
 * set: 0.4–1.5 s and 31 MB each time, plus its SHA-256 for the provenance, which is cached per array).
 * Least recently used first out, within `maxEntries` datasets and `maxBytes` bytes; a dataset larger
 * than `maxBytes` is not kept. Only for datasets that are pure functions of their key (seeded built-ins,
 * immutable stored files keyed by path, size and time); callers never modify a dataset's arrays.
 */
export class DatasetCache {
  private readonly entries = new Map<string, { data: GeneratedDataset; bytes: number }>();

  constructor(
    private readonly maxEntries = 3,
    private readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  /** The dataset stored under `key`, else `make()`'s, kept for the next call. */
  get(key: string, make: () => GeneratedDataset): GeneratedDataset {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, hit);
      return hit.data;
    }
    const data = make();
    const bytes = datasetBytes(data);
    if (bytes > this.maxBytes) return data;
    this.entries.set(key, { data, bytes });
    let total = [...this.entries.values()].reduce((a, e) => a + e.bytes, 0);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && total <= this.maxBytes) break;
      this.entries.delete(k);
      total -= e.bytes;
    }
    return data;
  }

  /** Keys held, least recently used first (for tests). */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
  }
}
