import { describe, expect, it } from 'vitest';
import type { PreviewResult } from '../../../contract/index.js';
import { EnginePool } from '../../../main/services/engine-pool.js';
import { experiment } from '../engine/helpers.js';
import { fakeLauncher } from '../services/fake-worker.js';

/** The engine-pool path `initscope inspect` (and 'engine/preview') takes, with in-memory workers. */
describe('EnginePool.preview', () => {
  const result: PreviewResult[] = [
    {
      initializer: null,
      loss: 0.69,
      layers: [
        {
          layer: 'dense_0',
          index: 0,
          type: 'dense',
          activation: 'tanh',
          activationMean: 0,
          activationStd: 0.5,
          theoryStd: 0.52,
          gradientStd: 0.01,
          gradientNorm: 0.3,
          weightStd: 0.2,
          theoryWeightStd: 0.21,
        },
      ],
    },
  ];

  it('starts a worker when there is none, sends the request once it is ready, and resolves with the parsed answer', async () => {
    const { launcher, workers } = fakeLauncher();
    const pool = new EnginePool({ launcher, size: 2 });
    const pending = pool.preview({ experiment: experiment(), initializers: [{ name: 'heNormal' }] });
    expect(workers.length).toBe(1);
    expect(workers[0]!.received).toEqual([]);
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    const sent = workers[0]!.received[0]!;
    expect(sent).toMatchObject({ type: 'preview', initializers: [{ name: 'heNormal' }] });
    if (sent.type !== 'preview') return;
    workers[0]!.emit({ type: 'previewResult', requestId: sent.requestId, result });
    await expect(pending).resolves.toEqual(result);
    await pool.close(10);
  });

  it('shares a busy worker, rejects on a worker error or exit, and never answers the wrong request', async () => {
    const { launcher, workers } = fakeLauncher();
    const pool = new EnginePool({ launcher, size: 1 });
    pool.submit('run-1', experiment());
    const w = workers[0]!;
    w.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(w.received[0]).toMatchObject({ type: 'start', runId: 'run-1' });
    const failing = pool.preview({ experiment: experiment() });
    const orphan = pool.preview({ experiment: experiment() });
    // After 'start' (and the 'cores' grant of a run alone) come the two previews.
    const [first, second] = w.received.filter((m) => m.type === 'preview');
    if (first?.type !== 'preview' || second?.type !== 'preview') throw new Error('previews were not sent to the busy worker');
    expect(first.requestId).not.toBe(second.requestId);
    w.emit({ type: 'previewResult', requestId: 'unknown', result });
    w.emit({ type: 'previewResult', requestId: first.requestId, error: 'layer 0 (dense): boom' });
    await expect(failing).rejects.toThrow(/Init preview failed: layer 0 \(dense\): boom/);
    w.exit(1);
    await expect(orphan).rejects.toThrow(/stopped during the init preview \(exit code 1\)/);
    await pool.close(10);
  });
});
