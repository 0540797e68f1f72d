// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { ExperimentSpec } from '../../../contract/index.js';
import { decodeDraft, DRAFT_STORAGE_KEY, encodeDraft, readStoredDraft, type DraftStorage } from '../../../renderer/src/lib/draft-storage.js';
import { defaultDraft, toExperimentInput } from '../../../renderer/src/lib/experiment-draft.js';
import { experimentFileName, experimentToJson, parseExperimentFile } from '../../../renderer/src/lib/experiment-io.js';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';

/** An in-memory Storage stand-in that can be made to refuse writes (a full or blocked localStorage). */
class MemoryStorage implements DraftStorage {
  readonly items = new Map<string, string>();
  refuse = false;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.refuse) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
}

/** A deep tanh net on MNIST-like input with N(0, 0.02) kernels: the kind of draft a user builds. */
function deepTanhExperiment(): ExperimentSpec {
  const hidden = Array.from({ length: 6 }, () => ({
    type: 'dense' as const,
    units: 64,
    activation: { name: 'tanh' as const },
    kernelInitializer: { name: 'normal' as const, mean: 0, std: 0.02 },
  }));
  return ExperimentSpec.parse({
    name: 'deep tanh N(0,0.02)',
    dataset: { builtin: 'multiSpiral', samples: 600, noise: 0.2, seed: 3, classes: 4 },
    network: {
      name: 'network',
      inputShape: [2],
      layers: [...hidden, { type: 'dense', units: 4, activation: { name: 'softmax' } }],
    },
    train: { epochs: 7, batchSize: 16, optimizer: { name: 'sgd', learningRate: 0.05 }, seed: 11, statsEvery: 3 },
  });
}

describe('draft storage', () => {
  it('round-trips a draft and drops what the contract does not know', () => {
    const draft = defaultDraft();
    draft.name = 'my study';
    draft.train.epochs = 9;
    const text = encodeDraft(draft)!;
    const parsed = JSON.parse(text) as { version: number; draft: { extra?: number } };
    parsed.draft.extra = 1;
    const back = decodeDraft(JSON.stringify(parsed))!;
    expect(back).toEqual(draft);
    expect('extra' in back).toBe(false);
  });

  it('does not store an incomplete draft (NaN while typing), so the last complete one stays', () => {
    const draft = defaultDraft();
    draft.train.epochs = Number.NaN;
    expect(encodeDraft(draft)).toBeNull();
    const layer = draft.network.layers[0]!;
    if (layer.type === 'dense') layer.units = 0;
    draft.train.epochs = 5;
    expect(encodeDraft(draft)).toBeNull();
  });

  it('falls back (null) on corrupt, foreign, old-version and contract-refused stored text', () => {
    const good = JSON.parse(encodeDraft(defaultDraft())!) as { version: number; draft: Record<string, unknown> };
    expect(decodeDraft(null)).toBeNull();
    expect(decodeDraft('{"version":1,"draft":')).toBeNull();
    expect(decodeDraft('[]')).toBeNull();
    expect(decodeDraft('null')).toBeNull();
    expect(decodeDraft(JSON.stringify({ ...good, version: 0 }))).toBeNull();
    expect(
      decodeDraft(JSON.stringify({ version: 1, draft: { ...good.draft, network: { inputShape: [2], layers: [{ type: 'dense', units: -3 }] } } })),
    ).toBeNull();
    expect(decodeDraft(JSON.stringify({ version: 1, draft: { ...good.draft, storedDatasetId: '../../etc/passwd' } }))).toBeNull();
    expect(decodeDraft(JSON.stringify({ version: 1, draft: { ...good.draft, dataset: { builtin: 'nope' } } }))).toBeNull();
    const storage = new MemoryStorage();
    storage.items.set(DRAFT_STORAGE_KEY, 'not json at all');
    expect(readStoredDraft(storage)).toBeNull();
    expect(readStoredDraft(null)).toBeNull();
  });

  it('fills defaults of training fields an older build did not store', () => {
    const stored = JSON.parse(encodeDraft(defaultDraft())!) as { version: number; draft: { train: Record<string, unknown> } };
    delete stored.draft.train.probeSize;
    delete stored.draft.train.lrSchedule;
    delete stored.draft.train.earlyStop;
    const back = decodeDraft(JSON.stringify(stored))!;
    expect(back.train).toMatchObject({ probeSize: 128, lrSchedule: { name: 'constant' }, earlyStop: null, epochs: 200 });
  });
});

describe('experiment store persistence', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('restores the stored draft after a "reload", starts undo history there and keeps storing edits', async () => {
    const storage = new MemoryStorage();
    const first = useExperimentStore();
    first.startPersistence(storage);
    first.load(deepTanhExperiment());
    await nextTick();
    const layer = first.draft.network.layers[1]!;
    if (layer.type !== 'dense') throw new Error('expected a dense layer');
    layer.units = 48;
    await nextTick();
    const before = ExperimentSpec.parse(toExperimentInput(first.draft));

    setActivePinia(createPinia()); // a reload: a fresh store, the same storage
    const second = useExperimentStore();
    expect(second.draft.network.layers).toHaveLength(3); // the default, until persistence starts
    second.startPersistence(storage);
    expect(ExperimentSpec.parse(toExperimentInput(second.draft))).toEqual(before);
    expect(second.draft.name).toBe('deep tanh N(0,0.02)');
    expect(second.layerKeys).toHaveLength(7);
    await nextTick();
    expect(second.canUndo).toBe(false); // the restored draft is where this session's history starts

    second.draft.train.epochs = 3;
    await nextTick();
    expect(decodeDraft(storage.getItem(DRAFT_STORAGE_KEY))?.train.epochs).toBe(3);
    second.draft.train.epochs = Number.NaN; // being typed: the last complete draft stays stored
    await nextTick();
    expect(decodeDraft(storage.getItem(DRAFT_STORAGE_KEY))?.train.epochs).toBe(3);
    second.undo();
    expect(second.draft.train.epochs).toBe(7);
  });

  it('keeps working when the storage refuses writes or holds garbage', async () => {
    const storage = new MemoryStorage();
    storage.items.set(DRAFT_STORAGE_KEY, '{"version":1,"draft":{"network":42}}');
    storage.refuse = true;
    const store = useExperimentStore();
    store.startPersistence(storage);
    expect(store.isValid).toBe(true);
    expect(store.draft).toEqual(defaultDraft());
    store.draft.train.epochs = 4;
    await nextTick();
    expect(store.draft.train.epochs).toBe(4);
  });

  it('"Open in Build" restores a run\'s experiment exactly, as one undo step', async () => {
    const store = useExperimentStore();
    const experiment = deepTanhExperiment();
    store.load(experiment, false);
    expect(ExperimentSpec.parse(toExperimentInput(store.draft))).toEqual(experiment);
    await nextTick();
    store.undo();
    expect(store.draft.network.layers).toHaveLength(3);
  });

  it('"Open in Build" of a run on an imported dataset keeps its id and the built-in settings aside', () => {
    const store = useExperimentStore();
    const experiment = ExperimentSpec.parse({ ...deepTanhExperiment(), dataset: { id: 'ds_0123456789abcdef' } });
    store.load(experiment, false);
    expect(store.draft.storedDatasetId).toBe('ds_0123456789abcdef');
    expect(store.draft.dataset.builtin).toBe('spiral');
    expect(ExperimentSpec.parse(toExperimentInput(store.draft))).toEqual(experiment);
  });
});

describe('experiment files', () => {
  it('saves the whole experiment and reads it back identically', () => {
    const experiment = deepTanhExperiment();
    const read = parseExperimentFile(experimentToJson(experiment));
    expect(read).toEqual({ ok: true, kind: 'experiment', experiment });
    expect(experimentFileName(experiment)).toBe('deep-tanh-N(0,0.02).json');
    expect(experimentFileName({ name: '../..' })).toBe('experiment.json');
  });

  it('still opens network-only files, and names the bad field of a broken experiment', () => {
    const network = parseExperimentFile(JSON.stringify({ inputShape: [2], layers: [{ type: 'dense', units: 3 }] }));
    expect(network.ok && network.kind).toBe('network');
    const bad = parseExperimentFile(JSON.stringify({ ...deepTanhExperiment(), train: { epochs: 0 } }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.kind === 'schema' && bad.issues[0]?.path).toBe('train.epochs');
    const json = parseExperimentFile('{\n  "name": "x",\n  oops\n}');
    expect(json).toMatchObject({ ok: false, kind: 'json', line: 3 });
  });
});

describe('statistics cadence', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('defaults to auto: at least 40 records whatever the run length; stored numbers keep parsing', async () => {
    const { resolveStatsEvery, TrainConfig } = await import('../../../contract/index.js');
    expect(TrainConfig.parse({}).statsEvery).toBe('auto');
    expect(TrainConfig.parse({ statsEvery: 50 }).statsEvery).toBe(50);
    expect(defaultDraft().train.statsEvery).toBe('auto');
    // A 4-epoch MNIST run: 10,000 digits, 80 % for training, batch 64 → 125 steps an epoch, 500 in all.
    const steps = 4 * Math.ceil(8000 / 64);
    const every = resolveStatsEvery('auto', steps);
    expect(every).toBe(12);
    const records = 1 + Math.floor(steps / every); // step 1, then every K-th step
    expect(records).toBeGreaterThanOrEqual(40);
    expect(1 + Math.floor(steps / 50)).toBe(11); // the old fixed default
    expect(resolveStatsEvery('auto', 7)).toBe(1);
    expect(resolveStatsEvery('auto', 1_000_000)).toBe(25_000);
    expect(resolveStatsEvery(0, 500)).toBe(0);
  });

  it('phrases a bad typed cadence as a number problem, not "invalid input"', () => {
    const store = useExperimentStore();
    store.draft.train.statsEvery = 2.5;
    expect(store.errorAt('train.statsEvery')).toMatchObject({ code: 'invalid_type', params: { expected: 'int' } });
    store.draft.train.statsEvery = Number.NaN;
    expect(store.errorAt('train.statsEvery')).toMatchObject({ code: 'invalid_type', params: { expected: 'number' } });
    store.draft.train.statsEvery = -1;
    expect(store.errorAt('train.statsEvery')?.code).toBe('too_small');
  });
});
