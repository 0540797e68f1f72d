import type { SweepRunInfo } from '../../../../contract/index.js';

/** Runs of a queue sweep per machine: running now and done (ended by themselves), busiest first. */
export interface MachineLoad {
  host: string;
  running: number;
  done: number;
}

/** Groups a queue sweep's runs by the machine that trains or trained them (runs never started are left out). */
export function machineLoads(runs: readonly SweepRunInfo[]): MachineLoad[] {
  const byHost = new Map<string, MachineLoad>();
  for (const run of runs) {
    if (!run.worker) continue;
    const load = byHost.get(run.worker) ?? { host: run.worker, running: 0, done: 0 };
    if (run.status === 'running') load.running++;
    else if (run.status === 'completed' || run.status === 'diverged' || run.status === 'failed') load.done++;
    byHost.set(run.worker, load);
  }
  return [...byHost.values()].sort((a, b) => b.running - a.running || b.done - a.done || a.host.localeCompare(b.host));
}
