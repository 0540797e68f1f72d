import { BoundaryEvent } from './boundary.js';
import { DatasetImportEvent } from './dataset.js';
import { InitScopeError } from './errors.js';
import { METHODS, type RequestOf, type ResponseOf } from './methods.js';
import type { MethodName } from './method-names.js';
import { RunEvent } from './run.js';
import { SweepEvent } from './sweep.js';
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
  /** Listens to run events (validated); returns an unsubscribe function. Sweep events are not passed here. */
  onEvent(listener: (event: RunEvent) => void): () => void;
  /** Listens to sweep events (`sweepStarted`, `sweepProgress`, `sweepFinished`; validated); returns an unsubscribe function. */
  onSweepEvent(listener: (event: SweepEvent) => void): () => void;
  /** Listens to dataset import progress (`datasetImportProgress`; validated); returns an unsubscribe function. */
  onImportEvent(listener: (event: DatasetImportEvent) => void): () => void;
  /** Listens to decision-boundary pictures of running runs (`boundary`; validated); returns an unsubscribe function. */
  onBoundaryEvent(listener: (event: BoundaryEvent) => void): () => void;
}

/**
 * Builds the typed client over a transport. Requests are validated before sending (so a bad form is
 * reported without a round trip) and responses/events are parsed on receipt. The event listeners share
 * the transport's one channel (a `HostEvent`, see host-event.ts); each passes on only the frames of its own union.
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
    onSweepEvent(listener) {
      return transport.subscribe((raw) => {
        const parsed = SweepEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
    onImportEvent(listener) {
      return transport.subscribe((raw) => {
        const parsed = DatasetImportEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
    onBoundaryEvent(listener) {
      return transport.subscribe((raw) => {
        const parsed = BoundaryEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
  };
}

export { InitScopeError };
