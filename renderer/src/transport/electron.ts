import { shallowRef } from 'vue';
import { InitScopeError, type BridgeApi, type MethodName } from '../../../contract/index.js';
import type { ConnectionState, HostTransport } from './types.js';
import { unwrapWireResult } from './wire-result.js';

/**
 * Electron: calls go through the preload bridge (`window[BRIDGE_KEY]`), one function per method, and
 * replies are {@link WireResult}s. IPC does not drop, so the channel is always `online`.
 */
export function createElectronTransport(bridge: BridgeApi): HostTransport {
  const connection = shallowRef<ConnectionState>('online');
  return {
    kind: 'electron',
    connection,
    async invoke(method: MethodName, payload: unknown): Promise<unknown> {
      const call = bridge.invoke[method];
      if (typeof call !== 'function') throw new InitScopeError('unknown_method', `The preload bridge has no method ${method}`);
      return unwrapWireResult(await call(payload), method);
    },
    subscribe(listener) {
      return bridge.onEvent(listener);
    },
    onConnected(listener) {
      queueMicrotask(listener); // the channel is open from the start
      return () => {};
    },
    close() {},
  };
}
