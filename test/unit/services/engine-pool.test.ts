import { describe, expect, it } from 'vitest';
import { ExperimentSpec, type RunEvent } from '../../../contract/index.js';
import { EnginePool } from '../../../main/services/engine-pool.js';
import { fakeLauncher } from './fake-worker.js';

const experiment = ExperimentSpec.parse({
  dataset: { builtin: 'spiral' },
  network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
});
const metrics = { trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.6, valAcc: 0.75 };

function setup(size: number, cores = 2) {
  const { launcher, workers } = fakeLauncher();
  const pool = new EnginePool({ launcher, size, cancelGraceMs: 50, cores });
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
      { type: 'start', runId: 'a', experiment, cores: 1 },
      { type: 'start', runId: 'b', experiment, cores: 1 },
    ]);
    expect(pool.activeCount).toBe(3);
    // When a run ends, its worker takes the queued one.
    workers[0]!.emit({ type: 'event', event: { type: 'finished', runId: 'a', metrics, epochs: 1, durationMs: 5 } });
    expect(workers[0]!.received[1]).toEqual({ type: 'start', runId: 'c', experiment, cores: 1 });
  });

  it("sends the machine's stored split calibration with every run, read when the run starts", () => {
    const { launcher, workers } = fakeLauncher();
    const calibration = {
      version: 1 as const,
      key: { cpuModel: 'Test CPU', cores: 2, engineVersion: 'split-1' },
      minSplitFlops: 1e8,
      points: [{ flops: 1e8, wholeMs: 10, splitMs: 8 }],
      measuredAt: '2026-12-04T00:00:00.000Z',
    };
    let stored: typeof calibration | null = null;
    const pool = new EnginePool({ launcher, size: 1, cancelGraceMs: 50, cores: 2, splitCalibration: () => stored });
    pool.submit('a', experiment);
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(workers[0]!.received[0]).toEqual({ type: 'start', runId: 'a', experiment, cores: 1 });
    stored = calibration;
    workers[0]!.emit({ type: 'event', event: { type: 'finished', runId: 'a', metrics, epochs: 1, durationMs: 5 } });
    pool.submit('b', experiment);
    const start = workers[0]!.received.find((m) => m.type === 'start' && m.runId === 'b');
    expect(start).toEqual({ type: 'start', runId: 'b', experiment, cores: 1, calibration });
  });

  it('lets a run alone use two cores and takes the second back while another run is queued or running', () => {
    const { pool, workers } = setup(2);
    const coresSent = (w: number) => workers[w]!.received.filter((m) => m.type === 'cores').map((m) => (m as { cores: number }).cores);
    const finish = (w: number, runId: string) => workers[w]!.emit({ type: 'event', event: { type: 'finished', runId, metrics, epochs: 1, durationMs: 5 } });
    pool.submit('a', experiment);
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    // Started on one core, then granted the second: nothing else is queued or running.
    expect(workers[0]!.received[0]).toMatchObject({ type: 'start', runId: 'a', cores: 1 });
    expect(coresSent(0)).toEqual([2]);
    // A second run arrives: 'a' goes back to one core before the second worker has even started.
    pool.submit('b', experiment);
    expect(coresSent(0)).toEqual([2, 1]);
    workers[1]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(workers[1]!.received[0]).toMatchObject({ type: 'start', runId: 'b', cores: 1 });
    expect(coresSent(1)).toEqual([]);
    // 'b' ends: 'a' is alone again and gets both cores back.
    finish(1, 'b');
    expect(coresSent(0)).toEqual([2, 1, 2]);
    // A queued run that is cancelled before it starts gives the core back too.
    pool.submit('c', experiment);
    pool.submit('d', experiment);
    expect(coresSent(0)).toEqual([2, 1, 2, 1]);
    expect(workers[1]!.received.at(-1)).toMatchObject({ type: 'start', runId: 'c', cores: 1 });
    pool.cancel('d');
    expect(coresSent(0)).toEqual([2, 1, 2, 1]); // 'c' still runs beside 'a'
    finish(1, 'c');
    expect(coresSent(0)).toEqual([2, 1, 2, 1, 2]);
  });

  it('never grants a second core on a one-core machine', () => {
    const { pool, workers } = setup(1, 1);
    pool.submit('a', experiment);
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(workers[0]!.received.filter((m) => m.type === 'cores')).toEqual([]);
  });

  it('forwards the events of the current run only', () => {
    const { pool, workers, events } = setup(1);
    pool.submit('a', experiment);
    const w = workers[0]!;
    w.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    w.emit({ type: 'event', event: { type: 'failed', runId: 'someone-else', error: 'x' } });
    expect(events).toEqual([]);
    w.emit({ type: 'event', event: { type: 'failed', runId: 'a', error: 'boom' } });
    expect(events).toEqual([{ type: 'failed', runId: 'a', error: 'boom' }]);
  });

  it('passes on the decision-boundary pictures of the current run only; a malformed one fails the run', () => {
    const { pool, workers, events } = setup(1);
    const pictures: string[] = [];
    pool.onBoundary((e) => pictures.push(`${e.runId}@${e.grid.step}`));
    pool.submit('a', experiment);
    const w = workers[0]!;
    w.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    const grid = (step: number) => ({
      step,
      epoch: 0,
      resolution: 2,
      x: { min: 0, max: 1 },
      y: { min: 0, max: 1 },
      field: { kind: 'classes' as const, numClasses: 2, classes: [0, 1, 1, 0], confidence: [1, 1, 0.5, 0.5] },
    });
    w.emit({ type: 'boundary', event: { type: 'boundary', runId: 'someone-else', grid: grid(1) } });
    w.emit({ type: 'boundary', event: { type: 'boundary', runId: 'a', grid: grid(2) } });
    expect(pictures).toEqual(['a@2']);
    w.emitRaw({ type: 'boundary', event: { type: 'boundary', runId: 'a', grid: { ...grid(3), resolution: 3 } } });
    expect(pictures).toEqual(['a@2']);
    expect(events).toMatchObject([
      { type: 'failed', runId: 'a', error: expect.stringContaining('event.grid.field.classes: has 4 values, expected resolution² = 9') },
    ]);
  });

  describe('a message that fails the protocol schema', () => {
    const ready = { type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' } as const;

    it('fails the run with the field-named reason, frees the slot and replaces the worker', () => {
      const { pool, workers, events } = setup(1);
      pool.submit('a', experiment);
      pool.submit('b', experiment);
      workers[0]!.emit(ready);
      // A final event without its metrics: before, it was dropped and the slot stayed busy forever.
      workers[0]!.emitRaw({ type: 'event', event: { type: 'finished', runId: 'a', epochs: 1, durationMs: 5 } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'failed', runId: 'a' });
      const error = (events[0] as { error: string }).error;
      expect(error).toContain("invalid 'event' message");
      expect(error).toContain('event.metrics');
      expect(workers[0]!.killed).toBe(true);
      // The slot is free: a fresh worker takes the queued run, and the old worker's late events are ignored.
      expect(pool.activeCount).toBe(1);
      expect(workers).toHaveLength(2);
      workers[1]!.emit(ready);
      expect(workers[1]!.received[0]).toMatchObject({ type: 'start', runId: 'b' });
      workers[0]!.emit({ type: 'event', event: { type: 'finished', runId: 'a', metrics, epochs: 1, durationMs: 5 } });
      workers[1]!.emit({ type: 'event', event: { type: 'finished', runId: 'b', metrics, epochs: 1, durationMs: 5 } });
      expect(events.map((e) => [e.type, e.runId])).toEqual([
        ['failed', 'a'],
        ['finished', 'b'],
      ]);
      expect(pool.activeCount).toBe(0);
    });

    it('fails the run on a malformed progress event or an unknown message type', () => {
      for (const bad of [{ type: 'event', event: { type: 'progress', runId: 'a' } }, { type: 'dance', runId: 'a' }, null, 'ready']) {
        const { pool, workers, events } = setup(1);
        pool.submit('a', experiment);
        workers[0]!.emit(ready);
        workers[0]!.emitRaw(bad);
        expect(events, JSON.stringify(bad)).toMatchObject([{ type: 'failed', runId: 'a' }]);
        expect(pool.activeCount).toBe(0);
        expect(workers[0]!.killed).toBe(true);
      }
    });

    it('fails an init preview whose answer is malformed, without touching the running run', async () => {
      const { pool, workers, events } = setup(1);
      pool.submit('a', experiment);
      workers[0]!.emit(ready);
      const preview = pool.preview({ experiment });
      const sent = workers[0]!.received.find((m) => m.type === 'preview') as { requestId: string };
      workers[0]!.emitRaw({ type: 'previewResult', requestId: sent.requestId, result: [{ bogus: true }] });
      await expect(preview).rejects.toThrow(/invalid 'previewResult' message/);
      expect(events).toEqual([]);
      expect(workers[0]!.killed).toBe(false);
      expect(pool.activeCount).toBe(1);
    });

    it('counts a worker whose ready message is invalid as a failed start, naming the reason', () => {
      const { pool, workers, events } = setup(1);
      pool.submit('a', experiment);
      for (let i = 0; i < 3; i++) workers[i]!.emitRaw({ type: 'ready', backend: 42 });
      expect(workers.every((w) => w.killed)).toBe(true);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'failed', runId: 'a' });
      expect((events[0] as { error: string }).error).toMatch(/could not start.*invalid 'ready' message.*backend/);
    });
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
    expect(workers[1]!.received[0]).toEqual({ type: 'start', runId: 'b', experiment, cores: 1 });
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

describe('EnginePool run order', () => {
  const cell = (units: number, seed: number) =>
    ExperimentSpec.parse({
      name: `units=${units} · seed=${seed}`,
      dataset: { builtin: 'spiral' },
      network: {
        inputShape: [2],
        layers: [
          { type: 'dense', units, activation: { name: 'relu' } },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
      train: { seed },
    });
  const slow = (seed: number) => cell(8, seed);
  const fast = (seed: number) => cell(4, seed);

  function onePool() {
    const { launcher, workers } = fakeLauncher();
    let clock = 0;
    const pool = new EnginePool({ launcher, size: 1, cores: 1, now: () => clock });
    const started = () => workers[0]!.received.filter((m) => m.type === 'start').map((m) => (m as { runId: string }).runId);
    const finishAt = (ms: number, runId: string) => {
      clock = ms;
      workers[0]!.emit({ type: 'event', event: { type: 'finished', runId, metrics, epochs: 1, durationMs: 0 } });
    };
    return { pool, workers, started, finishAt };
  }

  it("starts a sweep's later seeds dearest cell first once every queued run has a finished twin", () => {
    const { pool, workers, started, finishAt } = onePool();
    pool.submit('slow1', slow(1));
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    pool.submit('fast1', fast(1));
    finishAt(100, 'slow1'); // slow's cell: 100 ms
    pool.submit('fast2', fast(2));
    pool.submit('slow2', slow(2));
    // fast's cell has no finished run yet: first in, first out would take fast2; nothing is decided before fast1 ends.
    finishAt(110, 'fast1'); // fast's cell: 10 ms; both queued runs are now known
    expect(started()).toEqual(['slow1', 'fast1', 'slow2']);
    finishAt(200, 'slow2');
    expect(started()).toEqual(['slow1', 'fast1', 'slow2', 'fast2']);
  });

  it('keeps first in, first out while any queued run is new (a run the user started, or a first seed)', () => {
    const { pool, workers, started, finishAt } = onePool();
    pool.submit('slow1', slow(1));
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    pool.submit('fast1', fast(1));
    finishAt(100, 'slow1');
    pool.submit('fast2', fast(2));
    pool.submit('slow2', slow(2));
    pool.submit('other', cell(16, 1));
    finishAt(110, 'fast1');
    expect(started()).toEqual(['slow1', 'fast1', 'fast2']);
  });

  it('learns only from runs that trained to their end (a failed or cancelled run says nothing about its cell)', () => {
    const { pool, workers, started, finishAt } = onePool();
    pool.submit('slow1', slow(1));
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    pool.submit('fast1', fast(1));
    pool.submit('fast2', fast(2));
    pool.submit('slow2', slow(2));
    workers[0]!.emit({ type: 'event', event: { type: 'failed', runId: 'slow1', error: 'boom' } });
    finishAt(50, 'fast1');
    expect(started()).toEqual(['slow1', 'fast1', 'fast2']); // slow's cell unknown: first in, first out
  });
});
