import type { HostEvent } from '../../contract/index.js';
import { EVENTS_IPC_CHANNEL } from '../../contract/index.js';

/** The part of Electron's `WebContents` that event forwarding needs. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** Subscribes a listener to every host event and returns an unsubscribe function (e.g. `HostBridge.onEvent`). */
export type SubscribeHostEvents = (listener: (event: HostEvent) => void) => () => void;

/**
 * Forwards every host event (runs, sweeps, imports) to a window on `initscope:events` until the window's contents are destroyed
 * (then the subscription is dropped, so closed windows leave no listener behind). Returns a function
 * that stops forwarding earlier; calling it twice is harmless.
 */
export function forwardEvents(subscribe: SubscribeHostEvents, contents: WebContentsLike): () => void {
  let active = true;
  const unsubscribe = subscribe((event) => {
    if (!contents.isDestroyed()) contents.send(EVENTS_IPC_CHANNEL, event);
  });
  const stop = (): void => {
    if (!active) return;
    active = false;
    unsubscribe();
  };
  contents.once('destroyed', stop);
  return stop;
}
