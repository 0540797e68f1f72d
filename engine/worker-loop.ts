import type { RunEvent } from '../contract/index.js';
import { DEFAULT_ACCELERATORS, type Accelerators } from './accelerators.js';
import type { BackendInfo } from './backend.js';
import { previewInit } from './diagnostics/preview.js';
import { runLabJob } from './lab/run-lab-job.js';
import { coordCheck } from './lab/coord-check.js';
import type { BatchSplitting } from './parallel/batch-splitter.js';
import { calibrateSplitWith } from './parallel/calibrate-split.js';
import { readModelWeights, type NamedWeight } from './export/weights.js';
import { HostToWorker, parseMessage, type WorkerToHost } from './protocol.js';
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

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface CurrentRun {
  runId: string;
  cancelled: boolean;
  ended: boolean;
  /** Cores the host allows this run now (see HostToWorker 'cores'). */
  cores: number;
  /**
   * Set when the host sent an invalid message about this run: the run is stopped like a cancel, and
   * its terminal event becomes 'failed' with this reason (sent when training has stopped, so the
   * worker is free again by the time the host learns the run ended).
   */
  failure?: string;
}

/**
 * Serves one engine worker: initialises the backend and sends 'ready'; on 'start' trains the run
 * (one at a time; a 'start' while busy is answered with 'failed' for that run), forwarding every
 * RunEvent as {type:'event'} and every decision-boundary picture as {type:'boundary'}; 'cores' sets how many cores the current run may use (2 lets a two-part
 * run compute its second parts on the other core, see options.splitting; its numbers do not change); 'cancel' for the current run sets its cancel flag; 'preview' computes
 * an init preview (also while a run trains) and answers 'previewResult'; 'lab' likewise computes a lab
 * instrument (engine/lab) and answers 'labResult'; 'calibrate' measures the split calibration (in a worker
 * started for it) and answers 'calibrateResult'; 'shutdown' exits 0.
 * Every host message is parsed with protocol.ts's HostToWorker schema first; one that fails it fails
 * the run it names (or answers the preview it names) with the field-named reason.
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
  const splitterFor = (backendName: string): BatchSplitting | undefined => (splitter ??= options.splitting?.(backendName, () => current?.cores ?? 1));

  const sendEvent = (event: RunEvent) => channel.send({ type: 'event', event });
  /** Sends a run's trained weights (before its terminal event); a failure to read them is logged, not fatal. */
  const sendWeights = (run: CurrentRun, read: () => NamedWeight[]): void => {
    if (run.ended || run.failure !== undefined) return;
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

  async function start(message: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
    const { runId, experiment, dataset, cores = 1, recordedSplit, calibration } = message;
    if (current) {
      await sendEvent({ type: 'failed', runId, error: `engine worker is busy with run ${current.runId}` });
      return;
    }
    const run: CurrentRun = { runId, cancelled: false, ended: false, cores };
    current = run;
    try {
      const { tf, backend: backendName } = await backend;
      await trainRun(
        tf,
        runId,
        experiment,
        (event) => {
          if (run.ended) return;
          if (event.type === 'finished' || event.type === 'failed' || event.type === 'diverged' || event.type === 'cancelled') {
            run.ended = true;
            if (run.failure !== undefined) {
              void sendEvent({ type: 'failed', runId, error: run.failure });
              return;
            }
          }
          void sendEvent(event);
        },
        () => run.cancelled,
        dataset,
        (model) => sendWeights(run, () => readModelWeights(tf, model)),
        splitterFor(backendName),
        recordedSplit,
        options.accelerators ?? DEFAULT_ACCELERATORS,
        (update) => {
          if (!run.ended && run.failure === undefined) void channel.send({ type: 'boundary', event: { type: 'boundary', runId, ...update } });
        },
        calibration,
      );
    } catch (error) {
      await fail(run, run.failure ?? error);
    } finally {
      if (current === run) current = null;
    }
    // A run that stopped without a terminal event (it should not happen) still ends for the host.
    if (run.failure !== undefined) await fail(run, run.failure);
  }

  /**
   * A host message that failed its schema: the run it names fails with the reason (the current run is
   * stopped first, see CurrentRun.failure; a 'start' the worker never took fails at once), a preview
   * is answered with the reason; anything else is logged and dropped.
   */
  async function rejectMessage(parsed: Extract<ReturnType<typeof parseMessage>, { ok: false }>): Promise<void> {
    const reason = `invalid '${parsed.type ?? '?'}' message from the host: ${parsed.error}`;
    options.log(`engine worker: ${reason}`);
    if (parsed.runId !== undefined && current && current.runId === parsed.runId && !current.ended) {
      current.failure ??= reason;
      current.cancelled = true;
    } else if (parsed.runId !== undefined && parsed.type === 'start') {
      await sendEvent({ type: 'failed', runId: parsed.runId, error: reason });
    } else if (parsed.requestId !== undefined && parsed.type === 'preview') {
      await channel.send({ type: 'previewResult', requestId: parsed.requestId, error: reason });
    } else if (parsed.requestId !== undefined && parsed.type === 'lab') {
      await channel.send({ type: 'labResult', requestId: parsed.requestId, error: reason });
    } else if (parsed.requestId !== undefined && parsed.type === 'coordCheck') {
      await channel.send({ type: 'coordCheckResult', requestId: parsed.requestId, error: reason });
    } else if (parsed.requestId !== undefined && parsed.type === 'calibrate') {
      await channel.send({ type: 'calibrateResult', requestId: parsed.requestId, error: reason });
    }
  }

  /** Answers a 'preview' request (already parsed with its schema). */
  async function preview(message: Extract<HostToWorker, { type: 'preview' }>): Promise<void> {
    try {
      const { tf } = await backend;
      const result = await previewInit(tf, message.experiment, message.initializers ?? [], message.probeSize, message.dataset);
      await channel.send({ type: 'previewResult', requestId: message.requestId, result });
    } catch (error) {
      await channel.send({ type: 'previewResult', requestId: message.requestId, error: errorMessage(error) });
    }
  }

  /** Answers a 'lab' request (already parsed with its schema). */
  async function lab(message: Extract<HostToWorker, { type: 'lab' }>): Promise<void> {
    try {
      const { tf } = await backend;
      const result = await runLabJob(tf, message.job);
      await channel.send({ type: 'labResult', requestId: message.requestId, result });
    } catch (error) {
      await channel.send({ type: 'labResult', requestId: message.requestId, error: errorMessage(error) });
    }
  }

  /** Answers a 'coordCheck' request (already parsed with its schema). */
  async function coordCheckRequest(message: Extract<HostToWorker, { type: 'coordCheck' }>): Promise<void> {
    try {
      const { tf } = await backend;
      const result = await coordCheck(tf, message.request, message.dataset);
      await channel.send({ type: 'coordCheckResult', requestId: message.requestId, result });
    } catch (error) {
      await channel.send({ type: 'coordCheckResult', requestId: message.requestId, error: errorMessage(error) });
    }
  }

  /** Answers a 'calibrate' request: measures the split calibration with this worker's kernels. */
  async function calibrate(message: Extract<HostToWorker, { type: 'calibrate' }>): Promise<void> {
    try {
      const info = await backend;
      const kernels = (options.accelerators ?? DEFAULT_ACCELERATORS).wasmKernels;
      const result = await calibrateSplitWith(info.tf, info.backend, kernels, message.key);
      await channel.send({ type: 'calibrateResult', requestId: message.requestId, result });
    } catch (error) {
      await channel.send({ type: 'calibrateResult', requestId: message.requestId, error: errorMessage(error) });
    }
  }

  channel.onMessage((raw) => {
    const parsed = parseMessage(HostToWorker, raw);
    if (!parsed.ok) {
      void rejectMessage(parsed);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'start':
        void start(message);
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
      case 'lab':
        void lab(message);
        break;
      case 'coordCheck':
        void coordCheckRequest(message);
        break;
      case 'calibrate':
        void calibrate(message);
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
