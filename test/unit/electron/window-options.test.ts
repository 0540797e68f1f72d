import { describe, expect, it, vi } from 'vitest';
import { isAppUrl } from '../../../main/electron/app-protocol.js';
import {
  isExternalHttpsUrl,
  secureWebContents,
  secureWebPreferences,
  type NavigationEventLike,
  type SecurableWebContents,
} from '../../../main/electron/window-options.js';

const APP = 'app://initscope/index.html';

describe('secureWebPreferences', () => {
  it('turns every isolation switch on and sets the preload', () => {
    const prefs = secureWebPreferences('/opt/initscope/dist/preload/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/opt/initscope/dist/preload/preload.cjs',
    });
  });
});

function fakeContents() {
  const listeners = new Map<string, (event: NavigationEventLike) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  let requestHandler: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
  let checkHandler: (() => boolean) | undefined;
  const contents: SecurableWebContents = {
    on(event: string, listener: (event: NavigationEventLike) => void) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler: (h) => {
      openHandler = h;
    },
    session: {
      setPermissionRequestHandler: (h) => {
        requestHandler = h;
      },
      setPermissionCheckHandler: (h) => {
        checkHandler = h;
      },
    },
  };
  const navigate = (event: string, url: string): boolean => {
    let prevented = false;
    listeners.get(event)?.({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents, navigate, open: (url: string) => openHandler?.({ url }), requestHandler: () => requestHandler, checkHandler: () => checkHandler };
}

describe('secureWebContents', () => {
  it('cancels navigation and redirects away from the app, allows the app itself', () => {
    const f = fakeContents();
    secureWebContents(f.contents, { isAppUrl: isAppUrl, openExternal: vi.fn() });
    expect(f.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(f.navigate('will-navigate', `${APP}#/compare`)).toBe(false);
    expect(f.navigate('will-attach-webview', 'about:blank')).toBe(true);
  });

  it('denies every new window and opens only https links externally', () => {
    const f = fakeContents();
    const openExternal = vi.fn();
    secureWebContents(f.contents, { isAppUrl: isAppUrl, openExternal });
    expect(f.open('https://arxiv.org/abs/1502.01852')).toEqual({ action: 'deny' });
    expect(f.open('http://example.com/')).toEqual({ action: 'deny' });
    expect(f.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(f.open(APP)).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://arxiv.org/abs/1502.01852']]);
    expect(isExternalHttpsUrl('javascript:alert(1)')).toBe(false);
  });

  it('refuses every permission request and check', () => {
    const f = fakeContents();
    secureWebContents(f.contents, { isAppUrl: () => true, openExternal: vi.fn() });
    const callback = vi.fn();
    f.requestHandler()?.(null, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(f.checkHandler()?.()).toBe(false);
  });
});
