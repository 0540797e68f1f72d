import { EVENT_CHANNEL, type MethodName } from '../contract/method-names.js';

/**
 * IPC channel names, as in `main/electron/channels.ts` (the preload is a separate bundle and cannot
 * import the host's files; a unit test checks that both agree).
 */
export const IPC_PREFIX = 'initscope:';

/** The IPC channel of one contract method, e.g. `initscope:runs/start`. */
export function ipcChannelOf(method: MethodName): string {
  return `${IPC_PREFIX}${method}`;
}

/** The IPC channel on which the host pushes run events: `initscope:events`. */
export const EVENTS_IPC_CHANNEL = `${IPC_PREFIX}${EVENT_CHANNEL}`;
