import type { IpcInvokeEventLike, IpcMainLike } from '../../../main/electron/ipc.js';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** An in-memory `ipcMain`: records handlers by channel and lets a test invoke them as a given frame. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** Calls the handler of `channel` as if sent by a frame at `url` (null: no frame). */
  invoke(channel: string, url: string | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener({ senderFrame: url === null ? null : { url } }, ...args);
  }
}
