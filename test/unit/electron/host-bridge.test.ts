import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { unzipSync } from 'fflate';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostEvent, RunSummary, WireResult } from '../../../contract/index.js';
import { HostBridge, type HostProcessLike } from '../../../main/electron/host-bridge.js';
import type { HostToMain, MainToHost } from '../../../main/electron/host-protocol.js';
import { serveHost, type HostInit, type ParentPortLike } from '../../../main/electron/host-server.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { createFakeServices, EXPERIMENT, failedEvent } from '../http/fake-services.js';
import { fakeLauncher, type FakeWorker } from '../services/fake-worker.js';

/**
 * The two ends of a utility process's message channel, in memory: every message is structured-cloned
 * and delivered on a later tick, as across a process boundary.
 */
function channel() {
  const toHost: ((e: { data: unknown }) => void)[] = [];
  const toMain: ((m: unknown) => void)[] = [];
  const exitListeners: ((code: number) => void)[] = [];
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    setTimeout(() => exitListeners.forEach((l) => l(code)), 1);
  };
  const child: HostProcessLike & { sent: MainToHost[] } = {
    sent: [],
    postMessage(message) {
      child.sent.push(message);
      const copy = structuredClone(message);
      if (!exited) setTimeout(() => toHost.forEach((l) => l({ data: copy })), 0);
    },
    on(event: 'message' | 'exit', listener: ((m: unknown) => void) & ((code: number) => void)) {
      (event === 'message' ? toMain : exitListeners).push(listener);
      return child;
    },
    kill: () => {
      exit(137);
      return true;
    },
  };
  const port: ParentPortLike = {
    on: (_event, listener) => toHost.push(listener),
    postMessage: (message: HostToMain) => {
      const copy = structuredClone(message);
      if (!exited) setTimeout(() => toMain.forEach((l) => l(copy)), 0);
    },
  };
  return { child, port, exit };
}

function connect(open: (init: HostInit) => Promise<HostServices>) {
  const { child, port, exit } = channel();
  const exits: number[] = [];
  serveHost(
    port,
    open,
    (code) => {
      exits.push(code);
      exit(code);
    },
    () => undefined,
  );
  return { bridge: new HostBridge(child, () => undefined), child, exits };
}

describe('HostBridge ⇄ serveHost (the desktop host in a utility process)', () => {
  it('opens the host with the data folder and driver, then carries calls, events and the work count', async () => {
    const services = createFakeServices();
    const open = vi.fn(async () => services);
    const { bridge } = connect(open);
    await bridge.start({ dataDir: '/data/InitScope', nativeBinding: '/cache/better_sqlite3.node' });
    expect(open).toHaveBeenCalledWith({ dataDir: '/data/InitScope', nativeBinding: '/cache/better_sqlite3.node' });
    const list = await bridge.call('runs/list', {});
    expect(list).toMatchObject({ ok: true, value: [{ id: 'r1', status: 'queued' }] });
    const bad = await bridge.call('runs/get', { runId: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const events: HostEvent[] = [];
    bridge.onEvent((e) => events.push(e));
    services.emit(failedEvent('r1'));
    await vi.waitFor(() => expect(events).toEqual([failedEvent('r1')]));
    expect(await bridge.activeWork()).toBe(1); // the fake's one run is queued
  });

  it('answers calls concurrently, each with its own result', async () => {
    const { bridge } = connect(async () => createFakeServices());
    await bridge.start({ dataDir: '/d' });
    const [a, b, c] = await Promise.all([bridge.call('runs/get', { runId: 'r1' }), bridge.call('runs/get', { runId: 'zz' }), bridge.call('app/info', {})]);
    expect(a).toMatchObject({ ok: true, value: { id: 'r1' } });
    expect(b).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(c).toMatchObject({ ok: true, value: { name: 'InitScope' } });
  });

  it('registers a path chosen in the native dialog with the host and answers its opaque handle', async () => {
    const services = createFakeServices();
    const registered: string[] = [];
    services.sources = { registerPath: (p: string) => (registered.push(p), `src_${registered.length}`) } as unknown as HostServices['sources'];
    const { bridge } = connect(async () => services);
    await bridge.start({ dataDir: '/d' });
    await expect(bridge.registerSource('/home/ann/digits')).resolves.toBe('src_1');
    expect(registered).toEqual(['/home/ann/digits']);
    const without = connect(async () => createFakeServices());
    await without.bridge.start({ dataDir: '/d' });
    await expect(without.bridge.registerSource('/x')).rejects.toThrow(/stopped/);
  });

  it('writes exported files to a path chosen in the save dialog: one as itself, several as one zip; refuses unknown hashes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-save-'));
    try {
      const services = createFakeServices();
      const files: Record<string, { name: string; data: Buffer }> = {
        ['a'.repeat(64)]: { name: 'report.html', data: Buffer.from('<p>report</p>') },
        ['b'.repeat(64)]: { name: 'metrics.csv', data: Buffer.from('epoch,loss\r\n1,0.5\r\n') },
      };
      services.findDownload = (sha256) => files[sha256] ?? null;
      const { bridge } = connect(async () => services);
      await bridge.start({ dataDir: '/d' });
      const one = path.join(dir, 'mine.html');
      await bridge.saveExport({ sha256s: ['a'.repeat(64)], zipName: null, path: one });
      expect(readFileSync(one, 'utf8')).toBe('<p>report</p>');
      const zip = path.join(dir, 'both.zip');
      await bridge.saveExport({ sha256s: ['a'.repeat(64), 'b'.repeat(64)], zipName: 'both', path: zip });
      const entries = unzipSync(readFileSync(zip));
      expect(Object.keys(entries)).toEqual(['report.html', 'metrics.csv']);
      expect(Buffer.from(entries['metrics.csv']!).toString()).toBe('epoch,loss\r\n1,0.5\r\n');
      await expect(bridge.saveExport({ sha256s: ['c'.repeat(64)], zipName: null, path: path.join(dir, 'x') })).rejects.toThrow(/no longer in the data folder/);
      expect(existsSync(path.join(dir, 'x'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports why the host could not start (e.g. the ABI error), and the host exits', async () => {
    const { bridge, exits } = connect(async () => {
      throw new Error('better_sqlite3.node was compiled against NODE_MODULE_VERSION 115; this version requires 140');
    });
    await expect(bridge.start({ dataDir: '/d' })).rejects.toThrow(/NODE_MODULE_VERSION 115/);
    expect(exits).toEqual([1]);
  });

  it('once the host process is gone, calls answer an internal error instead of hanging', async () => {
    const { bridge, child } = connect(async () => createFakeServices());
    await bridge.start({ dataDir: '/d' });
    child.kill();
    const result = (await bridge.call('runs/list', {})) as WireResult;
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await bridge.activeWork()).toBe(0);
    await expect(bridge.shutdown()).resolves.toBeUndefined();
  });

  it('shutdown closes the services leaving unfinished runs, then the host exits 0', async () => {
    const services = createFakeServices();
    const close = vi.spyOn(services, 'close');
    const { bridge, exits } = connect(async () => services);
    await bridge.start({ dataDir: '/d' });
    await bridge.shutdown();
    expect(close).toHaveBeenCalledWith({ leaveUnfinished: true });
    expect(exits).toEqual([0]);
  });
});

describe('quit "stop" on a real store: the runs are resumed at next start, as after a crash', () => {
  let dataDir = '';
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function openHost(workers: FakeWorker[][]) {
    const fake = fakeLauncher();
    workers.push(fake.workers);
    return createHostServices({ dataDir, shell: 'electron', workers: 1, launcher: fake.launcher });
  }

  /** Starts two runs (one running in the fake worker, one queued), then quits with `mode`; returns the runs after reopening. */
  async function quitWith(mode: 'stop' | 'cancel'): Promise<{ before: RunSummary[]; after: RunSummary[]; restarted: string[] }> {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-quit-'));
    const workers: FakeWorker[][] = [];
    const first = await openHost(workers);
    const { bridge } = connect(async () => first);
    await bridge.start({ dataDir });
    const a = await bridge.call('runs/start', { experiment: EXPERIMENT });
    const b = await bridge.call('runs/start', { experiment: EXPERIMENT });
    expect(a.ok && b.ok).toBe(true);
    const worker = workers[0]![0]!;
    worker.emit({ type: 'ready', backend: 'cpu', tfjsVersion: '4.22.0' });
    await vi.waitFor(() => expect(worker.received.some((m) => m.type === 'start')).toBe(true));
    const startedId = (worker.received.find((m) => m.type === 'start') as { runId: string }).runId;
    worker.emit({
      type: 'event',
      event: { type: 'started', runId: startedId, backend: 'cpu', tfjsVersion: '4.22.0', totalEpochs: 5, stepsPerEpoch: 4, trainSamples: 64, valSamples: 16 },
    });
    await vi.waitFor(async () =>
      expect(((await bridge.call('runs/get', { runId: startedId })) as { ok: true; value: RunSummary }).value.status).toBe('running'),
    );
    expect(await bridge.activeWork()).toBe(2);
    const before = ((await bridge.call('runs/list', {})) as { ok: true; value: RunSummary[] }).value;
    if (mode === 'stop') await bridge.shutdown();
    else await first.close();
    const second = await openHost(workers);
    const after = ((await second.handlers['runs/list']({})) as RunSummary[]).sort((x, y) => x.id.localeCompare(y.id));
    const next = workers[1]!;
    const restarted =
      next.length > 0
        ? (next[0]!.emit({ type: 'ready', backend: 'cpu', tfjsVersion: '4.22.0' }),
          await vi.waitFor(() => next[0]!.received.filter((m) => m.type === 'start').map((m) => (m as { runId: string }).runId)))
        : [];
    await second.close();
    return { before, after, restarted };
  }

  it('"stop" leaves both runs unfinished and the next start requeues them', async () => {
    const { before, after, restarted } = await quitWith('stop');
    expect(before.map((r) => r.status).sort()).toEqual(['queued', 'running']);
    expect(after.map((r) => r.status)).toEqual(['queued', 'queued']);
    expect(restarted).toHaveLength(1); // one worker: the first requeued run starts, the other waits
    expect(after.map((r) => r.id)).toContain(restarted[0]);
  }, 20_000);

  it('while closing the host the cancelling way ends them as cancelled (the browser-mode Ctrl-C path)', async () => {
    const { after } = await quitWith('cancel');
    expect(after.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  }, 20_000);
});
