import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { mergeStepLosses, useStepLossStore } from '../../../renderer/src/stores/step-losses.js';

describe('step-loss store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('joins stored points with live ones that came after them, and appends live events in step order without repeats', () => {
    const stored = [
      { step: 2, loss: 1 },
      { step: 4, loss: 0.8 },
    ];
    const live = [
      { step: 4, loss: 0.8 },
      { step: 6, loss: 0.7 },
    ];
    expect(mergeStepLosses(stored, live)).toEqual([...stored, { step: 6, loss: 0.7 }]);
    const store = useStepLossStore();
    store.onEvent({ type: 'stepLoss', runId: 'r', points: stored });
    store.onEvent({ type: 'stepLoss', runId: 'r', points: live }); // a replayed point is dropped
    store.onEvent({ type: 'stepLoss', runId: 'r', points: [{ step: 7, loss: null }] });
    store.onEvent({
      type: 'progress',
      runId: 'r',
      point: { epoch: 1, step: 7, trainLoss: 1, trainAcc: null, valLoss: null, valAcc: null, elapsedMs: 1 },
      totalEpochs: 1,
      etaSeconds: 0,
    });
    expect(store.points.r!.map((p) => p.step)).toEqual([2, 4, 6, 7]);
    expect(store.points.r![3]!.loss).toBeNull();
  });
});
