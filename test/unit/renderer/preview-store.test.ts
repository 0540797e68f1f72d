// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick, shallowRef } from 'vue';
import { createClient, InitScopeError, type ExperimentSpec, type InitializerSpec, type MethodName, type PreviewResult } from '../../../contract/index.js';
import { setHost } from '../../../renderer/src/host.js';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';
import {
  alternativesToRequest,
  CURRENT_KEY,
  PREVIEW_ALTERNATIVES,
  PREVIEW_DEBOUNCE_MS,
  previewInputKey,
  sharedHiddenInitializer,
  usePreviewStore,
} from '../../../renderer/src/stores/preview.js';
import type { ConnectionState, HostTransport } from '../../../renderer/src/transport/index.js';
import { experiment } from './fixtures.js';

interface PreviewCall {
  experiment: ExperimentSpec;
  initializers?: InitializerSpec[];
}

/**
 * A host whose `engine/preview` answers one result per requested initializer (or one for the
 * network's own), one layer per network layer. Each result's activation std encodes which choice it
 * answers: 0.5 for the network's own, else 1 + the alternative's position in PREVIEW_ALTERNATIVES.
 */
function fakeHost(options: { fail?: string; delayFor?: (call: PreviewCall) => number } = {}) {
  const calls: PreviewCall[] = [];
  const code = (init: InitializerSpec | null) =>
    init ? 1 + PREVIEW_ALTERNATIVES.findIndex((a) => JSON.stringify(a.initializer) === JSON.stringify(init)) : 0.5;
  const transport: HostTransport = {
    kind: 'browser',
    connection: shallowRef<ConnectionState>('online'),
    async invoke(method: MethodName, payload: unknown) {
      if (method !== 'engine/preview') throw new Error(`unexpected call ${method}`);
      const call = payload as PreviewCall;
      calls.push(call);
      const delay = options.delayFor?.(call) ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (options.fail) throw new InitScopeError('invalid_input', options.fail);
      const choices = call.initializers?.length ? call.initializers : [null];
      return choices.map((init): PreviewResult => ({
        initializer: init,
        loss: 0.69,
        layers: call.experiment.network.layers.map((l, index) => ({
          layer: `${l.type}_${index}`,
          index,
          type: l.type,
          activation: null,
          activationMean: 0,
          activationStd: code(init),
          theoryStd: code(init),
          gradientStd: 0.01,
          gradientNorm: 0.1,
          weightStd: null,
          theoryWeightStd: null,
        })),
      }));
    },
    subscribe: () => () => {},
    onConnected: () => () => {},
    close() {},
  };
  setHost({ transport, client: createClient(transport) });
  return calls;
}

/** Lets watchers, the debounce timer and the host's answers run. */
async function settle(ms = 0): Promise<void> {
  await nextTick();
  await vi.advanceTimersByTimeAsync(ms);
  await nextTick();
}

describe('preview helpers', () => {
  it('finds the initializer every hidden weight layer shares (the output layer does not count)', () => {
    const spec = experiment();
    expect(sharedHiddenInitializer(spec.network.layers)).toEqual({ name: 'glorotNormal' });
    const mixed = structuredClone(spec.network.layers);
    (mixed[1] as { kernelInitializer: InitializerSpec }).kernelInitializer = { name: 'heNormal' };
    expect(sharedHiddenInitializer(mixed)).toBeNull();
    const outputDiffers = structuredClone(spec.network.layers);
    (outputDiffers[2] as { kernelInitializer: InitializerSpec }).kernelInitializer = { name: 'zeros' };
    expect(sharedHiddenInitializer(outputDiffers)).toEqual({ name: 'glorotNormal' });
    // Parameters count: normal σ=0.05 is not the normal σ=0.02 alternative.
    const normal = structuredClone(spec.network.layers);
    for (const i of [0, 1]) (normal[i] as { kernelInitializer: InitializerSpec }).kernelInitializer = { name: 'normal', mean: 0, std: 0.05 };
    expect(alternativesToRequest(['normal002'], sharedHiddenInitializer(normal)).map((a) => a.key)).toEqual(['normal002']);
  });

  it('asks for the enabled alternatives, in legend order, minus the one the network already uses', () => {
    const all = PREVIEW_ALTERNATIVES.map((a) => a.key);
    expect(alternativesToRequest(all, { name: 'glorotNormal' }).map((a) => a.key)).toEqual(['heNormal', 'lecunNormal', 'normal002']);
    expect(alternativesToRequest(['normal002', 'heNormal'], null).map((a) => a.key)).toEqual(['heNormal', 'normal002']);
    expect(alternativesToRequest([CURRENT_KEY], null)).toEqual([]);
  });

  it('keys the preview on what the engine reads: not on epochs or the optimizer', () => {
    const a = experiment();
    const b = structuredClone(a);
    b.train.epochs = 3;
    b.train.optimizer = { ...b.train.optimizer, learningRate: 0.5 };
    expect(previewInputKey(b)).toBe(previewInputKey(a));
    b.train.seed = 99;
    expect(previewInputKey(b)).not.toBe(previewInputKey(a));
  });
});

describe('preview store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    localStorage.clear();
    setActivePinia(createPinia());
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for the edits to stop, then asks once for the latest network', async () => {
    const calls = fakeHost();
    const exp = useExperimentStore();
    const preview = usePreviewStore();
    await settle();
    expect(preview.status).toBe('pending');
    // Three quick edits, each within the debounce window of the one before.
    for (const units of [20, 24, 28]) {
      exp.draft.network.layers[0] = { ...exp.draft.network.layers[0]!, units } as (typeof exp.draft.network.layers)[0];
      await settle(PREVIEW_DEBOUNCE_MS - 50);
      expect(calls).toHaveLength(0);
    }
    exp.addLayer(); // 4 layers now
    await settle(PREVIEW_DEBOUNCE_MS - 1);
    expect(calls).toHaveLength(0);
    await settle(1);
    // One refresh: the network's own initializers, and the alternatives (Glorot is the current one).
    expect(calls).toHaveLength(2);
    expect(preview.requests).toBe(1);
    expect(calls[0]!.initializers).toBeUndefined();
    expect(calls[1]!.initializers).toEqual([{ name: 'heNormal' }, { name: 'lecunNormal' }, { name: 'normal', mean: 0, std: 0.02 }]);
    for (const c of calls) expect((c.experiment.network.layers[0] as { units: number }).units).toBe(28);
    expect(preview.status).toBe('ready');
    expect(preview.series.map((s) => s.key)).toEqual(['current', 'heNormal', 'lecunNormal', 'normal002']);
    // Each line holds its own initializer's answer, one point per layer.
    expect(preview.series.map((s) => s.layers[0]!.activationStd)).toEqual([0.5, 2, 3, 4]);
    expect(preview.series.every((s) => s.layers.length === 4)).toBe(true);
    expect(preview.sameAsCurrent).toEqual(['glorotNormal']);

    // An edit the preview does not depend on asks nothing.
    exp.draft.train.epochs = 7;
    await settle(PREVIEW_DEBOUNCE_MS * 3);
    expect(calls).toHaveLength(2);
  });

  it('asks only for the lines switched on, and again when one is switched back', async () => {
    const calls = fakeHost();
    const preview = usePreviewStore();
    preview.toggle('heNormal');
    preview.toggle('normal002');
    preview.toggle(CURRENT_KEY);
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.initializers).toEqual([{ name: 'lecunNormal' }]);
    expect(preview.series.map((s) => s.key)).toEqual(['lecunNormal']);

    preview.toggle('heNormal');
    expect(preview.enabled).toEqual(['glorotNormal', 'heNormal', 'lecunNormal']); // legend order kept
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.initializers).toEqual([{ name: 'heNormal' }, { name: 'lecunNormal' }]);
    expect(preview.series.map((s) => s.layers[0]!.activationStd)).toEqual([2, 3]);

    // Nothing switched on: no call, an empty (ready) preview.
    preview.toggle('heNormal');
    preview.toggle('lecunNormal');
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(calls).toHaveLength(2);
    expect(preview.status).toBe('ready');
    expect(preview.series).toEqual([]);
  });

  it('shows an invalid network at once and asks nothing until it is fixed', async () => {
    const calls = fakeHost();
    const exp = useExperimentStore();
    const preview = usePreviewStore();
    exp.insertLayer('conv2d', 0); // a convolution on 2-D points
    await settle();
    expect(exp.spec).toBeNull();
    expect(preview.status).toBe('invalid');
    await settle(PREVIEW_DEBOUNCE_MS * 2);
    expect(calls).toHaveLength(0);
    exp.undo();
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(preview.status).toBe('ready');
    expect(calls).toHaveLength(2);
  });

  it('blocks Train while the host calls the shown experiment invalid, not after it changes', async () => {
    fakeHost({ fail: 'Invalid experiment: the training split is empty' });
    const preview = usePreviewStore();
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(preview.blocking).toContain('training split is empty');
    useExperimentStore().draft.train.seed += 1;
    expect(preview.blocking).toBeNull();
  });

  it('keeps the host error and drops an answer that a newer request superseded', async () => {
    fakeHost({ fail: 'Init preview failed: the training split is empty' });
    const preview = usePreviewStore();
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(preview.status).toBe('error');
    expect(preview.error).toContain('training split is empty');
    expect(preview.series).toEqual([]);

    // A slow answer for a 3-layer network arrives after the quick one for 4 layers: it is ignored.
    setActivePinia(createPinia());
    const calls = fakeHost({ delayFor: (c) => (c.experiment.network.layers.length === 3 ? 1000 : 10) });
    const exp = useExperimentStore();
    const fresh = usePreviewStore();
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(fresh.status).toBe('loading');
    exp.addLayer();
    await settle(PREVIEW_DEBOUNCE_MS + 20);
    expect(fresh.status).toBe('ready');
    expect(fresh.series[0]!.layers).toHaveLength(4);
    await settle(2000);
    expect(calls.length).toBe(4);
    expect(fresh.series[0]!.layers).toHaveLength(4);
  });

  it('computes nothing while closed and remembers the choice', async () => {
    const calls = fakeHost();
    const preview = usePreviewStore();
    preview.setOpen(false);
    await settle(PREVIEW_DEBOUNCE_MS * 2);
    expect(calls).toHaveLength(0);
    expect(preview.status).toBe('idle');
    expect(localStorage.getItem('initscope.preview.open')).toBe('0');
    preview.setOpen(true);
    await settle(PREVIEW_DEBOUNCE_MS);
    expect(calls).toHaveLength(2);
  });
});
