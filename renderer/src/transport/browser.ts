import { shallowRef } from 'vue';
import { API_PREFIX, EVENTS_PATH, InitScopeError, type MethodName } from '../../../contract/index.js';
import type { ConnectionState, HostTransport } from './types.js';
import { isWireResult, unwrapWireResult } from './wire-result.js';

/** `details.reason` of the error thrown when the host cannot be reached at all. */
export const UNREACHABLE = 'unreachable';

/** Minimal WebSocket surface the transport uses (so tests can pass a fake). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(): void;
}

export interface BrowserTransportOptions {
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Opens the event socket; defaults to `new WebSocket(url)`. */
  openSocket?: (url: string) => SocketLike;
  /** Page location used to derive the WebSocket URL; defaults to `window.location`. */
  location?: { protocol: string; host: string };
  /** Reconnect backoff: first delay, cap, in milliseconds. */
  backoff?: { initialMs: number; maxMs: number };
}

/** `ws://host/api/events`, or `wss://` when the page itself is served over https. */
export function eventsUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${EVENTS_PATH}`;
}

/**
 * Browser mode: requests are `POST /api/<method>` with a JSON body and a {@link WireResult} reply (the
 * same-origin auth cookie goes along by itself); run and sweep events arrive on one WebSocket that reconnects with
 * exponential backoff. The socket opens on the first subscription.
 */
export function createBrowserTransport(options: BrowserTransportOptions = {}): HostTransport {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const openSocket = options.openSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };

  const connection = shallowRef<ConnectionState>('connecting');
  const eventListeners = new Set<(raw: unknown) => void>();
  const connectedListeners = new Set<() => void>();
  let socket: SocketLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let started = false;
  let closed = false;

  function connect(): void {
    if (closed) return;
    const location = options.location ?? window.location;
    let ws: SocketLike;
    try {
      ws = openSocket(eventsUrl(location));
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      connection.value = 'online';
      for (const listener of [...connectedListeners]) listener();
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(ev.data);
      } catch {
        return; // not JSON: ignore the frame, keep the channel
      }
      for (const listener of [...eventListeners]) listener(raw);
    };
    ws.onerror = () => {
      /* a close event follows; reconnect is handled there */
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer) return;
    connection.value = 'offline';
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
    const delay = base / 2 + Math.random() * (base / 2); // jitter: many tabs do not reconnect in step
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function ensureStarted(): void {
    if (started || closed) return;
    started = true;
    connect();
  }

  return {
    kind: 'browser',
    connection,

    async invoke(method: MethodName, payload: unknown): Promise<unknown> {
      let response: Response;
      try {
        response = await doFetch(API_PREFIX + method, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload ?? {}),
          credentials: 'same-origin',
        });
      } catch (error) {
        throw new InitScopeError('internal', 'Cannot reach the InitScope host', {
          reason: UNREACHABLE,
          cause: error instanceof Error ? error.message : String(error),
        });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      if (!isWireResult(body)) {
        const code = response.status === 401 ? 'unauthorized' : 'internal';
        throw new InitScopeError(code, `The host answered ${method} with HTTP ${response.status} and no result`);
      }
      return unwrapWireResult(body, method);
    },

    subscribe(listener) {
      eventListeners.add(listener);
      ensureStarted();
      return () => {
        eventListeners.delete(listener);
      };
    },

    onConnected(listener) {
      connectedListeners.add(listener);
      ensureStarted();
      return () => {
        connectedListeners.delete(listener);
      };
    },

    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      ws?.close();
      connection.value = 'offline';
    },
  };
}
