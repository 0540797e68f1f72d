import { ExperimentSpec, InitScopeError, METHOD_NAMES, type Handlers, type RunEvent, type RunSummary, type SweepEvent } from '../../../contract/index.js';
import type { HostServices } from '../../../main/services/host-services.js';

/** A small valid experiment (defaults filled in by the schema). */
export const EXPERIMENT = ExperimentSpec.parse({
  dataset: { builtin: 'xor' },
  network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
});

/** A schema-valid run summary for `id`. */
export function runSummary(id: string, status: RunSummary['status'] = 'queued'): RunSummary {
  return {
    id,
    name: 'experiment',
    status,
    experiment: EXPERIMENT,
    backend: null,
    tfjsVersion: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    epochsDone: 0,
    metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
    error: null,
    divergedAtStep: null,
    divergedLayer: null,
  };
}

/** Host services for transport tests: canned handlers that record their calls, and a manual event source. */
export interface FakeServices extends HostServices {
  /** Every handler call, in order: method and parsed request. */
  readonly calls: { method: string; request: unknown }[];
  /** Pushes an event to every current listener. */
  emit(event: RunEvent): void;
  /** Number of current event listeners. */
  listenerCount(): number;
  /** Pushes a sweep event to every current sweep-event listener. */
  emitSweep(event: SweepEvent): void;
  /** Number of current sweep-event listeners. */
  sweepListenerCount(): number;
  closed: boolean;
}

/** Builds {@link FakeServices}. `runs/get` knows only run `r1` (others are `not_found`). */
export function createFakeServices(): FakeServices {
  const calls: { method: string; request: unknown }[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  const sweepListeners = new Set<(event: SweepEvent) => void>();
  const record = (method: string, request: unknown): void => {
    calls.push({ method, request });
  };
  /** Canned answers for the methods transport tests use; every other method answers `not_found`. */
  const canned: Partial<Handlers> = {
    'app/info': async () => ({ name: 'InitScope', version: '0.0.0', shell: 'browser', dataDir: '/tmp/x', dbPath: '/tmp/x/db', preferredBackend: 'cpu' }),
    'datasets/list': async () => [],
    'runs/start': async () => runSummary('r1'),
    'runs/cancel': async (request) => runSummary(request.runId, 'cancelled'),
    'runs/list': async () => [runSummary('r1')],
    'runs/get': async (request) => {
      if (request.runId !== 'r1') throw new InitScopeError('not_found', `No run ${request.runId}`);
      return runSummary('r1');
    },
    'runs/metrics': async () => [],
  };
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((method) => [
      method,
      async (request: unknown) => {
        record(method, request);
        const answer = canned[method] as ((r: unknown) => Promise<unknown>) | undefined;
        if (!answer) throw new InitScopeError('not_found', `The fake services do not implement ${method}`);
        return answer(request);
      },
    ]),
  ) as unknown as Handlers;
  const services: FakeServices = {
    handlers,
    calls,
    closed: false,
    onEvent(listener) {
      const wrapped = (event: RunEvent): void => listener(event);
      listeners.add(wrapped);
      return () => {
        listeners.delete(wrapped);
      };
    },
    emit(event) {
      for (const listener of [...listeners]) listener(event);
    },
    listenerCount: () => listeners.size,
    onSweepEvent(listener) {
      const wrapped = (event: SweepEvent): void => listener(event);
      sweepListeners.add(wrapped);
      return () => {
        sweepListeners.delete(wrapped);
      };
    },
    emitSweep(event) {
      for (const listener of [...sweepListeners]) listener(event);
    },
    sweepListenerCount: () => sweepListeners.size,
    async close() {
      services.closed = true;
    },
  };
  return services;
}

/** A schema-valid `failed` event for `runId`. */
export function failedEvent(runId = 'r1'): RunEvent {
  return { type: 'failed', runId, error: 'boom' };
}

/** A schema-valid `sweepProgress` event for `sweepId`: `done` of 4 runs ended, one of them failed. */
export function sweepProgressEvent(sweepId = 's1', done = 2): SweepEvent {
  const counts = { queued: 4 - done, running: 0, completed: done - 1, cancelled: 0, failed: 1, diverged: 0, interrupted: 0 };
  return {
    type: 'sweepProgress',
    sweepId,
    progress: { sweepId, status: 'running', total: 4, done, failures: 1, counts, etaSeconds: 12.5 },
  };
}
