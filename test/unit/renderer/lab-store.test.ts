// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { createClient, type MethodName, type PhaseCell, type PhaseDiagram } from '../../../contract/index.js';
import { cellValue, layersLabel, QUANTITY_RANGE } from '../../../renderer/src/components/lab/phase-chart.js';
import { binLabels } from '../../../renderer/src/components/lab/jacobian-chart.js';
import { setHost } from '../../../renderer/src/host.js';
import { setLocale } from '../../../renderer/src/i18n/index.js';
import { useExperimentStore } from '../../../renderer/src/stores/experiment.js';
import { LAB_DEBOUNCE_MS, nearestCell, networkActivation, useLabStore } from '../../../renderer/src/stores/lab.js';
import type { ConnectionState, HostTransport } from '../../../renderer/src/transport/index.js';

const cell = (over: Partial<PhaseCell>): PhaseCell => ({
  weightVariance: 1,
  biasVariance: 0,
  phase: 'ordered',
  q: 0.5,
  chi1: 0.5,
  chiQ: 0.4,
  c: 1,
  xiQ: 1,
  xiC: 10,
  ...over,
});

function install(answer: (method: MethodName, payload: unknown) => unknown) {
  const calls: { method: MethodName; payload: unknown }[] = [];
  const transport: HostTransport = {
    kind: 'browser',
    connection: shallowRef<ConnectionState>('online'),
    async invoke(method: MethodName, payload: unknown) {
      calls.push({ method, payload });
      return answer(method, payload);
    },
    subscribe: () => () => {},
  } as unknown as HostTransport;
  setHost({ transport, client: createClient(transport) });
  return calls;
}

/** A one-cell phase diagram for the activation asked. */
const diagram = (payload: unknown) => ({
  activation: (payload as { activation: unknown }).activation,
  weightVariances: [1],
  biasVariances: [0],
  cells: [cell({})],
  criticalLine: [],
  depthCurve: { biasVariance: 0, points: [] },
  network: [],
  depth: 0,
});

describe('lab store and charts', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('starts from the network activation (softmax and networks without hidden layers give tanh)', () => {
    expect(
      networkActivation([
        { type: 'dense', units: 4, activation: { name: 'relu' } } as never,
        { type: 'dense', units: 2, activation: { name: 'softmax' } } as never,
      ]),
    ).toEqual({ name: 'relu' });
    expect(
      networkActivation([
        { type: 'dense', units: 4, activation: { name: 'linear' } } as never,
        { type: 'activation', activation: { name: 'selu' } } as never,
        { type: 'dense', units: 2 } as never,
      ]),
    ).toEqual({ name: 'selu' });
    expect(networkActivation([{ type: 'dense', units: 2, activation: { name: 'softmax' } } as never])).toEqual({ name: 'tanh' });
  });

  it('picks the nearest grid cell; colour values follow the quantity and mark unbounded cells', () => {
    const d = { weightVariances: [1, 2, 3], biasVariances: [0, 0.1], cells: [0, 1, 2, 3, 4, 5].map((k) => cell({ q: k })) } as unknown as PhaseDiagram;
    expect(nearestCell(d, 2.4, 0.08)!.q).toBe(4);
    expect(cellValue(cell({ xiC: 100 }), 'xiC')).toBeCloseTo(2, 12);
    expect(cellValue(cell({ phase: 'critical', xiC: null }), 'xiC')).toBe(QUANTITY_RANGE.xiC[1]);
    expect(cellValue(cell({ chi1: 2 }), 'chi1')).toBeCloseTo(1, 12);
    expect(cellValue(cell({ q: 0 }), 'q')).toBe(QUANTITY_RANGE.q[0]);
    expect(cellValue(cell({ phase: 'unbounded', q: null }), 'xiC')).toBeNaN();
    expect(layersLabel([0, 1, 2, 4])).toBe('L1–3, 5');
    expect(binLabels('<')).toHaveLength(42);
  });

  it('asks lab/phase with the draft network and sets a picked point on the hidden layers (one undo step)', async () => {
    const calls = install((method) => {
      if (method !== 'lab/phase') throw new Error(`unexpected ${method}`);
      return diagram({ activation: { name: 'tanh' } });
    });
    const lab = useLabStore();
    const experiment = useExperimentStore();
    await lab.refreshPhase();
    expect(lab.phaseStatus).toBe('ready');
    expect(calls[0]!.payload).toMatchObject({ activation: lab.activation, network: experiment.spec!.network });
    lab.picked = { weightVariance: 1.76, biasVariance: 0.05 };
    const hidden = experiment.hiddenIndices;
    expect(lab.applyPicked()).toBe(hidden.length);
    for (const i of hidden) {
      const layer = experiment.draft.network.layers[i] as { kernelInitializer: unknown; biasInitializer: unknown; useBias: boolean };
      expect(layer.kernelInitializer).toEqual({ name: 'varianceScaling', scale: 1.76, mode: 'fanIn', distribution: 'normal' });
      expect(layer.biasInitializer).toEqual({ name: 'normal', mean: 0, std: Math.sqrt(0.05) });
      expect(layer.useBias).toBe(true);
    }
    expect(experiment.canUndo).toBe(true);
    experiment.undo();
    expect((experiment.draft.network.layers[hidden[0]!] as { kernelInitializer: { name: string } }).kernelInitializer.name).not.toBe('varianceScaling');
  });

  describe('phase diagram freshness', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => {
      vi.useRealTimers();
      setLocale('en');
    });

    it('computes once on entering, and not again on coming back, switching language or tabs with the same input', async () => {
      const calls = install((_method, payload) => diagram(payload));
      const lab = useLabStore();
      lab.setActive(true);
      expect(lab.phaseStatus).toBe('loading');
      await vi.advanceTimersByTimeAsync(0);
      expect(lab.phaseStatus).toBe('ready');
      expect(calls).toHaveLength(1); // entering used to ask twice (once from setActive, once from the watcher)

      // Leave the lab, switch the language, come back: the diagram shown is for the same input.
      lab.setActive(false);
      setLocale('zh-CN');
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS * 3);
      lab.setActive(true);
      expect(lab.phaseStatus).toBe('ready');
      setLocale('en');
      lab.show('jacobian');
      lab.show('phase');
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS * 3);
      expect(lab.phaseStatus).toBe('ready');
      expect(calls).toHaveLength(1);

      // A new input is computed after the quiet time; going back to the drawn one cancels it.
      lab.activation = { name: 'relu' };
      await vi.advanceTimersByTimeAsync(0);
      expect(lab.phaseStatus).toBe('loading');
      lab.activation = { name: 'tanh' };
      await vi.advanceTimersByTimeAsync(0);
      expect(lab.phaseStatus).toBe('ready');
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS * 3);
      expect(calls).toHaveLength(1);
      lab.activation = { name: 'relu' };
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS + 1);
      expect(lab.phaseStatus).toBe('ready');
      expect(calls).toHaveLength(2);
      expect(lab.phase!.activation).toEqual({ name: 'relu' });
    });

    it('an input changed while the lab is hidden is computed when it is shown again, and an answer for an older input is dropped', async () => {
      let release: (() => void) | null = null;
      const calls = install(async (_method, payload) => {
        if ((payload as { activation: { name: string } }).activation.name === 'relu') await new Promise<void>((resolve) => (release = resolve));
        return diagram(payload);
      });
      const lab = useLabStore();
      lab.setActive(true);
      await vi.advanceTimersByTimeAsync(0);
      lab.setActive(false);
      lab.activation = { name: 'relu' };
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS * 3);
      expect(calls).toHaveLength(1);
      lab.setActive(true);
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS + 1);
      expect(calls).toHaveLength(2);
      expect(lab.phaseStatus).toBe('loading'); // relu's answer is held back
      lab.activation = { name: 'selu' };
      await vi.advanceTimersByTimeAsync(LAB_DEBOUNCE_MS + 1);
      release!();
      await vi.advanceTimersByTimeAsync(0);
      expect(lab.phaseStatus).toBe('ready');
      expect(lab.phase!.activation).toEqual({ name: 'selu' });
    });
  });

  it('shows the host refusal of a Jacobian request as an error', async () => {
    install(() => {
      throw new Error('run run_x has no stored trained weights');
    });
    const lab = useLabStore();
    lab.jacobianSource = 'run_x';
    await lab.refreshJacobian();
    expect(lab.jacobianStatus).toBe('error');
    expect(lab.jacobianError).toMatch(/no stored trained weights/);
  });
});
