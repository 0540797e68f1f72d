import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  ACTIVATION_NAMES,
  INITIALIZER_NAMES,
  InitScopeError,
  OptimizerSpec,
  SWEEP_LIMITS,
  type ActivationName,
  type ExperimentSpec,
  type InitializerName,
  type SweepAxisName,
  type SweepEvent,
  type SweepInfo,
  type SweepInput,
  type SweepMetric,
  type SweepPlan,
  type SweepSummary,
} from '../../../contract/index.js';
import { MAX_COMPARED } from '../lib/compare.js';
import { defaultActivation, defaultInitializer, switchOptimizer } from '../lib/experiment-draft.js';
import { useHost } from '../host.js';
import { useAppStore } from './app.js';
import { useRunsStore } from './runs.js';

export type OptimizerName = OptimizerSpec['name'];

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
  activations: ActivationName[];
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
    activations: ['tanh', 'relu'],
    optimizers: [],
    learningRates: '',
    batchSizes: '',
    depths: '',
    seeds: 3,
    targetAccuracy: 0.9,
  };
}

/** Why a number list does not parse: `code` picks the message, `value` is the offending token or bound. */
export interface ListProblem {
  code: 'notNumber' | 'integer' | 'positive' | 'min' | 'max' | 'duplicate' | 'tooMany';
  value: string;
}

/** A number list as parsed: its values in the order typed, or the first problem. */
export interface ParsedList {
  values: number[];
  problem: ListProblem | null;
}

/** Most values one axis may take (the contract's limit). */
export const MAX_AXIS_VALUES = SWEEP_LIMITS.maxAxisValues;

/**
 * Parses a comma/space/semicolon-separated number list (`"0.1, 1e-2"`). Empty text gives no values
 * (the axis is not varied). `min` is exclusive when `positive` is set (learning rates), else inclusive.
 */
export function parseNumberList(text: string, rule: { integer?: boolean; min: number; max: number; positive?: boolean }): ParsedList {
  const tokens = text.split(/[\s,;，；]+/).filter(Boolean);
  const values: number[] = [];
  for (const token of tokens) {
    const value = Number(token);
    if (!Number.isFinite(value)) return { values, problem: { code: 'notNumber', value: token } };
    if (rule.integer && !Number.isInteger(value)) return { values, problem: { code: 'integer', value: token } };
    if (rule.positive && value <= rule.min) return { values, problem: { code: 'positive', value: String(rule.min) } };
    if (value < rule.min) return { values, problem: { code: 'min', value: String(rule.min) } };
    if (value > rule.max) return { values, problem: { code: 'max', value: String(rule.max) } };
    if (values.includes(value)) return { values, problem: { code: 'duplicate', value: token } };
    values.push(value);
  }
  if (values.length > MAX_AXIS_VALUES) return { values, problem: { code: 'tooMany', value: String(MAX_AXIS_VALUES) } };
  return { values, problem: null };
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

/** Number of runs the draft expands to: Π (values per varied axis) × seeds (0 while a field is invalid). */
export function draftRunCount(draft: SweepDraft): number {
  const lists = parseNumberAxes(draft);
  if (Object.values(lists).some((l) => l.problem) || !Number.isInteger(draft.seeds) || draft.seeds < 1) return 0;
  const sizes = [draft.initializers.length, draft.activations.length, draft.optimizers.length, ...Object.values(lists).map((l) => l.values.length)];
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
  if (Object.values(lists).some((l) => l.problem)) return null;
  const baseRate = base.train.optimizer.learningRate;
  const axes: SweepInput['axes'] = { seeds: draft.seeds };
  if (draft.initializers.length) axes.initializer = draft.initializers.map(defaultInitializer);
  if (draft.activations.length) axes.activation = draft.activations.map(defaultActivation);
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
  let summarySeq = 0;
  let summaryTimer: ReturnType<typeof setTimeout> | null = null;
  let unsubscribers: Array<() => void> = [];

  const sorted = computed(() => [...sweeps.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  const selected = computed(() => sweeps.value.find((s) => s.id === selectedId.value) ?? null);
  const numberAxes = computed(() => parseNumberAxes(draft.value));
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

  /** Reads the selected sweep's summary with the current {@link query}; an older answer is dropped. */
  async function loadSummary(): Promise<void> {
    const id = selectedId.value;
    if (!id) return;
    const seq = ++summarySeq;
    const q = query.value;
    summaryLoading.value = true;
    try {
      const answer = await useHost().client.call('sweeps/summary', {
        sweepId: id,
        metric: q.metric,
        ...(q.rowAxis ? { rowAxis: q.rowAxis } : {}),
        ...(q.colAxis ? { colAxis: q.colAxis } : {}),
        ...(q.targetAccuracy !== null ? { targetAccuracy: q.targetAccuracy } : {}),
      });
      if (seq !== summarySeq || id !== selectedId.value) return;
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

  /** Re-reads the summary at most every `delayMs` while progress events stream in. */
  function scheduleSummary(delayMs = 700): void {
    if (summaryTimer) return;
    summaryTimer = setTimeout(() => {
      summaryTimer = null;
      void loadSummary();
    }, delayMs);
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
        if (event.sweepId === selectedId.value && !creating.value) scheduleSummary();
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
   * Picks runs for the Compare view (replacing the current pick; at most {@link MAX_COMPARED}, the
   * best first) and reads their curves. Returns how many were picked.
   */
  async function compareRuns(runIds: readonly string[]): Promise<number> {
    const runs = useRunsStore();
    const ids = runIds.slice(0, MAX_COMPARED);
    if (ids.some((id) => !runs.find(id))) await runs.refresh();
    return (await runs.setCompareSelection(ids)).length;
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
    if (summaryTimer) clearTimeout(summaryTimer);
    summaryTimer = null;
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
    connect,
    disconnect,
  };
});
