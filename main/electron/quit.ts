/** The part of Electron's `app` that {@link closeOnQuit} needs. */
export interface QuittableApp {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Delays quitting until `close` (the host services' close: cancel runs, stop workers, close the
 * database) has finished, then quits for real. `close` runs once even if quit is requested again.
 */
export function closeOnQuit(app: QuittableApp, close: () => Promise<void>): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('will-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    close()
      .catch((error: unknown) => console.error('InitScope: closing the host failed', error))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}
