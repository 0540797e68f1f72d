/**
 * Entry point of an engine worker process: `child_process.fork('dist/engine/worker.js')` in
 * production, `fork('engine/worker.ts', { execArgv: ['--import', 'tsx'] })` under tests. Also works
 * as an Electron utility process (it then talks over `process.parentPort`).
 * Protocol: see protocol.ts. The process exits on 'shutdown' (0), when the IPC channel closes (0),
 * and after an uncaught error (1, once the current run has been reported 'failed').
 */
import { acceleratorsFromEnv, type Accelerators } from './accelerators.js';
import { initBackend } from './backend.js';
import { warmDataset, WARM_DATASET_ENV } from './datasets/warm-dataset.js';
import { BatchSplitter } from './parallel/batch-splitter.js';
import type { WorkerToHost } from './protocol.js';
import { serveWorker, type WorkerChannel } from './worker-loop.js';

/** Electron's utility-process port (structurally typed: the engine does not import Electron). */
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** The IPC channel of this process, or null when it was not started as a worker. */
function processChannel(): WorkerChannel | null {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      send: async (message: WorkerToHost) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (e) => listener(e.data)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) return null;
  process.on('disconnect', () => process.exit(0));
  return {
    send: (message: WorkerToHost) =>
      new Promise<void>((resolve) => {
        try {
          send(message, undefined, undefined, () => resolve());
        } catch {
          resolve(); // channel already closed: nobody is listening any more
        }
      }),
    onMessage: (listener) => process.on('message', listener),
  };
}

/** The accelerators chosen by this process's environment (read once, here); exits 1 on a bad value. */
function chosenAccelerators(): Accelerators {
  try {
    return acceleratorsFromEnv(process.env);
  } catch (error) {
    console.error(`engine worker: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

const channel = processChannel();
if (!channel) {
  console.error('engine worker: no IPC channel; start this file with child_process.fork (or utilityProcess.fork)');
  process.exit(1);
} else {
  const accelerators = chosenAccelerators();
  const loop = serveWorker(channel, {
    accelerators,
    init: async () => {
      // Set by `initscope train` for the worker it forks at start (main/cli/early-worker.ts) when the
      // experiment uses the built-in MNIST: its dataset is generated on a worker thread while this
      // thread loads TensorFlow.js, and 'ready' waits for it (the run needs it first). Same bits as
      // generating it on 'start' (engine/datasets/warm-dataset.ts).
      const warm = warmDataset(process.env[WARM_DATASET_ENV]);
      const info = await initBackend('auto', accelerators.wasmKernels);
      await warm;
      return info;
    },
    exit: (code) => process.exit(code),
    log: (message) => console.error(message),
    splitting: (backend, coresAllowed) =>
      new BatchSplitter({ backend, kernels: accelerators.wasmKernels, coresAllowed, log: (message) => console.error(message) }),
  });
  const fatal = (error: unknown) => {
    console.error('engine worker: fatal error:', error);
    void loop.failCurrentRun(error).finally(() => process.exit(1));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
