import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WireResult } from '../../../contract/index.js';
import { contentSecurityPolicy } from '../../../main/http/csp.js';
import { APP_ENTRY_URL, createAppProtocolHandler, isAppUrl, resolveAppFile } from '../../../main/electron/app-protocol.js';
import { registerIpcHandlers } from '../../../main/electron/ipc.js';
import { dispatch } from '../../../main/services/dispatch.js';
import { createFakeServices } from '../http/fake-services.js';
import { FakeIpcMain } from './fake-ipc.js';

/** Where electron-builder's targets put the renderer, per OS (per-user installs carry the user name). */
const INSTALLS = [
  { os: 'Windows (per-user NSIS)', pathApi: path.win32, dir: 'C:\\Users\\Zoë Smith\\AppData\\Local\\Programs\\InitScope\\resources\\app.asar\\dist\\renderer' },
  { os: 'Windows (other drive, odd case)', pathApi: path.win32, dir: 'd:\\Program Files\\InitScope 100%\\resources\\app.asar\\dist\\renderer' },
  { os: 'macOS (dmg, dragged to /Applications)', pathApi: path.posix, dir: '/Applications/InitScope.app/Contents/Resources/app.asar/dist/renderer' },
  { os: 'Linux (deb)', pathApi: path.posix, dir: '/opt/InitScope/resources/app.asar/dist/renderer' },
  { os: 'Linux (AppImage mount)', pathApi: path.posix, dir: '/tmp/.mount_InitScA1b2C3/resources/app.asar/dist/renderer' },
];

describe('isAppUrl (the IPC sender and navigation check)', () => {
  it("accepts the app's own origin with any path, query or fragment", () => {
    for (const url of [APP_ENTRY_URL, `${APP_ENTRY_URL}#/runs/r1`, 'app://initscope/index.html?x=1', 'APP://INITSCOPE/index.html', 'app://initscope/']) {
      expect(isAppUrl(url), url).toBe(true);
    }
  });

  it('refuses other origins, file:// pages (whatever the install path) and look-alikes', () => {
    for (const url of [
      'file:///C:/Users/Zo%C3%AB%20Smith/AppData/Local/Programs/InitScope/resources/app.asar/dist/renderer/index.html',
      'file:///Applications/InitScope.app/Contents/Resources/app.asar/dist/renderer/index.html',
      'app://evil/index.html',
      'app://initscope.evil.example/index.html',
      'app://user@initscope/index.html',
      'app://initscope:8080/index.html',
      'https://initscope/index.html',
      'http://127.0.0.1:5780/index.html',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('registerIpcHandlers with the app origin', () => {
  it('serves the app page whatever the install path, and refuses the old file:// senders', async () => {
    const ipc = new FakeIpcMain();
    const services = createFakeServices();
    registerIpcHandlers(ipc, (method, payload) => dispatch(services.handlers, method, payload), isAppUrl);
    const ok = (await ipc.invoke('initscope:runs/list', `${APP_ENTRY_URL}#/compare`, {})) as WireResult;
    expect(ok.ok).toBe(true);
    for (const install of INSTALLS) {
      const fileUrl = `file:///${install.dir.replaceAll('\\', '/')}/index.html`;
      const refused = (await ipc.invoke('initscope:runs/list', fileUrl, {})) as WireResult;
      expect(refused, install.os).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });
});

describe('resolveAppFile', () => {
  it.each(INSTALLS)('maps app:// paths into the renderer folder on $os', ({ pathApi, dir }) => {
    expect(resolveAppFile(APP_ENTRY_URL, dir, pathApi)).toBe(pathApi.join(dir, 'index.html'));
    expect(resolveAppFile('app://initscope/', dir, pathApi)).toBe(pathApi.join(dir, 'index.html'));
    expect(resolveAppFile('app://initscope/assets/index-3f2a.js?v=1#x', dir, pathApi)).toBe(pathApi.join(dir, 'assets', 'index-3f2a.js'));
    expect(resolveAppFile('app://initscope/assets/na%C3%AFve%20name.css', dir, pathApi)).toBe(pathApi.join(dir, 'assets', 'naïve name.css'));
  });

  it.each(INSTALLS)('refuses anything outside the renderer folder on $os', ({ pathApi, dir }) => {
    for (const url of [
      'app://initscope/../../main/electron/main.js',
      'app://initscope/%2e%2e/%2e%2e/package.json',
      'app://initscope/assets/..%2F..%2F..%2Fpackage.json',
      'app://initscope/assets/..%5C..%5Cpackage.json',
      'app://initscope/C:%5CWindows%5Cwin.ini',
      'app://initscope/C:/Windows/win.ini',
      'app://initscope/%2Fetc%2Fpasswd',
      'app://initscope/index.html%00.js',
      'app://initscope/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      const file = resolveAppFile(url, dir, pathApi);
      if (file !== null) expect(pathApi.relative(dir, file).startsWith('..'), `${url} -> ${file}`).toBe(false);
    }
    expect(resolveAppFile('app://initscope/../../package.json', dir, pathApi)).toBe(pathApi.join(dir, 'package.json')); // URL parsing collapses ..
    expect(resolveAppFile('app://initscope/%2e%2e/%2e%2e/package.json', dir, pathApi)).toBe(pathApi.join(dir, 'package.json')); // so does %2e
    expect(resolveAppFile('app://initscope/assets/..%2F..%2F..%2Fpackage.json', dir, pathApi)).toBeNull(); // an encoded / is decoded after parsing
    expect(resolveAppFile('app://initscope/C:%5CWindows%5Cwin.ini', dir, pathApi)).toBeNull();
    expect(resolveAppFile('app://initscope/%E0%A4%A', dir, pathApi)).toBeNull();
  });
});

describe('createAppProtocolHandler', () => {
  const files = new Map<string, string>([
    [path.posix.join('/opt/InitScope/r', 'index.html'), '<!doctype html><title>InitScope</title>'],
    [path.posix.join('/opt/InitScope/r', 'assets', 'a.js'), 'console.log(1)'],
  ]);
  const csp = contentSecurityPolicy();
  const handler = createAppProtocolHandler({
    rendererDir: '/opt/InitScope/r',
    pathApi: path.posix,
    contentSecurityPolicy: csp,
    readFile: async (file) => {
      const text = files.get(file);
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return new TextEncoder().encode(text);
    },
  });

  it('answers files with their type and the CSP as a response header', async () => {
    const page = await handler({ url: APP_ENTRY_URL });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>InitScope</title>');
    const script = await handler({ url: 'app://initscope/assets/a.js' });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('answers 404 (with the CSP) for missing or outside files, 405 for writes', async () => {
    for (const url of ['app://initscope/missing.js', 'app://initscope/..%2F..%2Fsecret', 'app://other/index.html']) {
      const res = await handler({ url });
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-security-policy')).toBe(csp);
    }
    expect((await handler({ url: APP_ENTRY_URL, method: 'POST' })).status).toBe(405);
    const head = await handler({ url: APP_ENTRY_URL, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
