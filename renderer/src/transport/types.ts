import type { Ref } from 'vue';
import type { Transport } from '../../../contract/index.js';

/**
 * State of the live event channel, shown in the header.
 * `connecting`: first attempt under way; `online`: events flow; `offline`: dropped, a retry is scheduled.
 */
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** A contract {@link Transport} plus what the renderer needs to show and recover the live channel. */
export interface HostTransport extends Transport {
  readonly kind: 'browser' | 'electron';
  /** Reactive state of the event channel. */
  readonly connection: Readonly<Ref<ConnectionState>>;
  /**
   * Calls `listener` each time the event channel (re)opens, so state missed while it was down can be
   * read again. Returns a function that removes the listener.
   */
  onConnected(listener: () => void): () => void;
  /** Closes the event channel for good (tests, page teardown). */
  close(): void;
}
