import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { ExperimentSpec, RunEvent, SignalPropRecord } from '../../../contract/index.js';
import { useHost } from '../host.js';

/** At most this many recorded steps are read per run (evenly spaced; the first and last kept). */
export const MAX_SIGNAL_PROP_POINTS = 400;

/** Quiet time (ms) after the last edit before the draft's init signal propagation is recomputed. */
export const SIGNAL_PROP_DEBOUNCE_MS = 350;

/** idle: not asked; loading; ready; error (`error` holds the host's message). */
export type SignalPropStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * Appends a live record to `list` when it is newer than the last one (records stay in step order;
 * a repeat or an older step, e.g. an event that raced a read, is dropped). Returns the list.
 */
export function appendRecord(list: SignalPropRecord[], record: SignalPropRecord): SignalPropRecord[] {
  const last = list[list.length - 1];
  if (!last || record.step > last.step) list.push(record);
  return list;
}

/**
 * Signal propagation of residual blocks (contract `SignalPropRecord`): per run, the recorded steps read
 * with `runs/signalProp` and then extended by the `signalProp` of each live `layerStats` event; and, for
 * the network being built, the blocks at init from `engine/preview` (recomputed on request, the
 * newest request winning).
 */
export const useSignalPropStore = defineStore('signalProp', () => {
  /** Recorded steps per run id, in step order. */
  const records = ref<Record<string, SignalPropRecord[]>>({});
  /** Why a run's records could not be read, per run id. */
  const errors = ref<Record<string, string>>({});
  const wanted = new Set<string>();
  const pending = new Set<string>();
  let unsubscribers: Array<() => void> = [];

  /** Reads a run's recorded steps, keeping live records newer than the last one read. */
  async function load(runId: string): Promise<void> {
    wanted.add(runId);
    if (pending.has(runId)) return;
    pending.add(runId);
    try {
      const fetched = await useHost().client.call('runs/signalProp', { runId, maxPoints: MAX_SIGNAL_PROP_POINTS });
      const lastStep = fetched[fetched.length - 1]?.step ?? -1;
      const liveAfter = (records.value[runId] ?? []).filter((r) => r.step > lastStep);
      records.value = { ...records.value, [runId]: [...fetched.map((r) => markRaw(r)), ...liveAfter] };
      if (errors.value[runId]) {
        const { [runId]: _, ...rest } = errors.value;
        errors.value = rest;
      }
    } catch (error) {
      errors.value = { ...errors.value, [runId]: error instanceof Error ? error.message : String(error) };
      records.value[runId] ??= [];
    } finally {
      pending.delete(runId);
    }
  }

  /**
   * A live event: a `layerStats` event with residual blocks extends the run's records (if read); the
   * run's first one also carries the untrained network (step 0).
   */
  function apply(event: RunEvent): void {
    if (event.type !== 'layerStats' || !wanted.has(event.runId) || !(event.signalProp?.length || event.signalPropInit?.length)) return;
    const list = [...(records.value[event.runId] ?? [])];
    const before = list.length;
    if (event.signalPropInit?.length) appendRecord(list, markRaw({ step: 0, epoch: 0, blocks: event.signalPropInit }));
    if (event.signalProp?.length) appendRecord(list, markRaw({ step: event.step, epoch: event.epoch, blocks: event.signalProp }));
    if (list.length !== before) records.value = { ...records.value, [event.runId]: list };
  }

  let users = 0;
  /** Listens to live events and re-reads the runs shown after a reconnect; pair every connect() with a disconnect(). */
  function connect(): void {
    users++;
    if (unsubscribers.length) return;
    const { client, transport } = useHost();
    unsubscribers = [client.onEvent(apply), transport.onConnected(() => wanted.forEach((id) => void load(id)))];
  }

  function disconnect(): void {
    users = Math.max(0, users - 1);
    if (users > 0) return;
    for (const off of unsubscribers) off();
    unsubscribers = [];
  }

  /** The draft network's residual blocks at init (engine/preview), null before the first answer. */
  const init = ref<SignalPropRecord | null>(null);
  const initStatus = ref<SignalPropStatus>('idle');
  const initError = ref<string | null>(null);
  let initToken = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Computes the init signal propagation of `spec` now; null (an invalid draft) clears it. */
  async function refreshInit(spec: ExperimentSpec | null): Promise<void> {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const mine = ++initToken;
    if (!spec) {
      init.value = null;
      initStatus.value = 'idle';
      return;
    }
    initStatus.value = 'loading';
    initError.value = null;
    try {
      const [result] = await useHost().client.call('engine/preview', { experiment: spec });
      if (mine !== initToken) return;
      init.value = markRaw({ step: 0, epoch: 0, blocks: result?.signalProp ?? [] });
      initStatus.value = 'ready';
    } catch (cause) {
      if (mine !== initToken) return;
      init.value = null;
      initError.value = cause instanceof Error ? cause.message : String(cause);
      initStatus.value = 'error';
    }
  }

  /** Recomputes after {@link SIGNAL_PROP_DEBOUNCE_MS} of quiet. */
  function scheduleInit(spec: ExperimentSpec | null): void {
    if (timer !== null) clearTimeout(timer);
    initToken += 1;
    initStatus.value = spec ? 'loading' : 'idle';
    timer = setTimeout(() => void refreshInit(spec), SIGNAL_PROP_DEBOUNCE_MS);
  }

  return { records, errors, load, apply, connect, disconnect, init, initStatus, initError, refreshInit, scheduleInit };
});
