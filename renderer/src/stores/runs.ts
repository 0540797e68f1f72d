import { defineStore } from 'pinia';
import { computed, markRaw, ref } from 'vue';
import { InitScopeError } from '../../../contract/index.js';
import type { ExperimentSpec, FinalMetrics, LayerStatsRecord, MetricPoint, RunEvent, RunFilterField, RunStatus, RunSummary } from '../../../contract/index.js';
import { MAX_COMPARED } from '../lib/compare.js';
import { useHost } from '../host.js';
import { useAppStore } from './app.js';

/** Most points read back per curve; the host downsamples longer runs. */
export const MAX_CURVE_POINTS = 2000;
/** Most per-layer statistics records read back per run. */
export const MAX_STATS_POINTS = 400;

/** What the latest live events said about a running run. */
export interface LiveProgress {
  totalEpochs: number;
  epoch: number;
  etaSeconds: number | null;
  /** Cores the latest epoch mostly trained on (2: its batches were split across both; see contract 'progress'). */
  cores?: number;
  /** `Date.now()` when the latest event arrived (to age the ETA). */
  at: number;
}

/** Statuses after which a run never changes again. */
export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'cancelled', 'failed', 'diverged', 'interrupted']);

/** How far a run has got: a summary read earlier never moves a run back (queued → running → ended). */
function progressRank(status: RunStatus): number {
  return status === 'queued' ? 0 : status === 'running' ? 1 : 2;
}

export function isActive(status: RunStatus): boolean {
  return status === 'running' || status === 'queued';
}

/** True if point `a` comes after point `b` in training order (step, then epoch). */
function isAfter(a: MetricPoint, b: MetricPoint): boolean {
  return a.step > b.step || (a.step === b.step && a.epoch > b.epoch);
}

/**
 * Joins a curve read from the host with points that arrived live meanwhile: keeps `base` and appends
 * the live points that come after its last one.
 */
export function mergePoints(base: readonly MetricPoint[], live: readonly MetricPoint[]): MetricPoint[] {
  const merged = [...base];
  for (const point of live) {
    const last = merged[merged.length - 1];
    if (!last || isAfter(point, last)) merged.push(point);
  }
  return merged;
}

function metricsOf(point: MetricPoint): FinalMetrics {
  return { trainLoss: point.trainLoss, trainAcc: point.trainAcc, valLoss: point.valLoss, valAcc: point.valAcc };
}

/** Runs, their curves (appended live from `progress` events) and the run shown in the centre. */
export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  const selectedId = ref<string | null>(null);
  /** Curve points per run id, in training order. */
  const points = ref<Record<string, MetricPoint[]>>({});
  const live = ref<Record<string, LiveProgress>>({});
  const loading = ref(false);
  const loaded = ref(false);
  const starting = ref(false);
  const cancelling = ref<Record<string, boolean>>({});
  /** Per-layer statistics per run id, in step order (read back, then appended live). */
  const stats = ref<Record<string, LayerStatsRecord[]>>({});
  /** Runs picked for the Compare view, in the order they were picked (at most {@link MAX_COMPARED}). */
  const compareIds = ref<string[]>([]);
  const statsLoaded = new Set<string>();
  /** The run list's filter text (contract/run-filter.ts) and grouping field ('' = none). */
  const filterText = ref('');
  const groupBy = ref<RunFilterField | ''>('');
  /** The run deleted last, for the list's notice: its name as shown and the files removed. */
  const lastDeleted = ref<{ name: string; files: number } | null>(null);

  /** Runs whose full curve has been read from the host since the last (re)connect. */
  const curveLoaded = new Set<string>();
  const pendingGets = new Set<string>();
  /** Runs with an event newer than their pending read: read again once it returns. */
  const staleGets = new Set<string>();
  let unsubscribers: Array<() => void> = [];

  const sorted = computed(() => [...runs.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value) ?? null);
  const selectedPoints = computed<MetricPoint[]>(() => (selectedId.value ? (points.value[selectedId.value] ?? []) : []));
  const selectedLive = computed(() => (selectedId.value ? (live.value[selectedId.value] ?? null) : null));

  function find(id: string): RunSummary | undefined {
    return runs.value.find((r) => r.id === id);
  }

  /**
   * Adds a run or replaces the stored copy — unless the copy is further along: a fast run's events can
   * arrive before the reply that started it (or a read issued while it ran), and such a stale summary
   * must not turn a finished run back into a running one.
   */
  function upsert(summary: RunSummary): void {
    const index = runs.value.findIndex((r) => r.id === summary.id);
    if (index >= 0 && progressRank(runs.value[index]!.status) > progressRank(summary.status)) return;
    if (index >= 0) runs.value[index] = summary;
    else runs.value.push(summary);
    if (FINAL_STATUSES.has(summary.status)) delete live.value[summary.id];
  }

  /** Re-reads the run list (on load and after every reconnect) and the selected run's curve. */
  async function refresh(): Promise<void> {
    loading.value = true;
    try {
      runs.value = await useHost().client.call('runs/list', {});
      loaded.value = true;
      curveLoaded.clear();
      statsLoaded.clear();
      compareIds.value = compareIds.value.filter((id) => find(id));
      for (const id of compareIds.value) void ensureLoaded(id);
      for (const run of runs.value) if (FINAL_STATUSES.has(run.status)) delete live.value[run.id];
      if (!selectedId.value || !find(selectedId.value)) selectedId.value = sorted.value[0]?.id ?? null;
      if (selectedId.value) await ensureLoaded(selectedId.value);
    } catch (error) {
      useAppStore().report(error);
    } finally {
      loading.value = false;
    }
  }

  /** Reads a run's curve from the host, keeping any live points that arrived after it. */
  async function loadMetrics(id: string): Promise<void> {
    try {
      const fetched = await useHost().client.call('runs/metrics', { runId: id, maxPoints: MAX_CURVE_POINTS });
      // markRaw: points are immutable; deep proxies over 8 × 20,000 of them would cost more than the charts.
      points.value[id] = mergePoints(
        fetched.map((p) => markRaw(p)),
        points.value[id] ?? [],
      );
      curveLoaded.add(id);
    } catch (error) {
      useAppStore().report(error);
    }
  }

  /** Reads a run's per-layer statistics, keeping live records that arrived after them. */
  async function loadStats(id: string): Promise<void> {
    try {
      const fetched = await useHost().client.call('runs/layerStats', { runId: id, maxPoints: MAX_STATS_POINTS });
      const liveRecords = (stats.value[id] ?? []).filter((r) => r.step > (fetched[fetched.length - 1]?.step ?? -1));
      stats.value[id] = [...fetched.map((r) => markRaw(r)), ...liveRecords];
      statsLoaded.add(id);
    } catch {
      stats.value[id] ??= []; // an older host without statistics: the view shows none
    }
  }

  /** Makes sure a run's curve and statistics are read (Compare view, Run view). */
  async function ensureLoaded(id: string): Promise<void> {
    await Promise.all([curveLoaded.has(id) ? null : loadMetrics(id), statsLoaded.has(id) ? null : loadStats(id)]);
  }

  /** Adds a run to the comparison, or removes it; returns false when the comparison is full. */
  function toggleCompare(id: string): boolean {
    const at = compareIds.value.indexOf(id);
    if (at >= 0) {
      compareIds.value.splice(at, 1);
      return true;
    }
    if (compareIds.value.length >= MAX_COMPARED) return false;
    compareIds.value.push(id);
    void ensureLoaded(id);
    return true;
  }

  /**
   * Replaces the comparison with `ids` (in that order, duplicates and unknown runs dropped, at most
   * {@link MAX_COMPARED}) and reads their curves; returns the ids kept.
   */
  async function setCompareSelection(ids: readonly string[]): Promise<string[]> {
    const kept = [...new Set(ids)].filter((id) => find(id)).slice(0, MAX_COMPARED);
    compareIds.value = kept;
    await Promise.all(kept.map((id) => ensureLoaded(id)));
    return kept;
  }

  /** Shows a run in the centre, reading its curve if not read yet. */
  async function select(id: string | null): Promise<void> {
    selectedId.value = id;
    if (id) await ensureLoaded(id);
  }

  /** Starts a run of `experiment` and selects it. Returns the new run, or null if the host refused. */
  async function start(experiment: ExperimentSpec): Promise<RunSummary | null> {
    return launch(() => useHost().client.call('runs/start', { experiment }));
  }

  /** Reruns a completed or diverged run from its record (runs/reproduce) and selects the rerun. */
  async function reproduce(id: string): Promise<RunSummary | null> {
    return launch(() => useHost().client.call('runs/reproduce', { runId: id }));
  }

  /** Creates a run with `call`, adds it with an empty curve and selects it; errors are reported. */
  async function launch(call: () => Promise<RunSummary>): Promise<RunSummary | null> {
    starting.value = true;
    try {
      const summary = await call();
      upsert(summary);
      points.value[summary.id] ??= [];
      curveLoaded.add(summary.id); // a new run's curve is complete from its first live point
      stats.value[summary.id] ??= [];
      statsLoaded.add(summary.id);
      selectedId.value = summary.id;
      return summary;
    } catch (error) {
      useAppStore().report(error);
      return null;
    } finally {
      starting.value = false;
    }
  }

  async function cancel(id: string): Promise<void> {
    cancelling.value[id] = true;
    try {
      upsert(await useHost().client.call('runs/cancel', { runId: id }));
    } catch (error) {
      useAppStore().report(error);
    } finally {
      delete cancelling.value[id];
    }
  }

  /** Renames a run (null: back to its automatic name); false if the host refused (reported). */
  async function rename(id: string, name: string | null): Promise<boolean> {
    return edit(() => useHost().client.call('runs/rename', { runId: id, name }));
  }

  /** Adds and removes tags of a run. */
  async function tag(id: string, add: string[], remove: string[] = []): Promise<boolean> {
    return edit(() => useHost().client.call('runs/tag', { runId: id, add, remove }));
  }

  /** Replaces a run's notes. */
  async function setNotes(id: string, notes: string): Promise<boolean> {
    return edit(() => useHost().client.call('runs/setNotes', { runId: id, notes }));
  }

  /** Applies an edit's answer to the stored copy (the host's summary is the truth). */
  async function edit(call: () => Promise<RunSummary>): Promise<boolean> {
    try {
      const summary = await call();
      const run = find(summary.id);
      if (run) Object.assign(run, { name: summary.name, customName: summary.customName, tags: summary.tags, notes: summary.notes });
      else upsert(summary);
      return true;
    } catch (error) {
      useAppStore().report(error);
      return false;
    }
  }

  /**
   * Deletes an ended run (the host refuses a queued or running one) and forgets it here: its curves,
   * statistics, place in the comparison; the selection moves to the next run in the list.
   * `shownName`: the name the list shows, for the notice.
   */
  async function remove(id: string, shownName: string): Promise<boolean> {
    try {
      // A run another window (or the CLI) deleted already is forgotten here too.
      const filesRemoved = await useHost()
        .client.call('runs/delete', { runId: id })
        .then(
          (r) => r.filesRemoved,
          (error: unknown) => {
            if (error instanceof InitScopeError && error.code === 'not_found') return 0;
            throw error;
          },
        );
      const order = sorted.value.map((r) => r.id);
      const at = order.indexOf(id);
      runs.value = runs.value.filter((r) => r.id !== id);
      delete points.value[id];
      delete stats.value[id];
      delete live.value[id];
      compareIds.value = compareIds.value.filter((c) => c !== id);
      curveLoaded.delete(id);
      statsLoaded.delete(id);
      if (selectedId.value === id) {
        const next = order[at + 1] ?? order[at - 1] ?? null;
        await select(next && next !== id ? next : null);
      }
      lastDeleted.value = { name: shownName, files: filesRemoved };
      return true;
    } catch (error) {
      useAppStore().report(error);
      return false;
    }
  }

  /** Reads one run again (an event named a run this window has not seen, or it just ended). */
  function syncRun(id: string): void {
    if (pendingGets.has(id)) {
      staleGets.add(id);
      return;
    }
    pendingGets.add(id);
    useHost()
      .client.call('runs/get', { runId: id })
      .then((summary) => upsert(summary))
      .catch(() => {
        /* the live state already applied stays; the next refresh repairs it */
      })
      .finally(() => {
        pendingGets.delete(id);
        if (staleGets.delete(id)) syncRun(id);
      });
  }

  function appendPoint(id: string, point: MetricPoint): void {
    const list = (points.value[id] ??= []);
    const last = list[list.length - 1];
    if (!last || isAfter(point, last)) list.push(markRaw(point));
    else if (last.step === point.step && last.epoch === point.epoch) list[list.length - 1] = markRaw(point);
  }

  /** Applies one run event to the stored runs and curves. */
  function applyEvent(event: RunEvent): void {
    const run = find(event.runId);
    if (!run) syncRun(event.runId);
    const now = Date.now();
    switch (event.type) {
      case 'started':
        live.value[event.runId] = { totalEpochs: event.totalEpochs, epoch: 0, etaSeconds: null, at: now };
        if (run) {
          run.status = 'running';
          run.backend = event.backend;
          run.tfjsVersion = event.tfjsVersion;
          run.startedAt ??= new Date(now).toISOString();
        }
        break;
      case 'layerStats': {
        const list = (stats.value[event.runId] ??= []);
        const last = list[list.length - 1];
        // markRaw: records are immutable; deep proxies over every histogram would cost more than the charts.
        if (!last || event.step > last.step) list.push(markRaw({ step: event.step, epoch: event.epoch, layers: event.layers }));
        break;
      }
      case 'progress':
        appendPoint(event.runId, event.point);
        live.value[event.runId] = {
          totalEpochs: event.totalEpochs,
          epoch: event.point.epoch,
          etaSeconds: event.etaSeconds,
          ...(event.cores ? { cores: event.cores } : {}),
          at: now,
        };
        if (run) {
          if (run.status === 'queued') run.status = 'running';
          run.epochsDone = Math.max(run.epochsDone, event.point.epoch);
          run.metrics = metricsOf(event.point);
        }
        break;
      case 'finished':
      case 'failed':
      case 'diverged':
      case 'cancelled':
        delete live.value[event.runId];
        if (run) {
          run.finishedAt ??= new Date(now).toISOString();
          if (event.type === 'finished') {
            run.status = 'completed';
            run.metrics = event.metrics;
            run.epochsDone = event.epochs;
          } else if (event.type === 'failed') {
            run.status = 'failed';
            run.error = event.error;
          } else if (event.type === 'diverged') {
            run.status = 'diverged';
            run.metrics = event.metrics;
            run.divergedAtStep = event.step;
            run.divergedLayer = event.layer;
            run.epochsDone = Math.max(run.epochsDone, event.epoch);
          } else {
            run.status = 'cancelled';
            run.metrics = event.metrics;
            run.epochsDone = Math.max(run.epochsDone, event.epoch);
          }
          syncRun(event.runId); // pick up the host's own timings and final numbers
        }
        break;
    }
  }

  /** Listens to run events and re-reads everything each time the event channel (re)opens. */
  function connect(): void {
    if (unsubscribers.length) return;
    const { client, transport } = useHost();
    unsubscribers = [client.onEvent(applyEvent), transport.onConnected(() => void refresh())];
  }

  function disconnect(): void {
    for (const off of unsubscribers) off();
    unsubscribers = [];
  }

  return {
    runs,
    selectedId,
    points,
    live,
    loading,
    loaded,
    starting,
    cancelling,
    stats,
    compareIds,
    filterText,
    groupBy,
    lastDeleted,
    rename,
    tag,
    setNotes,
    remove,
    setCompareSelection,
    sorted,
    selected,
    selectedPoints,
    selectedLive,
    find,
    upsert,
    refresh,
    loadMetrics,
    loadStats,
    ensureLoaded,
    toggleCompare,
    select,
    start,
    reproduce,
    cancel,
    applyEvent,
    connect,
    disconnect,
  };
});
