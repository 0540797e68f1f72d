import { InitScopeError } from './errors.js';
import { METHODS, type RequestOf, type ResponseOf } from './methods.js';
import type { MethodName } from './method-names.js';
import { RunEvent } from './run.js';
import { parseOrThrow } from './validation.js';

/** A way to reach the host: HTTP+WebSocket in browser mode, the preload bridge in Electron. */
export interface Transport {
  /** Sends one request; resolves with the raw response or rejects with an {@link InitScopeError}. */
  invoke(method: MethodName, payload: unknown): Promise<unknown>;
  /** Registers a raw event listener; returns a function that removes it. */
  subscribe(listener: (raw: unknown) => void): () => void;
}

/** The typed client every UI uses, whatever transport carries it. */
export interface InitScopeClient {
  call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  /** Listens to run events (validated); returns an unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void;
}

/**
 * Builds the typed client over a transport. Requests are validated before sending (so a bad form is
 * reported without a round trip) and responses/events are parsed on receipt.
 */
export function createClient(transport: Transport): InitScopeClient {
  return {
    async call(method, request) {
      const schema = METHODS[method];
      const payload = parseOrThrow(schema.request, request, `${method} request`);
      const raw = await transport.invoke(method, payload);
      return parseOrThrow(schema.response, raw, `${method} response`) as ResponseOf<typeof method>;
    },
    onEvent(listener) {
      return transport.subscribe((raw) => {
        const parsed = RunEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
  };
}

export { InitScopeError };
