import { subscribeHostEvents, type HostEventSources } from '../services/host-events.js';
import { EVENTS_IPC_CHANNEL } from '../../contract/index.js';

/** The part of Electron's `WebContents` that event forwarding needs. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/**
 * Forwards every run and sweep event to a window on `initscope:events` until the window's contents are destroyed
 * (then the subscription is dropped, so closed windows leave no listener behind). Returns a function
 * that stops forwarding earlier; calling it twice is harmless.
 */
export function forwardEvents(services: HostEventSources, contents: WebContentsLike): () => void {
  let active = true;
  const unsubscribe = subscribeHostEvents(services, (event) => {
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
