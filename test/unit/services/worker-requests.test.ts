import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostToWorker, LabJob } from '../../../engine/index.js';
import { COORD_CHECK_REQUESTS, LAB_REQUESTS, PREVIEW_REQUESTS } from '../../../main/services/worker-request-kinds.js';
import type { WorkerHandle } from '../../../main/services/worker-launcher.js';
import { WorkerRequests } from '../../../main/services/worker-requests.js';

/** A worker that records what it was sent. */
function fakeWorker(): WorkerHandle & { sent: HostToWorker[] } {
  const sent: HostToWorker[] = [];
  return { sent, send: (m) => void sent.push(m), onMessage: () => {}, onExit: () => {}, kill: () => {}, pid: 1 };
}

const phaseJob = { kind: 'phase', activation: { name: 'tanh' } } as unknown as LabJob;
const experiment = { name: 'x' } as never;

describe('WorkerRequests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for a worker, sends each request once with its own id, and settles on the matching answer', async () => {
    const previews = new WorkerRequests(PREVIEW_REQUESTS);
    const a = previews.add({ experiment, probeSize: 64 });
    const b = previews.add({ experiment });
    previews.dispatch(() => null);
    expect(previews.waiting).toBe(2);
    const w = fakeWorker();
    previews.dispatch(() => w);
    previews.dispatch(() => w);
    expect(previews.waiting).toBe(0);
    expect(w.sent).toEqual([
      { type: 'preview', requestId: 'preview_1', experiment, probeSize: 64 },
      { type: 'preview', requestId: 'preview_2', experiment },
    ]);
    previews.settle({ type: 'previewResult', requestId: 'preview_9', result: [] }); // no such request: ignored
    previews.settle({ type: 'previewResult', requestId: 'preview_2', result: [] });
    previews.settle({ type: 'previewResult', requestId: 'preview_1', error: 'bad probe' });
    await expect(b).resolves.toEqual([]);
    await expect(a).rejects.toMatchObject({ code: 'invalid_input', message: 'Init preview failed: bad probe' });
  });

  it('fails a lab result of another kind than asked, and an answer with neither result nor error', async () => {
    const labs = new WorkerRequests(LAB_REQUESTS);
    const checks = new WorkerRequests(COORD_CHECK_REQUESTS);
    const lab = labs.add(phaseJob);
    const check = checks.add({ request: {} as never });
    const w = fakeWorker();
    labs.dispatch(() => w);
    checks.dispatch(() => w);
    expect(w.sent.map((m) => [m.type, (m as { requestId: string }).requestId])).toEqual([
      ['lab', 'lab_1'],
      ['coordCheck', 'coord_1'],
    ]);
    labs.settle({ type: 'labResult', requestId: 'lab_1', result: { kind: 'jacobian' } as never });
    checks.settle({ type: 'coordCheckResult', requestId: 'coord_1' });
    await expect(lab).rejects.toMatchObject({ code: 'internal', message: "The engine sent a lab result of kind 'jacobian' for a 'phase' job" });
    await expect(check).rejects.toThrow('The engine sent a coordinate check with neither a result nor an error');
  });

  it('fails the requests of a stopped worker only, times out, and fails everything on failAll', async () => {
    const labs = new WorkerRequests(LAB_REQUESTS);
    const [w1, w2] = [fakeWorker(), fakeWorker()];
    const first = labs.add(phaseJob);
    labs.dispatch(() => w1);
    const second = labs.add(phaseJob);
    labs.dispatch(() => w2);
    labs.failWorker(w1, 'worker 1 stopped');
    await expect(first).rejects.toThrow('worker 1 stopped');
    const late = labs.add(phaseJob); // never sent
    // Assertions attached before the clock moves, so the rejections are handled when they happen.
    const timedOut = Promise.all([
      expect(second).rejects.toThrow(`The lab computation took longer than ${LAB_REQUESTS.timeoutMs} ms`),
      expect(late).rejects.toThrow('took longer'),
    ]);
    await vi.advanceTimersByTimeAsync(LAB_REQUESTS.timeoutMs - 1);
    expect(labs.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await timedOut;
    const last = labs.add(phaseJob);
    labs.failAll('closed');
    await expect(last).rejects.toThrow('closed');
    expect(labs.waiting).toBe(0);
  });
});
