// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { ExperimentSpec } from '../../../contract/index.js';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';

describe('residual blocks in the experiment store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('inserts a block fitted to the 16 units it receives (a valid experiment) as one undo step', () => {
    const store = useExperimentStore();
    expect(store.insertLayer('residual', 2)).toBe(true);
    expect(store.draft.network.layers[2]).toMatchObject({ type: 'residual', branch: 'dense', units: 16, skip: 'identity' });
    expect(store.issues).toEqual([]);
    expect(ExperimentSpec.safeParse(store.spec).success).toBe(true);
    store.undo();
    expect(store.draft.network.layers.map((l) => l.type)).toEqual(['dense', 'dense', 'dense']);
  });

  it('takes the channels of an image input and a conv branch', () => {
    const store = useExperimentStore();
    store.draft.network.inputShape = [8, 8, 3];
    store.insertLayer('residual', 0);
    expect(store.draft.network.layers[0]).toMatchObject({ branch: 'conv2d', units: 3 });
  });

  it('keeps a block valid when the lab sets a mean-field initialization on every hidden layer', () => {
    const store = useExperimentStore();
    store.insertLayer('residual', 2);
    expect(store.applyMeanFieldInit(2, 0.05)).toBe(3);
    const block = store.draft.network.layers[2]!;
    expect(block).toMatchObject({ kernelInitializer: { name: 'varianceScaling', scale: 2, mode: 'fanIn' } });
    expect('biasInitializer' in block).toBe(false); // the block's schema has none: adding one would make it invalid
    expect(store.issues).toEqual([]);
  });
});
