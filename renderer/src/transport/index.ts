import { BRIDGE_KEY, type BridgeApi } from '../../../contract/index.js';
import { createBrowserTransport } from './browser.js';
import { createElectronTransport } from './electron.js';
import type { HostTransport } from './types.js';

export type { ConnectionState, HostTransport } from './types.js';
export { createBrowserTransport, UNREACHABLE } from './browser.js';
export { createElectronTransport } from './electron.js';

/** The preload bridge if this page runs inside the InitScope Electron shell. */
export function findBridge(win: object = window): BridgeApi | null {
  const bridge = (win as Record<string, unknown>)[BRIDGE_KEY];
  if (bridge && typeof bridge === 'object' && 'invoke' in bridge && 'onEvent' in bridge) return bridge as BridgeApi;
  return null;
}

/** Electron when the preload bridge exists, else browser mode (HTTP + WebSocket to the page's origin). */
export function pickTransport(win: object = window): HostTransport {
  const bridge = findBridge(win);
  return bridge ? createElectronTransport(bridge) : createBrowserTransport();
}
