import path from 'node:path';
import { layerDisplayName, TERMINAL_EVENT_TYPES, type RunEvent } from '../../contract/index.js';
import { databasePath, defaultDataDir } from '../app-paths.js';
import { createHostServices } from '../services/create-host.js';
import { forkWorkerLauncher } from '../services/worker-launcher.js';
import { earlyFirstLauncher, type EarlyWorker } from './early-worker.js';
import { exitCodeFor } from './exit-codes.js';
import { formatDuration, formatProgressLine } from './progress-line.js';
import { withParametrizationFlags, type ParametrizationFlags } from './parametrization-options.js';
import { readExperimentFile } from './read-experiment.js';

export interface TrainOptions {
  file: string;
  db?: string;
  json: boolean;
  /** `--parametrization`, `--base-width`, `--output-init` (override the file's train.parametrization). */
  parametrization?: ParametrizationFlags;
  /** The engine worker forked when the CLI started (main/cli/early-worker.ts): the run's worker, if it starts. */
  earlyWorker?: EarlyWorker | null;
}

/** Where a CLI command keeps its data: `--db PATH` (its folder becomes the data folder) or the default. */
export function resolveStorage(db: string | undefined): { dataDir: string; dbPath: string } {
  if (db) return { dataDir: path.dirname(path.resolve(db)), dbPath: path.resolve(db) };
  const dataDir = defaultDataDir();
  return { dataDir, dbPath: databasePath(dataDir) };
}

/**
 * `initscope train <experiment.json>`: trains one run in a worker process, storing it like the app
 * does. With `--json`, prints every run event as one JSON line on stdout; on a TTY, a progress bar on
 * stderr. `--parametrization mup --base-width N --output-init gaussian|zero` trains it under μP
 * (parametrization-options.ts). Ctrl-C cancels the run (kept as `cancelled`). Resolves to the process exit code.
 */
export async function trainCommand(options: TrainOptions): Promise<number> {
  const experiment = withParametrizationFlags(readExperimentFile(options.file), options.parametrization ?? {});
  // The early worker trains the run (it has started meanwhile); should it die, the pool forks fresh ones.
  const launcher = earlyFirstLauncher(options.earlyWorker ? [options.earlyWorker] : [], forkWorkerLauncher());
  const services = await createHostServices({ ...resolveStorage(options.db), shell: 'cli', workers: 1, launcher });
  const tty = !options.json && process.stderr.isTTY;
  let totalEpochs = experiment.train.epochs;
  let runId = '';
  const ended = new Promise<RunEvent>((resolve) => {
    services.onEvent((event) => {
      if (event.runId !== runId) return;
      if (options.json) process.stdout.write(`${JSON.stringify(event)}\n`);
      else report(event, tty, totalEpochs);
      if (event.type === 'started') totalEpochs = event.totalEpochs;
      if (TERMINAL_EVENT_TYPES.has(event.type)) resolve(event);
    });
  });
  const onInterrupt = () => void services.handlers['runs/cancel']({ runId });
  process.on('SIGINT', onInterrupt);
  try {
    runId = (await services.handlers['runs/start']({ experiment })).id;
    const last = await ended;
    return exitCodeFor(last.type);
  } finally {
    process.off('SIGINT', onInterrupt);
    await services.close();
  }
}

/** Human output: a progress line (redrawn on a TTY, one per ~10 % otherwise) and a final summary. */
function report(event: RunEvent, tty: boolean, totalEpochs: number): void {
  const err = process.stderr;
  switch (event.type) {
    case 'started':
      err.write(
        `Run ${event.runId} on ${event.backend} (tfjs ${event.tfjsVersion}): ${event.trainSamples} training, ${event.valSamples} validation` +
          `${event.testSamples ? `, ${event.testSamples} test` : ''} samples\n`,
      );
      return;
    case 'progress': {
      const line = formatProgressLine({
        epoch: event.point.epoch,
        totalEpochs: event.totalEpochs,
        trainLoss: event.point.trainLoss,
        trainAcc: event.point.trainAcc,
        valLoss: event.point.valLoss,
        valAcc: event.point.valAcc,
        etaSeconds: event.etaSeconds,
      });
      const every = Math.max(1, Math.round(totalEpochs / 10));
      if (tty) err.write(`\r${line}`);
      else if (event.point.epoch % every === 0 || event.point.epoch === event.totalEpochs) err.write(`${line}\n`);
      return;
    }
    case 'layerStats':
    case 'stepLoss':
      return; // diagnostics: stored for the app, too many to print (`--json` prints them)
    default: {
      if (tty) err.write('\n');
      const m = 'metrics' in event ? event.metrics : null;
      const metrics = m
        ? ` trainLoss=${m.trainLoss?.toFixed(4) ?? '—'} trainAcc=${m.trainAcc?.toFixed(4) ?? '—'} valLoss=${m.valLoss?.toFixed(4) ?? '—'} valAcc=${m.valAcc?.toFixed(4) ?? '—'}` +
          // Test metrics are evaluated once, when a run finishes: shown there, and only where the dataset has a test part.
          (event.type === 'finished' && (m.testLoss != null || m.testAcc != null)
            ? ` testLoss=${m.testLoss?.toFixed(4) ?? '—'} testAcc=${m.testAcc?.toFixed(4) ?? '—'}`
            : '')
        : '';
      const extra =
        event.type === 'failed'
          ? ` ${event.error}`
          : event.type === 'diverged'
            ? ` at step ${event.step} (epoch ${event.epoch}${event.layer ? `, ${layerDisplayName(event.layer)}` : ''})`
            : event.type === 'finished'
              ? ` in ${formatDuration(event.durationMs / 1000)}`
              : '';
      process.stdout.write(`${event.type}: ${event.runId}${extra}${metrics}\n`);
    }
  }
}
