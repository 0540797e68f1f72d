// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type RunSummary } from '../../../contract/index.js';
import { setHost } from '../../../renderer/src/host.js';
import { useAppStore } from '../../../renderer/src/stores/app.js';
import { mergePoints, useRunsStore } from '../../../renderer/src/stores/runs.js';
import { MAX_COMPARED } from '../../../renderer/src/lib/compare.js';
import { fakeTransport } from './fake-transport.js';
import { experiment, point, summary } from './fixtures.js';

describe('runs store', () => {
  let stored: RunSummary[];
  let fake: ReturnType<typeof fakeTransport>;

  beforeEach(() => {
    setActivePinia(createPinia());
    stored = [summary('r1', { status: 'running', createdAt: '2025-01-01T10:00:00.000Z' })];
    fake = fakeTransport({
      'runs/list': () => stored,
      'runs/get': (p) => stored.find((r) => r.id === (p as { runId: string }).runId),
      'runs/metrics': () => [point(1), point(2)],
      'runs/start': () => summary('r2', { createdAt: '2025-01-02T10:00:00.000Z' }),
      'runs/cancel': () => summary('r1', { status: 'cancelled' }),
    });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
  });

  afterEach(() => setHost(null));

  it('replaces the comparison through its own action: order kept, unknown and repeated ids dropped, capped', async () => {
    stored = Array.from({ length: MAX_COMPARED + 2 }, (_, i) => summary(`c${i}`, { status: 'completed' }));
    const runs = useRunsStore();
    await runs.refresh();
    runs.toggleCompare('c0');
    const wanted = ['c3', 'nope', 'c1', 'c3', ...stored.map((r) => r.id)];
    const kept = await runs.setCompareSelection(wanted);
    const expected = ['c3', 'c1', ...stored.map((r) => r.id).filter((id) => id !== 'c3' && id !== 'c1')].slice(0, MAX_COMPARED);
    expect(kept).toEqual(expected);
    expect(runs.compareIds).toEqual(expected);
    expect(
      Object.keys(runs.points)
        .filter((id) => id.startsWith('c'))
        .sort(),
    ).toEqual([...new Set([...expected, 'c0'])].sort());
  });

  it('appends progress points and applies a terminal status', async () => {
    const runs = useRunsStore();
    await runs.refresh();
    expect(runs.selectedId).toBe('r1');
    expect(runs.selectedPoints.map((p) => p.epoch)).toEqual([1, 2]);

    runs.applyEvent({ type: 'progress', runId: 'r1', point: point(3), totalEpochs: 200, etaSeconds: 42 });
    runs.applyEvent({ type: 'progress', runId: 'r1', point: point(4), totalEpochs: 200, etaSeconds: 40 });
    runs.applyEvent({ type: 'progress', runId: 'r1', point: point(4), totalEpochs: 200, etaSeconds: 40 }); // duplicate
    expect(runs.points.r1!.map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
    expect(runs.selectedLive).toMatchObject({ epoch: 4, totalEpochs: 200, etaSeconds: 40 });
    expect(runs.selected?.epochsDone).toBe(4);

    const metrics = { trainLoss: 0.1, trainAcc: 0.97, valLoss: 0.12, valAcc: 0.95 };
    stored = [summary('r1', { status: 'completed', metrics, epochsDone: 200 })];
    runs.applyEvent({ type: 'finished', runId: 'r1', metrics, epochs: 200, durationMs: 1234 });
    expect(runs.selected?.status).toBe('completed');
    expect(runs.selected?.metrics.valAcc).toBe(0.95);
    expect(runs.selected?.finishedAt).not.toBeNull();
    expect(runs.selectedLive).toBeNull();
  });

  it('keeps how many cores the latest epoch trained on', async () => {
    const runs = useRunsStore();
    await runs.refresh();
    runs.applyEvent({ type: 'progress', runId: 'r1', point: point(3), totalEpochs: 200, etaSeconds: 42 });
    expect(runs.selectedLive?.cores).toBeUndefined();
    // A run alone that splits its batches across both cores says so per epoch; the view shows the latest.
    runs.applyEvent({ type: 'progress', runId: 'r1', point: point(4), totalEpochs: 200, etaSeconds: 38, cores: 2 });
    expect(runs.selectedLive).toMatchObject({ epoch: 4, cores: 2 });
    runs.applyEvent({ type: 'progress', runId: 'r1', point: point(5), totalEpochs: 200, etaSeconds: 36, cores: 1 });
    expect(runs.selectedLive?.cores).toBe(1);
  });

  it('applies failed, diverged and cancelled events', async () => {
    stored = [summary('a'), summary('b'), summary('c')];
    const runs = useRunsStore();
    await runs.refresh();
    const m = { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null };
    runs.applyEvent({ type: 'failed', runId: 'a', error: 'out of memory' });
    runs.applyEvent({ type: 'diverged', runId: 'b', step: 17, epoch: 1, layer: 'dense_2', metrics: m });
    runs.applyEvent({ type: 'cancelled', runId: 'c', epoch: 3, step: 75, metrics: m });
    expect(runs.find('a')).toMatchObject({ status: 'failed', error: 'out of memory' });
    expect(runs.find('b')).toMatchObject({ status: 'diverged', divergedAtStep: 17, divergedLayer: 'dense_2' });
    expect(runs.find('c')).toMatchObject({ status: 'cancelled', epochsDone: 3 });
  });

  it('keeps live points that arrive while the curve is being read', () => {
    expect(mergePoints([point(1), point(2)], [point(2), point(3)]).map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(mergePoints([], [point(5)]).map((p) => p.epoch)).toEqual([5]);
  });

  it('ends a run that finishes before the reply that started it, whatever order the replies come in', async () => {
    const runs = useRunsStore();
    await runs.refresh();
    // The host's view of r2 while its events race ahead of the HTTP replies.
    let hostStatus: RunSummary['status'] = 'running';
    let releaseGet!: () => void;
    const gate = new Promise<void>((resolve) => (releaseGet = resolve));
    fake.answers['runs/get'] = async () => {
      const status = hostStatus;
      await gate;
      return summary('r2', { status, createdAt: '2025-01-02T10:00:00.000Z' });
    };
    const startedEvent = {
      type: 'started',
      runId: 'r2',
      backend: 'wasm',
      tfjsVersion: '4.22.0',
      totalEpochs: 2,
      stepsPerEpoch: 3,
      trainSamples: 72,
      valSamples: 18,
    } as const;
    runs.applyEvent(startedEvent); // unknown run: read it (the read sees 'running')
    hostStatus = 'completed';
    runs.applyEvent({ type: 'finished', runId: 'r2', metrics: { trainLoss: 0.1, trainAcc: 1, valLoss: 0.2, valAcc: 1 }, epochs: 2, durationMs: 50 });
    releaseGet();
    await vi.waitFor(() => expect(runs.runs.find((r) => r.id === 'r2')?.status).toBe('completed'));
    // The late reply to runs/start (status queued) does not move it back.
    const started = await runs.start(experiment());
    expect(started?.id).toBe('r2');
    expect(runs.runs.find((r) => r.id === 'r2')?.status).toBe('completed');
  });

  it('starts a run, selects it and plots its live points from the first', async () => {
    const runs = useRunsStore();
    await runs.refresh();
    const started = await runs.start(experiment());
    expect(started?.id).toBe('r2');
    expect(runs.selectedId).toBe('r2');
    expect(runs.sorted.map((r) => r.id)).toEqual(['r2', 'r1']);
    runs.applyEvent({
      type: 'started',
      runId: 'r2',
      backend: 'cpu',
      tfjsVersion: '4.22.0',
      totalEpochs: 200,
      stepsPerEpoch: 25,
      trainSamples: 800,
      valSamples: 200,
    });
    expect(runs.selected).toMatchObject({ status: 'running', backend: 'cpu' });
    runs.applyEvent({ type: 'progress', runId: 'r2', point: point(1), totalEpochs: 200, etaSeconds: null });
    expect(runs.selectedPoints).toHaveLength(1);
    const startCall = fake.calls.find((c) => c.method === 'runs/start');
    expect(startCall?.payload).toMatchObject({ experiment: { dataset: { builtin: 'spiral' } } });
  });

  it('listens to events and re-reads the list on every (re)connect', async () => {
    const runs = useRunsStore();
    runs.connect();
    fake.reconnect();
    await vi.waitFor(() => expect(runs.loaded).toBe(true));
    fake.emit({ type: 'progress', runId: 'r1', point: point(3), totalEpochs: 200, etaSeconds: 1 });
    fake.emit({ type: 'progress', runId: 'r1', point: { bad: true } }); // invalid: dropped by the client
    await vi.waitFor(() => expect(runs.points.r1?.map((p) => p.epoch)).toEqual([1, 2, 3]));

    stored = [summary('r1', { status: 'completed' })];
    fake.reconnect();
    await vi.waitFor(() => expect(runs.find('r1')?.status).toBe('completed'));
    runs.disconnect();
    fake.emit({ type: 'failed', runId: 'r1', error: 'x' });
    expect(runs.find('r1')?.status).toBe('completed');
  });

  it('reports a refused call in the app banner', async () => {
    const failing = fakeTransport({});
    setHost({ transport: failing.transport, client: createClient(failing.transport) });
    const runs = useRunsStore();
    await runs.refresh();
    expect(useAppStore().problem).not.toBeNull();
    expect(runs.loading).toBe(false);
  });
});
