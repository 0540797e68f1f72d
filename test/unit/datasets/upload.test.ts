import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_PATH, type Handlers } from '../../../contract/index.js';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/server.js';
import { safeUploadName } from '../../../main/http/upload.js';

const token = 'test-token-0123456789abcdef';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-upload-'));
let server: HttpServerHandle;

beforeAll(async () => {
  const handlers = {
    'app/info': async () => ({ name: 'InitScope', version: '0', shell: 'browser', dataDir, dbPath: '', preferredBackend: 'cpu' }),
  } as unknown as Handlers;
  server = await startHttpServer({ services: { handlers, onEvent: () => () => {}, close: async () => {} }, token });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function upload(query: string, body: Buffer, auth = true) {
  return fetch(`http://127.0.0.1:${server.port}${UPLOAD_PATH}?${query}`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: auth ? { Authorization: `Bearer ${token}` } : {},
  });
}

describe('browser-mode upload', () => {
  it('stores files (side by side with a folder id) under the data folder', async () => {
    const first = await upload('name=cat%2Fa.png', Buffer.from('png bytes'));
    expect(first.status).toBe(200);
    const { value } = (await first.json()) as { value: { path: string; folder: string } };
    expect(value.path.startsWith(path.join(dataDir, 'uploads'))).toBe(true);
    expect(readFileSync(value.path, 'utf8')).toBe('png bytes');
    const folderId = path.basename(value.folder);
    const second = await upload(`name=dog%2Fb.jpg&folder=${folderId}`, Buffer.from('jpg'));
    const again = (await second.json()) as { value: { path: string; folder: string } };
    expect(again.value.path).toBe(path.join(value.folder, 'dog', 'b.jpg'));
  });

  it('is token-checked and refuses unsafe names and types', async () => {
    expect((await upload('name=a.csv', Buffer.from('x'), false)).status).toBe(401);
    expect((await upload('name=..%2Fa.csv', Buffer.from('x'))).status).toBe(400);
    expect((await upload('name=a.exe', Buffer.from('x'))).status).toBe(400);
    expect((await upload('name=a.csv&folder=..', Buffer.from('x'))).status).toBe(400);
    expect(safeUploadName('train-images-idx3-ubyte')).toBe('train-images-idx3-ubyte');
    expect(safeUploadName('a/b/c.png')).toBeNull();
    expect(safeUploadName('.hidden.csv')).toBeNull();
  });
});
