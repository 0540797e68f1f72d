import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type WireResult } from '../../../contract/index.js';
import { ipcChannelOf } from '../../../contract/index.js';
import { registerIpcHandlers } from '../../../main/electron/ipc.js';
import { dispatch } from '../../../main/services/dispatch.js';
import { createFakeServices, EXPERIMENT } from '../http/fake-services.js';
import { FakeIpcMain } from './fake-ipc.js';

const APP = 'app://initscope/index.html';
const trusted = (url: string): boolean => url === APP;

function setup() {
  const ipc = new FakeIpcMain();
  const services = createFakeServices();
  const dispose = registerIpcHandlers(ipc, (m, p) => dispatch(services.handlers, m, p), trusted);
  return { ipc, services, dispose };
}

describe('registerIpcHandlers', () => {
  it('registers exactly one channel per contract method, and nothing else', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => `initscope:${m}`).sort());
    expect(ipcChannelOf('runs/start')).toBe('initscope:runs/start');
  });

  it('dispatches a call and returns the WireResult', async () => {
    const { ipc, services } = setup();
    const result = (await ipc.invoke('initscope:runs/start', APP, { experiment: EXPERIMENT })) as WireResult;
    expect(result).toMatchObject({ ok: true, value: { id: 'r1' } });
    expect(services.calls).toEqual([{ method: 'runs/start', request: { experiment: EXPERIMENT } }]);
    const missing = (await ipc.invoke('initscope:runs/get', APP, { runId: 'zz' })) as WireResult;
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses untrusted senders without calling the handler', async () => {
    const { ipc, services } = setup();
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', null]) {
      const result = (await ipc.invoke('initscope:runs/list', url, {})) as WireResult;
      expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(services.calls).toEqual([]);
  });

  it('answers invalid_input naming the field for a payload that fails the schema', async () => {
    const { ipc, services } = setup();
    const result = (await ipc.invoke('initscope:runs/get', APP, { runId: '' })) as WireResult;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toContain('runId');
    const extra = (await ipc.invoke('initscope:runs/list', APP, { sneaky: true })) as WireResult;
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(services.calls).toEqual([]);
  });

  it('removes every handler it registered when disposed', () => {
    const { ipc, dispose } = setup();
    dispose();
    expect(ipc.handlers.size).toBe(0);
    dispose();
    const again = createFakeServices();
    expect(() => registerIpcHandlers(ipc, (m, p) => dispatch(again.handlers, m, p), trusted)).not.toThrow();
  });
});
