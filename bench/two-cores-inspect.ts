/**
 * What a run granted two cores does with the second core, per bench network (issue 15's "two cores
 * for a whole layout"): with a gradient peer started and ready (the former bench's state), one timed
 * trainRun each, counting the run's forRun calls, the messages posted to the peer thread, the peer's
 * active time (its event-loop utilisation) and this process's OS threads (Linux).
 * `node --import tsx bench/two-cores-inspect.ts`
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { initBackend } from '../engine/backend.js';
import type { BatchSplitter } from '../engine/parallel/batch-splitter.js';
import { benchCalibration, measureRunThroughput, readySplitter } from './two-cores.js';

/** This process's OS threads (NaN where /proc is missing). */
const threads = (): number => (existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : NaN);

async function main(): Promise<void> {
  const { tf } = await initBackend('wasm');
  const calibration = await benchCalibration();
  const before = threads();
  const splitter = await readySplitter();
  console.log(`threads: ${before} without a peer, ${threads()} with an idle one`);
  // Private fields, read for this measurement only: the peer's worker thread and the splitter's forRun.
  const worker = (splitter as unknown as { peer: { worker: Worker } }).peer.worker;
  const post = worker.postMessage.bind(worker);
  let sent = 0;
  worker.postMessage = (...args: Parameters<Worker['postMessage']>) => {
    sent++;
    post(...args);
  };
  const forRun = splitter.forRun.bind(splitter);
  let forRuns = 0;
  (splitter as { forRun: BatchSplitter['forRun'] }).forRun = (...args) => {
    forRuns++;
    return forRun(...args);
  };
  try {
    for (const workload of ['mlp', 'conv'] as const) {
      sent = 0;
      forRuns = 0;
      const elu = worker.performance.eventLoopUtilization();
      const r = await measureRunThroughput(tf, workload, splitter, calibration);
      const used = worker.performance.eventLoopUtilization(elu);
      console.log(
        `${workload.padEnd(5)} layout ${r.decision}: forRun calls ${forRuns}, messages to the peer ${sent}, peer active ${used.active.toFixed(1)} ms of ${(used.active + used.idle).toFixed(0)} ms, run CPU ${r.cpuMs.toFixed(0)} ms`,
      );
    }
  } finally {
    await splitter.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
