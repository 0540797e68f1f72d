import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Measurement, Workload } from './workloads.js';

/** A running PyTorch reference process (bench/torch_bench.py), one request at a time. */
export interface TorchRunner {
  /** e.g. 'python3 (torch 1.13.0, BLAS /usr/lib/…/openblas-pthread/libblas.so.3)'. */
  description: string;
  /** @param dataFile the MLP's 8 batches as raw float32 (see writeTorchData), or random data when absent */
  measure(workload: Workload, seconds: number, dataFile?: string): Promise<Measurement>;
  /** Wall seconds of one plain epoch loop (see TorchEpochLoop) in the running process. */
  epochLoop(request: TorchEpochLoop): Promise<number>;
  /** Wall seconds of these epoch loops one after another in the running process. */
  sweep(runs: readonly TorchEpochLoop[]): Promise<number>;
  close(): void;
}

/** Interpreters tried in order: `python3` on PATH, then Debian's own (python3-torch installs there). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/**
 * One training of the 784-256-128-10 MLP as a PyTorch user writes it (bench/torch_bench.py): `train`
 * random samples shuffled every epoch, batches of `batch`, one validation pass over `val` samples per
 * epoch under no_grad.
 */
export interface TorchEpochLoop {
  train: number;
  val: number;
  epochs: number;
  batch: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  /** Hidden activation: relu, sigmoid, tanh, leakyRelu (0.01) or elu; default relu. */
  activation?: string;
  /** Weight initializer: normal (with std), glorotNormal or heNormal; default glorotNormal. */
  init?: string;
  std?: number;
  seed?: number;
}

/** The first interpreter that can `import torch`, or null. */
export function torchPython(): string | null {
  return PYTHONS.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** The reference script's path. */
export const TORCH_SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

/** Starts the PyTorch reference with the first interpreter that can `import torch`; null (with the reason) if none. */
export async function startTorch(): Promise<TorchRunner | { missing: string }> {
  const python = torchPython();
  if (!python) return { missing: `none of ${PYTHONS.join(', ')} can \`import torch\` (apt-get install -y python3-torch libopenblas0-pthread)` };
  const child: ChildProcessWithoutNullStreams = spawn(python, [TORCH_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`PyTorch reference exited (code ${child.exitCode})`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  const hello = await next();
  return {
    description: `${python} (torch ${String(hello.torch)}, BLAS ${String(hello.blas)}, 1 thread)`,
    async measure(workload, seconds, dataFile) {
      child.stdin.write(`${JSON.stringify({ model: workload, seconds, ...(dataFile ? { data: dataFile } : {}) })}\n`);
      const r = await next();
      return { samplesPerSec: r.samplesPerSec as number, steps: r.steps as number };
    },
    async epochLoop(request) {
      child.stdin.write(`${JSON.stringify({ task: 'epochs', ...request })}\n`);
      return (await next()).seconds as number;
    },
    async sweep(runs) {
      child.stdin.write(`${JSON.stringify({ task: 'sweep', runs })}\n`);
      return (await next()).seconds as number;
    },
    close() {
      child.stdin.end();
    },
  };
}
