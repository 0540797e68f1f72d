// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { ExperimentSpec } from '../../../contract/index.js';
import en from '../../../renderer/src/i18n/en.js';
import { describeIssue } from '../../../renderer/src/lib/issues.js';
import { useDatasetsStore } from '../../../renderer/src/stores/datasets.js';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';
import { defaultDraft } from '../../../renderer/src/lib/experiment-draft.js';

/** A tiny stand-in for vue-i18n's `t` over the English messages. */
function t(key: string, named: Record<string, unknown> = {}): string {
  const raw = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], en);
  const text = String(raw).split(' | ').pop() ?? '';
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(named[name]));
}
const tc = (key: string, named: Record<string, unknown>) => t(key, named);

describe('experiment store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.restoreAllMocks());

  it('starts from a valid default experiment', () => {
    const store = useExperimentStore();
    expect(store.isValid).toBe(true);
    expect(store.issues).toEqual([]);
    const spec = store.spec!;
    expect(ExperimentSpec.safeParse(spec).success).toBe(true);
    expect(spec.dataset).toMatchObject({ builtin: 'spiral', samples: 1000, noise: 0.1 });
    expect(spec.network.inputShape).toEqual([2]);
    expect(spec.network.layers.map((l) => (l.type === 'dense' ? [l.units, l.activation.name, l.kernelInitializer.name] : []))).toEqual([
      [16, 'tanh', 'glorotNormal'],
      [16, 'tanh', 'glorotNormal'],
      [2, 'softmax', 'glorotNormal'],
    ]);
    expect(spec.train).toMatchObject({ epochs: 200, batchSize: 32, seed: 1 });
    expect(spec.train.optimizer).toMatchObject({ name: 'adam', learningRate: 0.01 });
  });

  it('names the bad field when a layer has 0 units', () => {
    const store = useExperimentStore();
    const layer = store.draft.network.layers[0]!;
    if (layer.type !== 'dense') throw new Error('expected a dense layer');
    layer.units = 0;
    expect(store.isValid).toBe(false);
    expect(store.spec).toBeNull();
    expect(Object.keys(store.errors)).toEqual(['network.layers.0.units']);
    expect(store.errorAt('network.layers.0.units')?.code).toBe('too_small');
    expect(describeIssue(store.issues[0]!, t, tc)).toBe('Layer 1 units: must be at least 1');
  });

  it('reports empty (NaN) and out-of-range numbers by field', () => {
    const store = useExperimentStore();
    store.draft.train.epochs = Number.NaN;
    store.draft.train.validationSplit = 0.95;
    store.draft.dataset.samples = 12.5;
    expect(Object.keys(store.errors).sort()).toEqual(['dataset.samples', 'train.epochs', 'train.validationSplit']);
    const texts = store.issues.map((i) => describeIssue(i, t, tc)).sort();
    expect(texts).toEqual(['Epochs: must be a number', 'Samples: must be a whole number', 'Validation split: must be at most 0.9']);
  });

  it('checks the output width against the dataset classes', () => {
    const datasets = useDatasetsStore();
    datasets.list = [{ name: 'spiral', builtin: true, inputShape: [2], numClasses: 3, description: '', defaultSamples: 1000 }];
    const store = useExperimentStore();
    expect(store.errorAt('network.layers.2.units')?.code).toBe('outputUnits');
    store.adoptDatasetShape();
    expect(store.isValid).toBe(true);
    const out = store.draft.network.layers[2]!;
    expect(out.type === 'dense' && out.units).toBe(3);
  });

  it('edits layers: add, move, remove, apply an initializer to hidden layers', () => {
    const store = useExperimentStore();
    store.addLayer();
    expect(store.draft.network.layers).toHaveLength(4);
    expect(store.layerKeys).toHaveLength(4);
    expect(store.hiddenIndices).toEqual([0, 1, 2]);

    store.setInitializer(0, 'varianceScaling');
    const first = store.draft.network.layers[0]!;
    if (first.type !== 'dense') throw new Error('expected a dense layer');
    expect(first.kernelInitializer).toEqual({ name: 'varianceScaling', scale: 1, mode: 'fanIn', distribution: 'normal' });
    expect(store.applyInitializerToHidden(0)).toBe(3);
    const names = store.draft.network.layers.map((l) => (l.type === 'dense' ? l.kernelInitializer.name : ''));
    expect(names).toEqual(['varianceScaling', 'varianceScaling', 'varianceScaling', 'glorotNormal']);

    const keys = [...store.layerKeys];
    store.moveLayer(0, 1);
    expect(store.layerKeys).toEqual([keys[1], keys[0], keys[2], keys[3]]);
    store.removeLayer(0);
    expect(store.draft.network.layers).toHaveLength(3);
    expect(store.layerKeys).toEqual([keys[0], keys[2], keys[3]]);
    expect(store.isValid).toBe(true);
  });

  it('fills parameter defaults when an activation or optimizer changes', () => {
    const store = useExperimentStore();
    store.setActivation(0, 'leakyRelu');
    const layer = store.draft.network.layers[0]!;
    expect(layer.type === 'dense' && layer.activation).toEqual({ name: 'leakyRelu', alpha: 0.01 });
    store.setOptimizer('momentum');
    expect(store.draft.train.optimizer).toEqual({ name: 'momentum', learningRate: 0.01, momentum: 0.9, nesterov: false });
  });

  it('undoes and redoes structure edits and field edits, in order', async () => {
    const store = useExperimentStore();
    const types = () => store.draft.network.layers.map((l) => l.type);
    expect(store.canUndo).toBe(false);
    store.insertLayer('dropout', 0);
    store.moveLayerTo(0, 2);
    expect(types()).toEqual(['dense', 'dense', 'dropout', 'dense']);
    const layer = store.draft.network.layers[0]!;
    if (layer.type !== 'dense') throw new Error('expected a dense layer');
    layer.units = 7;
    await nextTick();
    store.undo(); // the units edit
    expect(store.draft.network.layers[0]).toMatchObject({ units: 16 });
    store.undo(); // the move
    expect(types()).toEqual(['dropout', 'dense', 'dense', 'dense']);
    store.undo(); // the insertion
    expect(types()).toEqual(['dense', 'dense', 'dense']);
    expect(store.canUndo).toBe(false);
    await nextTick();
    store.redo();
    store.redo();
    expect(types()).toEqual(['dense', 'dense', 'dropout', 'dense']);
    expect(store.layerKeys).toHaveLength(4);
  });

  it('blocks training on a shape error and names the layer', () => {
    const store = useExperimentStore();
    store.insertLayer('conv2d', 0);
    expect(store.spec).toBeNull();
    expect(store.layerIssue(0)).toMatchObject({ path: 'network.layers.0', code: 'shape', params: { shapeCode: 'needsImage' } });
    expect(describeIssue(store.layerIssue(0)!, t, tc)).toBe('Layer 1: needs an image input [height, width, channels] but receives [2]');
    store.undo();
    expect(store.isValid).toBe(true);
  });

  it('applies an activation to every hidden weight layer and loads presets', () => {
    const store = useExperimentStore();
    store.setActivation(0, 'relu');
    expect(store.applyActivationToHidden(0)).toBe(2);
    expect(store.draft.network.layers.map((l) => (l.type === 'dense' ? l.activation.name : ''))).toEqual(['relu', 'relu', 'softmax']);
    expect(store.applyPreset('mnistMlp')).toBe(true);
    expect(store.draft.dataset.builtin).toBe('mnist');
    expect(store.parameterCount).toBe(235_146);
    store.undo();
    expect(store.draft.dataset.builtin).toBe('spiral');
  });

  it('a preset resets the whole experiment: name, dataset settings and every training setting', () => {
    const store = useExperimentStore();
    store.draft.name = 'my run';
    store.draft.dataset.noise = 0.4;
    store.draft.dataset.samples = 300;
    store.draft.train.loss = 'meanSquaredError' as never;
    store.draft.train.validationSplit = 0.5;
    store.draft.train.seed = 99;
    expect(store.applyPreset('deepTanh')).toBe(true);
    const fresh = defaultDraft();
    expect(store.draft.name).toBe('');
    expect(store.draft.dataset).toEqual({ ...fresh.dataset, builtin: 'spiral' });
    expect(store.draft.train.loss).toBe(fresh.train.loss);
    expect(store.draft.train.validationSplit).toBe(fresh.train.validationSplit);
    expect(store.draft.train.seed).toBe(fresh.train.seed);
    expect(store.draft.train.epochs).toBe(100); // the preset's own change
  });

  it('an image dataset [h, w, 1] keeps its shape: a network starting with a dense layer gets a flatten in front', () => {
    const datasets = useDatasetsStore();
    datasets.list = [
      { name: 'shapes', builtin: false, id: 'ds_0123456789abcdef', inputShape: [16, 16, 1], numClasses: 3, description: '', defaultSamples: 30 } as never,
    ];
    const store = useExperimentStore();
    store.selectStoredDataset('ds_0123456789abcdef');
    expect(store.draft.network.inputShape).toEqual([16, 16, 1]);
    expect(store.draft.network.layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'dense', 'dense']);
    expect(store.layerKeys).toHaveLength(4);
    expect(store.spec?.network.layers.at(-1)).toMatchObject({ units: 3 });
    expect(store.parameterCount).toBe(256 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
  });

  it('blocks Train for 2 output units with binary cross-entropy (the host would refuse the run)', () => {
    const datasets = useDatasetsStore();
    datasets.list = [{ name: 'spiral', builtin: true, inputShape: [2], numClasses: 2, description: '', defaultSamples: 1000 }];
    const store = useExperimentStore();
    expect(store.isValid).toBe(true);
    store.draft.train.loss = 'binaryCrossentropy';
    expect(store.isValid).toBe(false);
    expect(store.spec).toBeNull();
    expect(store.issues.map((i) => i.code)).toContain('outputUnits');
    (store.draft.network.layers[2] as { units: number }).units = 1;
    (store.draft.network.layers[2] as { activation: { name: string } }).activation = { name: 'sigmoid' };
    expect(store.isValid).toBe(true);
  });

  it('parses the draft once per change, however many readers (issues, spec, persistence)', async () => {
    const datasets = useDatasetsStore();
    datasets.list = [{ name: 'spiral', builtin: true, inputShape: [2], numClasses: 2, description: '', defaultSamples: 1000 }];
    const stored = new Map<string, string>();
    const store = useExperimentStore();
    store.startPersistence({ getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => void stored.set(k, v) });
    expect(store.isValid).toBe(true);
    const parse = vi.spyOn(ExperimentSpec, 'safeParse');

    store.draft.train.epochs = 12; // one keystroke
    expect(store.issues).toEqual([]);
    expect(store.errors).toEqual({});
    expect(store.isValid).toBe(true);
    expect(store.spec?.train.epochs).toBe(12);
    await nextTick(); // the history and persistence watchers run
    expect(JSON.parse([...stored.values()][0]!).draft.train.epochs).toBe(12);
    expect(store.spec?.train.epochs).toBe(12);
    expect(parse).toHaveBeenCalledTimes(1);

    store.draft.train.epochs = Number.NaN; // the field emptied: invalid, nothing stored
    expect(store.errorAt('train.epochs')?.code).toBe('invalid_type');
    expect(store.spec).toBeNull();
    await nextTick();
    expect(JSON.parse([...stored.values()][0]!).draft.train.epochs).toBe(12);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('keeps redo after the field watcher has seen an undone state (no guard flag needed)', async () => {
    const store = useExperimentStore();
    store.addLayer();
    store.draft.train.epochs = 5;
    await nextTick();
    store.undo(); // the epochs edit
    await nextTick(); // the deep watcher sees the restored draft
    expect(store.draft.train.epochs).toBe(200);
    expect(store.canRedo).toBe(true);
    store.undo(); // the added layer
    await nextTick();
    expect(store.draft.network.layers).toHaveLength(3);
    store.redo();
    await nextTick();
    store.redo();
    await nextTick();
    expect(store.draft.network.layers).toHaveLength(4);
    expect(store.draft.train.epochs).toBe(5);
    expect(store.canRedo).toBe(false);
    expect(store.canUndo).toBe(true);
  });
});
