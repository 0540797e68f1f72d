import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/index.js';
import { createFakeServices } from './fake-services.js';
import { rawRequest } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'SECRET-OUTSIDE-STATIC-DIR';
let server: HttpServerHandle;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'initscope-static-'));
  const staticDir = path.join(tmp, 'renderer');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(tmp, 'package.json'), `{"secret":"${SECRET}"}`);
  await writeFile(path.join(tmp, 'secret'), SECRET);
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>InitScope</title>');
  await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  await writeFile(path.join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(staticDir, 'assets', 'tfjs.wasm'), Buffer.from([0, 97, 115, 109]));
  await symlink(path.join(tmp, 'package.json'), path.join(staticDir, 'link.json'));
  server = await startHttpServer({ services: createFakeServices(), token: TOKEN, staticDir });
});
afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const get = (p: string) => rawRequest(server.port, { path: p, headers: { Authorization: `Bearer ${TOKEN}` } });

describe('static files', () => {
  it('serves index.html for / with its content type and the security headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>InitScope</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their content types', async () => {
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/tfjs.wasm')).headers['content-type']).toBe('application/wasm');
  });

  it('falls back to index.html for unknown paths without an extension, 404 with one', async () => {
    const route = await get('/runs/r1');
    expect(route.status).toBe(200);
    expect(route.body).toContain('InitScope');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('requires the token for static files too', async () => {
    const res = await rawRequest(server.port, { path: '/' });
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('InitScope</title>');
  });

  it('never serves files outside staticDir', async () => {
    const attempts = [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%5cpackage.json',
      '/../secret',
      '/%2e%2e/secret',
      '/link.json',
      '/%00',
      '/%E0%A4%A',
    ];
    for (const attempt of attempts) {
      const res = await get(attempt);
      expect(res.body, attempt).not.toContain(SECRET);
      expect([400, 404], attempt).toContain(res.status);
    }
  });

  it('refuses writes to static paths with 405', async () => {
    const res = await rawRequest(server.port, { method: 'PUT', path: '/index.html', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
  });

  it('answers 404 for static paths when no staticDir is configured', async () => {
    const bare = await startHttpServer({ services: createFakeServices(), token: TOKEN });
    try {
      const res = await rawRequest(bare.port, { path: '/', headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
