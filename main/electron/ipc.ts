import { METHOD_NAMES, type MethodName, type WireResult } from '../../contract/index.js';
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
 * Carries one contract call to the host and answers its WireResult; never throws. In the desktop app
 * this posts the call to the host utility process (see host-bridge.ts); tests pass
 * `(m, p) => dispatch(handlers, m, p)`.
 */
export type HostCall = (method: MethodName, payload: unknown) => Promise<WireResult>;

/**
 * Registers one `ipcMain.handle` per contract method on `initscope:<method>` (derived from
 * METHOD_NAMES, nothing else). Each handler refuses senders whose frame URL is not trusted with an
 * `unauthorized` WireResult (the host is not called), and otherwise returns `call(method, payload)`
 * (the host parses the payload with the method's schema). Returns a function that removes every
 * handler it registered.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, call: HostCall, isTrustedSender: (url: string) => boolean): () => void {
  const channels: string[] = [];
  for (const method of METHOD_NAMES) {
    const channel = ipcChannelOf(method);
    ipcMain.handle(channel, async (event, payload): Promise<WireResult> => {
      const url = event.senderFrame?.url;
      if (url === undefined || !isTrustedSender(url)) {
        return { ok: false, error: { code: 'unauthorized', message: 'IPC call from an untrusted frame' } };
      }
      return call(method, payload);
    });
    channels.push(channel);
  }
  return () => {
    for (const channel of channels.splice(0)) ipcMain.removeHandler(channel);
  };
}
