import { describe, expect, it } from 'vitest';
import { SAVE_EXPORT_IPC_CHANNEL } from '../../../contract/index.js';
import { registerSaveExport, type SaveRequest, type ShowSaveDialog } from '../../../main/electron/save-export.js';
import { FakeIpcMain } from './fake-ipc.js';

const APP = 'app://initscope/index.html';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function setup(answer: { canceled: boolean; filePath?: string }) {
  const ipc = new FakeIpcMain();
  const asked: Parameters<ShowSaveDialog>[0][] = [];
  const saved: SaveRequest[] = [];
  registerSaveExport(
    ipc,
    async (options) => {
      asked.push(options);
      return answer;
    },
    (url) => url === APP,
    async (request) => {
      saved.push(request);
    },
  );
  return { ipc, asked, saved };
}

describe('registerSaveExport (the desktop save dialog behind BridgeApi.saveExport)', () => {
  it('proposes the file name, has the host write it to the chosen path and answers the base name', async () => {
    const { ipc, asked, saved } = setup({ canceled: false, filePath: '/home/ann/sweep.csv' });
    expect(await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, APP, { files: [{ sha256: A, name: 'sweep-2026.csv' }] })).toEqual({ name: 'sweep.csv' });
    expect(asked).toEqual([{ defaultPath: 'sweep-2026.csv', filters: [{ name: 'CSV', extensions: ['csv'] }] }]);
    expect(saved).toEqual([{ sha256s: [A], zipName: null, path: '/home/ann/sweep.csv' }]);
  });

  it('saves several files as one zip named after zipName', async () => {
    const { ipc, asked, saved } = setup({ canceled: false, filePath: '/tmp/model.zip' });
    const files = [
      { sha256: A, name: 'model.json' },
      { sha256: B, name: 'weights.bin' },
    ];
    await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, APP, { files, zipName: 'run_1-tfjs' });
    expect(asked[0]?.defaultPath).toBe('run_1-tfjs.zip');
    expect(saved).toEqual([{ sha256s: [A, B], zipName: 'run_1-tfjs', path: '/tmp/model.zip' }]);
  });

  it('writes nothing when cancelled, for an untrusted sender or a malformed request; never proposes a folder', async () => {
    const { ipc, asked, saved } = setup({ canceled: true });
    expect(await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, APP, { files: [{ sha256: A, name: '../../etc/passwd' }] })).toBeNull();
    expect(asked[0]?.defaultPath).toBe('passwd');
    expect(await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, 'https://evil.example/', { files: [{ sha256: A, name: 'x' }] })).toBeNull();
    expect(await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, APP, { files: [{ sha256: 'nothex', name: 'x' }] })).toBeNull();
    expect(
      await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, APP, {
        files: [
          { sha256: A, name: 'a' },
          { sha256: B, name: 'b' },
        ],
      }),
    ).toBeNull(); // no zipName
    expect(await ipc.invoke(SAVE_EXPORT_IPC_CHANNEL, APP, { files: [{ sha256: A, name: 'x' }], path: '/etc/passwd' })).toBeNull();
    expect(asked).toHaveLength(1);
    expect(saved).toEqual([]);
  });
});
