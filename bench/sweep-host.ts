/**
 * What the sweep benchmarks share (bench/sweep-throughput.ts, bench/queue-throughput.ts,
 * bench/end-to-end.ts): the host modules they run, the equal-cost bench sweep, and one sweep run to its
 * end through a host's services.
 */
import { existsSync } from 'node:fs';
import { SweepSpec } from '../contract/index.js';
import type * as CreateHost from '../main/services/create-host.js';
import type { HostServices } from '../main/services/host-services.js';
import type * as WorkerLauncherModule from '../main/services/worker-launcher.js';

/** The host modules a bench runs, and whether they are the compiled ones of dist/. */
export interface BenchHost {
  host: typeof CreateHost;
  launcher: typeof WorkerLauncherModule;
  compiled: boolean;
}

/**
 * The compiled host and worker launcher of dist/ when the app is built (as `initscope sweep` runs them:
 * TypeScript workers started through tsx take seconds to start, which short sweeps do not amortise),
 * else the TypeScript sources.
 * @param requireCompiled throw instead of falling back to the sources
 */
export async function benchHost(requireCompiled = false): Promise<BenchHost> {
  const compiled = new URL('../dist/main/services/create-host.js', import.meta.url);
  if (existsSync(compiled)) {
    return {
      host: (await import(compiled.href)) as typeof CreateHost,
      launcher: (await import(new URL('../dist/main/services/worker-launcher.js', import.meta.url).href)) as typeof WorkerLauncherModule,
      compiled: true,
    };
  }
  if (requireCompiled) throw new Error('this bench needs the compiled app: run `npm run build:node` first');
  return { host: await import('../main/services/create-host.js'), launcher: await import('../main/services/worker-launcher.js'), compiled: false };
}

/** A sweep of `runs` equal-cost runs (seeds of one cell): circle 1,000 samples, 2-32-32-2 tanh, Adam, `epochs` epochs. */
export function benchSweep(name: string, runs: number, epochs: number): SweepSpec {
  return SweepSpec.parse({
    name,
    base: {
      dataset: { builtin: 'circle', samples: 1000, noise: 0.1, seed: 7 },
      network: {
        inputShape: [2],
        layers: [
          { type: 'dense', units: 32, activation: { name: 'tanh' } },
          { type: 'dense', units: 32, activation: { name: 'tanh' } },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 }, seed: 1, statsEvery: 0 },
    },
    axes: { seeds: runs },
  });
}

/**
 * Starts `spec` on `services` and resolves when its 'sweepFinished' arrives.
 * @param runs how many runs it expands to
 * @throws when not every run ended completed (`allowDiverged`: or diverged, which is a result)
 */
export async function runSweep(services: HostServices, spec: SweepSpec, runs: number, allowDiverged = false): Promise<void> {
  let sweepId = '';
  const done = new Promise<void>((resolve, reject) => {
    services.onSweepEvent!((event) => {
      if (event.type !== 'sweepFinished' || event.sweepId !== sweepId) return;
      const { counts, done: ended, failures } = event.summary.progress;
      if (allowDiverged ? ended === runs && failures === 0 : counts.completed === runs) resolve();
      else reject(new Error(`bench sweep did not complete: ${JSON.stringify(counts)}`));
    });
  });
  sweepId = (await services.handlers['sweeps/start']({ sweep: spec })).id;
  await done;
}

/**
 * Wall ms of `spec` on `workers` local engine workers over a fresh database in `dataDir`: from creating
 * the host (its workers start inside) to 'sweepFinished'. Workers use INITSCOPE_BACKEND (default wasm).
 */
export async function timeLocalSweep(dataDir: string, spec: SweepSpec, runs: number, workers: number, allowDiverged = false): Promise<number> {
  const { host, launcher } = await benchHost();
  const t0 = performance.now();
  const services = await host.createHostServices({
    dataDir,
    shell: 'cli',
    workers,
    launcher: launcher.forkWorkerLauncher({ INITSCOPE_BACKEND: process.env.INITSCOPE_BACKEND ?? 'wasm' }),
  });
  try {
    await runSweep(services, spec, runs, allowDiverged);
    return performance.now() - t0;
  } finally {
    await services.close();
  }
}
