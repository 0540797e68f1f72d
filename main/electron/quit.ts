/** What the user chose when quitting with work in progress. */
export type QuitChoice = 'wait' | 'stop' | 'cancel';

/** The part of Electron's `app` that {@link guardQuit} needs. */
export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** What {@link guardQuit} asks of the host and the user. */
export interface QuitGuardOptions {
  /** Runs queued or running in this app (0 when the host is gone). */
  activeWork(): Promise<number>;
  /** Asks what to do with `count` unfinished runs (a native dialog in the app). */
  ask(count: number): Promise<QuitChoice>;
  /**
   * Stops the host without cancelling anything: metrics are flushed, workers stopped and the database
   * closed, so unfinished runs are resumed at next start exactly as after a crash.
   */
  shutdown(): Promise<void>;
  /** Called when the user chose to wait (the app shows a window so progress stays visible). */
  onWait?(): void;
  /** How often to look again while waiting, in ms (default 2000). */
  pollMs?: number;
  log?(message: string): void;
}

/**
 * One quit semantics for every way of quitting (menu, Cmd+Q, last window closed): with no unfinished
 * runs the host shuts down and the app quits; with some, the user chooses to wait (the app quits by
 * itself once no run is queued or running), to stop (the runs stay unfinished and are resumed at next
 * start — the same outcome as a crash, a kill or a Windows logoff, where no quit event is emitted), or
 * to cancel the quit. Quitting again while asking or closing is ignored; quitting again while waiting
 * asks again.
 */
export function guardQuit(app: QuittableApp, options: QuitGuardOptions): void {
  let state: 'open' | 'asking' | 'waiting' | 'closing' | 'closed' = 'open';
  let generation = 0;
  const log = options.log ?? ((message: string) => console.error(message));
  const count = () => options.activeWork().catch(() => 0);

  const close = async (): Promise<void> => {
    state = 'closing';
    await options.shutdown().catch((error: unknown) => log(`InitScope: stopping the host failed: ${error instanceof Error ? error.message : String(error)}`));
    state = 'closed';
    app.quit();
  };

  const waitUntilIdle = async (mine: number): Promise<void> => {
    while (state === 'waiting' && generation === mine) {
      if ((await count()) === 0) {
        if (state === 'waiting' && generation === mine) await close();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
    }
  };

  const onQuit = async (): Promise<void> => {
    const mine = ++generation;
    state = 'asking';
    const active = await count();
    if (active === 0) return close();
    const choice = await options.ask(active).catch((): QuitChoice => 'cancel');
    if (generation !== mine) return;
    if (choice === 'cancel') {
      state = 'open';
    } else if (choice === 'stop') {
      await close();
    } else {
      state = 'waiting';
      options.onWait?.();
      await waitUntilIdle(mine);
    }
  };

  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'asking' || state === 'closing') return;
    void onQuit();
  });
}
