import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ActivationSpec, JacobianReport, LayerSpec, PhaseCell, PhaseDiagram } from '../../../contract/index.js';
import { useHost } from '../host.js';
import { useExperimentStore } from './experiment.js';

/** The lab's instruments, in tab order. */
export const LAB_INSTRUMENTS = ['phase', 'jacobian', 'coordCheck'] as const;
export type LabInstrument = (typeof LAB_INSTRUMENTS)[number];

/** What the phase diagram's colours show. */
export const PHASE_QUANTITIES = ['xiC', 'chi1', 'q'] as const;
export type PhaseQuantity = (typeof PHASE_QUANTITIES)[number];

/** Activations the phase diagram offers (element-wise ones with a fixed form). */
export const PHASE_ACTIVATIONS = [
  'tanh',
  'relu',
  'linear',
  'sigmoid',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'swish',
  'softplus',
  'softsign',
  'hardSigmoid',
  'relu6',
] as const;

/** idle: not asked; loading; ready; error (`error` holds the host's message). */
export type LabStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Quiet time (ms) after the last edit before the phase diagram is recomputed. */
export const LAB_DEBOUNCE_MS = 300;

/**
 * The activation the phase diagram starts from: that of the first hidden dense/conv2d layer (or of the
 * activation layer right after a linear one), when element-wise; else tanh.
 */
export function networkActivation(layers: readonly LayerSpec[]): ActivationSpec {
  for (let i = 0; i < layers.length - 1; i++) {
    const layer = layers[i]!;
    if (layer.type !== 'dense' && layer.type !== 'conv2d') continue;
    const next = layers[i + 1];
    const act = layer.activation.name === 'linear' && next?.type === 'activation' ? next.activation : layer.activation;
    return act.name === 'softmax' ? { name: 'tanh' } : act;
  }
  return { name: 'tanh' };
}

/** The cell of the diagram nearest to (σ_w², σ_b²). */
export function nearestCell(d: PhaseDiagram, weightVariance: number, biasVariance: number): PhaseCell | null {
  const nearest = (values: number[], x: number) => values.reduce((best, v, i) => (Math.abs(v - x) < Math.abs(values[best]! - x) ? i : best), 0);
  const j = nearest(d.weightVariances, weightVariance);
  const i = nearest(d.biasVariances, biasVariance);
  return d.cells[i * d.weightVariances.length + j] ?? null;
}

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/**
 * The signal-propagation lab: the order–chaos phase diagram of the chosen activation with the draft
 * network as points (recomputed after {@link LAB_DEBOUNCE_MS} of quiet when either changes, while
 * `active`), and the Jacobian spectrum of the draft network or of a stored run (on request).
 * Answers to superseded requests are dropped.
 */
export const useLabStore = defineStore('lab', () => {
  const experiment = useExperimentStore();
  const instrument = ref<LabInstrument>('phase');
  const active = ref(false);

  const activation = ref<ActivationSpec>(networkActivation(experiment.draft.network.layers));
  const quantity = ref<PhaseQuantity>('xiC');
  const phase = ref<PhaseDiagram | null>(null);
  const phaseStatus = ref<LabStatus>('idle');
  const phaseError = ref<string | null>(null);
  /** The point the user picked in the plane (σ_w², σ_b²), with the nearest grid cell's numbers. */
  const picked = ref<{ weightVariance: number; biasVariance: number } | null>(null);
  const pickedCell = computed(() => (phase.value && picked.value ? nearestCell(phase.value, picked.value.weightVariance, picked.value.biasVariance) : null));

  /** `draft`: the network being built; else a run id. */
  const jacobianSource = ref<string>('draft');
  const jacobian = ref<JacobianReport | null>(null);
  const jacobianStatus = ref<LabStatus>('idle');
  const jacobianError = ref<string | null>(null);

  let phaseToken = 0;
  let jacobianToken = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** What the phase diagram is computed from: the activation and the draft network. */
  const phaseInput = computed(() => JSON.stringify([activation.value, experiment.spec?.network ?? null]));
  /** The input of the diagram in `phase`, and of the one being computed (null when none is). */
  let shownInput: string | null = null;
  let pendingInput: string | null = null;

  async function refreshPhase(): Promise<void> {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const mine = ++phaseToken;
    const input = phaseInput.value;
    pendingInput = input;
    phaseStatus.value = 'loading';
    phaseError.value = null;
    const network = experiment.spec?.network;
    try {
      const result = await useHost().client.call('lab/phase', { activation: activation.value, ...(network ? { network } : {}) });
      if (mine !== phaseToken) return;
      phase.value = result;
      shownInput = input;
      phaseStatus.value = 'ready';
    } catch (cause) {
      if (mine !== phaseToken) return;
      phaseError.value = message(cause);
      phaseStatus.value = 'error';
    } finally {
      if (mine === phaseToken) pendingInput = null;
    }
  }

  /**
   * Brings the phase diagram up to date with its input while the panel is shown: nothing when it is
   * (or is being computed) for the current input, so coming back to the panel or switching the language
   * starts no recomputation; else a recomputation after {@link LAB_DEBOUNCE_MS} of quiet (at once for
   * the first diagram). Going back to the input already drawn cancels a pending one.
   */
  function schedulePhase(): void {
    if (!active.value || instrument.value !== 'phase') return;
    const input = phaseInput.value;
    if (input === pendingInput || (input === shownInput && phaseStatus.value === 'ready')) return;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    phaseToken += 1; // an answer still in flight is for an older input
    if (input === shownInput && phase.value) {
      pendingInput = null;
      phaseError.value = null;
      phaseStatus.value = 'ready';
      return;
    }
    const first = phase.value === null;
    pendingInput = input;
    phaseStatus.value = 'loading';
    timer = setTimeout(() => void refreshPhase(), first ? 0 : LAB_DEBOUNCE_MS);
  }

  async function refreshJacobian(): Promise<void> {
    const mine = ++jacobianToken;
    jacobianStatus.value = 'loading';
    jacobianError.value = null;
    try {
      const spec = experiment.spec;
      if (jacobianSource.value === 'draft' && !spec) throw new Error('invalid draft');
      const request = jacobianSource.value === 'draft' ? { experiment: spec! } : { runId: jacobianSource.value };
      const result = await useHost().client.call('lab/jacobian', request);
      if (mine !== jacobianToken) return;
      jacobian.value = result;
      jacobianStatus.value = 'ready';
    } catch (cause) {
      if (mine !== jacobianToken) return;
      jacobian.value = null;
      jacobianError.value = message(cause);
      jacobianStatus.value = 'error';
    }
  }

  /** Sets σ_w² (variance scaling, fan-in, normal) and σ_b² (normal bias, or zeros) on every hidden weight layer; one undo step. */
  function applyPicked(): number {
    if (!picked.value) return 0;
    return experiment.applyMeanFieldInit(picked.value.weightVariance, picked.value.biasVariance);
  }

  watch(phaseInput, () => schedulePhase());

  /** The lab view is shown (true) or left (false); showing it brings the phase diagram up to date. */
  function setActive(value: boolean): void {
    active.value = value;
    schedulePhase();
  }

  /** Shows one instrument; the phase diagram is brought up to date. */
  function show(next: LabInstrument): void {
    instrument.value = next;
    schedulePhase();
  }

  return {
    instrument,
    activation,
    quantity,
    phase,
    phaseStatus,
    phaseError,
    picked,
    pickedCell,
    jacobianSource,
    jacobian,
    jacobianStatus,
    jacobianError,
    refreshPhase,
    refreshJacobian,
    applyPicked,
    setActive,
    show,
  };
});
