/** The part of Electron's `app` whose re-launch events {@link handleRelaunch} listens to. */
export interface RelaunchingApp {
  on(event: 'second-instance' | 'activate', listener: () => void): unknown;
}

/** The windows as the re-launch handling sees them. */
export interface WindowsLike {
  /** The first open window, if any. */
  first(): { isMinimized(): boolean; restore(): void; show(): void; focus(): void } | undefined;
  /** Opens a new app window (only called once the host is up). */
  open(): void;
}

/**
 * Handles a second launch (`second-instance`, every OS) and the macOS dock re-open (`activate`) at any
 * moment, including while the host is still starting: an existing window is restored and focused; with
 * no window, one is opened — at once when the host is up, else as soon as {@link hostReady} is called.
 * Register it right after taking the single-instance lock, before anything slow.
 */
export function handleRelaunch(app: RelaunchingApp, windows: WindowsLike): { hostReady(): void; reveal(): void } {
  let ready = false;
  let pending = false;
  const reveal = (): void => {
    const win = windows.first();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    } else if (ready) {
      windows.open();
    } else {
      pending = true;
    }
  };
  app.on('second-instance', reveal);
  app.on('activate', reveal);
  return {
    reveal,
    hostReady() {
      if (ready) return;
      ready = true;
      if (pending || !windows.first()) windows.open();
      pending = false;
    },
  };
}
