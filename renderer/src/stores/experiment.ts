import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  ActivationSpec,
  ExperimentSpec,
  InitializerSpec,
  OptimizerSpec,
  type ActivationName,
  type BuiltinDatasetName,
  type DatasetInfo,
  type DenseLayerSpec,
  type ExperimentInput,
  type InitializerName,
  type LayerSpec,
  type OptimizerSpec as OptimizerSpecT,
  type TrainConfig,
} from '../../../contract/index.js';
import { useDatasetsStore } from './datasets.js';

/** The experiment as the form holds it: complete shapes, but numbers may be NaN while being typed. */
export interface ExperimentDraft {
  /** Empty: a name is derived from the dataset and network. */
  name: string;
  dataset: { builtin: BuiltinDatasetName; samples: number; noise: number; seed: number };
  network: { inputShape: number[]; layers: LayerSpec[] };
  train: TrainConfig;
}

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

function dense(units: number, activation: ActivationSpec, init: InitializerName = 'glorotNormal'): DenseLayerSpec {
  return {
    type: 'dense',
    units,
    activation,
    kernelInitializer: defaultInitializer(init),
    biasInitializer: { name: 'zeros' },
    useBias: true,
  };
}

/** The starting experiment: a small tanh MLP on the spiral. */
export function defaultDraft(): ExperimentDraft {
  return {
    name: '',
    dataset: { builtin: 'spiral', samples: 1000, noise: 0.1, seed: 7 },
    network: {
      inputShape: [2],
      layers: [dense(16, { name: 'tanh' }), dense(16, { name: 'tanh' }), dense(2, { name: 'softmax' })],
    },
    train: {
      epochs: 200,
      batchSize: 32,
      optimizer: { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      loss: 'sparseCategoricalCrossentropy',
      validationSplit: 0.2,
      seed: 1,
      statsEvery: 0,
    },
  };
}

/** An initializer with the contract's defaults for its parameters (`constant` starts at 0.1). */
export function defaultInitializer(name: InitializerName): InitializerSpec {
  if (name === 'constant') return { name: 'constant', value: 0.1 };
  return InitializerSpec.parse({ name });
}

/** An activation with the contract's defaults for its parameters. */
export function defaultActivation(name: ActivationName): ActivationSpec {
  return ActivationSpec.parse({ name });
}

/** An optimizer with the contract's defaults, keeping the learning rate the user chose. */
export function switchOptimizer(name: OptimizerSpecT['name'], learningRate: number): OptimizerSpecT {
  return OptimizerSpec.parse({ name, ...(Number.isFinite(learningRate) && learningRate > 0 ? { learningRate } : {}) });
}

function shortName(draft: ExperimentDraft): string {
  const denseLayers = draft.network.layers.filter((l): l is DenseLayerSpec => l.type === 'dense');
  const hidden = denseLayers.slice(0, -1);
  const widths = denseLayers.map((l) => l.units).join('-');
  const act = hidden[0]?.activation.name ?? denseLayers[0]?.activation.name ?? '';
  const init = hidden[0]?.kernelInitializer.name ?? denseLayers[0]?.kernelInitializer.name ?? '';
  return [draft.dataset.builtin, widths, act && init ? `${act}/${init}` : act || init].filter(Boolean).join(' ');
}

/** The draft as the request of `runs/start` expects it. */
export function toExperimentInput(draft: ExperimentDraft): ExperimentInput {
  return {
    name: draft.name.trim() || shortName(draft),
    dataset: { ...draft.dataset },
    network: { name: 'network', inputShape: [...draft.network.inputShape], layers: draft.network.layers.map((l) => ({ ...l })) },
    train: { ...draft.train },
  };
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

/** Checks the draft against `ExperimentSpec` and against the selected dataset's shape. */
export function validateDraft(draft: ExperimentDraft, dataset?: DatasetInfo): ExperimentIssue[] {
  const issues: ExperimentIssue[] = [];
  const parsed = ExperimentSpec.safeParse(toExperimentInput(draft));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({
        path: issue.path.map(String).join('.') || '(root)',
        code: issue.code,
        message: issue.message,
        params: zodIssueParams(issue as unknown as Record<string, unknown>),
      });
    }
  }
  if (dataset) {
    const shape = dataset.inputShape.join(',');
    if (draft.network.inputShape.join(',') !== shape) {
      issues.push({ path: 'network.inputShape', code: 'inputShape', message: `does not match [${shape}]`, params: { shape } });
    }
    const layers = draft.network.layers;
    const last = layers.length - 1;
    const out = layers[last];
    if (
      out?.type === 'dense' &&
      draft.train.loss === 'sparseCategoricalCrossentropy' &&
      dataset.numClasses >= 2 &&
      Number.isFinite(out.units) &&
      out.units !== dataset.numClasses
    ) {
      issues.push({
        path: `network.layers.${last}.units`,
        code: 'outputUnits',
        message: `must equal the number of classes (${dataset.numClasses})`,
        params: { n: dataset.numClasses },
      });
    }
  }
  return issues;
}

let nextKey = 1;

/** Deep copy of plain JSON data (works on reactive proxies, unlike structuredClone). */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The experiment being edited in the left column, with its validation. */
export const useExperimentStore = defineStore('experiment', () => {
  const draft = ref<ExperimentDraft>(defaultDraft());
  /** Stable keys for the layer rows (layers move, so their index is no key). */
  const layerKeys = ref<number[]>(draft.value.network.layers.map(() => nextKey++));

  const datasetInfo = computed(() => useDatasetsStore().byName(draft.value.dataset.builtin));
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

  /** Dense layers except the last one (the output). */
  const hiddenIndices = computed(() => {
    const denseIdx = draft.value.network.layers.flatMap((l, i) => (l.type === 'dense' ? [i] : []));
    return denseIdx.slice(0, -1);
  });

  /** Trainable parameters of the dense layers (weights + biases), NaN-safe. */
  const parameterCount = computed(() => {
    let fanIn = draft.value.network.inputShape.reduce((a, b) => a * b, 1);
    let total = 0;
    for (const layer of draft.value.network.layers) {
      if (layer.type !== 'dense') continue;
      const units = Number.isFinite(layer.units) ? Math.max(0, Math.trunc(layer.units)) : 0;
      total += fanIn * units + (layer.useBias ? units : 0);
      fanIn = units;
    }
    return total;
  });

  function errorAt(path: string): ExperimentIssue | undefined {
    return errors.value[path];
  }

  /** Picks a built-in dataset; adopts its input shape and, for a softmax output, its class count. */
  function selectDataset(name: BuiltinDatasetName): void {
    draft.value.dataset.builtin = name;
    adoptDatasetShape();
  }

  /** Makes the network's input (and softmax output width) agree with the selected dataset. */
  function adoptDatasetShape(): void {
    const info = datasetInfo.value;
    if (!info) return;
    draft.value.network.inputShape = [...info.inputShape];
    const layers = draft.value.network.layers;
    const out = layers[layers.length - 1];
    if (out?.type === 'dense' && out.activation.name === 'softmax' && info.numClasses >= 2) out.units = info.numClasses;
  }

  /** Adds a hidden dense layer just before the output, shaped like the hidden layer above it. */
  function addLayer(): void {
    const layers = draft.value.network.layers;
    const hidden = hiddenIndices.value;
    const template = hidden.length ? layers[hidden[hidden.length - 1]!] : undefined;
    const layer =
      template?.type === 'dense'
        ? dense(template.units, { ...template.activation }, template.kernelInitializer.name)
        : dense(16, { name: 'relu' }, 'heNormal');
    if (template?.type === 'dense') layer.kernelInitializer = { ...template.kernelInitializer };
    const at = layers.length > 0 ? layers.length - 1 : 0;
    layers.splice(at, 0, layer);
    layerKeys.value.splice(at, 0, nextKey++);
  }

  function removeLayer(index: number): void {
    const layers = draft.value.network.layers;
    if (index < 0 || index >= layers.length || layers.length <= 1) return;
    layers.splice(index, 1);
    layerKeys.value.splice(index, 1);
  }

  function moveLayer(index: number, delta: -1 | 1): void {
    const layers = draft.value.network.layers;
    const to = index + delta;
    if (index < 0 || to < 0 || index >= layers.length || to >= layers.length) return;
    const [layer] = layers.splice(index, 1);
    layers.splice(to, 0, layer!);
    const [key] = layerKeys.value.splice(index, 1);
    layerKeys.value.splice(to, 0, key!);
  }

  /** Changes a layer's type, keeping what carries over. */
  function setLayerType(index: number, type: LayerSpec['type']): void {
    const layers = draft.value.network.layers;
    const layer = layers[index];
    if (!layer || layer.type === type) return;
    layers[index] = type === 'dropout' ? { type: 'dropout', rate: 0.2 } : dense(16, { name: 'relu' }, 'heNormal');
  }

  function setActivation(index: number, name: ActivationName): void {
    const layer = draft.value.network.layers[index];
    if (layer?.type === 'dense' && layer.activation.name !== name) layer.activation = defaultActivation(name);
  }

  function setInitializer(index: number, name: InitializerName): void {
    const layer = draft.value.network.layers[index];
    if (layer?.type === 'dense' && layer.kernelInitializer.name !== name) layer.kernelInitializer = defaultInitializer(name);
  }

  /** Copies layer `index`'s kernel initializer (with its parameters) to every hidden layer; returns how many. */
  function applyInitializerToHidden(index: number): number {
    const layers = draft.value.network.layers;
    const source = layers[index];
    if (source?.type !== 'dense') return 0;
    let count = 0;
    for (const i of hiddenIndices.value) {
      const layer = layers[i];
      if (layer?.type !== 'dense') continue;
      layer.kernelInitializer = { ...source.kernelInitializer };
      count += 1;
    }
    return count;
  }

  function setOptimizer(name: OptimizerSpecT['name']): void {
    draft.value.train.optimizer = switchOptimizer(name, draft.value.train.optimizer.learningRate);
  }

  /** Loads an earlier run's experiment back into the form. */
  function load(experiment: ExperimentSpec): void {
    draft.value = {
      name: '',
      dataset: { ...experiment.dataset },
      network: { inputShape: [...experiment.network.inputShape], layers: clone(experiment.network.layers) },
      train: clone(experiment.train),
    };
    layerKeys.value = draft.value.network.layers.map(() => nextKey++);
  }

  function reset(): void {
    load(ExperimentSpec.parse(toExperimentInput(defaultDraft())));
  }

  return {
    draft,
    layerKeys,
    datasetInfo,
    issues,
    errors,
    isValid,
    spec,
    hiddenIndices,
    parameterCount,
    errorAt,
    selectDataset,
    adoptDatasetShape,
    addLayer,
    removeLayer,
    moveLayer,
    setLayerType,
    setActivation,
    setInitializer,
    applyInitializerToHidden,
    setOptimizer,
    load,
    reset,
  };
});
