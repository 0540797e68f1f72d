import { describe, expect, it } from 'vitest';
import { InitScopeError, type DatasetInfo } from '../../contract/index.js';
import { DatasetStore, openDatabase, type StoredDataset } from '../../main/store/index.js';

function dataset(n: number, createdAt: string): StoredDataset {
  const id = `ds_${String(n).padStart(16, '0')}`;
  const info: DatasetInfo = {
    id,
    name: `set ${n}`,
    builtin: false,
    inputShape: [4],
    numClasses: 3,
    description: 'test',
    defaultSamples: 10,
    counts: { train: 8, validation: 2, test: 0 },
    format: 'csv',
  };
  return { id, name: info.name, kind: 'csv', info, contentHash: `hash${n}`, path: `datasets/${id}.isds`, createdAt };
}

describe('DatasetStore', () => {
  it('inserts, finds by id and by content hash, lists newest first, deletes', () => {
    const db = openDatabase(':memory:');
    const store = new DatasetStore(db);
    const a = store.insert(dataset(1, '2025-01-01T00:00:00.000Z'));
    store.insert(dataset(2, '2025-01-02T00:00:00.000Z'));
    expect(a).toEqual(dataset(1, '2025-01-01T00:00:00.000Z'));
    expect(store.getByHash('hash2')?.id).toBe('ds_0000000000000002');
    expect(store.getByHash('nope')).toBeUndefined();
    expect(store.list().map((d) => d.id)).toEqual(['ds_0000000000000002', 'ds_0000000000000001']);
    expect(store.delete('ds_0000000000000001')).toBe(true);
    expect(store.delete('ds_0000000000000001')).toBe(false);
    expect(store.get('ds_0000000000000001')).toBeUndefined();
    db.close();
  });

  it('refuses a duplicate content hash with a conflict and keeps the first', () => {
    const db = openDatabase(':memory:');
    const store = new DatasetStore(db);
    store.insert(dataset(1, '2025-01-01T00:00:00.000Z'));
    const dup = { ...dataset(3, '2025-01-03T00:00:00.000Z'), contentHash: 'hash1' };
    expect(() => store.insert(dup)).toThrow(InitScopeError);
    expect(store.list()).toHaveLength(1);
    expect(() => store.insert({ ...dataset(4, '2025-01-01T00:00:00.000Z'), info: { ...dataset(4, 'x').info, inputShape: [0] } })).toThrow(/inputShape/);
    db.close();
  });
});
