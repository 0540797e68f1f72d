import {
  DEFAULT_DENSE_UNITS,
  ActivationSpec as ActivationSpecSchema,
  type ExperimentSpec,
  InitializerSpec,
  OptimizerSpec,
  isStoredDatasetRef,
  TrainConfig as TrainConfigSchema,
  type ActivationName,
  type ActivationSpec,
  type BuiltinDatasetName,
  type DenseLayerSpec,
  type ExperimentInput,
  type InitializerName,
  type LayerSpec,
  type TrainConfig,
} from '../../../contract/index.js';

/** The experiment as the form holds it: complete shapes, but numbers may be NaN while being typed. */
export interface ExperimentDraft {
  /** Empty: a name is derived from the dataset and network. */
  name: string;
  dataset: { builtin: BuiltinDatasetName; samples: number; noise: number; seed: number; classes?: number };
  /** An imported dataset's id (`ds_…`) when the experiment uses one instead of the built-in above. */
  storedDatasetId: string | null;
  network: { inputShape: number[]; layers: LayerSpec[] };
  train: TrainConfig;
}

/** An initializer with the contract's defaults for its parameters (`constant` starts at 0.1). */
export function defaultInitializer(name: InitializerName): InitializerSpec {
  if (name === 'constant') return { name: 'constant', value: 0.1 };
  return InitializerSpec.parse({ name });
}

/** An activation with the contract's defaults for its parameters. */
export function defaultActivation(name: ActivationName): ActivationSpec {
  return ActivationSpecSchema.parse({ name });
}

/** An optimizer with the contract's defaults, keeping the learning rate the user chose (when positive). */
export function switchOptimizer(name: OptimizerSpec['name'], learningRate: number): OptimizerSpec {
  return OptimizerSpec.parse({ name, ...(Number.isFinite(learningRate) && learningRate > 0 ? { learningRate } : {}) });
}

/** A dense layer with zero biases and `init` (with its default parameters) for its kernel. */
export function dense(units: number, activation: ActivationSpec, init: InitializerName = 'glorotNormal'): DenseLayerSpec {
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
    storedDatasetId: null,
    network: {
      inputShape: [2],
      layers: [dense(DEFAULT_DENSE_UNITS, { name: 'tanh' }), dense(DEFAULT_DENSE_UNITS, { name: 'tanh' }), dense(2, { name: 'softmax' })],
    },
    train: TrainConfigSchema.parse({
      epochs: 200,
      batchSize: 32,
      optimizer: { name: 'adam', learningRate: 0.01 },
      loss: 'sparseCategoricalCrossentropy',
      validationSplit: 0.2,
      seed: 1,
      statsEvery: 'auto',
    }),
  };
}

/** The name a run gets when the draft's name is empty: dataset, widths, first hidden activation/initializer. */
export function shortName(draft: ExperimentDraft): string {
  const denseLayers = draft.network.layers.filter((l): l is DenseLayerSpec => l.type === 'dense');
  const hidden = denseLayers.slice(0, -1);
  const widths = denseLayers.map((l) => l.units).join('-');
  const act = hidden[0]?.activation.name ?? denseLayers[0]?.activation.name ?? '';
  const init = hidden[0]?.kernelInitializer.name ?? denseLayers[0]?.kernelInitializer.name ?? '';
  return [draft.storedDatasetId ?? draft.dataset.builtin, widths, act && init ? `${act}/${init}` : act || init].filter(Boolean).join(' ');
}

/** The draft as the request of `runs/start` expects it. */
export function toExperimentInput(draft: ExperimentDraft): ExperimentInput {
  return {
    name: draft.name.trim() || shortName(draft),
    dataset: draft.storedDatasetId ? { id: draft.storedDatasetId } : { ...draft.dataset },
    network: { name: 'network', inputShape: [...draft.network.inputShape], layers: draft.network.layers.map((l) => ({ ...l })) },
    train: { ...draft.train },
  };
}

/** Deep copy of plain JSON data (works on reactive proxies, unlike structuredClone). */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The draft that holds `experiment` exactly. `builtinFallback` supplies the built-in dataset settings kept
 * beside a stored dataset (the form shows them when the user switches back to a built-in). `keepName`:
 * false leaves the name empty (automatic) when it is the automatic name anyway.
 */
export function draftFromExperiment(
  experiment: ExperimentSpec,
  builtinFallback: ExperimentDraft['dataset'] = defaultDraft().dataset,
  keepName = true,
): ExperimentDraft {
  const draft: ExperimentDraft = {
    name: '',
    dataset: isStoredDatasetRef(experiment.dataset) ? { ...builtinFallback } : clone(experiment.dataset),
    storedDatasetId: isStoredDatasetRef(experiment.dataset) ? experiment.dataset.id : null,
    network: { inputShape: [...experiment.network.inputShape], layers: clone(experiment.network.layers) },
    train: clone(experiment.train),
  };
  draft.name = keepName || experiment.name !== shortName(draft) ? experiment.name : '';
  return draft;
}
