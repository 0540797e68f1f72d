// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { ExperimentSpec } from '../../../contract/index.js';
import en from '../../../renderer/src/i18n/en.js';
import { describeIssue } from '../../../renderer/src/lib/issues.js';
import { useDatasetsStore } from '../../../renderer/src/stores/datasets.js';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';

/** A tiny stand-in for vue-i18n's `t` over the English messages. */
function t(key: string, named: Record<string, unknown> = {}): string {
  const raw = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], en);
  const text = String(raw).split(' | ').pop() ?? '';
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(named[name]));
}
const tc = (key: string, named: Record<string, unknown>) => t(key, named);

describe('experiment store', () => {
  beforeEach(() => setActivePinia(createPinia()));

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
    expect(texts).toEqual([
      'Epochs: must be a number',
      'Samples: must be a whole number',
      'Validation split: must be at most 0.9',
    ]);
  });

  it('checks the output width against the dataset classes', () => {
    const datasets = useDatasetsStore();
    datasets.list = [
      { name: 'spiral', builtin: true, inputShape: [2], numClasses: 3, description: '', defaultSamples: 1000 },
    ];
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
});
