import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../../../engine/backend.js';
import type { WorkerToHost } from '../../../engine/protocol.js';
import { serveWorker, type WorkerChannel } from '../../../engine/worker-loop.js';
import { experiment, getBackend } from './helpers.js';

/** An in-memory channel: what the loop sends, and a way to deliver host messages. */
function fakeChannel() {
  const sent: WorkerToHost[] = [];
  let listener: (raw: unknown) => void = () => {};
  const channel: WorkerChannel = {
    send: async (m) => {
      sent.push(m);
    },
    onMessage: (l) => {
      listener = l;
    },
  };
  return { channel, sent, deliver: (raw: unknown) => listener(raw) };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
async function until(predicate: () => boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick();
  }
}

describe('serveWorker (in process)', () => {
  it('sends ready, ignores malformed messages, runs and exits on shutdown', async () => {
    const { channel, sent, deliver } = fakeChannel();
    const exits: number[] = [];
    const logs: string[] = [];
    serveWorker(channel, { init: getBackend, exit: (c) => exits.push(c), log: (m) => logs.push(m) });
    await until(() => sent.length > 0);
    expect(sent[0]).toMatchObject({ type: 'ready' });
    deliver(null);
    deliver({ type: 'start' });
    deliver({ type: 'dance', runId: 'x' });
    expect(logs.length).toBe(3);
    deliver({ type: 'start', runId: 'r1', experiment: experiment({ dataset: { builtin: 'xor', samples: 100 }, train: { epochs: 2, statsEvery: 0 } }) });
    await until(() => sent.some((m) => m.type === 'event' && m.event.type === 'finished'));
    expect(sent.slice(1).map((m) => (m.type === 'event' ? m.event.type : m.type))).toEqual(['started', 'progress', 'progress', 'weights', 'finished']); // trained weights just before the end
    deliver({ type: 'shutdown' });
    expect(exits).toEqual([0]);
  });

  it('exits 1 without ready when the backend cannot load', async () => {
    const { channel, sent } = fakeChannel();
    const exits: number[] = [];
    const logs: string[] = [];
    serveWorker(channel, { init: () => Promise.reject(new Error('no backend')) as Promise<BackendInfo>, exit: (c) => exits.push(c), log: (m) => logs.push(m) });
    await until(() => exits.length > 0);
    expect(exits).toEqual([1]);
    expect(sent).toEqual([]);
    expect(logs[0]).toMatch(/no backend/);
  });

  it('reports a fatal error as failed for the current run, once', async () => {
    const { channel, sent, deliver } = fakeChannel();
    const loop = serveWorker(channel, { init: getBackend, exit: () => {}, log: () => {} });
    deliver({ type: 'start', runId: 'r2', experiment: experiment({ train: { epochs: 10_000 } }) });
    await until(() => sent.some((m) => m.type === 'event' && m.event.type === 'started'));
    await loop.failCurrentRun(new Error('boom'));
    await loop.failCurrentRun(new Error('boom again'));
    deliver({ type: 'cancel', runId: 'r2' });
    await tick(100);
    const events = sent.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    const terminal = events.filter((e) => e.type !== 'started' && e.type !== 'progress' && e.type !== 'layerStats');
    expect(terminal).toEqual([{ type: 'failed', runId: 'r2', error: 'boom' }]);
  });
});
