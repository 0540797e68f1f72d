import { describe, expect, it } from 'vitest';
import { DatasetRef } from '../../../contract/index.js';
import { generateBuiltinDataset, type GeneratedDataset } from '../../../engine/datasets/builtin.js';
import { DatasetCache, datasetBytes, stableKey } from '../../../engine/datasets/dataset-cache.js';
import { clearLoadedDatasets, loadDataset } from '../../../engine/datasets/index.js';

const fake = (n: number): GeneratedDataset => ({ x: new Float32Array(n), y: new Int32Array(n / 4), inputShape: [4], numClasses: 2 });

describe('a worker’s loaded datasets', () => {
  it('serves a built-in once per process: the same arrays for the same reference (any key order), bit-equal to a fresh generation', () => {
    clearLoadedDatasets();
    const ref = DatasetRef.parse({ builtin: 'spiral', samples: 300, noise: 0.2, seed: 4 });
    const first = loadDataset(ref);
    const reordered = loadDataset(DatasetRef.parse({ seed: 4, noise: 0.2, samples: 300, builtin: 'spiral' }));
    expect(reordered).toBe(first);
    const fresh = generateBuiltinDataset(ref as Parameters<typeof generateBuiltinDataset>[0]);
    expect(fresh).not.toBe(first);
    expect(
      Buffer.from(first.x.buffer, first.x.byteOffset, first.x.byteLength).equals(Buffer.from(fresh.x.buffer, fresh.x.byteOffset, fresh.x.byteLength)),
    ).toBe(true);
    expect([...first.y]).toEqual([...fresh.y]);
    // Any other field of the reference is another dataset.
    expect(loadDataset(DatasetRef.parse({ builtin: 'spiral', samples: 300, noise: 0.2, seed: 5 }))).not.toBe(first);
    clearLoadedDatasets();
    expect(loadDataset(ref)).not.toBe(first);
  });

  it('keeps the most recently used within its entry and byte limits, and never a dataset over the byte limit', () => {
    const cache = new DatasetCache(2, 1000);
    let made = 0;
    const get = (key: string, n: number) => cache.get(key, () => (made++, fake(n)));
    const a = get('a', 40); // 160 + 40 bytes
    get('b', 40);
    expect(get('a', 40)).toBe(a); // a is now the most recent
    get('c', 40); // three entries > 2: b (least recent) goes
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(made).toBe(3);
    get('big', 400); // 1,600 + 400 bytes > 1,000: served, not kept
    expect(cache.keys()).toEqual(['a', 'c']);
    get('d', 160); // 800 bytes: a (200) + c (200) + d (800) > 1,000 → a goes, then c + d = 1,000 fits
    expect(cache.keys()).toEqual(['c', 'd']);
    expect(datasetBytes(fake(40))).toBe(200);
    expect(stableKey({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});
