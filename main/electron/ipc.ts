import { METHOD_NAMES, type WireResult } from '../../contract/index.js';
import { dispatch } from '../services/dispatch.js';
import type { HostServices } from '../services/host-services.js';
import { ipcChannelOf } from '../../contract/index.js';

/** What an IPC invoke handler learns about its caller: the frame that sent the message. */
export interface IpcInvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's `ipcMain` the handlers need (so they are tested in plain Node). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/**
 * Registers one `ipcMain.handle` per contract method on `initscope:<method>` (derived from
 * METHOD_NAMES, nothing else). Each handler refuses senders whose frame URL is not trusted with an
 * `unauthorized` WireResult (the service is not called), and otherwise returns
 * `dispatch(services.handlers, method, payload)`, which parses the payload and never throws.
 * Returns a function that removes every handler it registered.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  services: Pick<HostServices, 'handlers'>,
  isTrustedSender: (url: string) => boolean,
): () => void {
  const channels: string[] = [];
  for (const method of METHOD_NAMES) {
    const channel = ipcChannelOf(method);
    ipcMain.handle(channel, async (event, payload): Promise<WireResult> => {
      const url = event.senderFrame?.url;
      if (url === undefined || !isTrustedSender(url)) {
        return { ok: false, error: { code: 'unauthorized', message: 'IPC call from an untrusted frame' } };
      }
      return dispatch(services.handlers, method, payload);
    });
    channels.push(channel);
  }
  return () => {
    for (const channel of channels.splice(0)) ipcMain.removeHandler(channel);
  };
}
