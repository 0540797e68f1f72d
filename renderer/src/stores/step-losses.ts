import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { RunEvent, StepLossPoint } from '../../../contract/index.js';
import { useHost } from '../host.js';

/** Most per-step loss points read back per run (the engine sends at most ~1000). */
export const MAX_STEP_LOSS_POINTS = 2000;

/**
 * Joins points read from the host with points that arrived live meanwhile: `base`, then the live
 * points whose step comes after its last one.
 */
export function mergeStepLosses(base: readonly StepLossPoint[], live: readonly StepLossPoint[]): StepLossPoint[] {
  const lastStep = base[base.length - 1]?.step ?? 0;
  return [...base, ...live.filter((p) => p.step > lastStep)];
}

/**
 * Per-step training losses per run: read once per run with `runs/stepLosses` (again after every
 * reconnect), then appended from live `stepLoss` events. Its own store (not the runs store), so the
 * per-step curve stays one concern: it listens to the host itself once `use` is first called.
 */
export const useStepLossStore = defineStore('stepLosses', () => {
  /** Points per run id, in step order. */
  const points = ref<Record<string, StepLossPoint[]>>({});
  const loaded = new Set<string>();
  let listening = false;

  function onEvent(event: RunEvent): void {
    if (event.type !== 'stepLoss') return;
    const list = (points.value[event.runId] ??= []);
    const lastStep = list[list.length - 1]?.step ?? 0;
    for (const p of event.points) if (p.step > lastStep) list.push(markRaw(p));
  }

  function listen(): void {
    if (listening) return;
    listening = true;
    const { client, transport } = useHost();
    client.onEvent(onEvent);
    transport.onConnected(() => {
      const read = [...loaded];
      loaded.clear();
      for (const id of read) void load(id);
    });
  }

  /** Reads a run's stored points (once per connection), keeping live points that arrived after them. */
  async function load(runId: string): Promise<void> {
    listen();
    if (loaded.has(runId)) return;
    loaded.add(runId);
    try {
      const fetched = await useHost().client.call('runs/stepLosses', { runId, maxPoints: MAX_STEP_LOSS_POINTS });
      points.value[runId] = mergeStepLosses(
        fetched.map((p) => markRaw(p)),
        points.value[runId] ?? [],
      );
    } catch {
      loaded.delete(runId);
      points.value[runId] ??= []; // an older host without step losses: the chart shows the epoch points only
    }
  }

  return { points, load, onEvent };
});
