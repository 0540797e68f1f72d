import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireResult } from '../../../contract/index.js';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/index.js';
import { createFakeServices, EXPERIMENT, type FakeServices } from './fake-services.js';
import { rawRequest } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
let server: HttpServerHandle;
let services: FakeServices;
let base: string;

beforeAll(async () => {
  services = createFakeServices();
  server = await startHttpServer({ services, token: TOKEN, maxBodyBytes: 4096 });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

async function call(path: string, body: string | undefined, method = 'POST'): Promise<{ status: number; result: WireResult }> {
  const res = await fetch(`${base}${path}`, {
    method,
    body,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
  });
  return { status: res.status, result: (await res.json()) as WireResult };
}

describe('POST /api/<method>', () => {
  it('dispatches a call with its parsed payload and answers 200 with the WireResult', async () => {
    const { status, result } = await call('/api/runs/start', JSON.stringify({ experiment: EXPERIMENT }));
    expect(status).toBe(200);
    expect(result).toMatchObject({ ok: true, value: { id: 'r1', status: 'queued' } });
    expect(services.calls.at(-1)).toEqual({ method: 'runs/start', request: { experiment: EXPERIMENT } });
  });

  it('treats an empty body as {}', async () => {
    const { status, result } = await call('/api/runs/list', undefined);
    expect(status).toBe(200);
    expect(result.ok).toBe(true);
  });

  it('answers 400 invalid_input naming the bad field', async () => {
    const before = services.calls.length;
    const { status, result } = await call('/api/runs/metrics', JSON.stringify({ runId: 'r1', maxPoints: 1 }));
    expect(status).toBe(400);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toContain('maxPoints');
    expect(services.calls.length).toBe(before);
  });

  it('answers 400 invalid_input for a body that is not JSON', async () => {
    const { status, result } = await call('/api/runs/list', '{not json');
    expect(status).toBe(400);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('maps a handler error code to its HTTP status', async () => {
    const { status, result } = await call('/api/runs/get', JSON.stringify({ runId: 'nope' }));
    expect(status).toBe(404);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('answers 404 for unknown methods, including prototype names', async () => {
    for (const path of ['/api/runs/explode', '/api/__proto__', '/api/constructor', '/api/', '/api', '/api/runs/start/extra']) {
      const { status, result } = await call(path, '{}');
      expect(status, path).toBe(404);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('answers 405 for other HTTP methods on a known method', async () => {
    const res = await fetch(`${base}/api/runs/list`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers 413 for a body over the limit, without calling the handler', async () => {
    const before = services.calls.length;
    const big = JSON.stringify({ experiment: { name: 'x'.repeat(10_000) } });
    const { status, result } = await call('/api/runs/start', big);
    expect(status).toBe(413);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(services.calls.length).toBe(before);
  });

  it('answers 413 above the default 1 MiB limit', async () => {
    const own = await startHttpServer({ services: createFakeServices(), token: TOKEN });
    try {
      const res = await fetch(`http://127.0.0.1:${own.port}/api/runs/list`, {
        method: 'POST',
        body: 'x'.repeat(2 * 1024 * 1024),
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(413);
    } finally {
      await own.close();
    }
  });

  it('answers 413 for a chunked body over the limit (no Content-Length)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/runs/list',
          agent: false,
          headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${TOKEN}`, 'Transfer-Encoding': 'chunked' },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(`{"a":"${'y'.repeat(3000)}`);
      req.end(`${'y'.repeat(3000)}"}`);
    });
    expect(res).toBe(413);
  });

  it('answers a plain GET of /api/events (no upgrade) with 426', async () => {
    const res = await rawRequest(server.port, { path: '/api/events', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(426);
  });
});
