import { shallowRef } from 'vue';
import type { MethodName } from '../../../contract/index.js';
import type { ConnectionState, HostTransport } from '../../../renderer/src/transport/index.js';

/** How the fake host answers one method (it may return a promise the test settles). */
export type Answer = (payload: unknown) => unknown;

/**
 * A transport that answers from a table (which the test may change later) and lets the test push raw
 * events and (re)connects; it records every call.
 */
export function fakeTransport(answers: Partial<Record<MethodName, Answer>>) {
  const eventListeners = new Set<(raw: unknown) => void>();
  const connectedListeners = new Set<() => void>();
  const calls: Array<{ method: MethodName; payload: unknown }> = [];
  const transport: HostTransport = {
    kind: 'browser',
    connection: shallowRef<ConnectionState>('online'),
    async invoke(method, payload) {
      calls.push({ method, payload });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected call ${method}`);
      return answer(payload);
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnected(listener) {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    close() {},
  };
  return {
    transport,
    answers,
    calls,
    emit: (raw: unknown) => eventListeners.forEach((l) => l(raw)),
    reconnect: () => connectedListeners.forEach((l) => l()),
    listenerCount: () => eventListeners.size,
  };
}
