import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_PATH, type Handlers } from '../../../contract/index.js';
import { SourceRegistry } from '../../../main/datasets/source-registry.js';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/server.js';
import { safeUploadName } from '../../../main/http/upload.js';

const token = 'test-token-0123456789abcdef';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'initscope-upload-'));
let server: HttpServerHandle;
const sources = new SourceRegistry(dataDir);

beforeAll(async () => {
  const handlers = {
    'app/info': async () => ({ name: 'InitScope', version: '0', shell: 'browser', dataDir, dbPath: '', preferredBackend: 'cpu' }),
  } as unknown as Handlers;
  server = await startHttpServer({ services: { handlers, sources, onEvent: () => () => {}, close: async () => {} }, token });
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
  it('stores files (side by side under one handle) in an upload folder and answers no host path', async () => {
    const first = await upload('name=cat%2Fa.png', Buffer.from('png bytes'));
    expect(first.status).toBe(200);
    const { value } = (await first.json()) as { value: { source: string; entry: string } };
    expect(Object.keys(value).sort()).toEqual(['entry', 'source']);
    expect(value.source).toMatch(/^src_[0-9a-f]{32}$/);
    expect(value.entry).toBe('cat/a.png');
    const folder = sources.uploadDir(value.source);
    expect(path.dirname(folder)).toBe(path.join(dataDir, 'uploads'));
    expect(readFileSync(sources.resolve(value.source, 'cat/a.png'), 'utf8')).toBe('png bytes');
    const second = await upload(`name=dog%2Fb.jpg&source=${value.source}`, Buffer.from('jpg'));
    const again = (await second.json()) as { value: { source: string; entry: string } };
    expect(again.value).toEqual({ source: value.source, entry: 'dog/b.jpg' });
    expect(readFileSync(path.join(folder, 'dog', 'b.jpg'), 'utf8')).toBe('jpg');
    // Releasing the handle deletes the upload.
    expect(sources.release(value.source)).toBe(true);
    expect(existsSync(folder)).toBe(false);
    expect((await upload(`name=c.png&source=${value.source}`, Buffer.from('x'))).status).toBe(404);
  });

  it('is token-checked and refuses unsafe names and types', async () => {
    expect((await upload('name=a.csv', Buffer.from('x'), false)).status).toBe(401);
    expect((await upload('name=..%2Fa.csv', Buffer.from('x'))).status).toBe(400);
    expect((await upload('name=a.exe', Buffer.from('x'))).status).toBe(400);
    expect((await upload('name=a.csv&source=..', Buffer.from('x'))).status).toBe(400);
    expect((await upload(`name=a.csv&source=src_${'0'.repeat(32)}`, Buffer.from('x'))).status).toBe(404);
    expect(safeUploadName('train-images-idx3-ubyte')).toBe('train-images-idx3-ubyte');
    expect(safeUploadName('a/b/c.png')).toBeNull();
    expect(safeUploadName('.hidden.csv')).toBeNull();
  });
});
