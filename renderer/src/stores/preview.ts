import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { InitScopeError, type ExperimentSpec, type InitializerSpec, type LayerSpec, type PreviewLayer, type SignalPropBlock } from '../../../contract/index.js';
import { useHost } from '../host.js';
import { hiddenWeightIndices } from '../lib/layer-kinds.js';
import { residualBlockCount } from '../lib/residual-block.js';
import { useExperimentStore } from './experiment.js';

/** Key of the line drawn with the network's own initializers. */
export const CURRENT_KEY = 'current';

/** An initializer the preview draws next to the network's own (applied to every dense/conv2d kernel). */
export interface PreviewAlternative {
  key: string;
  initializer: InitializerSpec;
}

/** The alternatives offered, in legend order (their colours follow this order). */
export const PREVIEW_ALTERNATIVES: readonly PreviewAlternative[] = [
  { key: 'glorotNormal', initializer: { name: 'glorotNormal' } },
  { key: 'heNormal', initializer: { name: 'heNormal' } },
  { key: 'lecunNormal', initializer: { name: 'lecunNormal' } },
  { key: 'normal002', initializer: { name: 'normal', mean: 0, std: 0.02 } },
];

/** Every line key, in legend (and colour) order. */
export const PREVIEW_KEYS: readonly string[] = [CURRENT_KEY, ...PREVIEW_ALTERNATIVES.map((a) => a.key)];

/** Quiet time (ms) after the last network edit before the preview is recomputed. */
export const PREVIEW_DEBOUNCE_MS = 350;

/** One line of the preview: the per-layer statistics of one initializer choice. */
export interface PreviewSeries {
  key: string;
  /** null: the network's own initializers. */
  initializer: InitializerSpec | null;
  /** Loss of the probe batch, in the loss's units. */
  loss: number | null;
  layers: PreviewLayer[];
  /** The residual blocks at init (network's own line only; empty without blocks). */
  signalProp?: SignalPropBlock[];
}

/**
 * - `idle`: closed, nothing asked yet. `pending`: an edit is waiting out the debounce.
 * - `loading`: the host is computing. `ready`: `series` holds the answer for the current network.
 * - `invalid`: the network cannot be built (the builder shows why). `error`: the host refused or failed.
 */
export type PreviewStatus = 'idle' | 'pending' | 'loading' | 'ready' | 'invalid' | 'error';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The kernel initializer every hidden weight layer shares (parameters included), or null when they
 * differ or there is no hidden weight layer.
 */
export function sharedHiddenInitializer(layers: readonly LayerSpec[]): InitializerSpec | null {
  const inits = hiddenWeightIndices(layers).map((i) => (layers[i] as { kernelInitializer?: InitializerSpec }).kernelInitializer);
  const first = inits[0];
  if (!first || inits.some((init) => !init || !sameJson(init, first))) return null;
  return first;
}

/**
 * The alternatives to ask the host for: those `enabled` (by key), minus the one the hidden layers
 * already use (`shared`), whose line would repeat the current network's.
 */
export function alternativesToRequest(enabled: readonly string[], shared: InitializerSpec | null): PreviewAlternative[] {
  return PREVIEW_ALTERNATIVES.filter((alt) => enabled.includes(alt.key) && !(shared && sameJson(shared, alt.initializer)));
}

/**
 * What the preview depends on: the dataset (the probe batch), the network, and the training fields
 * the engine reads (seed, validation split, loss). Other edits (epochs, optimizer) leave it unchanged.
 */
export function previewInputKey(spec: ExperimentSpec): string {
  const { seed, validationSplit, loss } = spec.train;
  return JSON.stringify({ dataset: spec.dataset, network: spec.network, seed, validationSplit, loss });
}

const OPEN_KEY = 'initscope.preview.open';

function storedOpen(): boolean {
  try {
    return typeof localStorage === 'undefined' || localStorage.getItem(OPEN_KEY) !== '0';
  } catch {
    return true;
  }
}

/**
 * The init preview of the network being built: while `open`, every change that matters (network,
 * dataset, seed, toggled lines) recomputes it after {@link PREVIEW_DEBOUNCE_MS} of quiet, through
 * `engine/preview` (one call for the network's own initializers, one for the enabled alternatives).
 * Answers to superseded requests are dropped.
 */
export const usePreviewStore = defineStore('preview', () => {
  const experiment = useExperimentStore();

  const open = ref(storedOpen());
  /** Line keys the user has switched on (the current network and alternatives). */
  const enabled = ref<string[]>([...PREVIEW_KEYS]);
  const status = ref<PreviewStatus>('idle');
  const series = ref<PreviewSeries[]>([]);
  /** The host's message when `status` is `error`. */
  const error = ref<string | null>(null);
  /** The input key (see previewInputKey) of an experiment the host refused to preview as invalid, with why. */
  const refused = ref<{ key: string; message: string } | null>(null);
  /**
   * The host's refusal of the current experiment (`invalid_input` from engine/preview: it cannot run),
   * or null. Train is blocked by it like by the draft's own issues; a crash or timeout does not block.
   */
  const blocking = computed(() => {
    const spec = experiment.spec;
    return spec && refused.value && refused.value.key === previewInputKey(spec) ? refused.value.message : null;
  });
  /** Number of `engine/preview` calls made (for tests and the UI's "updated" cue). */
  const requests = ref(0);

  /** The hidden layers' shared initializer (labels the current line; hides the duplicate alternative). */
  const shared = computed(() => sharedHiddenInitializer(experiment.draft.network.layers));
  /** Keys of alternatives identical to the current network (their toggle is shown as "= current"). */
  const sameAsCurrent = computed(() => PREVIEW_ALTERNATIVES.filter((a) => shared.value && sameJson(shared.value, a.initializer)).map((a) => a.key));

  let timer: ReturnType<typeof setTimeout> | null = null;
  let token = 0;
  /** Input key + enabled keys of the answer shown (or being fetched). */
  let shownKey = '';

  function clearTimer(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function requestKey(spec: ExperimentSpec): string {
    return `${previewInputKey(spec)}|${enabled.value.join(',')}`;
  }

  /** Recomputes now (skipping the debounce); does nothing while closed. */
  async function refresh(): Promise<void> {
    clearTimer();
    const spec = experiment.spec;
    if (!open.value) return;
    if (!spec) {
      token += 1;
      shownKey = '';
      status.value = 'invalid';
      series.value = [];
      return;
    }
    const mine = ++token;
    shownKey = requestKey(spec);
    status.value = 'loading';
    error.value = null;
    const { client } = useHost();
    const wantCurrent = enabled.value.includes(CURRENT_KEY);
    const alternatives = alternativesToRequest(enabled.value, shared.value);
    try {
      requests.value += 1;
      const [own, others] = await Promise.all([
        wantCurrent ? client.call('engine/preview', { experiment: spec }) : Promise.resolve([]),
        alternatives.length ? client.call('engine/preview', { experiment: spec, initializers: alternatives.map((a) => a.initializer) }) : Promise.resolve([]),
      ]);
      if (mine !== token) return;
      const lines: PreviewSeries[] = [];
      if (wantCurrent && own[0])
        lines.push({ key: CURRENT_KEY, initializer: null, loss: own[0].loss, layers: own[0].layers, signalProp: own[0].signalProp ?? [] });
      alternatives.forEach((alt, i) => {
        const result = others[i];
        if (result) lines.push({ key: alt.key, initializer: alt.initializer, loss: result.loss, layers: result.layers });
      });
      series.value = lines;
      status.value = 'ready';
      refused.value = null;
    } catch (cause) {
      if (mine !== token) return;
      shownKey = '';
      series.value = [];
      error.value = cause instanceof InitScopeError || cause instanceof Error ? cause.message : String(cause);
      refused.value = cause instanceof InitScopeError && cause.code === 'invalid_input' ? { key: previewInputKey(spec), message: cause.message } : null;
      status.value = 'error';
    }
  }

  /** Recomputes after {@link PREVIEW_DEBOUNCE_MS} of quiet; an invalid network shows at once. */
  function schedule(): void {
    clearTimer();
    if (!open.value) return;
    const spec = experiment.spec;
    if (!spec) {
      void refresh();
      return;
    }
    if (requestKey(spec) === shownKey && (status.value === 'ready' || status.value === 'loading')) return;
    status.value = 'pending';
    timer = setTimeout(() => void refresh(), PREVIEW_DEBOUNCE_MS);
  }

  /** Switches one line on or off. */
  function toggle(key: string): void {
    enabled.value = enabled.value.includes(key) ? enabled.value.filter((k) => k !== key) : PREVIEW_KEYS.filter((k) => k === key || enabled.value.includes(k));
  }

  function setOpen(value: boolean): void {
    open.value = value;
    try {
      localStorage?.setItem(OPEN_KEY, value ? '1' : '0');
    } catch {
      // storage disabled: the choice lasts for this page only
    }
    if (!value) {
      clearTimer();
      token += 1;
      shownKey = '';
      status.value = 'idle';
    }
  }

  /**
   * What the dock shows: the per-layer charts, or (with residual blocks) the blocks' signal propagation
   * at init. A network's first block switches to the blocks, removing the last one back to the layers.
   */
  const hasBlocks = computed(() => residualBlockCount(experiment.draft.network.layers) > 0);
  const view = ref<'layers' | 'blocks'>(hasBlocks.value ? 'blocks' : 'layers');
  watch(hasBlocks, (has) => (view.value = has ? 'blocks' : 'layers'));

  watch([open, () => (experiment.spec ? previewInputKey(experiment.spec) : null), () => enabled.value.join(',')], () => schedule(), { immediate: true });

  return { open, enabled, status, series, error, blocking, requests, shared, sameAsCurrent, hasBlocks, view, refresh, schedule, toggle, setOpen };
});
