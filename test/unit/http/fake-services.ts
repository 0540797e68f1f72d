import {
  ExperimentSpec,
  InitScopeError,
  type Handlers,
  type RunEvent,
  type RunSummary,
} from '../../../contract/index.js';
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
  closed: boolean;
}

/** Builds {@link FakeServices}. `runs/get` knows only run `r1` (others are `not_found`). */
export function createFakeServices(): FakeServices {
  const calls: { method: string; request: unknown }[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  const record = (method: string, request: unknown): void => {
    calls.push({ method, request });
  };
  const handlers: Handlers = {
    'app/info': async (request) => {
      record('app/info', request);
      return { name: 'InitScope', version: '0.0.0', shell: 'browser', dataDir: '/tmp/x', dbPath: '/tmp/x/db', preferredBackend: 'cpu' };
    },
    'datasets/list': async (request) => {
      record('datasets/list', request);
      return [];
    },
    'runs/start': async (request) => {
      record('runs/start', request);
      return runSummary('r1');
    },
    'runs/cancel': async (request) => {
      record('runs/cancel', request);
      return runSummary(request.runId, 'cancelled');
    },
    'runs/list': async (request) => {
      record('runs/list', request);
      return [runSummary('r1')];
    },
    'runs/get': async (request) => {
      record('runs/get', request);
      if (request.runId !== 'r1') throw new InitScopeError('not_found', `No run ${request.runId}`);
      return runSummary('r1');
    },
    'runs/metrics': async (request) => {
      record('runs/metrics', request);
      return [];
    },
  };
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
