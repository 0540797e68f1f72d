import { describe, expect, it } from 'vitest';
import { createClient, HostEvent, isSweepEvent, type RunEvent, type SweepEvent, type Transport } from '../../../contract/index.js';
import { failedEvent, sweepProgressEvent } from '../http/fake-services.js';

/** A transport whose one event channel the test feeds with raw frames, as the socket/IPC would. */
function channel() {
  const listeners = new Set<(raw: unknown) => void>();
  const transport: Transport = {
    invoke: async () => {
      throw new Error('no calls in this test');
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { transport, push: (raw: unknown) => listeners.forEach((l) => l(raw)), size: () => listeners.size };
}

describe('HostEvent', () => {
  it('accepts run and sweep events and tells them apart by type', () => {
    const run = HostEvent.parse(failedEvent('r1'));
    const sweep = HostEvent.parse(sweepProgressEvent('s1'));
    expect(isSweepEvent(run)).toBe(false);
    expect(isSweepEvent(sweep)).toBe(true);
    expect(HostEvent.safeParse({ type: 'sweepProgress', sweepId: 's1' }).success).toBe(false);
    expect(HostEvent.safeParse({ type: 'nonsense' }).success).toBe(false);
  });
});

describe('client event routing', () => {
  it('passes run events to onEvent only and sweep events to onSweepEvent only', () => {
    const { transport, push } = channel();
    const client = createClient(transport);
    const runs: RunEvent[] = [];
    const sweeps: SweepEvent[] = [];
    client.onEvent((e) => runs.push(e));
    client.onSweepEvent((e) => sweeps.push(e));
    push(failedEvent('r1'));
    push(sweepProgressEvent('s1', 3));
    push({ type: 'sweepProgress', sweepId: 's1', progress: { done: 'many' } }); // malformed: dropped
    push('not an event');
    push(failedEvent('r2'));
    expect(runs.map((e) => e.runId)).toEqual(['r1', 'r2']);
    expect(sweeps).toEqual([sweepProgressEvent('s1', 3)]);
  });

  it('unsubscribes each listener on its own', () => {
    const { transport, push, size } = channel();
    const client = createClient(transport);
    const sweeps: SweepEvent[] = [];
    const offRuns = client.onEvent(() => {});
    const offSweeps = client.onSweepEvent((e) => sweeps.push(e));
    expect(size()).toBe(2);
    offSweeps();
    push(sweepProgressEvent());
    expect(sweeps).toEqual([]);
    expect(size()).toBe(1);
    offRuns();
    expect(size()).toBe(0);
  });
});
