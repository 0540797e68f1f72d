import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, PICK_PATH_IPC_CHANNEL, SAVE_EXPORT_IPC_CHANNEL, type WireResult } from '../../../contract/index.js';
import { createBridgeApi, type IpcRendererListener, type IpcRendererLike } from '../../../preload/api.js';

class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Set<IpcRendererListener>>();

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return { ok: true, value: channel } satisfies WireResult;
  }
  on(channel: string, listener: IpcRendererListener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }
  removeListener(channel: string, listener: IpcRendererListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l({ sender: 'ipc-event-object' }, ...args);
  }
  count(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}

describe('createBridgeApi', () => {
  it('exposes exactly the contract methods plus onEvent, pickPath and saveExport, and no ipcRenderer', () => {
    const api = createBridgeApi(new FakeIpcRenderer());
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent', 'pickPath', 'saveExport']);
    expect(Object.keys(api.invoke).sort()).toEqual([...METHOD_NAMES].sort());
    for (const value of Object.values(api.invoke)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api.invoke)).toBe(true);
  });

  it('pickPath asks the dialog channel for a file or folder and passes back only a { source, name } pair', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createBridgeApi(ipc);
    await api.pickPath({ kind: 'folder', extra: 'dropped' } as never);
    expect(ipc.invoked.at(-1)).toEqual({ channel: PICK_PATH_IPC_CHANNEL, args: [{ kind: 'folder' }] });
    // The fake answers a WireResult object, which is not a picked source: the page gets null.
    expect(await api.pickPath({ kind: 'file' })).toBeNull();
  });

  it('saveExport asks the save-dialog channel with the files (and zip name) only, and passes back only a name', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createBridgeApi(ipc);
    const files = [{ sha256: 'a'.repeat(64), name: 'sweep.csv', path: '/etc/passwd' }];
    await api.saveExport({ files } as never);
    expect(ipc.invoked.at(-1)).toEqual({ channel: SAVE_EXPORT_IPC_CHANNEL, args: [{ files: [{ sha256: 'a'.repeat(64), name: 'sweep.csv' }] }] });
    // The fake answers a WireResult object, which carries no name: the page gets null.
    expect(await api.saveExport({ files: [files[0]!, files[0]!], zipName: 'z' })).toBeNull();
    expect(ipc.invoked.at(-1)?.args[0]).toMatchObject({ zipName: 'z' });
  });

  it('invokes each method on its own channel with the payload only', async () => {
    const ipc = new FakeIpcRenderer();
    const api = createBridgeApi(ipc);
    for (const method of METHOD_NAMES) {
      const result = await api.invoke[method]({ probe: method });
      expect(result).toEqual({ ok: true, value: `initscope:${method}` });
    }
    expect(ipc.invoked).toEqual(METHOD_NAMES.map((m) => ({ channel: `initscope:${m}`, args: [{ probe: m }] })));
  });

  it('delivers event data (not the IPC event) and unsubscribes', () => {
    const ipc = new FakeIpcRenderer();
    const api = createBridgeApi(ipc);
    const seen: unknown[] = [];
    const off = api.onEvent((raw) => seen.push(raw));
    const off2 = api.onEvent(() => undefined);
    expect(ipc.count('initscope:events')).toBe(2);
    ipc.emit('initscope:events', { type: 'failed', runId: 'r1', error: 'x' });
    expect(seen).toEqual([{ type: 'failed', runId: 'r1', error: 'x' }]);
    off();
    off2();
    expect(ipc.count('initscope:events')).toBe(0);
    ipc.emit('initscope:events', { type: 'failed', runId: 'r1', error: 'y' });
    expect(seen).toHaveLength(1);
  });
});
