import { describe, expect, it } from 'vitest';
import type { SweepRunInfo } from '../../../contract/index.js';
import { machineLoads } from '../../../renderer/src/components/sweeps/machines.js';

const run = (status: SweepRunInfo['status'], worker: string | null, i: number): SweepRunInfo => ({
  runId: `run_${i}`,
  position: i,
  seedIndex: 0,
  seed: 1,
  coords: {},
  status,
  epochsDone: 0,
  metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
  divergedAtStep: null,
  error: null,
  worker,
});

describe('machineLoads', () => {
  it('counts running and finished runs per machine, busiest first, leaving out runs never started', () => {
    const runs = [
      run('running', 'lab2', 0),
      run('completed', 'lab1', 1),
      run('diverged', 'lab1', 2),
      run('running', 'lab1', 3),
      run('queued', null, 4),
      run('failed', 'lab2', 5),
    ];
    expect(machineLoads(runs)).toEqual([
      { host: 'lab1', running: 1, done: 2 },
      { host: 'lab2', running: 1, done: 1 },
    ]);
    expect(machineLoads([run('queued', null, 0)])).toEqual([]);
  });
});
