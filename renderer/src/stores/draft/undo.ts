import { computed, ref, watch } from 'vue';
import type { ExperimentDraft } from '../../lib/experiment-draft.js';
import { EditHistory } from '../../lib/history.js';
import type { DraftDocument } from './document.js';

/** What one undo step holds: the draft and its row keys (so a row keeps its identity across undo). */
interface Snapshot {
  draft: ExperimentDraft;
  keys: number[];
}

/**
 * Undo/redo over the document. Structure edits record a step themselves (`commit()`); field edits
 * (typing, selects) reach the draft directly and are recorded by a watcher, merged while typing.
 * Restoring a step needs no guard against that watcher: it then records the restored state, which the
 * history already holds as its present, and {@link EditHistory.record} ignores an unchanged state.
 */
export function useDraftHistory(doc: DraftDocument) {
  const snapshot = (): string => JSON.stringify({ draft: doc.draft.value, keys: doc.layerKeys.value } satisfies Snapshot);
  const history = new EditHistory(snapshot());
  /** Bumped on every history change so `canUndo`/`canRedo` recompute. */
  const tick = ref(0);

  /** Records the current state as one undo step (`group` merges quick edits of the same kind). */
  function commit(group: string | null = null): void {
    history.record(snapshot(), group);
    tick.value += 1;
  }

  watch(doc.draft, () => commit('field'), { deep: true });

  function restore(text: string | null): void {
    if (text === null) return;
    const state = JSON.parse(text) as Snapshot;
    doc.draft.value = state.draft;
    doc.layerKeys.value = state.keys;
    const selected = doc.selectedIndex.value;
    if (selected !== null && selected >= state.keys.length) doc.selectedIndex.value = state.keys.length ? state.keys.length - 1 : null;
    tick.value += 1;
  }

  const canUndo = computed(() => tick.value >= 0 && history.canUndo);
  const canRedo = computed(() => tick.value >= 0 && history.canRedo);

  function undo(): void {
    commit('field'); // an edit still inside the merge window is part of what is undone
    restore(history.undo());
  }

  function redo(): void {
    restore(history.redo());
  }

  /** Forgets every step: the current state is where the history starts (a draft restored at start). */
  function restart(): void {
    history.reset(snapshot());
    tick.value += 1;
  }

  return { commit, undo, redo, canUndo, canRedo, restart };
}
