/**
 * The InitScope training engine: seeded datasets, initializers and models, a custom training loop that
 * streams contract RunEvents, and the worker process that hosts it (worker.ts, not exported: it is a
 * process entry with side effects).
 *
 * This file is the engine's public entry: the host (main/) imports the engine only from here, and
 * starts worker.ts by path (eslint.config.js enforces both).
 */
export { applyActivation } from './activations.js';
export { unpackedPath } from './asar-path.js';
export { initBackend, readTfjsVersion, BACKEND_ENV_VAR, BACKEND_PREFERENCES, type BackendInfo, type BackendPreference } from './backend.js';
export { gatherLabels, gatherRows, labelTensor, splitIndices, type Split } from './batches.js';
export { generateBuiltinDataset, listBuiltinDatasets, BUILTIN_DEFAULT_SAMPLES, type GeneratedDataset } from './datasets/builtin.js';
export { loadDataset, type DatasetSource } from './datasets/index.js';
export { encodeDatasetFile, type DatasetFileContent, type DatasetFileHeader, type NormalizationStats } from './datasets/dataset-file.js';
export { datasetSplit } from './datasets/split.js';
export { evaluate, type Evaluation } from './evaluate.js';
export { calibrateSplitHere, calibrateSplitWith } from './parallel/calibrate-split.js';
export { CALIBRATION_ENGINE_VERSION } from './parallel/split-calibration.js';
export { nativeGemmStatus } from './kernels/native-gemm.js';
export { boundingBox, gridPoints, type GridBox } from './boundary/grid.js';
export { outputReading, predictGrid, type OutputReading } from './boundary/predict-grid.js';
export { createBoundaryTracker, type BoundarySink, type BoundaryTracker, type BoundaryUpdate } from './boundary/tracker.js';
export { computeFans, initialValues, initializerMoments, theoreticalStd, TRUNCATED_NORMAL_STD_RATIO, type Fans } from './initializers.js';
export type { ForwardContext, Layer, LayerOutput, LayerParam, StateUpdate } from './layers/types.js';
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
export { createOptimizer, disposeOptimizer, type Optimizer } from './optimizers.js';
export { learningRateAt, type SchedulePosition } from './lr-schedule.js';
export { reachedTarget } from './early-stop.js';
export { computeLayerStats, HISTOGRAM_SAMPLE } from './diagnostics/layer-stats.js';
export { createStatsRecorder, type StatsRecorder } from './diagnostics/recorder.js';
export { locateDivergence } from './diagnostics/divergence.js';
export { meanFieldStds } from './diagnostics/mean-field.js';
export { gaussianMoments, type Moments } from './diagnostics/gaussian-moments.js';
export { erf, scalarActivation } from './diagnostics/scalar-activations.js';
export { previewInit, withKernelInitializer, DEFAULT_PREVIEW_PROBE_SIZE } from './diagnostics/preview.js';
export { exportLayersModel, type LayersModelFiles } from './export/layers-model.js';
export { exportResidual, type ExportResidual, type PlainBatchNorm, type PlainTensor } from './export/residual-weights.js';
export { measureSignalProp } from './diagnostics/signal-prop.js';
export { computeReferenceOutputs, type ReferenceOutputs } from './export/reference.js';
export { foldReadout } from './export/fold-readout.js';
export type { NamedWeight } from './export/weights.js';
export { orthogonalMatrix } from './orthogonal.js';
export { HostToWorker, LabJob, LabOutcome, WorkerToHost, parseMessage, type ParsedMessage } from './protocol.js';
export { phaseDiagram } from './lab/phase-diagram.js';
export { trainableDepths, type TrainableDepth } from './lab/trainable-depth.js';
export { jacobianReport } from './lab/jacobian-report.js';
export { createRandom, deriveSeed, Random } from './random.js';
export { releaseAbandonedTape, trainStep, type StepOptions, type StepResult, type StepView } from './step.js';
export type { TF } from './tf.js';
export { trainRun, type EmitRunEvent } from './train.js';
export { serveWorker, type WorkerChannel, type WorkerLoop, type WorkerLoopOptions } from './worker-loop.js';
