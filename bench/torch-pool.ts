/**
 * PyTorch as a sweep pool: `processes` fresh `torch_bench.py` processes take a sweep's trainings from one
 * shared queue (each is handed the next run the moment it answers its last), the way InitScope's pool
 * hands runs to its workers. Timed from the first spawn to the last exit, interpreter start and
 * `import torch` included, like `initscope sweep` timed from spawn to exit. One process with the whole
 * queue against two gives the machine's two-process ceiling *for that sweep*: the same runs, the same
 * uneven split at the end (15 runs on 2 processes: 8 and 7), the same start-up paid per process.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TORCH_SCRIPT, type TorchEpochLoop } from './pytorch.js';

/**
 * Wall ms for `processes` fresh PyTorch processes to train `runs` from one queue.
 * @param python the Python interpreter with torch (bench/pytorch.ts `torchPython`)
 * @param runs epoch-loop requests, handed out in this order
 * @param processes how many processes share the queue (≥ 1)
 * @throws if a process fails or exits before the queue is done
 */
export async function torchPoolSweepWall(python: string, runs: readonly TorchEpochLoop[], processes: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const serve = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(python, [TORCH_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
      const handOut = () => {
        if (next < runs.length) child.stdin.write(`${JSON.stringify({ task: 'epochs', ...runs[next++] })}\n`);
        else child.stdin.end();
      };
      // The first line is the script's `ready`; every later line answers the run last handed out.
      createInterface({ input: child.stdout }).on('line', handOut);
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`torch_bench.py exited ${code}`))));
    });
  await Promise.all(Array.from({ length: Math.max(1, processes) }, serve));
  if (next < runs.length) throw new Error(`PyTorch pool stopped after ${next} of ${runs.length} runs`);
  return performance.now() - t0;
}
