import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { DraftStorage } from '../lib/draft-storage.js';
import { useDatasetsStore } from './datasets.js';
import { createDraftDocument, useDocumentEdits } from './draft/document.js';
import { useLayerEditing } from './draft/layer-editing.js';
import { persistDraft } from './draft/persistence.js';
import { useDraftHistory } from './draft/undo.js';
import { useDraftValidation } from './draft/validation.js';

// Kept for importers of this module; the definitions live in lib/.
export { defaultActivation, defaultDraft, defaultInitializer, switchOptimizer, toExperimentInput, type ExperimentDraft } from '../lib/experiment-draft.js';
export { validateDraft, type ExperimentIssue } from '../lib/draft-validation.js';
export { hiddenWeightIndices } from '../lib/layer-kinds.js';

/**
 * The experiment being edited in the builder. The store only wires its concerns together, each in its
 * own module under `draft/`: the document (state and whole-document edits), its validation (derived,
 * one parse per change), the undo history, layer editing, and persistence. It writes no other store.
 */
export const useExperimentStore = defineStore('experiment', () => {
  const doc = createDraftDocument();
  const { draft, layerKeys, selectedIndex } = doc;

  /** The selected dataset's description, once the host has listed it. */
  const datasetInfo = computed(() => {
    const datasets = useDatasetsStore();
    const id = draft.value.storedDatasetId;
    return id ? datasets.list.find((d) => d.id === id) : datasets.byName(draft.value.dataset.builtin);
  });

  const validation = useDraftValidation(draft, datasetInfo);
  const history = useDraftHistory(doc);
  const commit = (group: string | null = null): void => history.commit(group);
  const layers = useLayerEditing(doc, commit);
  const edits = useDocumentEdits(doc, datasetInfo, commit);

  let persisting = false;
  /**
   * Restores the draft stored in `storage` (if any and still valid; else the current draft stays) as the
   * start of this session's undo history, then stores every complete draft there. Call once, at start.
   */
  function startPersistence(storage: DraftStorage | null): void {
    if (persisting) return;
    persisting = true;
    persistDraft(doc, storage, validation.parsed, history.restart);
  }

  return {
    draft,
    layerKeys,
    selectedIndex,
    datasetInfo,
    issues: validation.issues,
    errors: validation.errors,
    isValid: validation.isValid,
    spec: validation.spec,
    errorAt: validation.errorAt,
    layerIssue: validation.layerIssue,
    ...layers,
    ...edits,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
    undo: history.undo,
    redo: history.redo,
    commit,
    startPersistence,
  };
});
