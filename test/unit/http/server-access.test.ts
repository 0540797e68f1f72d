import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_COOKIE } from '../../../contract/index.js';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/index.js';
import { createFakeServices } from './fake-services.js';
import { rawRequest } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
let server: HttpServerHandle;
let base: string;

beforeAll(async () => {
  server = await startHttpServer({ services: createFakeServices(), token: TOKEN });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const post = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${base}${path}`, { method: 'POST', body: '{}', ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });

describe('browser-mode access control', () => {
  it('binds to 127.0.0.1 and returns a URL with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('refuses a request without a token with 401', async () => {
    const res = await post('/api/app/info');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { ok: boolean; error: { code: string } };
    expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('refuses a wrong token in any carrier with 401', async () => {
    expect((await post('/api/app/info?token=wrong-token-0123456789')).status).toBe(401);
    expect((await post('/api/app/info', { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await post('/api/app/info', { headers: { Cookie: `${TOKEN_COOKIE}=wrong` } })).status).toBe(401);
    expect((await post('/api/app/info', { headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(401);
  });

  it('accepts the token via query, bearer header or cookie', async () => {
    const viaQuery = await post(`/api/app/info?token=${TOKEN}`);
    expect(viaQuery.status).toBe(200);
    const viaHeader = await post('/api/app/info', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(viaHeader.status).toBe(200);
    const viaCookie = await post('/api/app/info', { headers: { Cookie: `other=1; ${TOKEN_COOKIE}=${TOKEN}` } });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.json()).toMatchObject({ ok: true, value: { name: 'InitScope' } });
  });

  it('sets an HttpOnly, SameSite=Strict token cookie only for a valid ?token=', async () => {
    const res = await fetch(`${base}/?token=${TOKEN}`);
    expect(res.headers.get('set-cookie')).toBe(`${TOKEN_COOKIE}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
    const viaHeader = await fetch(`${base}/`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(viaHeader.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a foreign Host header with 403 and a short body (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1']) {
      const res = await rawRequest(server.port, { path: `/?token=${TOKEN}`, headers: { Host: host } });
      expect(res.status).toBe(403);
      expect(res.body.length).toBeLessThan(100);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const local = await rawRequest(server.port, { path: `/api/app/info?token=${TOKEN}`, method: 'POST', headers: { Host: `localhost:${server.port}` } });
    expect(local.status).toBe(200);
  });

  it('refuses a POST from a foreign Origin with 403, even with the token', async () => {
    const res = await post('/api/app/info', { headers: { Authorization: `Bearer ${TOKEN}`, Origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    const other = await post('/api/app/info', { headers: { Authorization: `Bearer ${TOKEN}`, Origin: `http://127.0.0.1:${server.port + 1}` } });
    expect(other.status).toBe(403);
    const same = await post('/api/app/info', { headers: { Authorization: `Bearer ${TOKEN}`, Origin: `http://localhost:${server.port}` } });
    expect(same.status).toBe(200);
  });

  it('sends the security headers, and no-store on /api', async () => {
    const res = await post('/api/app/info', { headers: { Authorization: `Bearer ${TOKEN}` } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses to start with a weak token', async () => {
    await expect(startHttpServer({ services: createFakeServices(), token: 'short' })).rejects.toThrow(/token/);
    await expect(startHttpServer({ services: createFakeServices(), token: 'a'.repeat(20) + '; Path=/x' })).rejects.toThrow(/token/);
  });
});
