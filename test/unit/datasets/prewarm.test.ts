import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SweepSpec } from '../../../contract/index.js';
import { generateBuiltinDataset } from '../../../engine/datasets/builtin.js';
import { clearLoadedDatasets, loadDataset } from '../../../engine/datasets/index.js';
import { warmDataset } from '../../../engine/datasets/prewarm.js';
import { warmDatasetOf } from '../../../main/cli/early-worker.js';
import { expandSweep } from '../../../main/services/sweep-expand.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** Bit-level equality of two typed arrays (NaN-safe, -0 ≠ +0). */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

afterEach(() => clearLoadedDatasets());

describe('a worker warming its dataset before the first run (engine/datasets/prewarm.ts)', () => {
  it("generates the sweep's dataset under the key its runs look up, bit-equal to a cold generation", () => {
    // The seed article's sweep, with fewer digits to keep the test quick (the key and the path are the same).
    const raw = JSON.parse(readFileSync(path.join(root, 'examples/seed-article.json'), 'utf8')) as { base: { dataset: { samples: number } } };
    raw.base.dataset.samples = 600;
    const spec = SweepSpec.parse(raw);
    const file = path.join(root, 'examples/seed-article.json');
    const warm = warmDatasetOf(file);
    expect(warm).not.toBeNull();
    // What the CLI passes names the file's reference; the worker fills its defaults like a run's schema does.
    const ref = { ...(JSON.parse(warm!) as object), samples: 600 };
    expect(warmDataset(JSON.stringify(ref))).toBe('dataset');
    const warmed = loadDataset(expandSweep(spec).runs[0]!.experiment.dataset);
    // Every run of the sweep finds that very dataset (a cache hit: the same arrays, not a regeneration).
    for (const run of expandSweep(spec).runs) expect(loadDataset(run.experiment.dataset)).toBe(warmed);
    // And its bits are a cold generation's (a process that never warmed).
    const cold = generateBuiltinDataset({ builtin: 'mnist', samples: 600, noise: 0.1, seed: 7 });
    expect(warmed.x.length).toBe(600 * 784);
    expect(sameBits(warmed.x, cold.x)).toBe(true);
    expect(sameBits(warmed.y, cold.y)).toBe(true);
    expect(sameBits(warmed.test!.x, cold.test!.x)).toBe(true);
    expect(sameBits(warmed.test!.y, cold.test!.y)).toBe(true);
  });

  it('fills in the schema defaults, so a file that leaves them out still warms what its runs load', () => {
    expect(warmDataset('{"builtin":"circle"}')).toBe('dataset');
    const hit = loadDataset({ builtin: 'circle', samples: 1000, noise: 0.1, seed: 7 });
    expect(loadDataset({ builtin: 'circle', samples: 1000, noise: 0.1, seed: 7 })).toBe(hit);
    expect(sameBits(hit.x, generateBuiltinDataset({ builtin: 'circle', samples: 1000, noise: 0.1, seed: 7 }).x)).toBe(true);
  });

  it('ignores what it cannot use (the run loads its data and reports its own errors)', () => {
    expect(warmDataset(undefined)).toBeNull();
    expect(warmDataset('')).toBeNull();
    expect(warmDataset('{not json')).toBeNull();
    expect(warmDataset('{"builtin":"noSuchSet"}')).toBeNull();
    expect(warmDataset('{"builtin":"circle","samples":-5}')).toBeNull();
    expect(warmDataset('{"id":"ds_0123456789abcdef"}')).toBeNull();
  });
});
