import os from 'node:os';
import path from 'node:path';
import { InitScopeError } from '../../contract/index.js';
import { appVersion, defaultDataDir } from '../app-paths.js';
import { startQueueWorker } from '../queue/queue-worker.js';
import { redactRedisUrl, resolveQueueUrl } from '../queue/queue-url.js';
import { EXIT } from './exit-codes.js';

export interface WorkerCommandOptions {
  /** `--queue`: a Redis URL, `env:NAME` or `file:PATH` (see resolveQueueUrl). */
  queue: string;
  queueName?: string | undefined;
  /** Runs trained at once (default: one per core). */
  workers?: number | undefined;
  /** Data folder (the dataset cache lives in `<dataDir>/queue-cache`); default: the app's. */
  dataDir?: string | undefined;
  /** How long a job's lock lasts (s): another worker takes a dead worker's run after it (default 30). */
  lockSeconds?: number | undefined;
  /** InitScope version to announce (tests only; default package.json's). */
  version?: string;
}

/**
 * `initscope worker --queue URL [--workers N]`: trains runs from a queue on this machine until Ctrl-C
 * or SIGTERM (runs in progress then go back to the queue). Needs no database: datasets come through
 * Redis by content hash and are cached in the data folder. Exit code 0 when stopped, 2 when refused
 * (the coordinator runs another InitScope version, or the URL is unusable).
 */
export async function workerCommand(options: WorkerCommandOptions): Promise<number> {
  const url = resolveQueueUrl(options.queue);
  const workers = options.workers ?? os.availableParallelism();
  const dataDir = options.dataDir ?? defaultDataDir();
  let worker;
  try {
    worker = await startQueueWorker({
      url,
      ...(options.queueName ? { queueName: options.queueName } : {}),
      workers,
      cacheDir: path.join(dataDir, 'queue-cache'),
      version: options.version ?? appVersion(),
      ...(options.lockSeconds ? { lockDurationMs: options.lockSeconds * 1000 } : {}),
    });
  } catch (error) {
    if (error instanceof InitScopeError && error.code === 'conflict') {
      process.stderr.write(`initscope worker: ${error.message}\n`);
      return EXIT.invalidInput;
    }
    throw error;
  }
  process.stderr.write(`InitScope worker on ${os.hostname()}: ${workers} engine process${workers === 1 ? '' : 'es'}, queue ${redactRedisUrl(url)}\n`);
  const stop = () => void worker.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.stopped;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  const refusal = worker.refusal();
  if (refusal) {
    process.stderr.write(`initscope worker: ${refusal}\n`);
    return EXIT.invalidInput;
  }
  return EXIT.completed;
}
