import {
  experimentProblems,
  isStoredDatasetRef,
  problemError,
  resolveStatsEvery,
  type DatasetRef,
  type ExperimentSpec,
  type FinalMetrics,
  type MetricPoint,
  type RunEvent,
  type SplitCalibration,
} from '../contract/index.js';
import { DEFAULT_ACCELERATORS, type Accelerators } from './accelerators.js';
import { readTfjsVersion } from './backend.js';
import { gatherLabels, gatherRows, gatherRowsInto } from './batches.js';
import { loadDataset, type DatasetSource } from './datasets/index.js';
import { datasetSplit } from './datasets/split.js';
import { createBoundaryTracker, type BoundarySink } from './boundary/tracker.js';
import { evaluate } from './evaluate.js';
import { createLoss } from './losses.js';
import { buildModel, type Model } from './model.js';
import { createStatsRecorder, type StatsRecorder } from './diagnostics/recorder.js';
import { reachedTarget } from './early-stop.js';
import { learningRateAt } from './lr-schedule.js';
import { createOptimizer, disposeOptimizer, type Optimizer } from './optimizers.js';
import { deriveSeed, Random } from './random.js';
import { ONE_CORE_SPLITTING, type BatchSplitting, type RunSplit } from './parallel/batch-splitter.js';
import { trainStepSplit } from './parallel/split-step.js';
import { decideSplit, MIN_SPLIT_SAMPLES } from './parallel/split-policy.js';
import { engineProvenance } from './provenance.js';
import { mupLrFactorMap, planMup } from './mup-plan.js';
import { applyDataInit } from './lab/data-init.js';
import { applyLsuv } from './lab/lsuv.js';
import { trainStep } from './step.js';
import { StepLossCollector } from './step-losses.js';
import { evaluateTestPart } from './test-metrics.js';
import type { TF } from './tf.js';

/** Receives every event of a run, in order. */
export type EmitRunEvent = (event: RunEvent) => void;

const NO_METRICS: FinalMetrics = { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null };

/** A number for the wire: NaN and ±Infinity become null (JSON and the schemas reject them). */
function finiteOrNull(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}

/** Lets the event loop run (IPC messages such as 'cancel' are handled here). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The terminal outcome of a run, before it is emitted. */
type Terminal = Extract<RunEvent, { type: 'finished' | 'failed' | 'diverged' | 'cancelled' }>;

/**
 * Trains one experiment with a custom loop and streams its events.
 *
 * Sequence: 'started' (backend, tfjs version, totals, the engine's provenance record) once data and model are ready; one 'progress'
 * per epoch (with `cores` for a two-part run: 2 if the peer computed most of the epoch's second parts;
 * train loss/accuracy averaged over the epoch's batches, weighted by batch size;
 * validation loss/accuracy on the held-out split, null when it is empty; for a regression set
 * (plane, multiGaussian: real-valued targets, meanSquaredError on one output unit) the losses are
 * the train/validation MSE in squared target units and both accuracies are null; `epoch` counts completed
 * epochs from 1; `step` counts batches from 1); with train.statsEvery = K > 0 ('auto': K =
 * max(1, ⌊total steps / 40⌋), see contract/training.ts resolveStatsEvery), a 'layerStats' event
 * after step 1 and every K-th step (per-layer statistics on a fixed probe batch, see
 * diagnostics/layer-stats.ts; its `epoch` counts completed epochs); then exactly one terminal event:
 * - 'finished': the last epoch's metrics (`stoppedEarly` when train.earlyStop's target was reached),
 *   plus testLoss/testAcc: the trained model evaluated once on the dataset's held-out test part
 *   (test-metrics.ts; null where it has none) — after the last epoch or the early stop, so validation
 *   alone drives training decisions;
 * - 'cancelled': `isCancelled()` is polled before every batch; epoch/step are those completed;
 * - 'diverged': the loss or a gradient of some batch was NaN/±Inf (that update is not applied);
 *   `step` is that batch's global step, `epoch` the epoch it belongs to (from 1), `layer` the first
 *   layer whose output was non-finite, else the deepest with a non-finite gradient (e.g. 'dense_2' =
 *   layers[2]; see diagnostics/divergence.ts), or null;
 * - 'failed': any exception (bad spec, shapes, backend error), with its message. If it happens
 *   before training could begin, no 'started' is emitted.
 * Metrics in cancelled/diverged events are those of the last completed epoch.
 *
 * Seeds: the train/validation split belongs to the data (datasets/split.ts): a built-in set is
 * split by its own seed, deriveSeed(dataset.seed,'split'), an imported one as recorded at import —
 * so every run of a sweep, whatever its train.seed, validates on the same samples. From train.seed:
 * weights per layer (see buildModel: layer i's seed depends only on train.seed and i, so runs that
 * differ only in activation, optimizer, learning rate or batch size start from identical weights
 * wherever a layer's shape is unchanged), shuffling deriveSeed(seed,'shuffle'), dropout
 * deriveSeed(seed,'dropout',step). The same experiment with the same provenance (backend, kernel set,
 * step layout: see EngineProvenance) gives bit-identical numbers, whatever the load or the cores
 * granted. The learning rate of each step follows
 * train.lrSchedule (lr-schedule.ts). Every tensor is freed before the terminal event.
 *
 * @param tf the initialised TensorFlow.js namespace (see initBackend)
 * @param experiment a parsed ExperimentSpec (defaults applied)
 * @param emit receives events synchronously; an exception thrown by it fails the run
 * @param isCancelled polled between batches; the loop yields to the event loop every batch
 * @param datasetSource where an imported dataset's stored file is (required for `{ id }` dataset references)
 * @param onTrained called with the trained model of a 'finished' or 'cancelled' run, before its terminal event
 * @param splitting gives a two-part run (see decideSplit) the second core where the pool grants it
 *   (engine/parallel); without it both parts run on this thread. Never changes the numbers.
 * @param recordedSplit the step layout of the run being reproduced (its provenance's split.parts === 2),
 *   which wins over decideSplit's rule
 * @param accelerators the worker's accelerators: the wasm kernel set it registered on `tf` (see
 *   initBackend) and its batch-splitting mode; both are recorded in the run's provenance
 * @param onBoundary receives the decision-boundary pictures of a run whose samples have two features
 *   (engine/boundary/): one of the untrained model at step 0, a few per epoch (bounded in time, see
 *   boundary/cadence.ts), and the trained model's (`final`) before a 'finished' or 'cancelled' event.
 *   The pictures never change the run's numbers. Without it, or for other inputs, no grid is evaluated.
 * @param calibration the machine's stored split calibration (read by the host before the run, never
 *   measured inside it), which decideSplit's rule uses and the provenance records
 */
export async function trainRun(
  tf: TF,
  runId: string,
  experiment: ExperimentSpec,
  emit: EmitRunEvent,
  isCancelled: () => boolean,
  datasetSource?: DatasetSource,
  onTrained?: (model: Model) => void,
  splitting?: BatchSplitting,
  recordedSplit?: boolean,
  accelerators: Accelerators = DEFAULT_ACCELERATORS,
  onBoundary?: BoundarySink,
  calibration?: SplitCalibration | null,
): Promise<void> {
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  let model: Model | null = null;
  let optimizer: Optimizer | null = null;
  let recorder: StatsRecorder | null = null;
  let split: RunSplit | null = null;
  let stepLosses: StepLossCollector | null = null;
  let metrics: FinalMetrics = NO_METRICS;
  let terminal: Terminal;
  try {
    const cfg = experiment.train;
    const data = loadDataset(experiment.dataset, datasetSource);
    const labels = data.targets ?? data.y;
    const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
    const splitIndices = datasetSplit(experiment.dataset, data, cfg.validationSplit);
    // The host checked this before storing the run; a run stored by an older version is checked here.
    const facts = { name: datasetLabel(experiment.dataset), inputShape: data.inputShape, numClasses: data.numClasses, trainSamples: splitIndices.train.length };
    const problem = experimentProblems(experiment, facts)[0];
    if (problem) throw problemError(problem);
    // μP (train.parametrization) replaces the dense kernels' initializers, scales the readout and sets per-variable learning-rate factors.
    const mup = planMup(experiment.network, cfg.parametrization, cfg.optimizer.name);
    const network = mup?.network ?? experiment.network;
    model = buildModel(tf, network, {
      seed: cfg.seed,
      target: { loss: cfg.loss, numClasses: data.numClasses, inputShape: data.inputShape },
      ...(mup ? { readout: mup.readout } : {}),
    });
    const lossFn = createLoss(tf, cfg.loss, {
      outputActivation: model.outputActivation,
      outputUnits: model.outputShape[model.outputShape.length - 1] as number,
      numClasses: data.numClasses,
    });
    optimizer = createOptimizer(tf, cfg.optimizer, mupLrFactorMap(model, mup));

    const nTrain = splitIndices.train.length;
    // LSUV (train.lsuv) rescales the kernels on the first samples of the training split before anything else sees them.
    const lsuv = cfg.lsuv
      ? await applyLsuv(tf, model, gatherRows(data.x, rowSize, splitIndices.train, 0, Math.min(cfg.lsuv.batchSize, nTrain)), cfg.lsuv, cfg.seed)
      : null;
    // The per-unit data init (train.dataInit; never with LSUV, see contract/data-init-check.ts) likewise.
    const dataInit = cfg.dataInit
      ? await applyDataInit(tf, model, gatherRows(data.x, rowSize, splitIndices.train, 0, Math.min(cfg.dataInit.batchSize, nTrain)), cfg.dataInit)
      : null;
    const batchSize = Math.min(cfg.batchSize, nTrain);
    const stepsPerEpoch = Math.ceil(nTrain / batchSize);
    const backend = tf.getBackend();
    const tfjsVersion = readTfjsVersion(tf);
    // The step layout is fixed here, before training, never by timing or the cores granted (split-policy.ts).
    const layout = decideSplit(model, batchSize, backend, accelerators.batchSplit, recordedSplit, calibration);
    emit({
      type: 'started',
      runId,
      backend,
      tfjsVersion,
      totalEpochs: cfg.epochs,
      stepsPerEpoch,
      trainSamples: nTrain,
      valSamples: splitIndices.val.length,
      testSamples: data.test?.y.length ?? 0,
      provenance: {
        ...engineProvenance(backend, tfjsVersion, cfg.seed, data, splitIndices, layout, accelerators.wasmKernels),
        ...(lsuv ? { lsuv } : {}),
        ...(dataInit ? { dataInit } : {}),
        ...(mup ? { parametrization: mup.record } : {}),
      },
    });

    const statsEvery = resolveStatsEvery(cfg.statsEvery, cfg.epochs * stepsPerEpoch);
    recorder = createStatsRecorder(tf, model, data.x, splitIndices.train, cfg.probeSize, statsEvery);
    if (layout.split) {
      const outputUnits = model.outputShape[model.outputShape.length - 1] as number;
      const peerNetwork = {
        network,
        loss: cfg.loss,
        outputActivation: model.outputActivation,
        outputUnits,
        numClasses: data.numClasses,
        ...(mup ? { readout: mup.readout } : {}),
      };
      split = (splitting ?? ONE_CORE_SPLITTING).forRun(tf, layout, peerNetwork);
    }
    const boundary = onBoundary
      ? createBoundaryTracker(
          tf,
          model,
          cfg.loss,
          { x: data.x, labels, inputShape: data.inputShape, numClasses: data.numClasses, test: data.test },
          splitIndices,
          stepsPerEpoch,
          onBoundary,
        )
      : null;
    await boundary?.draw(0, 0);
    // Step 0 of the signal-propagation plots: the untrained blocks, sent with the first layerStats event.
    let signalPropInit = await recorder.signalProp();
    const totalSteps = cfg.epochs * stepsPerEpoch;
    stepLosses = new StepLossCollector(totalSteps, (points) => emit({ type: 'stepLoss', runId, points }));
    const shuffleRng = new Random(deriveSeed(cfg.seed, 'shuffle'));
    const order = splitIndices.train.slice();
    // One input buffer for the whole batches computed here: tf.tensor copies it into the backend
    // (wasm heap, native memory; cpu keeps a reference, but the tensor is freed within the step).
    const batchBuffer = new Float32Array(batchSize * rowSize);
    const loopStart = performance.now();
    let step = 0;
    let epochsDone = 0;
    runLoop: {
      for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
        shuffleRng.shuffle(order);
        let lossSum = 0;
        let correctSum = 0;
        let seen = 0;
        let epochSteps = 0;
        let epochSplitSteps = 0;
        for (let start = 0; start < nTrain; start += batchSize) {
          await yieldToEventLoop();
          if (isCancelled()) {
            terminal = { type: 'cancelled', runId, epoch: epochsDone, step, metrics };
            break runLoop;
          }
          const end = Math.min(nTrain, start + batchSize);
          const targets = gatherLabels(labels, order, start, end);
          step++;
          const learningRate = learningRateAt(cfg.optimizer.learningRate, cfg.lrSchedule, { step, epoch, totalSteps });
          const record = recorder.shouldRecord(step);
          const stepOptions = record ? recorder.stepOptions(learningRate) : { learningRate };
          const dropoutSeed = deriveSeed(cfg.seed, 'dropout', step);
          // A short last batch is computed whole (the layout is per batch size, so this too is fixed).
          const parts = split && end - start >= 2 * MIN_SPLIT_SAMPLES ? split : null;
          let result;
          let onPeer = false;
          if (parts) {
            // Its own array: a split step may hand its rows to the peer thread.
            const rows = gatherRows(data.x, rowSize, order, start, end);
            result = await trainStepSplit(tf, model, lossFn, optimizer, parts, { x: rows, y: targets, n: end - start }, dropoutSeed, stepOptions);
            onPeer = result.onPeer;
          } else {
            const xb = tf.tensor(gatherRowsInto(batchBuffer, data.x, rowSize, order, start, end), [end - start, ...data.inputShape], 'float32');
            const yb = tf.tensor1d(targets, targets instanceof Float32Array ? 'float32' : 'int32');
            try {
              result = await trainStep(tf, model, lossFn, optimizer, xb, yb, dropoutSeed, stepOptions);
            } finally {
              xb.dispose();
              yb.dispose();
            }
          }
          epochSteps++;
          if (onPeer) epochSplitSteps++;
          stepLosses.add(step, result.loss, end - start);
          if (!result.finite) {
            terminal = { type: 'diverged', runId, step, epoch, layer: result.badLayer, metrics };
            break runLoop;
          }
          if (result.inspected) {
            const signalProp = await recorder.signalProp();
            emit({
              type: 'layerStats',
              runId,
              step,
              epoch: epoch - 1,
              layers: result.inspected,
              ...(signalProp ? { signalProp } : {}),
              ...(signalPropInit ? { signalPropInit } : {}),
            });
            signalPropInit = undefined;
          }
          if (boundary?.due(step)) await boundary.draw(step, epoch - 1);
          lossSum += result.loss * (end - start);
          correctSum += result.correct;
          seen += end - start;
        }
        stepLosses.flush();
        const val = await evaluate(tf, model, lossFn, data.x, labels, splitIndices.val);
        epochsDone = epoch;
        metrics = {
          trainLoss: finiteOrNull(lossSum / seen),
          trainAcc: lossFn.hasAccuracy ? finiteOrNull(correctSum / seen) : null,
          valLoss: finiteOrNull(val?.loss),
          valAcc: finiteOrNull(val?.accuracy),
        };
        const point: MetricPoint = { epoch, step, ...metrics, elapsedMs: elapsed() };
        const perEpochMs = (performance.now() - loopStart) / epoch;
        const cores = split ? { cores: 2 * epochSplitSteps > epochSteps ? 2 : 1 } : {};
        emit({ type: 'progress', runId, point, totalEpochs: cfg.epochs, etaSeconds: ((cfg.epochs - epoch) * perEpochMs) / 1000, ...cores });
        if (epoch < cfg.epochs && reachedTarget(metrics, cfg.earlyStop)) {
          terminal = { type: 'finished', runId, metrics, epochs: epochsDone, durationMs: elapsed(), stoppedEarly: true };
          break runLoop;
        }
      }
      terminal = { type: 'finished', runId, metrics, epochs: epochsDone, durationMs: elapsed() };
    }
    if (terminal.type === 'finished') {
      terminal = { ...terminal, metrics: { ...terminal.metrics, ...(await evaluateTestPart(tf, model, lossFn, data.test)) } };
    }
    if (boundary && (terminal.type === 'finished' || terminal.type === 'cancelled')) await boundary.draw(step, epochsDone, true);
    // Hands the trained model over (e.g. to send its weights) before it is freed and the run ends.
    if (onTrained && (terminal.type === 'finished' || terminal.type === 'cancelled')) onTrained(model);
  } catch (error) {
    terminal = { type: 'failed', runId, error: error instanceof Error ? error.message : String(error) };
  } finally {
    try {
      stepLosses?.flush(true);
    } catch {
      // emit threw (the run is ending anyway): the terminal event below still goes out
    }
    split?.end();
    recorder?.dispose();
    if (optimizer) disposeOptimizer(optimizer);
    model?.dispose();
  }
  emit(terminal);
}

/** A dataset reference as messages name it: the built-in's name or the imported dataset's id. */
function datasetLabel(ref: DatasetRef): string {
  return isStoredDatasetRef(ref) ? ref.id : ref.builtin;
}
