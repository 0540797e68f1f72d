/**
 * The InitScope training engine: seeded datasets, initializers and models, a custom training loop that
 * streams contract RunEvents, and the worker process that hosts it (worker.ts, not exported: it is a
 * process entry with side effects).
 */
export { applyActivation } from './activations.js';
export { initBackend, readTfjsVersion, BACKEND_ENV_VAR, BACKEND_PREFERENCES, type BackendInfo, type BackendPreference } from './backend.js';
export { gatherLabels, gatherRows, splitIndices, type Split } from './batches.js';
export { generateBuiltinDataset, listBuiltinDatasets, BUILTIN_DEFAULT_SAMPLES, type GeneratedDataset } from './datasets/builtin.js';
export { loadDataset } from './datasets/index.js';
export { evaluate, type Evaluation } from './evaluate.js';
export { computeFans, initialValues, theoreticalStd, TRUNCATED_NORMAL_STD_RATIO, type Fans } from './initializers.js';
export { inferLayerShape, inferNetworkShapes, layerName, type LayerShapeInfo } from './layers/shapes.js';
export type { ForwardContext, Layer, LayerOutput, LayerParam } from './layers/types.js';
export { createLoss, type LossFunction, type LossTarget } from './losses.js';
export {
  buildModel,
  checkNetworkTarget,
  layerSeed,
  type BuildModelOptions,
  type ForwardOptions,
  type ForwardResult,
  type Model,
  type ModelTarget,
} from './model.js';
export { createOptimizer, disposeOptimizer } from './optimizers.js';
export { orthogonalMatrix } from './orthogonal.js';
export type { HostToWorker, WorkerToHost } from './protocol.js';
export { createRandom, deriveSeed, Random } from './random.js';
export { trainStep, type StepResult } from './step.js';
export type { TF } from './tf.js';
export { trainRun, type EmitRunEvent } from './train.js';
export { serveWorker, type WorkerChannel, type WorkerLoop, type WorkerLoopOptions } from './worker-loop.js';
