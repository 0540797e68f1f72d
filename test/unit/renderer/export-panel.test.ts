// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { shallowRef } from 'vue';
import { BRIDGE_KEY, createClient, ExportFormat, InitScopeError, RunStatus, type MethodName, type RunExportResult } from '../../../contract/index.js';
import { exportAvailability, formatBytes, shortHash, totalBytes } from '../../../renderer/src/components/export/export-logic.js';
import { useExportsStore } from '../../../renderer/src/components/export/exports-store.js';
import { setHost } from '../../../renderer/src/host.js';
import type { ConnectionState, HostTransport } from '../../../renderer/src/transport/index.js';
import { summary } from './fixtures.js';

const SHA = 'a'.repeat(60) + 'b3c4';

/** A host whose runs/export writes the files a format would, or refuses like the real one. */
function fakeHost(refuse?: { code: 'conflict' | 'not_found'; message: string }) {
  const calls: Array<{ runId: string; format: string }> = [];
  let release: (() => void) | null = null;
  const transport: HostTransport = {
    kind: 'browser',
    connection: shallowRef<ConnectionState>('online'),
    async invoke(method: MethodName, payload: unknown) {
      if (method !== 'runs/export') throw new Error(`unexpected call ${method}`);
      const req = payload as { runId: string; format: 'tfjs' | 'onnx' | 'report' };
      calls.push(req);
      await new Promise<void>((r) => (release = r));
      if (refuse) throw new InitScopeError(refuse.code, refuse.message);
      const names = { tfjs: ['model.json', 'weights.bin'], onnx: ['model.onnx'], report: ['report.html', 'metrics.csv'] }[req.format];
      return {
        runId: req.runId,
        format: req.format,
        dir: `/data/exports/${req.runId}/${req.format}`,
        files: names.map((name, i) => ({ name, path: `/data/exports/${req.runId}/${req.format}/${name}`, bytes: 1000 * (i + 1), sha256: SHA })),
      } satisfies RunExportResult;
    },
    subscribe: () => () => {},
    onConnected: () => () => {},
    close() {},
  };
  setHost({ transport, client: createClient(transport) });
  return { calls, answer: () => release?.() };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

describe('export availability', () => {
  it('offers models for completed (and cancelled) runs and reports for every ended run', () => {
    const table = Object.fromEntries(RunStatus.options.map((status) => [status, ExportFormat.options.map((f) => exportAvailability(status, f).enabled)]));
    //                    tfjs   onnx   report
    expect(table).toEqual({
      queued: [false, false, false],
      running: [false, false, false],
      completed: [true, true, true],
      cancelled: [true, true, true],
      failed: [false, false, true],
      diverged: [false, false, true],
      interrupted: [false, false, true],
    });
    expect(exportAvailability('running', 'report').reason).toBe('running');
    expect(exportAvailability('diverged', 'onnx').reason).toBe('notCompleted');
  });

  it('formats sizes in powers of 1024 and shortens hashes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1,023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(154 * 1024 + 300)).toBe('154 KB');
    expect(formatBytes(3.25 * 1024 * 1024)).toBe('3.3 MB');
    expect(formatBytes(-1)).toBe('—');
    expect(shortHash(SHA)).toBe('aaaaaaaaaaaa…b3c4');
    expect(totalBytes([{ bytes: 1000 }, { bytes: 2000 }])).toBe(3000);
  });
});

describe('exports store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps the written files per run and format, and ignores a second click while busy', async () => {
    const host = fakeHost();
    const store = useExportsStore();
    const run = summary('r1', { status: 'completed' });
    const first = store.exportRun(run, 'onnx');
    const second = store.exportRun(run, 'onnx'); // double click
    await flush();
    expect(store.stateOf('r1', 'onnx').busy).toBe(true);
    host.answer();
    expect(await second).toBeNull();
    const result = await first;
    expect(host.calls).toEqual([{ runId: 'r1', format: 'onnx' }]);
    expect(result?.files.map((f) => f.name)).toEqual(['model.onnx']);
    const state = store.stateOf('r1', 'onnx');
    expect(state).toMatchObject({ busy: false, error: null });
    expect(state.result?.files[0]?.sha256).toBe(SHA);
    // Other formats and runs are untouched.
    expect(store.stateOf('r1', 'report')).toEqual({ busy: false, result: null, error: null });
    expect(store.stateOf('r2', 'onnx').result).toBeNull();
  });

  it('keeps the host’s refusal as the error, with its code and message', async () => {
    const message = 'Run r2 has no stored weights (it was trained before InitScope kept them); train it again to export it';
    const host = fakeHost({ code: 'conflict', message });
    const store = useExportsStore();
    const pending = store.exportRun(summary('r2', { status: 'cancelled' }), 'tfjs');
    await flush();
    host.answer();
    expect(await pending).toBeNull();
    expect(store.stateOf('r2', 'tfjs')).toEqual({ busy: false, result: null, error: { code: 'conflict', message } });
  });

  it('does not call the host for a run that cannot be exported yet', async () => {
    const host = fakeHost();
    const store = useExportsStore();
    expect(await store.exportRun(summary('r3', { status: 'running' }), 'report')).toBeNull();
    expect(await store.exportRun(summary('r3', { status: 'diverged' }), 'onnx')).toBeNull();
    expect(host.calls).toEqual([]);
    expect(store.stateOf('r3', 'onnx').error?.code).toBe('conflict');
  });
});

describe('browser-mode export downloads', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('hands the written files to the browser as one zip download from the host, by sha256', async () => {
    const clicked: Array<{ href: string; download: string }> = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
    };
    try {
      const host = fakeHost();
      const store = useExportsStore();
      const pending = store.exportRun(summary('r1', { status: 'completed' }), 'tfjs');
      await flush();
      host.answer();
      await pending;
      await flush();
      // model.json + weights.bin: one zip, not two downloads the browser may drop.
      expect(clicked).toEqual([{ href: `/api/download?sha256=${SHA}&sha256=${SHA}&zip=r1-tfjs`, download: 'r1-tfjs.zip' }]);
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
  });

  it('on the desktop opens the save dialog through the bridge instead (several files as one zip)', async () => {
    const asked: unknown[] = [];
    const bridge = { saveExport: async (options: unknown) => (asked.push(options), { name: 'mine.zip' }) };
    (globalThis as Record<string, unknown>)[BRIDGE_KEY] = bridge;
    try {
      const host = fakeHost();
      const store = useExportsStore();
      const pending = store.exportRun(summary('r1', { status: 'completed' }), 'tfjs');
      await flush();
      host.answer();
      await pending;
      await flush();
      expect(asked).toEqual([
        {
          files: [
            { sha256: SHA, name: 'model.json' },
            { sha256: SHA, name: 'weights.bin' },
          ],
          zipName: 'r1-tfjs',
        },
      ]);
    } finally {
      delete (globalThis as Record<string, unknown>)[BRIDGE_KEY];
    }
  });
});
