import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { subscribeHostEvents, type HostEventSources } from '../services/host-events.js';

/** A socket that falls this far behind (bytes queued) is closed rather than buffered without bound. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The WebSocket side of browser mode: pushes every run and sweep event to every open socket. */
export interface EventSockets {
  /** Completes an already authorised upgrade request on {@link EVENTS_PATH}. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Number of open sockets (each holds exactly one event subscription). */
  readonly size: number;
  /** Closes every socket (which drops its subscription). */
  close(): Promise<void>;
}

/**
 * Creates the event WebSocket endpoint. Each socket subscribes to run and sweep events
 * ({@link subscribeHostEvents}) when it opens and unsubscribes when it closes or fails, so listeners
 * never pile up. Each event goes out as one JSON text frame; messages from clients are ignored.
 */
export function createEventSockets(services: HostEventSources): EventSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, clientTracking: true });
  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = subscribeHostEvents(services, (event) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'Client too slow');
        return;
      }
      ws.send(JSON.stringify(event));
    });
    let subscribed = true;
    const drop = (): void => {
      if (!subscribed) return;
      subscribed = false;
      unsubscribe();
    };
    ws.once('close', drop);
    ws.once('error', drop);
    ws.on('error', () => ws.terminate());
  });
  return {
    accept(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    get size() {
      return wss.clients.size;
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
