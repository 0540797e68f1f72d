// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, InitScopeError, SweepSpec, type SweepCell, type SweepInfo, type SweepProgress, type SweepSummary } from '../../../contract/index.js';
import { expandSweep, planSweep } from '../../../main/services/sweep-expand.js';
import { setHost } from '../../../renderer/src/host.js';
import { useRunsStore } from '../../../renderer/src/stores/runs.js';
import { buildSweepInput, defaultSweepDraft, draftRunCount, heatmapCellRunIds, parseNumberList, useSweepsStore } from '../../../renderer/src/stores/sweeps.js';
import { failedEvent } from '../http/fake-services.js';
import { fakeTransport } from './fake-transport.js';
import { experiment, summary as runSummary } from './fixtures.js';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function progress(sweepId: string, done: number, total = 4): SweepProgress {
  const counts = { queued: total - done, running: 0, completed: done, cancelled: 0, failed: 0, diverged: 0, interrupted: 0 };
  return { sweepId, status: done === total ? 'completed' : 'running', total, done, failures: 0, counts, etaSeconds: done ? 3 : null };
}

/** A stored 2×2 sweep (initializer × activation, 1 seed) as `sweeps/list` returns it. */
function sweepInfo(id: string, createdAt = '2025-01-01T10:00:00.000Z'): SweepInfo {
  const input = buildSweepInput(experiment(), { ...defaultSweepDraft(), seeds: 1 })!;
  const spec = SweepSpec.parse(input);
  return {
    id,
    name: spec.name,
    status: 'running',
    spec,
    axes: planSweep(spec).axes,
    createdAt,
    finishedAt: null,
    progress: progress(id, 0),
  };
}

function cell(initializer: number, activation: number, runIds: string[], mean: number | null, rank: number | null): SweepCell {
  return {
    coords: { initializer, activation },
    labels: {},
    runIds,
    n: runIds.length,
    mean,
    std: null,
    min: mean,
    max: mean,
    diverged: 0,
    failed: 0,
    pending: 0,
    reachedTarget: 0,
    meanEpochsToTarget: null,
    rank,
    welchVsBest: null,
  };
}

/** A summary of the 2×2 sweep with 2 seeds per cell; cell (i, a) holds runs `r<i><a>s0`, `r<i><a>s1`. */
function sweepSummary(id: string, overrides: Partial<SweepSummary> = {}): SweepSummary {
  const ids = (i: number, a: number) => [`r${i}${a}s0`, `r${i}${a}s1`];
  const info = sweepInfo(id);
  return {
    sweepId: id,
    name: info.name,
    status: 'running',
    metric: 'valAcc',
    targetAccuracy: 0.9,
    axes: info.axes,
    seeds: 2,
    progress: progress(id, 2),
    ranked: [cell(1, 0, ids(1, 0), 0.9, 1), cell(0, 1, ids(0, 1), 0.8, 2), cell(0, 0, ids(0, 0), 0.7, 3), cell(1, 1, ids(1, 1), null, null)],
    heatmap: {
      rowAxis: 'initializer',
      colAxis: 'activation',
      rowLabels: ['glorotNormal', 'heNormal'],
      colLabels: ['tanh', 'relu'],
      mean: [
        [0.7, 0.8],
        [0.9, null],
      ],
      std: [
        [null, null],
        [null, null],
      ],
      n: [
        [2, 2],
        [2, 0],
      ],
      diverged: [
        [0, 0],
        [0, 2],
      ],
    },
    ...overrides,
  };
}

describe('sweep form helpers', () => {
  it('parses number lists and names the first bad value', () => {
    const rate = { min: 0, max: 100, positive: true };
    const whole = { integer: true, min: 1, max: 64 };
    expect(parseNumberList('0.1, 1e-2；0.001', rate)).toEqual({ values: [0.1, 0.01, 0.001], problem: null });
    expect(parseNumberList('   ', rate)).toEqual({ values: [], problem: null });
    expect(parseNumberList('0.1, fast', rate).problem).toEqual({ code: 'notNumber', value: 'fast' });
    expect(parseNumberList('0', rate).problem).toEqual({ code: 'positive', value: '0' });
    expect(parseNumberList('2 4.5', whole).problem).toEqual({ code: 'integer', value: '4.5' });
    expect(parseNumberList('2 0', whole).problem).toEqual({ code: 'min', value: '1' });
    expect(parseNumberList('2 65', whole).problem).toEqual({ code: 'max', value: '64' });
    expect(parseNumberList('2, 4, 2', whole).problem).toEqual({ code: 'duplicate', value: '2' });
    const many = Array.from({ length: 65 }, (_, i) => i + 1).join(',');
    expect(parseNumberList(many, { integer: true, min: 1, max: 1000 }).problem).toEqual({ code: 'tooMany', value: '64' });
  });

  it('builds a sweep the contract accepts, whose size matches the host expansion', () => {
    const base = experiment();
    const draft = { ...defaultSweepDraft(), optimizers: ['sgd', 'adam'] as const, learningRates: '0.1, 0.01', depths: '1 3', seeds: 2 };
    const input = buildSweepInput(base, { ...draft, optimizers: [...draft.optimizers] })!;
    const spec = SweepSpec.parse(input);
    expect(spec.axes.initializer?.map((i) => i.name)).toEqual(['glorotNormal', 'heNormal']);
    expect(spec.axes.activation).toEqual([{ name: 'tanh' }, { name: 'relu' }]);
    expect(spec.axes.optimizer?.map((o) => [o.name, o.learningRate])).toEqual([
      ['sgd', base.train.optimizer.learningRate],
      ['adam', base.train.optimizer.learningRate],
    ]);
    expect(spec.axes.batchSize).toBeUndefined(); // empty field: not varied
    // 2 initializers × 2 activations × 2 optimizers × 2 rates × 2 depths × 2 seeds = 64, counted by the host independently.
    const local = draftRunCount({ ...draft, optimizers: [...draft.optimizers] });
    expect(local).toBe(64);
    expect(planSweep(spec).total).toBe(local);
    const runs = expandSweep(spec).runs;
    expect(runs).toHaveLength(64);
    // depth 3 rebuilds the 2-hidden-layer base with 3 hidden dense layers (+ the output layer).
    const deep = runs.find((r) => r.coords.depth === 1)!;
    expect(deep.experiment.network.layers.filter((l) => l.type === 'dense')).toHaveLength(4);
  });

  it('counts nothing while a field is invalid, and leaves every empty axis out', () => {
    expect(draftRunCount({ ...defaultSweepDraft(), batchSizes: '32, x' })).toBe(0);
    expect(buildSweepInput(experiment(), { ...defaultSweepDraft(), batchSizes: '32, x' })).toBeNull();
    const seedsOnly = buildSweepInput(experiment(), { ...defaultSweepDraft(), initializers: [], activations: [], seeds: 5 })!;
    expect(seedsOnly.axes).toEqual({ seeds: 5 });
    expect(draftRunCount({ ...defaultSweepDraft(), initializers: [], activations: [], seeds: 5 })).toBe(5);
  });

  it('sweeps σ, gain and the leaky slope: one axis value per listed parameter, as the host expands it', () => {
    const draft = {
      ...defaultSweepDraft(),
      initializers: ['normal', 'orthogonal'] as ('normal' | 'orthogonal')[],
      initializerParams: { normal: '0.01, 0.1, 1', orthogonal: '1.41' },
      activations: ['leakyRelu', 'tanh'] as ('leakyRelu' | 'tanh')[],
      activationParams: { leakyRelu: '0.01 0.2' },
      seeds: 1,
    };
    const spec = SweepSpec.parse(buildSweepInput(experiment(), draft)!);
    expect(spec.axes.initializer).toEqual([
      { name: 'normal', mean: 0, std: 0.01 },
      { name: 'normal', mean: 0, std: 0.1 },
      { name: 'normal', mean: 0, std: 1 },
      { name: 'orthogonal', gain: 1.41 },
    ]);
    expect(spec.axes.activation).toEqual([{ name: 'leakyRelu', alpha: 0.01 }, { name: 'leakyRelu', alpha: 0.2 }, { name: 'tanh' }]);
    // 4 initializer values × 3 activation values × 1 seed, counted by the host independently.
    expect(draftRunCount(draft)).toBe(12);
    expect(planSweep(spec).total).toBe(12);
    const run = expandSweep(spec).runs.find((r) => r.coords.initializer === 2 && r.coords.activation === 1)!;
    const hidden = run.experiment.network.layers[0] as { kernelInitializer: unknown; activation: unknown };
    expect(hidden.kernelInitializer).toEqual({ name: 'normal', mean: 0, std: 1 });
    expect(hidden.activation).toEqual({ name: 'leakyRelu', alpha: 0.2 });
    // No text: the contract's default, one value. A bad value: nothing to run.
    expect(SweepSpec.parse(buildSweepInput(experiment(), { ...draft, initializerParams: {} })!).axes.initializer).toEqual([
      { name: 'normal', mean: 0, std: 0.02 },
      { name: 'orthogonal', gain: 1 },
    ]);
    const bad = { ...draft, activationParams: { leakyRelu: '0.01, 2' } };
    expect(buildSweepInput(experiment(), bad)).toBeNull();
    expect(draftRunCount(bad)).toBe(0);
    expect(draftRunCount({ ...draft, initializerParams: { normal: '-1' } })).toBe(0);
  });

  it('maps a heatmap cell to the runs pooled in it', () => {
    const s = sweepSummary('s1');
    expect(heatmapCellRunIds(s, 1, 0)).toEqual(['r10s0', 'r10s1']);
    expect(heatmapCellRunIds(s, 0, 1)).toEqual(['r01s0', 'r01s1']);
    // One axis only: a row pools every cell with that initializer, best first.
    const oneColumn = sweepSummary('s1', { heatmap: { ...s.heatmap!, colAxis: null, colLabels: ['(all)'] } });
    expect(heatmapCellRunIds(oneColumn, 0, 0)).toEqual(['r01s0', 'r01s1', 'r00s0', 'r00s1']);
  });
});

describe('sweeps store', () => {
  let fake: ReturnType<typeof fakeTransport>;
  let stored: SweepInfo[];
  let summaries: Array<Record<string, unknown>>;

  beforeEach(() => {
    setActivePinia(createPinia());
    stored = [sweepInfo('s1', '2025-01-01T10:00:00.000Z'), sweepInfo('s2', '2025-01-02T10:00:00.000Z')];
    summaries = [];
    fake = fakeTransport({
      'sweeps/list': () => stored,
      'sweeps/get': (p) => ({ ...sweepInfo((p as { sweepId: string }).sweepId), runs: [] }),
      'sweeps/summary': (p) => {
        summaries.push(p as Record<string, unknown>);
        return sweepSummary((p as { sweepId: string }).sweepId);
      },
      'sweeps/cancel': (p) => ({ ...sweepInfo((p as { sweepId: string }).sweepId), status: 'cancelled' }),
      'runs/list': () => ['r10s0', 'r10s1'].map((id) => runSummary(id, { status: 'completed' })),
      'runs/metrics': () => [],
      'runs/layerStats': () => [],
    });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
  });
  afterEach(() => setHost(null));

  it('lists sweeps newest first and shows the newest with its summary', async () => {
    const sweeps = useSweepsStore();
    await sweeps.refresh();
    expect(sweeps.sorted.map((s) => s.id)).toEqual(['s2', 's1']);
    expect(sweeps.selectedId).toBe('s2');
    expect(sweeps.creating).toBe(false);
    expect(sweeps.summary?.sweepId).toBe('s2');
    expect(summaries).toEqual([{ sweepId: 's2', metric: 'valAcc' }]);
  });

  it('keeps the newest plan when answers arrive out of order, and shows a refusal with its numbers', async () => {
    const pending: Array<(v: unknown) => void> = [];
    fake = fakeTransport({
      'sweeps/plan': (p) => {
        const spec = SweepSpec.parse((p as { sweep: unknown }).sweep);
        if (spec.axes.seeds === 100) throw new InitScopeError('invalid_input', 'Sweep "x" is too large', { total: 2400, maxRuns: 2000 });
        return new Promise((resolve) => pending.push(() => resolve(planSweep(spec))));
      },
    });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
    const sweeps = useSweepsStore();
    const base = experiment();
    const slow = sweeps.requestPlan(buildSweepInput(base, { ...defaultSweepDraft(), seeds: 1 }));
    const fast = sweeps.requestPlan(buildSweepInput(base, { ...defaultSweepDraft(), seeds: 2 }));
    pending[1]!(null);
    await fast;
    pending[0]!(null);
    await slow;
    expect(sweeps.plan?.total).toBe(8); // 2 × 2 × 2 seeds, not the older 2 × 2 × 1
    expect(sweeps.planning).toBe(false);

    await sweeps.requestPlan(buildSweepInput(base, { ...defaultSweepDraft(), seeds: 100 }));
    expect(sweeps.plan).toBeNull();
    expect(sweeps.planProblem).toEqual({ message: 'Sweep "x" is too large', total: 2400, maxRuns: 2000 });
  });

  it('applies sweep events from the channel, ignores run events, and reads an unknown sweep', async () => {
    const sweeps = useSweepsStore();
    await sweeps.refresh();
    sweeps.connect();
    expect(fake.listenerCount()).toBe(1);
    fake.emit(failedEvent('r1')); // a run event: not for this store
    fake.emit({ type: 'sweepProgress', sweepId: 's1', progress: progress('s1', 3) });
    expect(sweeps.sweeps.find((s) => s.id === 's1')?.progress).toMatchObject({ done: 3, etaSeconds: 3 });
    fake.emit({ type: 'sweepProgress', sweepId: 's9', progress: progress('s9', 1) });
    await flush();
    expect(fake.calls.filter((c) => c.method === 'sweeps/get').map((c) => c.payload)).toEqual([{ sweepId: 's9' }]);
    expect(sweeps.sweeps.map((s) => s.id)).toContain('s9');

    // The shown sweep ends: its status, progress and a fresh summary.
    const before = summaries.length;
    fake.emit({ type: 'sweepFinished', sweepId: 's2', status: 'completed', summary: sweepSummary('s2', { progress: progress('s2', 4) }) });
    await flush();
    expect(sweeps.selected?.status).toBe('completed');
    expect(sweeps.selected?.progress.done).toBe(4);
    expect(summaries.length).toBe(before + 1);
    sweeps.disconnect();
    expect(fake.listenerCount()).toBe(0);
  });

  it('changes the heatmap axes (picking the column axis as rows swaps them) and the metric', async () => {
    const sweeps = useSweepsStore();
    await sweeps.refresh();
    await sweeps.setQuery({ rowAxis: 'activation' });
    expect(summaries.at(-1)).toEqual({ sweepId: 's2', metric: 'valAcc', rowAxis: 'activation', colAxis: 'initializer' });
    await sweeps.setQuery({ metric: 'valLoss', targetAccuracy: 0.8 });
    expect(summaries.at(-1)).toMatchObject({ metric: 'valLoss', targetAccuracy: 0.8 });
  });

  it('cancels a sweep and picks a cell’s runs for Compare: replace, add, undo', async () => {
    fake = fakeTransport({
      'sweeps/list': () => stored,
      'sweeps/summary': (p) => sweepSummary((p as { sweepId: string }).sweepId),
      'sweeps/cancel': (p) => ({ ...sweepInfo((p as { sweepId: string }).sweepId), status: 'cancelled' }),
      'runs/list': () => ['r10s0', 'r10s1', 'r01s0', 'r01s1', 'other'].map((id) => runSummary(id, { status: 'completed' })),
      'runs/metrics': () => [],
      'runs/layerStats': () => [],
    });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
    const sweeps = useSweepsStore();
    const runs = useRunsStore();
    await sweeps.refresh();
    await sweeps.cancel('s2');
    expect(sweeps.selected?.status).toBe('cancelled');
    await runs.refresh();
    await runs.setCompareSelection(['other']);
    expect(await sweeps.compareRuns(heatmapCellRunIds(sweeps.summary!, 1, 0), 'add')).toBe(2);
    expect(runs.compareIds).toEqual(['other', 'r10s0', 'r10s1']);
    await sweeps.undoCompare();
    expect(runs.compareIds).toEqual(['other']);
    expect(await sweeps.compareRuns(heatmapCellRunIds(sweeps.summary!, 0, 1), 'replace')).toBe(2);
    expect(runs.compareIds).toEqual(['r01s0', 'r01s1']);
    await sweeps.undoCompare();
    expect(runs.compareIds).toEqual(['other']);
  });

  it('shows results as runs end: a read at once per progress event, and an answer not dropped for a later read of the same query', async () => {
    const pending: Array<{ done: number; resolve: (v: SweepSummary) => void }> = [];
    let done = 0;
    fake = fakeTransport({
      'sweeps/list': () => stored,
      'sweeps/summary': (p) => {
        const id = (p as { sweepId: string }).sweepId;
        const at = done;
        return new Promise<SweepSummary>((resolve) => pending.push({ done: at, resolve: () => resolve(sweepSummary(id, { progress: progress(id, at) })) }));
      },
    });
    setHost({ transport: fake.transport, client: createClient(fake.transport) });
    const sweeps = useSweepsStore();
    const loaded = sweeps.refresh();
    await flush();
    pending.shift()!.resolve(null as never);
    await loaded;
    sweeps.connect();
    done = 1;
    fake.emit({ type: 'sweepProgress', sweepId: 's2', progress: progress('s2', 1) });
    await flush();
    expect(pending.map((r) => r.done)).toEqual([1]); // read at once, no timer
    done = 2;
    fake.emit({ type: 'sweepProgress', sweepId: 's2', progress: progress('s2', 2) });
    await flush();
    expect(pending).toHaveLength(1); // one read in flight; the next waits for it
    pending.shift()!.resolve(null as never);
    await flush();
    await flush();
    expect(sweeps.summary?.progress.done).toBe(1); // shown although a newer read left after it
    expect(pending.map((r) => r.done)).toEqual([2]);
    pending.shift()!.resolve(null as never);
    await flush();
    await flush();
    expect(sweeps.summary?.progress.done).toBe(2);
    sweeps.disconnect();
  });
});
