/**
 * The dataset an engine worker prepares before its first run (INITSCOPE_WARM_DATASET, set by
 * `initscope train` for the worker it forks at start: main/cli/early-worker.ts), so that the run finds
 * it in this process's dataset cache when it starts.
 *
 * - `mnist`: decode the MNIST digits (any MNIST selection then only copies them).
 * - a built-in MNIST reference as JSON (`{"builtin":"mnist","samples":10000,"seed":7}`): where the
 *   machine has cores to spare (more than 2: the CLI and this worker's main thread take two), generate
 *   that very dataset in a worker thread (mnist-thread.ts) while the main thread loads TensorFlow.js, and
 *   store it under the key the run's loadDataset looks up — same code, same bits as generating it in the
 *   run. On 2 cores the thread cost more than it saved on the shared test machine (its start and a
 *   second module graph compete with the CLI and the worker for the same cores: docs/benchmarks.md),
 *   so there the digits are decoded on the main thread as for `mnist`. The thread is used when
 *   INITSCOPE_WARM_THREAD=1 (the early worker sets it from the machine's core count, unless set).
 *
 * Never fails: whatever goes wrong, the run generates its dataset itself, as without warming.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BuiltinDatasetRef } from '../../contract/index.js';
import { unpackedPath } from '../asar-path.js';
import type { GeneratedDataset } from './builtin.js';
import { primeDataset } from './index.js';
import { loadMnistDigits } from './mnist.js';

/** Environment variable naming what to warm (see the file's description). */
export const WARM_DATASET_ENV = 'INITSCOPE_WARM_DATASET';

/** The compiled thread entry, or null when this module runs from its TypeScript source (tests). */
function threadEntry(): string | null {
  const url = new URL('./mnist-thread.js', import.meta.url);
  if (!import.meta.url.endsWith('.js')) return null;
  const file = fileURLToPath(url);
  return existsSync(file) ? unpackedPath(file) : null;
}

/** Generates `ref` in a worker thread; resolves to the dataset, or null if the thread failed. */
function generateInThread(entry: string, ref: BuiltinDatasetRef): Promise<GeneratedDataset | null> {
  return new Promise((resolve) => {
    let thread: Worker;
    try {
      thread = new Worker(entry, { workerData: ref });
    } catch {
      resolve(null);
      return;
    }
    thread.once('message', (data: GeneratedDataset) => resolve(data));
    thread.once('error', () => resolve(null));
    thread.once('exit', () => resolve(null)); // after 'message' this is a no-op
  });
}

/** Whether to generate on a thread: INITSCOPE_WARM_THREAD=1 (main/cli/early-worker.ts decides). */
export function warmOnThread(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.INITSCOPE_WARM_THREAD === '1';
}

/**
 * Starts warming what `spec` names (see the file's description); call before loading TensorFlow.js.
 * Resolves when the dataset is in the cache (or warming gave up); never rejects.
 * @param thread generate a full MNIST reference on a worker thread (default: warmOnThread())
 */
export function warmDataset(spec: string | undefined, thread: boolean = warmOnThread()): Promise<void> {
  if (!spec) return Promise.resolve();
  if (spec === 'mnist') {
    return new Promise((resolve) =>
      setTimeout(() => {
        try {
          loadMnistDigits();
        } catch {
          // The run that needs the digits loads them again and reports the error.
        }
        resolve();
      }, 0),
    );
  }
  if (!thread) return warmDataset('mnist', false);
  let ref: BuiltinDatasetRef;
  try {
    const parsed = BuiltinDatasetRef.safeParse(JSON.parse(spec));
    if (!parsed.success || parsed.data.builtin !== 'mnist') return Promise.resolve();
    ref = parsed.data;
  } catch {
    return Promise.resolve();
  }
  const entry = threadEntry();
  if (!entry) return warmDataset('mnist', false);
  return generateInThread(entry, ref).then((data) => {
    if (data) primeDataset(ref, data);
  });
}
