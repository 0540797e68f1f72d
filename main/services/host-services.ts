import type { Handlers, RunEvent } from '../../contract/index.js';

/** Which shell hosts the services; recorded in `app/info`. */
export type ShellKind = 'electron' | 'browser' | 'cli';

/** Everything a shell needs from the host: the method handlers and the run-event stream. */
export interface HostServices {
  readonly handlers: Handlers;
  /** Subscribes to every run event; returns an unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** Cancels running work, stops worker processes and closes the database. */
  close(): Promise<void>;
}
