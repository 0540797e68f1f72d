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
    const kinds = sent.slice(1).map((m) => (m.type === 'event' ? m.event.type : m.type));
    // Trained weights just before the end; decision-boundary pictures (xor has two features) in between.
    expect(kinds.filter((k) => k !== 'boundary')).toEqual(['started', 'stepLoss', 'progress', 'stepLoss', 'progress', 'weights', 'finished']);
    const pictures = sent.flatMap((m) => (m.type === 'boundary' ? [m.event] : []));
    expect(kinds[1]).toBe('boundary');
    expect(pictures[0]).toMatchObject({ runId: 'r1', grid: { step: 0 } });
    expect(pictures[0]!.points?.train.x.length).toBeGreaterThan(0);
    expect(kinds.slice(-3)).toEqual(['boundary', 'weights', 'finished']);
    expect(pictures[pictures.length - 1]).toMatchObject({ runId: 'r1', final: true, grid: { epoch: 2 } });
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

  it('fails the run a host message names when the message fails its schema, and stays free for the next run', async () => {
    const { channel, sent, deliver } = fakeChannel();
    const logs: string[] = [];
    serveWorker(channel, { init: getBackend, exit: () => {}, log: (m) => logs.push(m) });
    await until(() => sent.length > 0);
    const terminal = () =>
      sent.flatMap((m) =>
        m.type === 'event' && m.event.type !== 'started' && m.event.type !== 'progress' && m.event.type !== 'layerStats' && m.event.type !== 'stepLoss'
          ? [m.event]
          : [],
      );
    // A 'start' whose experiment is invalid fails that run at once, naming the field.
    deliver({ type: 'start', runId: 'bad', experiment: { network: { inputShape: [2], layers: [{ type: 'dense', units: 0 }] } } });
    await until(() => terminal().length === 1);
    expect(terminal()[0]).toMatchObject({ type: 'failed', runId: 'bad' });
    expect((terminal()[0] as { error: string }).error).toMatch(/invalid 'start' message from the host: experiment\./);
    // An invalid 'cores' for the running run stops it and fails it with the reason (no weights are sent).
    deliver({ type: 'start', runId: 'r3', experiment: experiment({ train: { epochs: 10_000 } }) });
    await until(() => sent.some((m) => m.type === 'event' && m.event.type === 'started' && m.event.runId === 'r3'));
    deliver({ type: 'cores', runId: 'r3', cores: 0 });
    await until(() => terminal().length === 2);
    expect(terminal()[1]).toMatchObject({ type: 'failed', runId: 'r3' });
    expect((terminal()[1] as { error: string }).error).toMatch(/invalid 'cores' message from the host: cores: /);
    expect(sent.some((m) => m.type === 'weights')).toBe(false);
    // The worker is free again: the next run trains to the end.
    deliver({ type: 'start', runId: 'r4', experiment: experiment({ dataset: { builtin: 'xor', samples: 100 }, train: { epochs: 1, statsEvery: 0 } }) });
    await until(() => terminal().length === 3);
    expect(terminal()[2]).toMatchObject({ type: 'finished', runId: 'r4' });
    // An invalid preview is answered with the reason, so the host does not wait for it.
    deliver({ type: 'preview', requestId: 'p1', experiment: experiment(), probeSize: -1 });
    await until(() => sent.some((m) => m.type === 'previewResult'));
    expect(sent.find((m) => m.type === 'previewResult')).toMatchObject({ requestId: 'p1', error: expect.stringMatching(/probeSize/) });
    expect(logs).toHaveLength(3);
  });
});
