import { ref, type ComputedRef, type Ref } from 'vue';
import {
  BuiltinDatasetName as BuiltinDatasetNameSchema,
  ExperimentSpec,
  type BuiltinDatasetName,
  type DatasetInfo,
  type LayerSpec,
  type OptimizerSpec,
} from '../../../../contract/index.js';
import { clone, defaultDraft, draftFromExperiment, switchOptimizer, toExperimentInput, type ExperimentDraft } from '../../lib/experiment-draft.js';
import { buildPreset, type PresetId } from '../../lib/presets.js';

/**
 * The experiment being edited in the builder: the one state that validation, history, layer editing and
 * persistence read, and that only the experiment store's own parts write.
 */
export interface DraftDocument {
  draft: Ref<ExperimentDraft>;
  /** Stable keys for the layer rows (layers move, so their index is no key); one per layer. */
  layerKeys: Ref<number[]>;
  /** The layer shown in the inspector (index into the layers), or null for none. */
  selectedIndex: Ref<number | null>;
}

let nextKey = 1;

/** A row key no layer of this page has had (keys survive undo, so they are never reused). */
export function newLayerKey(): number {
  return nextKey++;
}

/** A document holding `draft` (default: the starting experiment), nothing selected. */
export function createDraftDocument(draft: ExperimentDraft = defaultDraft()): DraftDocument {
  return {
    draft: ref(draft),
    layerKeys: ref(draft.network.layers.map(() => newLayerKey())),
    selectedIndex: ref(null),
  };
}

/** Replaces the whole draft (a run's experiment, a file, the stored draft): fresh row keys, no selection. */
export function replaceDraft(doc: DraftDocument, draft: ExperimentDraft): void {
  doc.draft.value = draft;
  doc.layerKeys.value = draft.network.layers.map(() => newLayerKey());
  doc.selectedIndex.value = null;
}

/**
 * Edits of the document as a whole: dataset, optimizer, a new network, preset or experiment. Each one
 * that replaces the network is one undo step (`commit`); field-like edits are recorded by the history's
 * watcher. `dataset` is the selected dataset's description, when the host has listed it.
 */
export function useDocumentEdits(doc: DraftDocument, dataset: ComputedRef<DatasetInfo | undefined>, commit: () => void) {
  const { draft } = doc;

  /** Makes the network's input (and softmax output width) agree with the selected dataset. */
  function adoptDatasetShape(): void {
    const info = dataset.value;
    if (!info) return;
    const current = draft.value.network.inputShape;
    // An image network (rank 3) keeps its shape when the dataset offers the same number of values flat.
    const sameSize = info.inputShape.reduce((a, b) => a * b, 1) === current.reduce((a, b) => a * b, 1);
    if (!(current.length === 3 && sameSize)) draft.value.network.inputShape = [...info.inputShape];
    // Images keep their [h, w, c] shape: a network that starts with a dense layer gets a flatten in
    // front of it, so it takes them without a reshape to guess (a conv network takes them as they are).
    if (draft.value.network.inputShape.length > 1 && draft.value.network.layers[0]?.type === 'dense') {
      draft.value.network.layers.unshift({ type: 'flatten' });
      doc.layerKeys.value = [newLayerKey(), ...doc.layerKeys.value];
    }
    const layers = draft.value.network.layers;
    const out = layers[layers.length - 1];
    if (out?.type === 'dense' && out.activation.name === 'softmax' && info.numClasses >= 2) out.units = info.numClasses;
  }

  /** Picks a built-in dataset; adopts its input shape and, for a softmax output, its class count. */
  function selectDataset(name: BuiltinDatasetName): void {
    draft.value.dataset.builtin = name;
    draft.value.storedDatasetId = null;
    adoptDatasetShape();
  }

  /** Picks an imported dataset by id (`ds_…`); adopts its input shape and class count. */
  function selectStoredDataset(id: string): void {
    draft.value.storedDatasetId = id;
    adoptDatasetShape();
  }

  /** Switches the optimizer (its parameters back to the contract's defaults), keeping the learning rate. */
  function setOptimizer(name: OptimizerSpec['name']): void {
    draft.value.train.optimizer = switchOptimizer(name, draft.value.train.optimizer.learningRate);
  }

  /** Replaces the network (input shape and layers), e.g. from a file; one undo step. */
  function setNetwork(network: { inputShape: number[]; layers: LayerSpec[] }): void {
    draft.value.network = { inputShape: [...network.inputShape], layers: clone(network.layers) };
    doc.layerKeys.value = draft.value.network.layers.map(() => newLayerKey());
    doc.selectedIndex.value = null;
    commit();
  }

  /**
   * Loads a preset: the whole experiment starts over from the defaults (name, dataset and its settings,
   * network, every training setting) with the preset's dataset, network and training changes on top,
   * so nothing of the previous experiment (a loss, a schedule, early stopping…) lingers; one undo step.
   */
  function applyPreset(id: PresetId): boolean {
    const preset = buildPreset(id);
    if (!preset) return false;
    const fresh = defaultDraft();
    const parsed = BuiltinDatasetNameSchema.safeParse(preset.dataset);
    draft.value.name = '';
    draft.value.dataset = parsed.success ? { ...fresh.dataset, builtin: parsed.data } : fresh.dataset;
    draft.value.storedDatasetId = null;
    draft.value.network = { inputShape: preset.inputShape, layers: preset.layers };
    doc.layerKeys.value = preset.layers.map(() => newLayerKey());
    draft.value.train = { ...fresh.train, ...preset.train };
    adoptDatasetShape();
    doc.selectedIndex.value = null;
    commit();
    return true;
  }

  /**
   * Loads an experiment (an earlier run's, or a file's) into the form exactly; one undo step. `keepName`
   * false leaves the name automatic when it is the automatic name anyway (a run's).
   */
  function load(experiment: ExperimentSpec, keepName = true): void {
    replaceDraft(doc, draftFromExperiment(experiment, { ...draft.value.dataset }, keepName));
    commit();
  }

  /** Back to the starting experiment; one undo step. */
  function reset(): void {
    load(ExperimentSpec.parse(toExperimentInput(defaultDraft())), false);
  }

  return { adoptDatasetShape, selectDataset, selectStoredDataset, setOptimizer, setNetwork, applyPreset, load, reset };
}
