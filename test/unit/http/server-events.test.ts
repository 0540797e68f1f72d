import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EVENTS_PATH, TOKEN_COOKIE } from '../../../contract/index.js';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/index.js';
import { createFakeServices, failedEvent, sweepProgressEvent, type FakeServices } from './fake-services.js';
import { waitFor } from './helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
let server: HttpServerHandle;
let services: FakeServices;
let wsBase: string;

beforeAll(async () => {
  services = createFakeServices();
  server = await startHttpServer({ services, token: TOKEN });
  wsBase = `ws://127.0.0.1:${server.port}${EVENTS_PATH}`;
});
afterAll(() => server.close());

/** Opens a socket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data: WebSocket.RawData) => resolve(JSON.parse(String(data)))));
}

describe('GET /api/events (WebSocket)', () => {
  it('refuses an upgrade without a token (401) or with a wrong one', async () => {
    expect(await connect(wsBase)).toBe(401);
    expect(await connect(`${wsBase}?token=wrong-token-0123456789`)).toBe(401);
    expect(services.listenerCount()).toBe(0);
  });

  it('refuses an upgrade from a foreign Origin (403) or with a foreign Host (403)', async () => {
    expect(await connect(`${wsBase}?token=${TOKEN}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await connect(`${wsBase}?token=${TOKEN}`, { headers: { Host: 'evil.example' } })).toBe(403);
  });

  it('refuses an upgrade on another path (404)', async () => {
    expect(await connect(`ws://127.0.0.1:${server.port}/api/other?token=${TOKEN}`)).toBe(404);
  });

  it('pushes each event as one JSON text frame to every open socket, token by query or cookie', async () => {
    const a = await connect(`${wsBase}?token=${TOKEN}`, { origin: `http://127.0.0.1:${server.port}` });
    const b = await connect(wsBase, { headers: { Cookie: `${TOKEN_COOKIE}=${TOKEN}` } });
    if (typeof a === 'number' || typeof b === 'number') throw new Error(`refused: ${String(a)} ${String(b)}`);
    await waitFor(() => services.listenerCount() === 2);
    const received = Promise.all([nextMessage(a), nextMessage(b)]);
    services.emit(failedEvent('r7'));
    expect(await received).toEqual([failedEvent('r7'), failedEvent('r7')]);
    a.close();
    b.close();
    await waitFor(() => services.listenerCount() === 0);
  });

  it('carries sweep events on the same socket, in order with run events', async () => {
    const ws = await connect(`${wsBase}?token=${TOKEN}`);
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    await waitFor(() => services.listenerCount() === 1 && services.sweepListenerCount() === 1);
    const received: unknown[] = [];
    ws.on('message', (data: WebSocket.RawData) => received.push(JSON.parse(String(data))));
    services.emit(failedEvent('r3'));
    services.emitSweep(sweepProgressEvent('s9', 3));
    services.emit(failedEvent('r4'));
    await waitFor(() => received.length === 3);
    expect(received).toEqual([failedEvent('r3'), sweepProgressEvent('s9', 3), failedEvent('r4')]);
    ws.close();
    await waitFor(() => services.listenerCount() === 0 && services.sweepListenerCount() === 0);
  });

  it('removes the listener when a socket closes, so listeners do not pile up', async () => {
    for (let i = 0; i < 5; i++) {
      const ws = await connect(`${wsBase}?token=${TOKEN}`);
      if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
      await waitFor(() => services.listenerCount() === 1 && services.sweepListenerCount() === 1);
      if (i % 2 === 0) ws.close();
      else ws.terminate();
      await waitFor(() => services.listenerCount() === 0 && services.sweepListenerCount() === 0);
    }
    services.emit(failedEvent());
  });

  it('closes open sockets and drops their listeners when the server closes', async () => {
    const own = createFakeServices();
    const s = await startHttpServer({ services: own, token: TOKEN });
    const ws = await connect(`ws://127.0.0.1:${s.port}${EVENTS_PATH}?token=${TOKEN}`);
    if (typeof ws === 'number') throw new Error(`refused: ${ws}`);
    await waitFor(() => own.listenerCount() === 1);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await s.close();
    await closed;
    expect(own.listenerCount()).toBe(0);
    expect(own.closed).toBe(false);
  });
});
