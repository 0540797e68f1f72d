import { resolveStatsEvery, type ExperimentSpec, type FinalMetrics, type MetricPoint, type RunEvent } from '../contract/index.js';
import { readTfjsVersion } from './backend.js';
import { gatherLabels, gatherRows } from './batches.js';
import { loadDataset, type DatasetSource } from './datasets/index.js';
import { datasetSplit } from './datasets/split.js';
import { evaluate } from './evaluate.js';
import { createLoss } from './losses.js';
import { buildModel, type Model } from './model.js';
import { createStatsRecorder, type StatsRecorder } from './diagnostics/recorder.js';
import { reachedTarget } from './early-stop.js';
import { learningRateAt } from './lr-schedule.js';
import { createOptimizer, disposeOptimizer, type Optimizer } from './optimizers.js';
import { deriveSeed, Random } from './random.js';
import type { BatchSplitting, RunSplit } from './parallel/batch-splitter.js';
import { trainStepSplit } from './parallel/split-step.js';
import { MIN_SPLIT_SAMPLES } from './parallel/split-policy.js';
import { trainStep } from './step.js';
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
 * Sequence: 'started' (backend, tfjs version, totals) once data and model are ready; one 'progress'
 * per epoch (with `cores` when the run may split its batches: 2 if most of the epoch's steps did;
 * train loss/accuracy averaged over the epoch's batches, weighted by batch size;
 * validation loss/accuracy on the held-out split, null when it is empty; for a regression set
 * (plane, multiGaussian: real-valued targets, meanSquaredError on one output unit) the losses are
 * the train/validation MSE in squared target units and both accuracies are null; `epoch` counts completed
 * epochs from 1; `step` counts batches from 1); with train.statsEvery = K > 0 ('auto': K =
 * max(1, ⌊total steps / 40⌋), see contract/training.ts resolveStatsEvery), a 'layerStats' event
 * after step 1 and every K-th step (per-layer statistics on a fixed probe batch, see
 * diagnostics/layer-stats.ts; its `epoch` counts completed epochs); then exactly one terminal event:
 * - 'finished': the last epoch's metrics (`stoppedEarly` when train.earlyStop's target was reached);
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
 * deriveSeed(seed,'dropout',step). The same experiment on the same backend gives the same numbers. The learning rate of each step follows
 * train.lrSchedule (lr-schedule.ts). Every tensor is freed before the terminal event.
 *
 * @param tf the initialised TensorFlow.js namespace (see initBackend)
 * @param experiment a parsed ExperimentSpec (defaults applied)
 * @param emit receives events synchronously; an exception thrown by it fails the run
 * @param isCancelled polled between batches; the loop yields to the event loop every batch
 * @param datasetSource where an imported dataset's stored file is (required for `{ id }` dataset references)
 * @param onTrained called with the trained model of a 'finished' or 'cancelled' run, before its terminal event
 * @param splitting lets steps split their batch across a second core where that pays (engine/parallel);
 *   the numbers then equal a one-core run's up to float32 summation order (and other dropout masks)
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
): Promise<void> {
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  let model: Model | null = null;
  let optimizer: Optimizer | null = null;
  let recorder: StatsRecorder | null = null;
  let split: RunSplit | null = null;
  let metrics: FinalMetrics = NO_METRICS;
  let terminal: Terminal;
  try {
    const cfg = experiment.train;
    const data = loadDataset(experiment.dataset, datasetSource);
    const labels = data.targets ?? data.y;
    if (data.targets && cfg.earlyStop && cfg.earlyStop.metric.endsWith('Acc')) {
      throw new Error(`train.earlyStop.metric: ${cfg.earlyStop.metric} is undefined for a regression set (accuracy is null); use valLoss or trainLoss`);
    }
    const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
    const splitIndices = datasetSplit(experiment.dataset, data, cfg.validationSplit);
    model = buildModel(tf, experiment.network, {
      seed: cfg.seed,
      target: { loss: cfg.loss, numClasses: data.numClasses, inputShape: data.inputShape },
    });
    const lossFn = createLoss(tf, cfg.loss, {
      outputActivation: model.outputActivation,
      outputUnits: model.outputShape[model.outputShape.length - 1] as number,
      numClasses: data.numClasses,
    });
    optimizer = createOptimizer(tf, cfg.optimizer);

    const nTrain = splitIndices.train.length;
    const batchSize = Math.min(cfg.batchSize, nTrain);
    const stepsPerEpoch = Math.ceil(nTrain / batchSize);
    emit({
      type: 'started',
      runId,
      backend: tf.getBackend(),
      tfjsVersion: readTfjsVersion(tf),
      totalEpochs: cfg.epochs,
      stepsPerEpoch,
      trainSamples: nTrain,
      valSamples: splitIndices.val.length,
    });

    const statsEvery = resolveStatsEvery(cfg.statsEvery, cfg.epochs * stepsPerEpoch);
    recorder = createStatsRecorder(tf, model, data.x, splitIndices.train, cfg.probeSize, statsEvery);
    split =
      splitting?.forRun(
        model,
        { network: experiment.network, loss: cfg.loss, outputActivation: model.outputActivation, outputUnits: model.outputShape[model.outputShape.length - 1] as number, numClasses: data.numClasses },
        batchSize,
      ) ?? null;
    const totalSteps = cfg.epochs * stepsPerEpoch;
    const shuffleRng = new Random(deriveSeed(cfg.seed, 'shuffle'));
    const order = splitIndices.train.slice();
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
          const rows = gatherRows(data.x, rowSize, order, start, end);
          const targets = gatherLabels(labels, order, start, end);
          step++;
          const learningRate = learningRateAt(cfg.optimizer.learningRate, cfg.lrSchedule, { step, epoch, totalSteps });
          const record = recorder.shouldRecord(step);
          const stepOptions = record ? recorder.stepOptions(learningRate) : { learningRate };
          const dropoutSeed = deriveSeed(cfg.seed, 'dropout', step);
          // A short last batch is not worth splitting.
          const peer = end - start >= 2 * MIN_SPLIT_SAMPLES ? (split?.peerNow() ?? null) : null;
          let result;
          const stepStart = performance.now();
          if (peer) {
            result = await trainStepSplit(tf, model, lossFn, optimizer, peer, { x: rows, y: targets, n: end - start }, dropoutSeed, stepOptions, split?.balancer);
          } else {
            const xb = tf.tensor(rows, [end - start, ...data.inputShape], 'float32');
            const yb = tf.tensor1d(targets, targets instanceof Float32Array ? 'float32' : 'int32');
            try {
              result = await trainStep(tf, model, lossFn, optimizer, xb, yb, dropoutSeed, stepOptions);
            } finally {
              xb.dispose();
              yb.dispose();
            }
          }
          if (!record) split?.stepDone(peer !== null, performance.now() - stepStart);
          epochSteps++;
          if (peer) epochSplitSteps++;
          if (!result.finite) {
            terminal = { type: 'diverged', runId, step, epoch, layer: result.badLayer, metrics };
            break runLoop;
          }
          if (result.inspected) emit({ type: 'layerStats', runId, step, epoch: epoch - 1, layers: result.inspected });
          lossSum += result.loss * (end - start);
          correctSum += result.correct;
          seen += end - start;
        }
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
    // Hands the trained model over (e.g. to send its weights) before it is freed and the run ends.
    if (onTrained && (terminal.type === 'finished' || terminal.type === 'cancelled')) onTrained(model);
  } catch (error) {
    terminal = { type: 'failed', runId, error: error instanceof Error ? error.message : String(error) };
  } finally {
    split?.end();
    recorder?.dispose();
    if (optimizer) disposeOptimizer(optimizer);
    model?.dispose();
  }
  emit(terminal);
}
