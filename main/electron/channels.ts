import { EVENT_CHANNEL, type MethodName } from '../../contract/index.js';

/** Prefix of every InitScope IPC channel. Must match `preload/channels.ts` (a test checks both). */
export const IPC_PREFIX = 'initscope:';

/** The IPC channel of one contract method, e.g. `initscope:runs/start`. */
export function ipcChannelOf(method: MethodName): string {
  return `${IPC_PREFIX}${method}`;
}

/** The IPC channel on which the host pushes run events to the window: `initscope:events`. */
export const EVENTS_IPC_CHANNEL = `${IPC_PREFIX}${EVENT_CHANNEL}`;
