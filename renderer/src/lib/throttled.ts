import { onBeforeUnmount, shallowRef, watch, type ShallowRef, type WatchSource } from 'vue';

/**
 * A snapshot of `source` that follows it at most once every `intervalMs` milliseconds (the first change
 * shows at once, later ones are batched into one trailing update). Expensive views of fast-changing
 * data (heatmaps over a live run) recompute from the snapshot, so a fast run cannot saturate the page.
 * `version` is what changes when the data changes (e.g. an array's length, since the store appends in
 * place); `source` should then return a fresh value (e.g. a copy of the array) so dependents recompute.
 */
export function useThrottled<T>(source: () => T, version: WatchSource<unknown>, intervalMs: number): ShallowRef<T> {
  const snapshot = shallowRef(source()) as ShallowRef<T>;
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const publish = () => {
    timer = null;
    last = Date.now();
    snapshot.value = source();
  };
  watch(version, () => {
    if (timer) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    if (wait === 0) publish();
    else timer = setTimeout(publish, wait);
  });
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
  });
  return snapshot;
}
