import type { ActivationSpec } from './activation.js';
import { isStoredDatasetRef, type BuiltinDatasetName } from './dataset.js';
import type { ExperimentSpec } from './experiment.js';
import type { InitializerSpec } from './initializer.js';
import type { LayerSpec } from './network.js';
import type { OptimizerSpec, ParametrizationSpec } from './training.js';

/**
 * Automatic run names: what matters about a run in the order a study varies it, in human words, e.g.
 * `tanh · Glorot N · Adam 0.001 · seed 2 · Spiral · MLP 8-2`. Every run of one study gets the same
 * parts in the same places, so runs that differ in one setting differ in one place of their names.
 * Never an internal id: initializers, activations and built-in datasets by their display labels,
 * imported datasets by the name they were imported under, conv nets described as CNNs.
 *
 * The words come from a {@link RunNameLabels} table: {@link ENGLISH_RUN_NAME_LABELS} on the host (the
 * name stored with a run, the CLI), the renderer builds one from its i18n messages (en, zh-CN).
 */

/** Message templates with `{param}` placeholders (vue-i18n's named format, so the renderer can use its own). */
export interface RunNameTemplates {
  /** Per initializer name, e.g. `Glorot N`, `N({mean}, {std})`. */
  initializer: Record<InitializerSpec['name'], string>;
  /** Per activation name, e.g. `tanh`, `Leaky ReLU {alpha}`. */
  activation: Record<ActivationSpec['name'], string>;
  /** Per optimizer name, e.g. `Adam {lr}`. */
  optimizer: Record<OptimizerSpec['name'], string>;
  /** Per built-in dataset, e.g. `Spiral`. */
  dataset: Record<BuiltinDatasetName, string>;
  /** An imported dataset whose name is not known (deleted since): `imported data`. */
  importedDataset: string;
  /** `seed {seed}`. */
  seed: string;
  /** A network of dense layers: `MLP {widths}`. */
  mlp: string;
  /** A network with convolutions: `CNN {widths}`. */
  cnn: string;
  /** A μP run (train.parametrization mup): `μP base {base}`; standard runs have no such part. */
  mup: string;
  /** Between the parts: ` · `. */
  separator: string;
}

/** The English labels: short forms of the i18n display names (renderer/src/i18n/en.ts `runName`). */
export const ENGLISH_RUN_NAME_LABELS: RunNameTemplates = {
  initializer: {
    glorotNormal: 'Glorot N',
    glorotTruncatedNormal: 'Glorot TN',
    glorotUniform: 'Glorot U',
    heNormal: 'He N',
    heTruncatedNormal: 'He TN',
    heUniform: 'He U',
    lecunNormal: 'LeCun N',
    lecunTruncatedNormal: 'LeCun TN',
    lecunUniform: 'LeCun U',
    normal: 'N({mean}, {std})',
    uniform: 'U({min}, {max})',
    truncatedNormal: 'TN({mean}, {std})',
    orthogonal: 'Orthogonal ×{gain}',
    zeros: 'Zeros',
    ones: 'Ones',
    constant: 'Constant {value}',
    varianceScaling: 'Var. scaling {scale} {mode} {distribution}',
  },
  activation: {
    linear: 'linear',
    sigmoid: 'sigmoid',
    tanh: 'tanh',
    relu: 'ReLU',
    leakyRelu: 'Leaky ReLU {alpha}',
    elu: 'ELU {alpha}',
    selu: 'SELU',
    gelu: 'GELU',
    swish: 'Swish',
    softplus: 'Softplus',
    softsign: 'Softsign',
    hardSigmoid: 'Hard sigmoid',
    relu6: 'ReLU6',
    softmax: 'Softmax',
  },
  optimizer: { sgd: 'SGD {lr}', momentum: 'Momentum {lr}', adagrad: 'Adagrad {lr}', rmsprop: 'RMSprop {lr}', adam: 'Adam {lr}', adamw: 'AdamW {lr}' },
  dataset: {
    spiral: 'Spiral',
    circle: 'Circle',
    xor: 'XOR',
    gaussian: 'Gaussian blobs',
    multiSpiral: 'Multi-arm spiral',
    plane: 'Plane',
    multiGaussian: 'Gaussian bumps',
    mnist: 'MNIST',
  },
  importedDataset: 'imported data',
  seed: 'seed {seed}',
  mlp: 'MLP {widths}',
  cnn: 'CNN {widths}',
  mup: 'μP base {base}',
  separator: ' · ',
};

/** Fills `{name}` placeholders of `template` from `params` (unknown ones stay as written). */
export function fillTemplate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

/** The parameters an initializer's template may name. */
function initializerParams(spec: InitializerSpec): Record<string, string | number> {
  switch (spec.name) {
    case 'normal':
    case 'truncatedNormal':
      return { mean: spec.mean, std: spec.std };
    case 'uniform':
      return { min: spec.min, max: spec.max };
    case 'orthogonal':
      return { gain: spec.gain };
    case 'constant':
      return { value: spec.value };
    case 'varianceScaling':
      return { scale: spec.scale, mode: spec.mode, distribution: spec.distribution };
    default:
      return {};
  }
}

/** An initializer's label: `Glorot N`, `N(0, 0.02)`; orthogonal with gain 1 drops its `×1`. */
export function initializerName(spec: InitializerSpec, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  const text = fillTemplate(labels.initializer[spec.name], initializerParams(spec));
  return spec.name === 'orthogonal' && spec.gain === 1 ? text.replace(/\s*×1$/, '') : text;
}

/** An activation's label: `tanh`, `Leaky ReLU 0.01`. */
export function activationName(spec: ActivationSpec, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  return fillTemplate(labels.activation[spec.name], 'alpha' in spec ? { alpha: spec.alpha } : {});
}

/** An optimizer's label with its learning rate: `Adam 0.001`. */
export function optimizerName(spec: OptimizerSpec, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  return fillTemplate(labels.optimizer[spec.name], { lr: spec.learningRate });
}

/** The parametrization's part of a run name: `μP base 64`, or '' for the standard parametrization (also when absent). */
export function parametrizationName(spec: ParametrizationSpec | undefined, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  return spec?.name === 'mup' ? fillTemplate(labels.mup, { base: spec.baseWidth }) : '';
}

/**
 * The dataset's label: a built-in's display name, an imported dataset's name as stored (`datasetName`,
 * from the datasets table), else the generic "imported data" (never its `ds_…` id).
 */
export function datasetName(experiment: ExperimentSpec, storedName: string | null | undefined, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  const ref = experiment.dataset;
  if (isStoredDatasetRef(ref)) return storedName?.trim() || labels.importedDataset;
  return labels.dataset[ref.builtin];
}

type WeightLayer = Extract<LayerSpec, { type: 'dense' | 'conv2d' }>;

function weightLayers(experiment: ExperimentSpec): WeightLayer[] {
  return experiment.network.layers.filter((l): l is WeightLayer => l.type === 'dense' || l.type === 'conv2d');
}

/** The layers whose activation and initializer characterise the network: every weight layer but the output one (or the only one). */
function hiddenLayers(experiment: ExperimentSpec): WeightLayer[] {
  const all = weightLayers(experiment);
  return all.length > 1 ? all.slice(0, -1) : all;
}

/** Distinct labels in first-seen order, joined by `/`: `ReLU/tanh`. */
function distinct(labels: string[]): string {
  return [...new Set(labels)].join('/');
}

/** The network's kind and widths: `MLP 64-64-10` (dense units) or `CNN 8-16-10` (filters, then units). */
export function architectureName(experiment: ExperimentSpec, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  const layers = weightLayers(experiment);
  const widths = layers.map((l) => (l.type === 'dense' ? l.units : l.filters)).join('-');
  return fillTemplate(layers.some((l) => l.type === 'conv2d') ? labels.cnn : labels.mlp, { widths }).trim();
}

/** The parts of an automatic name, each already in words (see {@link autoRunName}). */
export interface RunNameParts {
  activation: string;
  initializer: string;
  optimizer: string;
  /** `μP base 64` for a μP run (whose `initializer` part is then empty: μP sets the kernels), empty for a standard one (so standard runs keep their names). */
  parametrization: string;
  seed: string;
  dataset: string;
  architecture: string;
}

/** Every part of the automatic name of a run of `experiment` (`storedDatasetName`: an imported dataset's name). */
export function runNameParts(experiment: ExperimentSpec, storedDatasetName?: string | null, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): RunNameParts {
  const hidden = hiddenLayers(experiment);
  return {
    activation: distinct(hidden.map((l) => activationName(l.activation, labels))),
    // μP replaces the dense kernels' initializers with its own (its part says so).
    initializer: experiment.train.parametrization?.name === 'mup' ? '' : distinct(hidden.map((l) => initializerName(l.kernelInitializer, labels))),
    optimizer: optimizerName(experiment.train.optimizer, labels),
    parametrization: parametrizationName(experiment.train.parametrization, labels),
    seed: fillTemplate(labels.seed, { seed: experiment.train.seed }),
    dataset: datasetName(experiment, storedDatasetName, labels),
    architecture: architectureName(experiment, labels),
  };
}

/**
 * The automatic name of a run: `activation · initializer · optimizer lr · [μP base b ·] seed · dataset · architecture`,
 * e.g. `tanh · Glorot N · Adam 0.001 · seed 2 · Spiral · MLP 8-2` (`tanh · Adam 0.001 · μP base 64 · seed 2 · …` under μP, which sets the kernels itself). Parts that are empty (a network
 * without weight layers) are left out.
 * @param storedDatasetName the name of the imported dataset the experiment names by id (null: unknown)
 */
export function autoRunName(experiment: ExperimentSpec, storedDatasetName?: string | null, labels: RunNameTemplates = ENGLISH_RUN_NAME_LABELS): string {
  const p = runNameParts(experiment, storedDatasetName, labels);
  return [p.activation, p.initializer, p.optimizer, p.parametrization, p.seed, p.dataset, p.architecture].filter((s) => s.length > 0).join(labels.separator);
}
