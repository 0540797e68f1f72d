import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Measurement, Workload } from './workloads.js';

/** A running PyTorch reference process (bench/torch_bench.py), one request at a time. */
export interface TorchRunner {
  /** e.g. 'python3 (torch 1.13.0, BLAS /usr/lib/…/openblas-pthread/libblas.so.3)'. */
  description: string;
  measure(workload: Workload, seconds: number): Promise<Measurement>;
  close(): void;
}

/** Interpreters tried in order: `python3` on PATH, then Debian's own (python3-torch installs there). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/** Starts the PyTorch reference with the first interpreter that can `import torch`; null (with the reason) if none. */
export async function startTorch(): Promise<TorchRunner | { missing: string }> {
  const python = PYTHONS.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) return { missing: `none of ${PYTHONS.join(', ')} can \`import torch\` (apt-get install -y python3-torch libopenblas0-pthread)` };
  const script = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
  const child: ChildProcessWithoutNullStreams = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`PyTorch reference exited (code ${child.exitCode})`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  const hello = await next();
  return {
    description: `${python} (torch ${String(hello.torch)}, BLAS ${String(hello.blas)}, 1 thread)`,
    async measure(workload, seconds) {
      child.stdin.write(`${JSON.stringify({ model: workload, seconds })}\n`);
      const r = await next();
      return { samplesPerSec: r.samplesPerSec as number, steps: r.steps as number };
    },
    close() {
      child.stdin.end();
    },
  };
}
