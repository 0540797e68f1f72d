import { describe, expect, it } from 'vitest';
import { WorkerToHost } from '../../../engine/protocol.js';
import { serveWorker, type WorkerChannel } from '../../../engine/worker-loop.js';
import { dense, experiment, getBackend } from './helpers.js';

/** An in-memory channel: what the loop sends (checked against the protocol), and a way to deliver host messages. */
function fakeChannel() {
  const sent: WorkerToHost[] = [];
  let listener: (raw: unknown) => void = () => {};
  const channel: WorkerChannel = {
    send: async (m) => {
      sent.push(WorkerToHost.parse(m));
    },
    onMessage: (l) => {
      listener = l;
    },
  };
  return { channel, sent, deliver: (raw: unknown) => listener(raw) };
}

async function until(predicate: () => boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the engine worker's 'coordCheck' message", () => {
  it('answers with a result, an invalid request with the field, and a non-MLP with the layer', async () => {
    const { channel, sent, deliver } = fakeChannel();
    const logs: string[] = [];
    serveWorker(channel, { init: getBackend, exit: () => {}, log: (m) => logs.push(m) });
    await until(() => sent.length > 0);
    const answer = (id: string) =>
      sent.find((m) => m.type === 'coordCheckResult' && m.requestId === id) as Extract<WorkerToHost, { type: 'coordCheckResult' }> | undefined;

    deliver({ type: 'coordCheck', requestId: 'c1', request: { experiment: experiment(), widths: [8, 16], steps: 1, seeds: 1 } });
    await until(() => answer('c1') !== undefined);
    const result = answer('c1')!.result!;
    expect(result.widths).toEqual([8, 16]);
    // 2 parametrizations × 2 steps (t = 0, 1) × 3 layers (two hidden, the output).
    expect(result.curves.map((c) => c.parametrization)).toEqual(['standard', 'mup']);
    expect(result.curves.every((c) => c.cells.length === 6)).toBe(true);

    deliver({ type: 'coordCheck', requestId: 'c2', request: { experiment: experiment(), widths: [8] } });
    await until(() => answer('c2') !== undefined);
    expect(answer('c2')!.error).toMatch(/invalid 'coordCheck' message from the host: request\.widths/);

    const conv = experiment({
      dataset: { builtin: 'mnist', samples: 64, seed: 1 },
      network: {
        inputShape: [28, 28, 1],
        layers: [{ type: 'conv2d', filters: 2, kernelSize: 3, activation: { name: 'relu' } }, { type: 'flatten' }, dense(10, 'softmax')],
      },
    });
    deliver({ type: 'coordCheck', requestId: 'c3', request: { experiment: conv, widths: [8, 16] } });
    await until(() => answer('c3') !== undefined);
    expect(answer('c3')!.error).toMatch(/network\.layers\.0 is a conv2d layer/);
  });
});
