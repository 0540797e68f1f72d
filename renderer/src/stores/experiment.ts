import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import {
  ActivationSpec,
  DEFAULT_DENSE_UNITS,
  BuiltinDatasetName as BuiltinDatasetNameSchema,
  datasetFacts,
  experimentProblems,
  ExperimentSpec,
  followShapes,
  InitializerSpec,
  totalParams,
  OptimizerSpec,
  type ActivationName,
  type BuiltinDatasetName,
  type DatasetInfo,
  type InitializerName,
  type LayerSpec,
  type OptimizerSpec as OptimizerSpecT,
} from '../../../contract/index.js';
import { readStoredDraft, writeStoredDraft, type DraftStorage } from '../lib/draft-storage.js';
import { clone, defaultDraft, defaultInitializer, dense, draftFromExperiment, toExperimentInput, type ExperimentDraft } from '../lib/experiment-draft.js';
import { EditHistory } from '../lib/history.js';
import { defaultLayer, hasActivation, hasKernel, type LayerType } from '../lib/layer-kinds.js';
import { buildPreset, type PresetId } from '../lib/presets.js';
import { useDatasetsStore } from './datasets.js';

export { defaultDraft, defaultInitializer, toExperimentInput, type ExperimentDraft } from '../lib/experiment-draft.js';

/**
 * One problem with the draft, named by the dotted path of its field (`network.layers.0.units`).
 * `code` and `params` let the UI phrase it in the current language; `message` is zod's English text.
 */
export interface ExperimentIssue {
  path: string;
  code: string;
  message: string;
  params: Record<string, number | string>;
}

/** An activation with the contract's defaults for its parameters. */
export function defaultActivation(name: ActivationName): ActivationSpec {
  return ActivationSpec.parse({ name });
}

/** An optimizer with the contract's defaults, keeping the learning rate the user chose. */
export function switchOptimizer(name: OptimizerSpecT['name'], learningRate: number): OptimizerSpecT {
  return OptimizerSpec.parse({ name, ...(Number.isFinite(learningRate) && learningRate > 0 ? { learningRate } : {}) });
}

function zodIssueParams(issue: Record<string, unknown>): Record<string, number | string> {
  const params: Record<string, number | string> = {};
  for (const key of ['minimum', 'maximum', 'expected', 'received', 'origin', 'inclusive'] as const) {
    const v = issue[key];
    if (typeof v === 'number' || typeof v === 'string') params[key] = v;
    else if (typeof v === 'boolean') params[key] = v ? 'true' : 'false';
    else if (typeof v === 'bigint') params[key] = Number(v);
  }
  return params;
}

/**
 * For a field that is a word or a number (`statsEvery: 'auto' | number`), the number's problem ("must be
 * a whole number") rather than zod's "invalid input": the branch whose issue is not a wrong literal.
 */
function numberBranch(issue: { code: string; message: string; path: PropertyKey[] }): { code: string; message: string } {
  if (issue.code !== 'invalid_union') return issue;
  const branches = (issue as unknown as { errors?: { code: string; message: string; path: PropertyKey[] }[][] }).errors ?? [];
  const inner = branches.map((b) => b[0]).find((i) => i && i.path.length === 0 && i.code !== 'invalid_value');
  return inner ?? issue;
}

/**
 * Checks the draft against `ExperimentSpec` and, once it parses and the dataset is known, with the
 * host's own checks (contract `experimentProblems`: input and layer shapes, output vs loss and labels,
 * memory estimate), so Train is disabled exactly when the host would refuse the run.
 */
export function validateDraft(draft: ExperimentDraft, dataset?: DatasetInfo): ExperimentIssue[] {
  const issues: ExperimentIssue[] = [];
  const parsed = ExperimentSpec.safeParse(toExperimentInput(draft));
  if (parsed.success && dataset) {
    for (const problem of experimentProblems(parsed.data, datasetFacts(dataset, parsed.data.dataset))) {
      issues.push({ path: problem.path, code: problem.code, message: problem.message, params: problem.params });
    }
    return issues;
  }
  if (!parsed.success) {
    for (const outer of parsed.error.issues) {
      const issue = numberBranch(outer);
      issues.push({
        path: outer.path.map(String).join('.') || '(root)',
        code: issue.code,
        message: issue.message,
        params: zodIssueParams(issue as unknown as Record<string, unknown>),
      });
    }
  }
  // While a field is invalid (or the dataset unknown), still point at the layers that cannot take their input.
  for (const shape of followShapes(draft.network.inputShape, draft.network.layers)) {
    if (!shape.problem) continue;
    issues.push({
      path: `network.layers.${shape.index}`,
      code: 'shape',
      message: shape.problem.message,
      params: { shapeCode: shape.problem.code, ...shape.problem.params },
    });
  }
  if (dataset && draft.network.inputShape.join(',') !== dataset.inputShape.join(',')) {
    const shape = dataset.inputShape.join(',');
    issues.push({ path: 'network.inputShape', code: 'inputShape', message: `does not match [${shape}]`, params: { shape } });
  }
  return issues;
}

let nextKey = 1;

/** Layer indices that carry weights (dense, conv…), except the last one (the output). */
export function hiddenWeightIndices(layers: readonly LayerSpec[]): number[] {
  const weighted = layers.flatMap((l, i) => (hasKernel(l) ? [i] : []));
  return weighted.slice(0, -1);
}

interface Snapshot {
  draft: ExperimentDraft;
  keys: number[];
}

/** The experiment being edited in the builder, with its validation and undo/redo history. */
export const useExperimentStore = defineStore('experiment', () => {
  const draft = ref<ExperimentDraft>(defaultDraft());
  /** Stable keys for the layer rows (layers move, so their index is no key). */
  const layerKeys = ref<number[]>(draft.value.network.layers.map(() => nextKey++));
  /** The layer shown in the inspector (index into the layers), or null for none. */
  const selectedIndex = ref<number | null>(null);

  const datasetInfo = computed(() => {
    const datasets = useDatasetsStore();
    const id = draft.value.storedDatasetId;
    return id ? datasets.list.find((d) => d.id === id) : datasets.byName(draft.value.dataset.builtin);
  });
  const issues = computed(() => validateDraft(draft.value, datasetInfo.value));
  /** The first problem of each field, keyed by dotted path (`network.layers.0.units`). */
  const errors = computed(() => {
    const byPath: Record<string, ExperimentIssue> = {};
    for (const issue of issues.value) byPath[issue.path] ??= issue;
    return byPath;
  });
  const isValid = computed(() => issues.value.length === 0);
  /** The parsed experiment, ready for `runs/start`; null while the draft is invalid. */
  const spec = computed<ExperimentSpec | null>(() => {
    if (!isValid.value) return null;
    const parsed = ExperimentSpec.safeParse(toExperimentInput(draft.value));
    return parsed.success ? parsed.data : null;
  });

  /** Weight layers except the last one (the output). */
  const hiddenIndices = computed(() => hiddenWeightIndices(draft.value.network.layers));

  /** Input/output shape, parameter count and shape problem of every layer. */
  const shapes = computed(() => followShapes(draft.value.network.inputShape, draft.value.network.layers));

  /** Parameters of the whole network (weights, biases, normalization statistics), NaN-safe. */
  const parameterCount = computed(() => totalParams(shapes.value));

  function errorAt(path: string): ExperimentIssue | undefined {
    return errors.value[path];
  }

  /** The first problem of layer `index` (its own fields or its shape), if any. */
  function layerIssue(index: number): ExperimentIssue | undefined {
    const prefix = `network.layers.${index}`;
    return issues.value.find((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));
  }

  // ---- undo / redo ----
  const snapshot = (): string => JSON.stringify({ draft: draft.value, keys: layerKeys.value } satisfies Snapshot);
  const history = new EditHistory(snapshot());
  /** Bumped on every history change so `canUndo`/`canRedo` recompute. */
  const historyTick = ref(0);
  let restoring = false;

  /** Records the current state as one undo step (`group` merges quick edits of the same kind). */
  function commit(group: string | null = null): void {
    if (restoring) return;
    history.record(snapshot(), group);
    historyTick.value += 1;
  }

  // Field edits (typing, selects) reach the draft directly; they are recorded here, merged while typing.
  watch(draft, () => commit('field'), { deep: true });

  function restore(text: string | null): void {
    if (text === null) return;
    const state = JSON.parse(text) as Snapshot;
    restoring = true;
    draft.value = state.draft;
    layerKeys.value = state.keys;
    if (selectedIndex.value !== null && selectedIndex.value >= state.keys.length) {
      selectedIndex.value = state.keys.length ? state.keys.length - 1 : null;
    }
    historyTick.value += 1;
    // The deep watcher fires after this tick; let it see the restored state as already recorded.
    void Promise.resolve().then(() => {
      restoring = false;
    });
  }

  const canUndo = computed(() => historyTick.value >= 0 && history.canUndo);
  const canRedo = computed(() => historyTick.value >= 0 && history.canRedo);

  function undo(): void {
    commit('field'); // an edit still inside the merge window is part of what is undone
    restore(history.undo());
  }

  function redo(): void {
    restore(history.redo());
  }

  // ---- structure edits ----
  function clampIndex(index: number, length: number): number {
    return Math.max(0, Math.min(length, Math.trunc(index)));
  }

  /** Inserts a new layer of `type` at `index` (default: before the output) and selects it. */
  function insertLayer(type: LayerType, index?: number): boolean {
    const layer = defaultLayer(type);
    if (!layer) return false;
    const layers = draft.value.network.layers;
    const at = clampIndex(index ?? Math.max(0, layers.length - 1), layers.length);
    layers.splice(at, 0, layer);
    layerKeys.value.splice(at, 0, nextKey++);
    selectedIndex.value = at;
    commit();
    return true;
  }

  /** Adds a hidden dense layer just before the output, shaped like the hidden layer above it. */
  function addLayer(): void {
    const layers = draft.value.network.layers;
    const hidden = hiddenIndices.value;
    const template = hidden.length ? layers[hidden[hidden.length - 1]!] : undefined;
    const layer =
      template?.type === 'dense'
        ? dense(template.units, { ...template.activation }, template.kernelInitializer.name)
        : dense(DEFAULT_DENSE_UNITS, { name: 'relu' }, 'heNormal');
    if (template?.type === 'dense') layer.kernelInitializer = { ...template.kernelInitializer };
    const at = layers.length > 0 ? layers.length - 1 : 0;
    layers.splice(at, 0, layer);
    layerKeys.value.splice(at, 0, nextKey++);
    commit();
  }

  /** Copies layer `index` right below itself and selects the copy. */
  function duplicateLayer(index: number): void {
    const layers = draft.value.network.layers;
    const layer = layers[index];
    if (!layer) return;
    layers.splice(index + 1, 0, clone(layer));
    layerKeys.value.splice(index + 1, 0, nextKey++);
    selectedIndex.value = index + 1;
    commit();
  }

  function removeLayer(index: number): void {
    const layers = draft.value.network.layers;
    if (index < 0 || index >= layers.length || layers.length <= 1) return;
    layers.splice(index, 1);
    layerKeys.value.splice(index, 1);
    if (selectedIndex.value !== null) {
      if (selectedIndex.value === index) selectedIndex.value = Math.min(index, layers.length - 1);
      else if (selectedIndex.value > index) selectedIndex.value -= 1;
    }
    commit();
  }

  /** Moves layer `from` so that it ends up at index `to` (after removal); the selection follows it. */
  function moveLayerTo(from: number, to: number): void {
    const layers = draft.value.network.layers;
    if (from < 0 || from >= layers.length) return;
    const target = clampIndex(to, layers.length - 1);
    if (target === from) return;
    const [layer] = layers.splice(from, 1);
    layers.splice(target, 0, layer!);
    const [key] = layerKeys.value.splice(from, 1);
    layerKeys.value.splice(target, 0, key!);
    if (selectedIndex.value === from) selectedIndex.value = target;
    commit();
  }

  function moveLayer(index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= draft.value.network.layers.length) return;
    moveLayerTo(index, to);
  }

  /** Changes a layer's type, keeping what carries over. */
  function setLayerType(index: number, type: LayerType): void {
    const layers = draft.value.network.layers;
    const layer = layers[index];
    if (!layer || layer.type === type) return;
    const fresh = type === 'dropout' ? ({ type: 'dropout', rate: 0.2 } as LayerSpec) : defaultLayer(type);
    if (!fresh) return;
    if (fresh.type === 'dense') Object.assign(fresh, dense(DEFAULT_DENSE_UNITS, { name: 'relu' }, 'heNormal'));
    layers[index] = fresh;
    commit();
  }

  function setActivation(index: number, name: ActivationName): void {
    const layer = draft.value.network.layers[index];
    if (layer && hasActivation(layer)) {
      const withAct = layer as LayerSpec & { activation: ActivationSpec };
      if (withAct.activation.name !== name) withAct.activation = defaultActivation(name);
    }
  }

  function setInitializer(index: number, name: InitializerName): void {
    const layer = draft.value.network.layers[index];
    if (layer && hasKernel(layer)) {
      const withInit = layer as LayerSpec & { kernelInitializer: InitializerSpec };
      if (withInit.kernelInitializer.name !== name) withInit.kernelInitializer = defaultInitializer(name);
    }
  }

  /** Copies layer `index`'s kernel initializer (with its parameters) to every hidden layer; returns how many. */
  function applyInitializerToHidden(index: number): number {
    const layers = draft.value.network.layers;
    const source = layers[index];
    if (!source || !hasKernel(source)) return 0;
    const init = (source as { kernelInitializer: InitializerSpec }).kernelInitializer;
    let count = 0;
    for (const i of hiddenIndices.value) {
      const layer = layers[i] as LayerSpec & { kernelInitializer?: InitializerSpec };
      if (!layer || !hasKernel(layer)) continue;
      layer.kernelInitializer = { ...init };
      count += 1;
    }
    commit();
    return count;
  }

  /** Copies layer `index`'s activation (with its parameter) to every hidden weight layer; returns how many. */
  function applyActivationToHidden(index: number): number {
    const layers = draft.value.network.layers;
    const source = layers[index];
    if (!source || !hasActivation(source)) return 0;
    const activation = (source as { activation: ActivationSpec }).activation;
    let count = 0;
    for (const i of hiddenIndices.value) {
      const layer = layers[i] as LayerSpec & { activation?: ActivationSpec };
      if (!layer || !hasActivation(layer)) continue;
      layer.activation = { ...activation };
      count += 1;
    }
    commit();
    return count;
  }

  function setOptimizer(name: OptimizerSpecT['name']): void {
    draft.value.train.optimizer = switchOptimizer(name, draft.value.train.optimizer.learningRate);
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

  /** Makes the network's input (and softmax output width) agree with the selected dataset. */
  function adoptDatasetShape(): void {
    const info = datasetInfo.value;
    if (!info) return;
    const current = draft.value.network.inputShape;
    // An image network (rank 3) keeps its shape when the dataset offers the same number of values flat.
    const sameSize = info.inputShape.reduce((a, b) => a * b, 1) === current.reduce((a, b) => a * b, 1);
    if (!(current.length === 3 && sameSize)) draft.value.network.inputShape = [...info.inputShape];
    const layers = draft.value.network.layers;
    const out = layers[layers.length - 1];
    if (out?.type === 'dense' && out.activation.name === 'softmax' && info.numClasses >= 2) out.units = info.numClasses;
  }

  /** Replaces the network (input shape and layers), e.g. from a file; one undo step. */
  function setNetwork(network: { inputShape: number[]; layers: LayerSpec[] }): void {
    draft.value.network = { inputShape: [...network.inputShape], layers: clone(network.layers) };
    layerKeys.value = draft.value.network.layers.map(() => nextKey++);
    selectedIndex.value = null;
    commit();
  }

  /** Loads a preset network (and picks its dataset when the host offers it); one undo step. */
  function applyPreset(id: PresetId): boolean {
    const preset = buildPreset(id);
    if (!preset) return false;
    const parsed = BuiltinDatasetNameSchema.safeParse(preset.dataset);
    if (parsed.success) {
      draft.value.dataset.builtin = parsed.data;
      draft.value.storedDatasetId = null;
    }
    draft.value.network = { inputShape: preset.inputShape, layers: preset.layers };
    layerKeys.value = preset.layers.map(() => nextKey++);
    Object.assign(draft.value.train, preset.train);
    adoptDatasetShape();
    selectedIndex.value = null;
    commit();
    return true;
  }

  /**
   * Loads an experiment (an earlier run's, or a file's) into the form exactly; one undo step. `keepName`
   * false leaves the name automatic when it is the automatic name anyway (a run's).
   */
  function load(experiment: ExperimentSpec, keepName = true): void {
    draft.value = draftFromExperiment(experiment, { ...draft.value.dataset }, keepName);
    layerKeys.value = draft.value.network.layers.map(() => nextKey++);
    selectedIndex.value = null;
    commit();
  }

  function reset(): void {
    load(ExperimentSpec.parse(toExperimentInput(defaultDraft())), false);
  }

  let persisting = false;
  /**
   * Restores the draft stored in `storage` (if any and still valid; else the current draft stays) as the
   * start of this session's undo history, then stores every complete draft there. Call once, at start.
   */
  function startPersistence(storage: DraftStorage | null): void {
    if (persisting) return;
    persisting = true;
    const stored = readStoredDraft(storage);
    if (stored) {
      restoring = true;
      draft.value = stored;
      layerKeys.value = stored.network.layers.map(() => nextKey++);
      selectedIndex.value = null;
      history.reset(snapshot());
      historyTick.value += 1;
      void Promise.resolve().then(() => {
        restoring = false;
      });
    }
    watch(draft, (value) => writeStoredDraft(storage, value), { deep: true });
  }

  return {
    draft,
    layerKeys,
    selectedIndex,
    datasetInfo,
    issues,
    errors,
    isValid,
    spec,
    hiddenIndices,
    shapes,
    parameterCount,
    canUndo,
    canRedo,
    errorAt,
    layerIssue,
    selectDataset,
    selectStoredDataset,
    adoptDatasetShape,
    insertLayer,
    addLayer,
    duplicateLayer,
    removeLayer,
    moveLayer,
    moveLayerTo,
    setLayerType,
    setActivation,
    setInitializer,
    applyInitializerToHidden,
    applyActivationToHidden,
    setOptimizer,
    setNetwork,
    applyPreset,
    load,
    reset,
    startPersistence,
    undo,
    redo,
    commit,
  };
});
