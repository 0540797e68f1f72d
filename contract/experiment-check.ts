import { isStoredDatasetRef, type DatasetInfo, type DatasetRef } from './dataset.js';
import { InitScopeError } from './errors.js';
import type { ExperimentSpec } from './experiment.js';
import { estimateTrainingMemory, formatBytes, MAX_TRAINING_BYTES } from './memory-estimate.js';
import type { NetworkSpec } from './network.js';
import { dataInitProblems } from './data-init-check.js';
import { mupProblems } from './mup-check.js';
import { followShapes, layerError } from './shapes.js';
import type { LossName } from './training.js';

/**
 * Checks of an experiment against its dataset that need no TensorFlow.js: every layer takes its
 * input, the last layer produces what the loss needs for the dataset's labels, and training fits in
 * memory. The host runs them before a run (or any run of a sweep) is stored, the Builder before it
 * enables Train, and the engine again before it builds a model.
 */

/** What the checks need to know about a dataset. */
export interface DatasetFacts {
  /** Shown in messages, e.g. `spiral`. */
  name: string;
  /** Shape of one sample (no batch dimension). */
  inputShape: readonly number[];
  /** Classes of the labels; 0 for a regression set (real-valued targets). */
  numClasses: number;
  /** Samples training draws batches from, when known (caps the batch in the memory estimate). */
  trainSamples?: number;
}

/**
 * The facts of a dataset as listed (`datasets/list`, or the host's resolver) for the experiment's
 * reference: a multiSpiral's `classes` overrides the listed default; the sample count is the
 * built-in's `samples` or the stored set's training plus validation samples (an upper bound of what
 * training draws batches from).
 */
export function datasetFacts(info: DatasetInfo, ref?: DatasetRef): DatasetFacts {
  const builtin = ref && !isStoredDatasetRef(ref) ? ref : undefined;
  const numClasses = builtin?.builtin === 'multiSpiral' && builtin.classes ? builtin.classes : info.numClasses;
  const trainSamples = info.counts ? info.counts.train + info.counts.validation : builtin?.samples;
  return { name: info.id ?? info.name, inputShape: info.inputShape, numClasses, ...(trainSamples ? { trainSamples } : {}) };
}

/**
 * One reason an experiment cannot run. `path` is the dotted field (`network.layers.2.units`); `code`
 * and `params` let the UI phrase it (`shape` with `params.shapeCode`, `outputUnits`, `lastLayer`,
 * `regressionLoss`, `binaryClasses`, `regressionAccuracy`, `inputShape`, `tooLarge`); `message` is English.
 */
export interface ExperimentProblem {
  path: string;
  code: string;
  params: Record<string, string | number>;
  /** English, without the path (see {@link problemText}). */
  message: string;
  /** The layer the problem is about, if any. */
  layer?: { index: number; type: string };
}

/** A problem as one line: `network.layers.2.units (dense): has 3 units but …`, `train.loss: …`. */
export function problemText(problem: ExperimentProblem): string {
  return `${problem.path}${problem.layer ? ` (${problem.layer.type})` : ''}: ${problem.message}`;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** The problem as an Error in the engine's style: `layer 3 (dense): has 3 units …`, `train.loss: …`. */
export function problemError(problem: ExperimentProblem): Error {
  return problem.layer ? layerError(problem.layer.index, problem.layer.type, problem.message) : new Error(`${problem.path}: ${problem.message}`);
}

/**
 * Whether the network's last layer fits the loss and the dataset's labels: it must be dense (or an
 * activation layer right after one); sparse/categorical cross-entropy need one unit per class;
 * binary cross-entropy needs a 2-class dataset and 1 unit; MSE needs one unit per class (one-hot
 * targets) or 1 unit with 2 classes. A regression set (numClasses 0) needs MSE and 1 unit.
 * Assumes the layers' shapes are valid.
 */
export function outputProblems(network: NetworkSpec, loss: LossName, numClasses: number): ExperimentProblem[] {
  const index = network.layers.length - 1;
  const last = network.layers[index];
  const type = last?.type ?? 'none';
  const layerPath = `network.layers.${index}`;
  const layer = { index, type };
  const afterDense = last?.type === 'activation' && network.layers[index - 1]?.type === 'dense';
  if (!last || (last.type !== 'dense' && !afterDense)) {
    return [
      {
        path: layerPath,
        code: 'lastLayer',
        params: { loss },
        layer,
        message: `the last layer must be dense, or an activation layer after one (it produces the ${loss} outputs)`,
      },
    ];
  }
  const outputShape = followShapes(network.inputShape, network.layers)[index]!.outputShape;
  const units = outputShape[outputShape.length - 1] as number;
  const unitsPath = last.type === 'dense' ? `${layerPath}.units` : layerPath;
  const k = numClasses;
  if (k === 0) {
    if (loss !== 'meanSquaredError') {
      return [
        {
          path: 'train.loss',
          code: 'regressionLoss',
          params: { loss },
          message: `${loss} needs class labels, but this dataset is a regression set (real-valued targets); use meanSquaredError`,
        },
      ];
    }
    if (units !== 1) {
      return [
        {
          path: unitsPath,
          code: 'outputUnits',
          params: { n: 1, units },
          layer,
          message: `has ${units} units but a regression set needs exactly 1 (one real-valued target per sample)`,
        },
      ];
    }
    return [];
  }
  switch (loss) {
    case 'sparseCategoricalCrossentropy':
    case 'categoricalCrossentropy':
      if (units !== k)
        return [{ path: unitsPath, code: 'outputUnits', params: { n: k, units }, layer, message: `has ${units} units but ${loss} needs one per class (${k})` }];
      return [];
    case 'binaryCrossentropy':
      if (k !== 2)
        return [
          { path: 'train.loss', code: 'binaryClasses', params: { n: k }, message: `binaryCrossentropy needs a 2-class dataset, this one has ${k} classes` },
        ];
      if (units !== 1)
        return [{ path: unitsPath, code: 'outputUnits', params: { n: 1, units }, layer, message: `has ${units} units but binaryCrossentropy needs exactly 1` }];
      return [];
    case 'meanSquaredError':
      if (units !== k && !(units === 1 && k === 2)) {
        return [
          {
            path: unitsPath,
            code: 'outputUnits',
            params: { n: k, units },
            layer,
            message: `has ${units} units but meanSquaredError needs ${k} (one-hot targets)${k === 2 ? ' or 1' : ''}`,
          },
        ];
      }
      return [];
  }
}

/**
 * Every reason `experiment` cannot train on `dataset` (empty when it can): the network's input shape
 * against the samples', each layer against its input, the output against the loss and labels, an
 * accuracy early stop on a regression set, a μP parametrization the network or optimizer has no μP
 * form for (contract/mup-check.ts), a per-unit data init combined with LSUV or μP
 * (contract/data-init-check.ts), and the memory estimate against {@link MAX_TRAINING_BYTES}.
 */
export function experimentProblems(experiment: ExperimentSpec, dataset: DatasetFacts): ExperimentProblem[] {
  const { network, train } = experiment;
  const problems: ExperimentProblem[] = [];
  if (fmt(network.inputShape) !== fmt(dataset.inputShape)) {
    problems.push({
      path: 'network.inputShape',
      code: 'inputShape',
      params: { shape: dataset.inputShape.join(',') },
      message: `input shape ${fmt(network.inputShape)} does not match the dataset ${dataset.name}'s sample shape ${fmt(dataset.inputShape)}`,
    });
  }
  const shapes = followShapes(network.inputShape, network.layers);
  for (const s of shapes) {
    if (!s.problem) continue;
    problems.push({
      path: `network.layers.${s.index}`,
      code: 'shape',
      params: { shapeCode: s.problem.code, ...s.problem.params },
      layer: { index: s.index, type: s.type },
      message: s.problem.message,
    });
  }
  if (problems.length === 0) problems.push(...outputProblems(network, train.loss, dataset.numClasses));
  if (dataset.numClasses === 0 && train.earlyStop?.metric.endsWith('Acc')) {
    problems.push({
      path: 'train.earlyStop.metric',
      code: 'regressionAccuracy',
      params: { metric: train.earlyStop.metric },
      message: `${train.earlyStop.metric} is undefined for a regression set (accuracy is null); use valLoss or trainLoss`,
    });
  }
  problems.push(...mupProblems(experiment));
  problems.push(...dataInitProblems(experiment));
  const estimate = estimateTrainingMemory(network, train, dataset.trainSamples);
  if (estimate.totalBytes > MAX_TRAINING_BYTES) {
    const parts = `${estimate.params.toLocaleString('en-US')} parameters: weights ${formatBytes(estimate.weightBytes)}, gradients ${formatBytes(estimate.gradientBytes)}, ${train.optimizer.name} state ${formatBytes(estimate.optimizerBytes)}, activations for ${estimate.batch} samples ${formatBytes(estimate.activationBytes)}`;
    problems.push({
      path: 'network',
      code: 'tooLarge',
      params: { estimate: formatBytes(estimate.totalBytes), limit: formatBytes(MAX_TRAINING_BYTES), params: estimate.params },
      message: `training needs an estimated ${formatBytes(estimate.totalBytes)} (${parts}), over the limit of ${formatBytes(MAX_TRAINING_BYTES)}; use fewer or smaller layers or a smaller batch`,
    });
  }
  return problems;
}

/**
 * Throws an `invalid_input` {@link InitScopeError} listing every {@link experimentProblems} entry
 * (`details.issues` holds their paths and messages) when `experiment` cannot train on `dataset`.
 * @param what how the experiment is named in the message, e.g. `experiment` or `sweep run "…"`
 */
export function assertExperimentRuns(experiment: ExperimentSpec, dataset: DatasetFacts, what = 'experiment'): void {
  const problems = experimentProblems(experiment, dataset);
  if (problems.length === 0) return;
  const issues = problems.map((p) => ({ path: p.path, message: p.layer ? `(${p.layer.type}) ${p.message}` : p.message }));
  throw new InitScopeError('invalid_input', `Invalid ${what}: ${problems.map(problemText).join('; ')}`, { issues });
}
