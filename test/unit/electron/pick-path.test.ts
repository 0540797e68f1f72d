import { describe, expect, it } from 'vitest';
import { PICK_PATH_IPC_CHANNEL } from '../../../contract/index.js';
import { registerPickPath, type ShowOpenDialog } from '../../../main/electron/pick-path.js';
import { FakeIpcMain } from './fake-ipc.js';

const APP = 'file:///app/dist/renderer/index.html';

function setup(answer: { canceled: boolean; filePaths: string[] }) {
  const ipc = new FakeIpcMain();
  const asked: Parameters<ShowOpenDialog>[0][] = [];
  const registered: string[] = [];
  const dispose = registerPickPath(
    ipc,
    async (options) => {
      asked.push(options);
      return answer;
    },
    (url) => url === APP,
    (chosen) => {
      registered.push(chosen);
      return `src_${String(registered.length).padStart(32, '0')}`;
    },
  );
  return { ipc, asked, registered, dispose };
}

describe('registerPickPath (the desktop open dialog behind BridgeApi.pickPath)', () => {
  it('asks for a file or a folder, registers the chosen path and answers only its handle and name', async () => {
    const { ipc, asked, registered } = setup({ canceled: false, filePaths: ['/data/train-images-idx3-ubyte.gz'] });
    expect(await ipc.invoke(PICK_PATH_IPC_CHANNEL, APP, { kind: 'file' })).toEqual({ source: `src_${'0'.repeat(31)}1`, name: 'train-images-idx3-ubyte.gz' });
    expect(registered).toEqual(['/data/train-images-idx3-ubyte.gz']);
    await ipc.invoke(PICK_PATH_IPC_CHANNEL, APP, { kind: 'folder' });
    expect(asked.map((o) => o.properties)).toEqual([['openFile'], ['openDirectory']]);
  });

  it('answers null when the user cancels', async () => {
    const { ipc, registered } = setup({ canceled: true, filePaths: [] });
    expect(await ipc.invoke(PICK_PATH_IPC_CHANNEL, APP, { kind: 'file' })).toBeNull();
    expect(registered).toHaveLength(0);
  });

  it('opens nothing for an untrusted sender or a malformed request', async () => {
    const { ipc, asked, registered } = setup({ canceled: false, filePaths: ['/etc/passwd'] });
    expect(await ipc.invoke(PICK_PATH_IPC_CHANNEL, 'https://evil.example/', { kind: 'file' })).toBeNull();
    expect(await ipc.invoke(PICK_PATH_IPC_CHANNEL, null, { kind: 'file' })).toBeNull();
    expect(await ipc.invoke(PICK_PATH_IPC_CHANNEL, APP, { kind: 'file', defaultPath: '/etc' })).toBeNull();
    expect(await ipc.invoke(PICK_PATH_IPC_CHANNEL, APP, { kind: 'anything' })).toBeNull();
    expect(asked).toHaveLength(0);
    expect(registered).toHaveLength(0);
  });

  it('removes its handler', () => {
    const { ipc, dispose } = setup({ canceled: true, filePaths: [] });
    dispose();
    expect(ipc.handlers.has(PICK_PATH_IPC_CHANNEL)).toBe(false);
  });
});
