import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENGINE_WORKER_V8_FLAGS } from '../../../main/services/worker-v8-flags.js';

/**
 * A Node process whose objects live a few steps and then die (promoted to the old generation first, as
 * a run's tensors and closures are), ~50 MB of them over its life; prints how many full (mark-compact)
 * GCs it went through.
 */
const COUNT_FULL_GCS = `
const { PerformanceObserver, constants } = require('node:perf_hooks');
let major = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++; }).observe({ entryTypes: ['gc'] });
const recent = [];
for (let step = 0; step < 300; step++) {
  const block = [];
  for (let i = 0; i < 5000; i++) block.push({ a: i, b: [i, i + 1] });
  recent.push(block);
  if (recent.length > 8) recent.shift();
}
setTimeout(() => console.log(JSON.stringify({ major })), 50);
`;

function fullGcs(flags: readonly string[]): number {
  const child = spawnSync(process.execPath, [...flags, '-e', COUNT_FULL_GCS], { encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  return (JSON.parse(child.stdout) as { major: number }).major;
}

describe('engine worker V8 flags', () => {
  it('are accepted by this Node and postpone full GCs while the old generation stays under 64 MB', () => {
    // Without the flags V8 runs a full GC once the promoted garbage passes its small default limit; with
    // them none runs below 64 MB, so optimised code held only weakly survives between a worker's runs.
    expect(fullGcs([])).toBeGreaterThanOrEqual(1);
    expect(fullGcs(ENGINE_WORKER_V8_FLAGS)).toBe(0);
  });
});
