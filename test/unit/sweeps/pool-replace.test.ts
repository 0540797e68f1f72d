import { describe, expect, it } from 'vitest';
import { ExperimentSpec, type RunEvent } from '../../../contract/index.js';
import { EnginePool } from '../../../main/services/engine-pool.js';
import { fakeLauncher } from '../services/fake-worker.js';

const experiment = ExperimentSpec.parse({
  dataset: { builtin: 'xor' },
  network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
});

describe('EnginePool under a sweep', () => {
  it('fails the run of a worker that runs out of memory, names the cause, and replaces the worker', () => {
    const { launcher, workers } = fakeLauncher();
    const pool = new EnginePool({ launcher, size: 1, cores: 2 });
    const events: RunEvent[] = [];
    pool.onEvent((e) => events.push(e));
    pool.submit('a', experiment);
    pool.submit('b', experiment);
    workers[0]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    workers[0]!.exit(134); // V8: "JavaScript heap out of memory" aborts the process
    expect(events).toEqual([{ type: 'failed', runId: 'a', error: 'The engine worker stopped unexpectedly (exit code 134); it probably ran out of memory' }]);
    expect(workers).toHaveLength(2); // replaced at once, for the queued run
    workers[1]!.emit({ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    // Alone in the pool, 'b' starts on one core and is then granted the second.
    expect(workers[1]!.received).toEqual([
      { type: 'start', runId: 'b', experiment, cores: 1 },
      { type: 'cores', runId: 'b', cores: 2 },
    ]);
  });
});
