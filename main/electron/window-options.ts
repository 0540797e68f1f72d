/** The BrowserWindow `webPreferences` InitScope uses: the renderer gets no Node and no Electron. */
export interface SecureWebPreferences {
  readonly contextIsolation: true;
  readonly sandbox: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly webviewTag: false;
  readonly experimentalFeatures: false;
  readonly navigateOnDragDrop: false;
  /** Absolute path of the bundled preload (`dist/preload/preload.cjs`). */
  readonly preload: string;
}

/** BrowserWindow webPreferences with every isolation switch on; `preload` is the bundled preload file. */
export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    preload,
  };
}

/** A navigation the page asked for; `preventDefault` stops it. */
export interface NavigationEventLike {
  readonly url: string;
  preventDefault(): void;
}

/** The part of Electron's `WebContents` that {@link secureWebContents} hardens. */
export interface SecurableWebContents {
  on(event: 'will-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  readonly session: {
    setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
    setPermissionCheckHandler(handler: () => boolean): void;
  };
}

/** What {@link secureWebContents} needs to know: which URLs are the app, and how to open a link outside. */
export interface SecureContentsOptions {
  isAppUrl(url: string): boolean;
  openExternal(url: string): unknown;
}

/** True for absolute `https:` URLs, the only links handed to the system browser. */
export function isExternalHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Hardens a window's contents: navigation and redirects away from the app page are cancelled, new
 * windows are always denied (https links open in the system browser instead), `<webview>` cannot be
 * attached, and every permission request or check is refused.
 */
export function secureWebContents(contents: SecurableWebContents, options: SecureContentsOptions): void {
  const guard = (event: NavigationEventLike): void => {
    if (!options.isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalHttpsUrl(url)) void Promise.resolve(options.openExternal(url)).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}
