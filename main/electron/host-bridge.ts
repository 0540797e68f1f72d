import type { HostEvent, MethodName, WireResult } from '../../contract/index.js';
import { HostToMain, type MainToHost } from './host-protocol.js';
import type { HostInit } from './host-server.js';

/** The part of Electron's `UtilityProcess` the bridge uses (structural, so it is tested in plain Node). */
export interface HostProcessLike {
  postMessage(message: MainToHost): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

const HOST_GONE: WireResult = { ok: false, error: { code: 'internal', message: 'The InitScope host process has stopped; restart the app.' } };

/**
 * Electron main's handle on the host utility process: the main process keeps only windows, dialogs
 * and this bridge, so no SQL, sweep summary or file decoding ever runs on it. Calls are matched to
 * answers by id; once the host process exits, pending and later calls answer an `internal` error
 * instead of hanging.
 */
export class HostBridge {
  private nextId = 1;
  private readonly pending = new Map<number, (message: HostToMain) => void>();
  private readonly eventListeners = new Set<(event: HostEvent) => void>();
  private readonly startWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private exited: number | null = null;

  constructor(
    private readonly child: HostProcessLike,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {
    child.on('message', (raw) => this.receive(raw));
    child.on('exit', (code) => {
      this.exited = code;
      for (const waiter of this.startWaiters.splice(0)) waiter.reject(new Error(`the host process exited with code ${code} while starting`));
      for (const answer of [...this.pending.values()]) answer({ type: 'closed', id: -1 });
      this.pending.clear();
    });
  }

  /** Sends `init` and resolves once the host has opened the store and started its pool; rejects with the host's reason. */
  start(init: HostInit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.exited !== null) return reject(new Error(`the host process exited with code ${this.exited}`));
      this.startWaiters.push({ resolve, reject });
      this.child.postMessage({ type: 'init', dataDir: init.dataDir, ...(init.nativeBinding ? { nativeBinding: init.nativeBinding } : {}) });
    });
  }

  /** Runs one contract method in the host; never throws. */
  async call(method: MethodName, payload: unknown): Promise<WireResult> {
    const answer = await this.request({ type: 'call', id: 0, method, payload });
    return answer?.type === 'result' ? (answer.result as WireResult) : HOST_GONE;
  }

  /** Runs queued or running in the host (0 once it has stopped). */
  async activeWork(): Promise<number> {
    const answer = await this.request({ type: 'activeWork', id: 0 });
    return answer?.type === 'activeWork' ? answer.count : 0;
  }

  /**
   * Registers a path the user chose in the native dialog with the host's source registry and resolves
   * to its opaque handle (what the renderer gets instead of the path). Rejects once the host has stopped.
   */
  async registerSource(path: string): Promise<string> {
    const answer = await this.request({ type: 'registerSource', id: 0, path });
    if (answer?.type !== 'sourceRegistered') throw new Error('The InitScope host process has stopped; restart the app.');
    return answer.source;
  }

  /**
   * Has the host write exported files (by sha256; several as one zip named `zipName`) to `path`, a
   * path the user chose in the native save dialog. Rejects with the host's reason, or once it has stopped.
   */
  async saveExport(request: { sha256s: string[]; zipName: string | null; path: string }): Promise<void> {
    const answer = await this.request({ type: 'saveExport', id: 0, ...request });
    if (answer?.type !== 'exportSaved') throw new Error('The InitScope host process has stopped; restart the app.');
    if (answer.error !== null) throw new Error(answer.error);
  }

  /**
   * Stops the host leaving unfinished runs to the next start; resolves when it has closed the store
   * (or exited). Kills it if it has not answered within `timeoutMs`.
   */
  async shutdown(timeoutMs = 15_000): Promise<void> {
    if (this.exited !== null) return;
    const timer = setTimeout(() => {
      this.log(`InitScope: the host did not stop within ${timeoutMs} ms; killing it (its runs resume at next start)`);
      this.child.kill();
    }, timeoutMs);
    await this.request({ type: 'shutdown', id: 0 });
    clearTimeout(timer);
  }

  /** Subscribes to every host event (runs, sweeps, imports); returns an unsubscribe function. */
  onEvent(listener: (event: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private request(message: Extract<MainToHost, { id: number }>): Promise<HostToMain | null> {
    if (this.exited !== null) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (answer) => resolve(answer.type === 'closed' && answer.id === -1 && message.type !== 'shutdown' ? null : answer));
      this.child.postMessage({ ...message, id });
    });
  }

  private receive(raw: unknown): void {
    const parsed = HostToMain.safeParse(raw);
    if (!parsed.success) {
      this.log('InitScope: dropped a malformed message from the host process');
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      for (const waiter of this.startWaiters.splice(0)) waiter.resolve();
    } else if (message.type === 'startFailed') {
      for (const waiter of this.startWaiters.splice(0)) waiter.reject(new Error(message.message));
    } else if (message.type === 'event') {
      for (const listener of this.eventListeners) listener(message.event as HostEvent);
    } else {
      const answer = this.pending.get(message.id);
      this.pending.delete(message.id);
      answer?.(message);
    }
  }
}
