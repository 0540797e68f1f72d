// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, InitScopeError, type BridgeApi, type WireResult } from '../../../contract/index.js';
import { createBrowserTransport, eventsUrl, type SocketLike } from '../../../renderer/src/transport/browser.js';
import { pickTransport } from '../../../renderer/src/transport/index.js';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close(): void {
    this.closed = true;
  }
}

describe('browser transport', () => {
  afterEach(() => vi.useRealTimers());

  it('POSTs JSON to /api/<method> and resolves the value of an ok result', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ ok: true, value: [1, 2] } satisfies WireResult));
    const transport = createBrowserTransport({ fetch: fetchMock as unknown as typeof fetch });
    await expect(transport.invoke('runs/metrics', { runId: 'r1' })).resolves.toEqual([1, 2]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/runs/metrics');
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ runId: 'r1' });
  });

  it('maps a WireResult error to an InitScopeError with its code', async () => {
    const wire: WireResult = { ok: false, error: { code: 'not_found', message: 'No run r9', details: { runId: 'r9' } } };
    const transport = createBrowserTransport({ fetch: (async () => jsonResponse(wire, 404)) as typeof fetch });
    const error = await transport.invoke('runs/get', { runId: 'r9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InitScopeError);
    expect(error).toMatchObject({ code: 'not_found', message: 'No run r9', details: { runId: 'r9' } });
  });

  it('turns a network failure into a clear internal error', async () => {
    const transport = createBrowserTransport({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    const error = await transport.invoke('runs/list', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InitScopeError);
    expect(error).toMatchObject({ code: 'internal', message: 'Cannot reach the InitScope host', details: { reason: 'unreachable' } });
  });

  it('reports a reply that is not a WireResult (401 → unauthorized)', async () => {
    const transport = createBrowserTransport({ fetch: (async () => new Response('nope', { status: 401 })) as typeof fetch });
    await expect(transport.invoke('runs/list', {})).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('derives ws:// or wss:// from the page', () => {
    expect(eventsUrl({ protocol: 'http:', host: '127.0.0.1:5183' })).toBe('ws://127.0.0.1:5183/api/events');
    expect(eventsUrl({ protocol: 'https:', host: 'box:443' })).toBe('wss://box:443/api/events');
  });

  it('delivers JSON frames, tracks the connection and reconnects with backoff', async () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const transport = createBrowserTransport({
      openSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      location: { protocol: 'http:', host: 'localhost:9' },
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    expect(sockets).toHaveLength(0); // lazy: nothing opens before someone listens
    const events: unknown[] = [];
    const connected = vi.fn();
    transport.subscribe((raw) => events.push(raw));
    transport.onConnected(connected);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://localhost:9/api/events');
    expect(transport.connection.value).toBe('connecting');

    sockets[0]!.onopen?.({});
    expect(transport.connection.value).toBe('online');
    expect(connected).toHaveBeenCalledTimes(1);
    sockets[0]!.onmessage?.({ data: JSON.stringify({ type: 'failed', runId: 'r1', error: 'x' }) });
    sockets[0]!.onmessage?.({ data: 'not json' });
    expect(events).toEqual([{ type: 'failed', runId: 'r1', error: 'x' }]);

    sockets[0]!.onclose?.({});
    expect(transport.connection.value).toBe('offline');
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    sockets[1]!.onopen?.({});
    expect(transport.connection.value).toBe('online');
    expect(connected).toHaveBeenCalledTimes(2);

    transport.close();
    expect(sockets[1]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sockets).toHaveLength(2);
  });
});

describe('transport choice', () => {
  it('uses the Electron bridge when the preload exposed it', async () => {
    const listeners: Array<(raw: unknown) => void> = [];
    const bridge = {
      invoke: new Proxy(
        {},
        {
          get: (_t, method) => async (): Promise<WireResult> =>
            method === 'runs/get' ? { ok: false, error: { code: 'not_found', message: 'gone' } } : { ok: true, value: { method } },
        },
      ),
      onEvent: (l: (raw: unknown) => void) => {
        listeners.push(l);
        return () => {};
      },
    } as unknown as BridgeApi;
    const transport = pickTransport({ [BRIDGE_KEY]: bridge });
    expect(transport.kind).toBe('electron');
    expect(transport.connection.value).toBe('online');
    await expect(transport.invoke('runs/list', {})).resolves.toEqual({ method: 'runs/list' });
    await expect(transport.invoke('runs/get', { runId: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    const seen: unknown[] = [];
    transport.subscribe((raw) => seen.push(raw));
    listeners[0]!({ hello: 1 });
    expect(seen).toEqual([{ hello: 1 }]);
  });

  it('falls back to HTTP + WebSocket without a bridge', () => {
    const transport = pickTransport({});
    expect(transport.kind).toBe('browser');
    transport.close();
  });
});
