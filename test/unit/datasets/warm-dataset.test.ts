import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BuiltinDatasetRef, DatasetRef } from '../../../contract/index.js';
import { generateMnist } from '../../../engine/datasets/mnist.js';
import { clearLoadedDatasets, loadDataset } from '../../../engine/datasets/index.js';
import { warmDataset } from '../../../engine/datasets/warm-dataset.js';

const root = path.resolve(import.meta.dirname, '../../..');
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const compiled = path.join(root, 'dist/engine/datasets/warm-dataset.js');

describe('a worker’s warm-up dataset (engine/datasets/warm-dataset.ts)', () => {
  it('ignores what it cannot use (nothing, other datasets, bad JSON) and never rejects', async () => {
    clearLoadedDatasets();
    for (const spec of [undefined, '', 'spiral', '{"builtin":"circle","samples":100}', '{not json', 'null', '{"builtin":"mnist","samples":3}']) {
      await expect(warmDataset(spec, true)).resolves.toBeUndefined();
    }
  });

  it.skipIf(!existsSync(compiled))(
    'the compiled worker generates the MNIST dataset on a thread, and the run finds exactly those bits under its parsed reference',
    async () => {
      // The compiled modules share one dataset cache (the worker's); the sources above have their own.
      const warm = (await import(pathToFileURL(compiled).href)) as typeof import('../../../engine/datasets/warm-dataset.js');
      const datasets = (await import(
        pathToFileURL(path.join(root, 'dist/engine/datasets/index.js')).href
      )) as typeof import('../../../engine/datasets/index.js');
      datasets.clearLoadedDatasets();
      // As the early worker passes it: the file's reference, before defaults (noise) are filled in.
      await warm.warmDataset(JSON.stringify({ builtin: 'mnist', samples: 1500, seed: 11 }), true);
      const ref = DatasetRef.parse({ samples: 1500, builtin: 'mnist', seed: 11 });
      const primed = datasets.loadDataset(ref);
      // A cache hit returns the thread's arrays: a second load is the same object, no regeneration.
      expect(datasets.loadDataset(ref)).toBe(primed);
      const fresh = generateMnist(BuiltinDatasetRef.parse({ builtin: 'mnist', samples: 1500, seed: 11 }));
      expect(bits(primed.x).equals(bits(fresh.x))).toBe(true);
      expect([...primed.y]).toEqual([...fresh.y]);
      expect(primed.test && fresh.test && bits(primed.test.x).equals(bits(fresh.test.x))).toBe(true);
      expect([...(primed.test?.y ?? [])]).toEqual([...(fresh.test?.y ?? [])]);
      expect(primed.inputShape).toEqual([784]);
      datasets.clearLoadedDatasets();
    },
    60_000,
  );

  it('from the sources (no compiled thread entry) it decodes the digits on this thread; a run then loads the same data', async () => {
    clearLoadedDatasets();
    await warmDataset(JSON.stringify({ builtin: 'mnist', samples: 200, seed: 2 }), true);
    const ref = DatasetRef.parse({ builtin: 'mnist', samples: 200, seed: 2 });
    const data = loadDataset(ref);
    expect(bits(data.x).equals(bits(generateMnist(BuiltinDatasetRef.parse({ builtin: 'mnist', samples: 200, seed: 2 })).x))).toBe(true);
    clearLoadedDatasets();
  });
});
