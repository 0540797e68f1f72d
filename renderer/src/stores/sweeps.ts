import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  ACTIVATION_NAMES,
  INITIALIZER_NAMES,
  InitScopeError,
  OptimizerSpec,
  SWEEP_LIMITS,
  type ActivationName,
  type ActivationSpec,
  type ExperimentSpec,
  type InitializerName,
  type InitializerSpec,
  type SweepAxisName,
  type SweepEvent,
  type SweepInfo,
  type SweepInput,
  type SweepMetric,
  type SweepPlan,
  type SweepSummary,
} from '../../../contract/index.js';
import { MAX_COMPARED } from '../lib/compare.js';
import { switchOptimizer } from '../lib/experiment-draft.js';
import { deliverExportedFiles } from '../lib/file-download.js';
import { parseNumberList, type ParsedList } from '../lib/number-list.js';
import { ACTIVATION_PARAMS, expandActivations, expandInitializers, INITIALIZER_PARAMS, parseParamValues } from '../lib/sweep-params.js';
import { useHost } from '../host.js';
import { useAppStore } from './app.js';
import { useRunsStore } from './runs.js';

export type OptimizerName = OptimizerSpec['name'];
export { MAX_AXIS_VALUES, parseNumberList, type ListProblem, type ParsedList } from '../lib/number-list.js';

/** Initializers a sweep can vary (every one the engine has). */
export const SWEEP_INITIALIZERS: readonly InitializerName[] = INITIALIZER_NAMES;
/** Hidden-layer activations a sweep can vary (softmax is an output activation only). */
export const SWEEP_ACTIVATIONS: readonly ActivationName[] = ACTIVATION_NAMES.filter((n) => n !== 'softmax');
/** Optimizers a sweep can vary. */
export const SWEEP_OPTIMIZERS: readonly OptimizerName[] = OptimizerSpec.options.map((o) => o.shape.name.value) as OptimizerName[];
/** Most seeds per cell the contract accepts. */
export const MAX_SEEDS = SWEEP_LIMITS.maxSeeds;

/**
 * The "new sweep" form. Chip axes list the chosen names (empty: the axis is not varied and keeps the
 * base experiment's value); number axes are comma-separated text as typed.
 */
export interface SweepDraft {
  name: string;
  initializers: InitializerName[];
  /** Per picked initializer with a parameter (normal σ, orthogonal gain…): its values as typed, e.g. `0.01, 0.1`. */
  initializerParams: Partial<Record<InitializerName, string>>;
  activations: ActivationName[];
  /** Per picked activation with a parameter (leaky ReLU slope, ELU α): its values as typed. */
  activationParams: Partial<Record<ActivationName, string>>;
  optimizers: OptimizerName[];
  /** Learning rates per batch step, e.g. `0.1, 0.01`. */
  learningRates: string;
  /** Samples per step, e.g. `32, 128`. */
  batchSizes: string;
  /** Number of hidden dense layers, e.g. `2, 4, 8`. */
  depths: string;
  /** Seeds per cell (1…{@link MAX_SEEDS}). */
  seeds: number;
  /** Accuracy in (0, 1] for "epochs to target". */
  targetAccuracy: number;
}

/** The draft a new form starts with: Glorot vs He × tanh vs ReLU, 3 seeds (12 runs). */
export function defaultSweepDraft(): SweepDraft {
  return {
    name: '',
    initializers: ['glorotNormal', 'heNormal'],
    initializerParams: {},
    activations: ['tanh', 'relu'],
    activationParams: {},
    optimizers: [],
    learningRates: '',
    batchSizes: '',
    depths: '',
    seeds: 3,
    targetAccuracy: 0.9,
  };
}

/** The number axes of the form and the rule each follows (the contract's bounds). */
export const NUMBER_AXES = {
  learningRate: { key: 'learningRates', rule: SWEEP_LIMITS.learningRate },
  batchSize: { key: 'batchSizes', rule: SWEEP_LIMITS.batchSize },
  depth: { key: 'depths', rule: SWEEP_LIMITS.depth },
} as const satisfies Record<string, { key: keyof SweepDraft; rule: Parameters<typeof parseNumberList>[1] }>;
export type NumberAxis = keyof typeof NUMBER_AXES;

/** Each number axis of `draft` parsed. */
export function parseNumberAxes(draft: SweepDraft): Record<NumberAxis, ParsedList> {
  return {
    learningRate: parseNumberList(draft.learningRates, NUMBER_AXES.learningRate.rule),
    batchSize: parseNumberList(draft.batchSizes, NUMBER_AXES.batchSize.rule),
    depth: parseNumberList(draft.depths, NUMBER_AXES.depth.rule),
  };
}

/** Each picked chip's parameter list parsed (only chips with a parameter), keyed `initializer.normal` etc. */
export function parseParamAxes(draft: SweepDraft): Record<string, ParsedList> {
  const out: Record<string, ParsedList> = {};
  for (const name of draft.initializers) {
    const axis = INITIALIZER_PARAMS[name];
    if (axis) out[`initializer.${name}`] = parseParamValues(axis, draft.initializerParams?.[name]);
  }
  for (const name of draft.activations) {
    const axis = ACTIVATION_PARAMS[name];
    if (axis) out[`activation.${name}`] = parseParamValues(axis, draft.activationParams?.[name]);
  }
  return out;
}

/** The initializer and activation axis values of the draft (each parameter value its own), or null while a list is invalid. */
function chipValues(draft: SweepDraft): { initializer: InitializerSpec[]; activation: ActivationSpec[] } | null {
  const initializer = expandInitializers(draft.initializers, draft.initializerParams ?? {});
  const activation = expandActivations(draft.activations, draft.activationParams ?? {});
  return initializer && activation ? { initializer, activation } : null;
}

/** Number of runs the draft expands to: Π (values per varied axis) × seeds (0 while a field is invalid). */
export function draftRunCount(draft: SweepDraft): number {
  const lists = parseNumberAxes(draft);
  const chips = chipValues(draft);
  if (!chips || Object.values(lists).some((l) => l.problem) || !Number.isInteger(draft.seeds) || draft.seeds < 1) return 0;
  const sizes = [chips.initializer.length, chips.activation.length, draft.optimizers.length, ...Object.values(lists).map((l) => l.values.length)];
  return sizes.reduce((n, size) => n * Math.max(1, size), draft.seeds);
}

/** A name for the sweep from its varied axes when the user gave none: `tanh/relu × glorotNormal/heNormal`. */
export function draftName(draft: SweepDraft, base: ExperimentSpec): string {
  if (draft.name.trim()) return draft.name.trim();
  const parts = [draft.activations.join('/'), draft.initializers.join('/'), draft.optimizers.join('/')].filter(Boolean);
  const dataset = 'builtin' in base.dataset ? base.dataset.builtin : base.dataset.id;
  return [dataset, parts.join(' × ') || 'seeds'].join(' · ').slice(0, SWEEP_LIMITS.maxNameLength);
}

/**
 * The `sweeps/plan` / `sweeps/start` request for `draft` over the base experiment, or null while a
 * number field does not parse. Axes without values are left out (they keep the base's value).
 */
export function buildSweepInput(base: ExperimentSpec, draft: SweepDraft): SweepInput | null {
  const lists = parseNumberAxes(draft);
  const chips = chipValues(draft);
  if (!chips || Object.values(lists).some((l) => l.problem)) return null;
  const baseRate = base.train.optimizer.learningRate;
  const axes: SweepInput['axes'] = { seeds: draft.seeds };
  if (chips.initializer.length) axes.initializer = chips.initializer;
  if (chips.activation.length) axes.activation = chips.activation;
  if (draft.optimizers.length) axes.optimizer = draft.optimizers.map((name) => switchOptimizer(name, baseRate));
  if (lists.learningRate.values.length) axes.learningRate = lists.learningRate.values;
  if (lists.batchSize.values.length) axes.batchSize = lists.batchSize.values;
  if (lists.depth.values.length) axes.depth = lists.depth.values;
  return { name: draftName(draft, base), base, axes, targetAccuracy: draft.targetAccuracy };
}

/** A refused plan: the host's message, and the run count and limit when the sweep was too large. */
export interface PlanProblem {
  message: string;
  total: number | null;
  maxRuns: number | null;
}

function planProblemOf(error: unknown): PlanProblem {
  if (error instanceof InitScopeError) {
    const details = (error.details ?? {}) as { total?: unknown; maxRuns?: unknown };
    return {
      message: error.message,
      total: typeof details.total === 'number' ? details.total : null,
      maxRuns: typeof details.maxRuns === 'number' ? details.maxRuns : null,
    };
  }
  return { message: error instanceof Error ? error.message : String(error), total: null, maxRuns: null };
}

/**
 * The runs behind one heatmap cell: every ranked cell whose coordinates on the heatmap's row (and
 * column) axis are `row` (and `col`), pooled over seeds and the other axes, best cell first.
 */
export function heatmapCellRunIds(summary: SweepSummary, row: number, col: number): string[] {
  const heat = summary.heatmap;
  if (!heat) return summary.ranked.flatMap((c) => c.runIds);
  return summary.ranked
    .filter((cell) => cell.coords[heat.rowAxis] === row && (heat.colAxis === null || cell.coords[heat.colAxis] === col))
    .flatMap((cell) => cell.runIds);
}

/** What the summary shows: the metric, the heatmap's two axes (null: the host picks) and the target. */
export interface SummaryQuery {
  metric: SweepMetric;
  rowAxis: SweepAxisName | null;
  colAxis: SweepAxisName | null;
  targetAccuracy: number | null;
}

function summaryKey(id: string, q: SummaryQuery): string {
  return JSON.stringify([id, q.metric, q.rowAxis, q.colAxis, q.targetAccuracy]);
}

/** Sweeps: the list, the "new sweep" form with its plan, the selected sweep's live progress and summary. */
export const useSweepsStore = defineStore('sweeps', () => {
  const sweeps = ref<SweepInfo[]>([]);
  const loaded = ref(false);
  const selectedId = ref<string | null>(null);
  /** True while the form is shown instead of a sweep. */
  const creating = ref(true);
  const draft = ref<SweepDraft>(defaultSweepDraft());
  const plan = ref<SweepPlan | null>(null);
  const planProblem = ref<PlanProblem | null>(null);
  const planning = ref(false);
  const starting = ref(false);
  const busy = ref<Record<string, boolean>>({});
  const summary = ref<SweepSummary | null>(null);
  const summaryLoading = ref(false);
  const query = ref<SummaryQuery>({ metric: 'valAcc', rowAxis: null, colAxis: null, targetAccuracy: null });
  let planSeq = 0;
  /** The Compare picks before the last cell was sent there (for undo), and how many runs it picked. */
  /** Sweeps whose CSV is being written, and the last file written per sweep. */
  const exporting = ref<Record<string, boolean>>({});
  const exported = ref<Record<string, string>>({});
  const lastCompare = ref<{ previous: string[]; picked: number; mode: 'replace' | 'add' } | null>(null);
  let summarySeq = 0;
  /** The request whose answer is shown (answers older than it are dropped). */
  let appliedSeq = 0;
  let liveReading = false;
  let liveStale = false;
  let unsubscribers: Array<() => void> = [];

  const sorted = computed(() => [...sweeps.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  const selected = computed(() => sweeps.value.find((s) => s.id === selectedId.value) ?? null);
  const numberAxes = computed(() => parseNumberAxes(draft.value));
  const paramAxes = computed(() => parseParamAxes(draft.value));
  const runCount = computed(() => draftRunCount(draft.value));

  function upsert(info: SweepInfo): void {
    const { id, name, status, spec, axes, createdAt, finishedAt, progress, queue } = info; // drop `runs` of a SweepDetail
    const clean: SweepInfo = { id, name, status, spec, axes, createdAt, finishedAt, progress, ...(queue ? { queue } : {}) };
    const index = sweeps.value.findIndex((s) => s.id === id);
    if (index >= 0) sweeps.value[index] = clean;
    else sweeps.value.push(clean);
  }

  /** Re-reads the list (on load and after every reconnect) and the selected sweep's summary. */
  async function refresh(): Promise<void> {
    try {
      sweeps.value = await useHost().client.call('sweeps/list', {});
      loaded.value = true;
      if (selectedId.value && !sweeps.value.some((s) => s.id === selectedId.value)) selectedId.value = null;
      if (!selectedId.value && sorted.value[0]) {
        selectedId.value = sorted.value[0].id;
        creating.value = false;
      }
      if (selectedId.value && !creating.value) await loadSummary();
    } catch (error) {
      useAppStore().report(error);
    }
  }

  /** Asks the host to size `input` (the form's sweep); a newer request makes an older answer stale. */
  async function requestPlan(input: SweepInput | null): Promise<void> {
    const seq = ++planSeq;
    if (!input) {
      plan.value = null;
      planProblem.value = null;
      planning.value = false;
      return;
    }
    planning.value = true;
    try {
      const answer = await useHost().client.call('sweeps/plan', { sweep: input });
      if (seq !== planSeq) return;
      plan.value = answer;
      planProblem.value = null;
    } catch (error) {
      if (seq !== planSeq) return;
      plan.value = null;
      planProblem.value = planProblemOf(error);
    } finally {
      if (seq === planSeq) planning.value = false;
    }
  }

  /** Starts the sweep `input` and shows it. Returns the new sweep, or null if the host refused. */
  async function start(input: SweepInput): Promise<SweepInfo | null> {
    starting.value = true;
    try {
      const info = await useHost().client.call('sweeps/start', { sweep: input });
      upsert(info);
      await select(info.id);
      return info;
    } catch (error) {
      planProblem.value = planProblemOf(error);
      return null;
    } finally {
      starting.value = false;
    }
  }

  async function act(id: string, method: 'sweeps/cancel' | 'sweeps/resume'): Promise<void> {
    busy.value[id] = true;
    try {
      upsert(await useHost().client.call(method, { sweepId: id }));
      if (id === selectedId.value) await loadSummary();
    } catch (error) {
      useAppStore().report(error);
    } finally {
      delete busy.value[id];
    }
  }

  /** Drops the sweep's queued runs and stops its running ones. */
  const cancel = (id: string): Promise<void> => act(id, 'sweeps/cancel');
  /** Requeues the runs of an interrupted or cancelled sweep that did not end. */
  const resume = (id: string): Promise<void> => act(id, 'sweeps/resume');

  /** Shows a sweep (its progress and summary, on the host's default axes). */
  async function select(id: string): Promise<void> {
    const changed = id !== selectedId.value;
    selectedId.value = id;
    creating.value = false;
    if (changed) {
      query.value = { ...query.value, rowAxis: null, colAxis: null, targetAccuracy: null };
      summary.value = null;
    }
    await loadSummary();
  }

  /** Shows the "new sweep" form. */
  function newSweep(): void {
    creating.value = true;
  }

  /**
   * Reads the selected sweep's summary with the current {@link query}. An answer is shown unless the
   * sweep or query changed meanwhile or a newer answer is already shown: answers to the same query are
   * never dropped just because another request left after them (under load, with a run ending every
   * few hundred ms, that starved the table and heatmap while the progress bar moved on).
   */
  async function loadSummary(): Promise<void> {
    const id = selectedId.value;
    if (!id) return;
    const seq = ++summarySeq;
    const q = query.value;
    const key = summaryKey(id, q);
    summaryLoading.value = true;
    try {
      const answer = await useHost().client.call('sweeps/summary', {
        sweepId: id,
        metric: q.metric,
        ...(q.rowAxis ? { rowAxis: q.rowAxis } : {}),
        ...(q.colAxis ? { colAxis: q.colAxis } : {}),
        ...(q.targetAccuracy !== null ? { targetAccuracy: q.targetAccuracy } : {}),
      });
      if (seq < appliedSeq || !selectedId.value || key !== summaryKey(selectedId.value, query.value)) return;
      appliedSeq = seq;
      summary.value = answer;
    } catch (error) {
      if (seq === summarySeq) useAppStore().report(error);
    } finally {
      if (seq === summarySeq) summaryLoading.value = false;
    }
  }

  /** Changes what the summary shows; picking the other axis as the row (or column) swaps the two. */
  async function setQuery(change: Partial<SummaryQuery>): Promise<void> {
    const shownRow = summary.value?.heatmap?.rowAxis ?? query.value.rowAxis;
    const shownCol = summary.value?.heatmap?.colAxis ?? query.value.colAxis;
    const next: SummaryQuery = { ...query.value, rowAxis: shownRow, colAxis: shownCol, ...change };
    if (change.rowAxis && change.rowAxis === shownCol) next.colAxis = shownRow;
    if (change.colAxis && change.colAxis === shownRow) next.rowAxis = shownCol;
    query.value = next;
    await loadSummary();
  }

  /**
   * Re-reads the summary after a run ended: at once when no read is in flight, else once more right
   * after the current one returns (so the table never lags the progress bar by more than one read).
   */
  function refreshLive(): void {
    if (liveReading) {
      liveStale = true;
      return;
    }
    liveReading = true;
    void loadSummary().finally(() => {
      liveReading = false;
      if (liveStale) {
        liveStale = false;
        refreshLive();
      }
    });
  }

  const pendingGets = new Set<string>();
  /** Reads one sweep this window has not seen (started by another window or the CLI). */
  function syncSweep(id: string): void {
    if (pendingGets.has(id)) return;
    pendingGets.add(id);
    useHost()
      .client.call('sweeps/get', { sweepId: id })
      .then(upsert)
      .catch(() => {
        /* the next refresh repairs the list */
      })
      .finally(() => pendingGets.delete(id));
  }

  /** Applies one sweep event to the list and, for the shown sweep, its summary. */
  function applyEvent(event: SweepEvent): void {
    const info = sweeps.value.find((s) => s.id === event.sweepId);
    if (!info) syncSweep(event.sweepId);
    switch (event.type) {
      case 'sweepStarted':
        if (info) info.status = 'running';
        break;
      case 'sweepProgress':
        if (info) {
          info.progress = event.progress;
          info.status = event.progress.status;
        }
        if (event.sweepId === selectedId.value && !creating.value) refreshLive();
        break;
      case 'sweepFinished':
        if (info) {
          info.status = event.status;
          info.progress = event.summary.progress;
          info.finishedAt ??= new Date().toISOString();
        }
        if (event.sweepId === selectedId.value) void loadSummary();
        break;
    }
  }

  /**
   * Puts a cell's runs into the Compare view: `replace` drops the current picks, `add` keeps them and
   * appends the new runs (duplicates once; at most {@link MAX_COMPARED} in all, the best first). The
   * previous picks are kept for {@link undoCompare}. Returns how many of `runIds` are now compared.
   */
  async function compareRuns(runIds: readonly string[], mode: 'replace' | 'add' = 'replace'): Promise<number> {
    const runs = useRunsStore();
    if (runIds.some((id) => !runs.find(id))) await runs.refresh();
    const previous = [...runs.compareIds];
    const wanted = mode === 'add' ? [...previous, ...runIds.filter((id) => !previous.includes(id))] : [...runIds];
    const kept = await runs.setCompareSelection(wanted.slice(0, MAX_COMPARED));
    const picked = kept.filter((id) => runIds.includes(id)).length;
    lastCompare.value = { previous, picked, mode };
    return picked;
  }

  /**
   * Writes the sweep's CSV (every run: grid place, status, configuration, final metrics) in the host's
   * data folder and hands it to the user: a download in browser mode, the save dialog on the desktop.
   * Returns the written file's name, or null when the host refused (reported).
   */
  async function exportCsv(id: string): Promise<string | null> {
    exporting.value = { ...exporting.value, [id]: true };
    try {
      const result = await useHost().client.call('sweeps/export', { sweepId: id });
      const file = result.files[0];
      if (!file) return null;
      exported.value = { ...exported.value, [id]: file.name };
      await deliverExportedFiles(result.files, file.name.replace(/\.csv$/, ''));
      return file.name;
    } catch (error) {
      useAppStore().report(error);
      return null;
    } finally {
      const { [id]: _, ...rest } = exporting.value;
      exporting.value = rest;
    }
  }

  /** Restores the Compare picks from before the last {@link compareRuns}. */
  async function undoCompare(): Promise<void> {
    const last = lastCompare.value;
    if (!last) return;
    lastCompare.value = null;
    await useRunsStore().setCompareSelection(last.previous);
  }

  /** Listens to sweep events and re-reads everything each time the event channel (re)opens. */
  function connect(): void {
    if (unsubscribers.length) return;
    const { client, transport } = useHost();
    unsubscribers = [client.onSweepEvent(applyEvent), transport.onConnected(() => void refresh())];
  }

  function disconnect(): void {
    for (const off of unsubscribers) off();
    unsubscribers = [];
  }

  return {
    sweeps,
    loaded,
    selectedId,
    creating,
    draft,
    plan,
    planProblem,
    planning,
    starting,
    busy,
    summary,
    summaryLoading,
    query,
    sorted,
    selected,
    numberAxes,
    paramAxes,
    runCount,
    upsert,
    refresh,
    requestPlan,
    start,
    cancel,
    resume,
    select,
    newSweep,
    loadSummary,
    setQuery,
    applyEvent,
    compareRuns,
    undoCompare,
    lastCompare,
    exportCsv,
    exporting,
    exported,
    connect,
    disconnect,
  };
});
