import { z } from 'zod';
import { ExperimentSpec, InitializerSpec, parseOrThrow, type RunEvent } from '../contract/index.js';
import { DEFAULT_ACCELERATORS, type Accelerators } from './accelerators.js';
import type { BackendInfo } from './backend.js';
import { previewInit } from './diagnostics/preview.js';
import type { DatasetSource } from './datasets/index.js';
import type { BatchSplitting } from './parallel/batch-splitter.js';
import { readModelWeights, type NamedWeight } from './export/weights.js';
import type { HostToWorker, WorkerToHost } from './protocol.js';
import { trainRun } from './train.js';

/** The IPC side of a worker process, abstracted so the loop runs under fork, utilityProcess or a test. */
export interface WorkerChannel {
  /** Sends a message to the host; resolves once it has been handed to the IPC channel (never rejects). */
  send(message: WorkerToHost): Promise<void>;
  /** Registers the listener for raw messages from the host. */
  onMessage(listener: (raw: unknown) => void): void;
}

export interface WorkerLoopOptions {
  /**
   * The worker's accelerators, chosen once at its entry (engine/accelerators.ts); `init` must register
   * the same wasm kernel set. Every run computes with them and records them. Default: all of them.
   */
  accelerators?: Accelerators;
  /** Initialises TensorFlow.js (called once, immediately), registering `accelerators.wasmKernels`. */
  init: () => Promise<BackendInfo>;
  /** Ends the process (or the fake worker in tests). */
  exit: (code: number) => void;
  /** Diagnostics (stderr in a real worker). */
  log: (message: string) => void;
  /**
   * Creates the worker's batch splitter once the backend is known (engine/parallel/batch-splitter.ts);
   * `coresAllowed` reads what the host last allowed the current run. Without it runs use one core.
   */
  splitting?: (backend: string, coresAllowed: () => number) => BatchSplitting;
}

/** The worker loop's handle, for the process entry's last-resort error handlers. */
export interface WorkerLoop {
  /** Reports `error` as 'failed' for the current run (if it has not ended yet); resolves when sent. */
  failCurrentRun(error: unknown): Promise<void>;
}

type Parsed = { ok: true; message: HostToWorker } | { ok: false; error: string; runId?: string };

/** Minimal structural validation of a host message; the experiment itself is parsed later. */
function parseHostMessage(raw: unknown): Parsed {
  if (!raw || typeof raw !== 'object') return { ok: false, error: 'message is not an object' };
  const m = raw as Record<string, unknown>;
  const runId = typeof m.runId === 'string' && m.runId.length > 0 ? m.runId : undefined;
  switch (m.type) {
    case 'start':
      if (!runId) return { ok: false, error: "'start' without a runId" };
      return {
        ok: true,
        message: {
          type: 'start',
          runId,
          experiment: m.experiment as ExperimentSpec,
          ...(isDatasetSource(m.dataset) ? { dataset: m.dataset } : {}),
          ...(isCoreCount(m.cores) ? { cores: m.cores } : {}),
          ...(typeof m.recordedSplit === 'boolean' ? { recordedSplit: m.recordedSplit } : {}),
        },
      };
    case 'cores':
      if (!runId) return { ok: false, error: "'cores' without a runId" };
      if (!isCoreCount(m.cores)) return { ok: false, error: `'cores' needs a positive integer, got ${JSON.stringify(m.cores)}`, runId };
      return { ok: true, message: { type: 'cores', runId, cores: m.cores } };
    case 'cancel':
      if (!runId) return { ok: false, error: "'cancel' without a runId" };
      return { ok: true, message: { type: 'cancel', runId } };
    case 'preview': {
      const requestId = typeof m.requestId === 'string' && m.requestId.length > 0 ? m.requestId : undefined;
      if (!requestId) return { ok: false, error: "'preview' without a requestId" };
      return {
        ok: true,
        message: {
          type: 'preview',
          requestId,
          experiment: m.experiment as ExperimentSpec,
          ...(Array.isArray(m.initializers) ? { initializers: m.initializers as InitializerSpec[] } : {}),
          ...(typeof m.probeSize === 'number' ? { probeSize: m.probeSize } : {}),
          ...(isDatasetSource(m.dataset) ? { dataset: m.dataset } : {}),
        },
      };
    }
    case 'shutdown':
      return { ok: true, message: { type: 'shutdown' } };
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(m.type)}`, ...(runId ? { runId } : {}) };
  }
}

/** A positive whole number of cores. */
function isCoreCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/** A `{ path }` object naming a stored dataset file. */
function isDatasetSource(value: unknown): value is DatasetSource {
  return !!value && typeof value === 'object' && typeof (value as { path?: unknown }).path === 'string';
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface CurrentRun {
  runId: string;
  cancelled: boolean;
  ended: boolean;
  /** Cores the host allows this run now (see HostToWorker 'cores'). */
  cores: number;
}

/**
 * Serves one engine worker: initialises the backend and sends 'ready'; on 'start' trains the run
 * (one at a time; a 'start' while busy is answered with 'failed' for that run), forwarding every
 * RunEvent as {type:'event'}; 'cores' sets how many cores the current run may use (2 lets a two-part
 * run compute its second parts on the other core, see options.splitting; its numbers do not change); 'cancel' for the current run sets its cancel flag; 'preview' computes
 * an init preview (also while a run trains) and answers 'previewResult'; 'shutdown' exits 0.
 * If the backend cannot be initialised the worker logs why and exits 1 without sending 'ready'.
 */
export function serveWorker(channel: WorkerChannel, options: WorkerLoopOptions): WorkerLoop {
  const backend = options.init();
  backend.then(
    (info) => channel.send({ type: 'ready', backend: info.backend, tfjsVersion: info.tfjsVersion }),
    (error: unknown) => {
      options.log(`engine worker: could not initialise TensorFlow.js: ${errorMessage(error)}`);
      options.exit(1);
    },
  );

  let current: CurrentRun | null = null;
  let splitter: BatchSplitting | undefined;
  const splitterFor = (backendName: string): BatchSplitting | undefined =>
    (splitter ??= options.splitting?.(backendName, () => current?.cores ?? 1));

  const sendEvent = (event: RunEvent) => channel.send({ type: 'event', event });
  /** Sends a run's trained weights (before its terminal event); a failure to read them is logged, not fatal. */
  const sendWeights = (run: CurrentRun, read: () => NamedWeight[]): void => {
    if (run.ended) return;
    try {
      void channel.send({ type: 'weights', runId: run.runId, tensors: read() });
    } catch (error) {
      options.log(`engine worker: could not read the trained weights of ${run.runId}: ${errorMessage(error)}`);
    }
  };
  const fail = (run: CurrentRun, error: unknown): Promise<void> => {
    if (run.ended) return Promise.resolve();
    run.ended = true;
    return sendEvent({ type: 'failed', runId: run.runId, error: errorMessage(error) });
  };

  async function start(runId: string, rawExperiment: unknown, dataset?: DatasetSource, cores = 1, recordedSplit?: boolean): Promise<void> {
    if (current) {
      await sendEvent({ type: 'failed', runId, error: `engine worker is busy with run ${current.runId}` });
      return;
    }
    const run: CurrentRun = { runId, cancelled: false, ended: false, cores };
    current = run;
    try {
      const experiment = parseOrThrow(ExperimentSpec, rawExperiment, 'experiment');
      const { tf, backend: backendName } = await backend;
      await trainRun(
        tf,
        runId,
        experiment,
        (event) => {
          if (run.ended) return;
          if (event.type === 'finished' || event.type === 'failed' || event.type === 'diverged' || event.type === 'cancelled') {
            run.ended = true;
          }
          void sendEvent(event);
        },
        () => run.cancelled,
        dataset,
        (model) => sendWeights(run, () => readModelWeights(tf, model)),
        splitterFor(backendName),
        recordedSplit,
        options.accelerators ?? DEFAULT_ACCELERATORS,
      );
    } catch (error) {
      await fail(run, error);
    } finally {
      if (current === run) current = null;
    }
  }

  /** Answers a 'preview' request (parsing the experiment and initializers with their schemas). */
  async function preview(message: Extract<HostToWorker, { type: 'preview' }>): Promise<void> {
    try {
      const experiment = parseOrThrow(ExperimentSpec, message.experiment, 'experiment');
      const initializers = parseOrThrow(z.array(InitializerSpec), message.initializers ?? [], 'initializers');
      const { tf } = await backend;
      const result = await previewInit(tf, experiment, initializers, message.probeSize, message.dataset);
      await channel.send({ type: 'previewResult', requestId: message.requestId, result });
    } catch (error) {
      await channel.send({ type: 'previewResult', requestId: message.requestId, error: errorMessage(error) });
    }
  }

  channel.onMessage((raw) => {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      options.log(`engine worker: ignoring message: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'start':
        void start(message.runId, message.experiment, message.dataset, message.cores, message.recordedSplit);
        break;
      case 'cores':
        if (current && current.runId === message.runId) current.cores = message.cores;
        break;
      case 'cancel':
        if (current && current.runId === message.runId) current.cancelled = true;
        break;
      case 'preview':
        void preview(message);
        break;
      case 'shutdown':
        options.exit(0);
        break;
    }
  });

  return {
    failCurrentRun: (error) => (current ? fail(current, error) : Promise.resolve()),
  };
}
