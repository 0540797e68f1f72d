import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { BoundaryEvent, BoundaryGrid, BoundarySnapshot } from '../../../contract/index.js';
import { useHost } from '../host.js';

/** True if picture `a` comes after picture `b` of the same run (a final picture comes after every other). */
function isNewer(a: { grid: BoundaryGrid; final: boolean }, b: { grid: BoundaryGrid; final: boolean }): boolean {
  if (a.final !== b.final) return a.final;
  return a.grid.step > b.grid.step;
}

/**
 * Decision-boundary pictures of runs on 2-D datasets (contract/boundary.ts): read with `runs/boundary`
 * when the Run view shows a run, then replaced by each live `boundary` event. Never moves a run's
 * picture back to an older one (a read that answers after a newer live event is ignored).
 */
export const useBoundaryStore = defineStore('boundary', () => {
  /** The newest picture per run id (frozen: a picture is replaced whole, never edited). */
  const pictures = ref<Record<string, BoundarySnapshot>>({});
  /** Why a run's stored picture could not be read, per run id. */
  const errors = ref<Record<string, string>>({});
  /** Runs read at least once (re-read after a reconnect). */
  const wanted = new Set<string>();
  const pending = new Set<string>();
  let unsubscribers: Array<() => void> = [];

  function put(snapshot: BoundarySnapshot): void {
    const current = pictures.value[snapshot.runId];
    if (current && !isNewer(snapshot, current)) return;
    pictures.value = { ...pictures.value, [snapshot.runId]: markRaw(snapshot) };
  }

  /** Reads a run's picture from the host (latest while it runs, final once it ended). */
  async function load(runId: string): Promise<void> {
    wanted.add(runId);
    if (pending.has(runId)) return;
    pending.add(runId);
    try {
      const snapshot = await useHost().client.call('runs/boundary', { runId });
      if (snapshot) put(snapshot);
      if (errors.value[runId]) {
        const { [runId]: _, ...rest } = errors.value;
        errors.value = rest;
      }
    } catch (error) {
      errors.value = { ...errors.value, [runId]: error instanceof Error ? error.message : String(error) };
    } finally {
      pending.delete(runId);
    }
  }

  /** A live picture: joins the points of the run's first picture; reads the whole picture if they were missed. */
  function apply(event: BoundaryEvent): void {
    const points = event.points ?? pictures.value[event.runId]?.points;
    if (!points) {
      void load(event.runId);
      return;
    }
    put({ runId: event.runId, grid: event.grid, points, final: event.final === true });
  }

  /** Panels showing pictures: the store listens while there is at least one. */
  let users = 0;

  /**
   * Listens to live pictures, and re-reads the runs it showed each time the event channel (re)opens.
   * Counted: every connect() is paired with one disconnect(), in any order across panels.
   */
  function connect(): void {
    users++;
    if (unsubscribers.length) return;
    const { client, transport } = useHost();
    unsubscribers = [client.onBoundaryEvent(apply), transport.onConnected(() => wanted.forEach((id) => void load(id)))];
  }

  function disconnect(): void {
    users = Math.max(0, users - 1);
    if (users > 0) return;
    for (const off of unsubscribers) off();
    unsubscribers = [];
  }

  return { pictures, errors, load, apply, connect, disconnect };
});
