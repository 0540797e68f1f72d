import { describe, expect, it } from 'vitest';
import { ExperimentSpec, type RunEvent } from '../../../contract/index.js';
import { EnginePool } from '../../../main/services/engine-pool.js';
import { fakeLauncher } from './fake-worker.js';

const experiment = ExperimentSpec.parse({
  dataset: { builtin: 'spiral' },
  network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
});
const metrics = { trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.6, valAcc: 0.75 };

function setup(size: number) {
  const { launcher, workers } = fakeLauncher();
  const pool = new EnginePool({ launcher, size, cancelGraceMs: 50 });
  const events: RunEvent[] = [];
  pool.onEvent((e) => events.push(e));
  return { pool, workers, events };
}

describe('EnginePool', () => {
  it('starts workers lazily, only up to its size, and queues the rest', () => {
    const { pool, workers } = setup(2);
    expect(workers).toHaveLength(0);
    pool.submit('a', experiment);
    pool.submit('b', experiment);
    pool.submit('c', experiment);
    expect(workers).toHaveLength(2);
    workers.forEach((w) => w.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' }));
    expect(workers.map((w) => w.received[0])).toEqual([
      { type: 'start', runId: 'a', experiment },
      { type: 'start', runId: 'b', experiment },
    ]);
    expect(pool.activeCount).toBe(3);
    // When a run ends, its worker takes the queued one.
    workers[0]!.emit({ type: 'event', event: { type: 'finished', runId: 'a', metrics, epochs: 1, durationMs: 5 } });
    expect(workers[0]!.received[1]).toEqual({ type: 'start', runId: 'c', experiment });
  });

  it('forwards valid events of the current run only', () => {
    const { pool, workers, events } = setup(1);
    pool.submit('a', experiment);
    const w = workers[0]!;
    w.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    w.emit({ type: 'event', event: { type: 'failed', runId: 'someone-else', error: 'x' } });
    w.emit({ type: 'event', event: { type: 'progress', runId: 'a' } as unknown as RunEvent });
    expect(events).toEqual([]);
    w.emit({ type: 'event', event: { type: 'failed', runId: 'a', error: 'boom' } });
    expect(events).toEqual([{ type: 'failed', runId: 'a', error: 'boom' }]);
  });

  it('fails the run of a worker that dies, and replaces the worker for the next run', () => {
    const { pool, workers, events } = setup(1);
    pool.submit('a', experiment);
    pool.submit('b', experiment);
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    workers[0]!.exit(null, 'SIGSEGV');
    expect(events).toEqual([{ type: 'failed', runId: 'a', error: 'The engine worker stopped unexpectedly (signal SIGSEGV)' }]);
    expect(workers).toHaveLength(2);
    workers[1]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(workers[1]!.received[0]).toEqual({ type: 'start', runId: 'b', experiment });
  });

  it('cancels a queued run at once and a running one through its worker, killing it if it hangs', async () => {
    const { pool, workers, events } = setup(1);
    pool.submit('a', experiment);
    pool.submit('b', experiment);
    expect(pool.cancel('b')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'cancelled', runId: 'b' });
    const w = workers[0]!;
    w.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(pool.cancel('a')).toBe(true);
    expect(w.received.at(-1)).toEqual({ type: 'cancel', runId: 'a' });
    await new Promise((r) => setTimeout(r, 80));
    expect(w.killed).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'cancelled', runId: 'a' });
    expect(pool.cancel('nope')).toBe(false);
  });

  it('fails queued runs instead of looping when workers cannot start', () => {
    const { pool, workers, events } = setup(1);
    pool.submit('a', experiment);
    for (let i = 0; i < 3; i++) workers[i]!.exit(1);
    expect(events).toEqual([{ type: 'failed', runId: 'a', error: 'The engine worker could not start (exit code 1)' }]);
    expect(workers).toHaveLength(3);
  });
});
