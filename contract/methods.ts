import { z } from 'zod';
import { DatasetInfo } from './dataset.js';
import { ExperimentSpec } from './experiment.js';
import type { MethodName } from './method-names.js';
import { MetricPoint, RunSummary } from './run.js';

const Empty = z.object({}).strict();
const RunRef = z.object({ runId: z.string().min(1).max(100) }).strict();

/** Facts about the host, shown in the About dialog and used by clients to adapt. */
export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  shell: z.enum(['electron', 'browser', 'cli']),
  dataDir: z.string(),
  dbPath: z.string(),
  /** Backend new runs are expected to use (`tensorflow`, `wasm` or `cpu`); the run records the real one. */
  preferredBackend: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * The contract: one request and one response schema per method. The HTTP routes, the Electron IPC
 * handlers, the preload API and the renderer client are all derived from this map.
 */
export const METHODS = {
  'app/info': { request: Empty, response: AppInfo },
  'datasets/list': { request: Empty, response: z.array(DatasetInfo) },
  'runs/start': { request: z.object({ experiment: ExperimentSpec }).strict(), response: RunSummary },
  'runs/cancel': { request: RunRef, response: RunSummary },
  'runs/list': { request: Empty, response: z.array(RunSummary) },
  'runs/get': { request: RunRef, response: RunSummary },
  'runs/metrics': {
    request: z
      .object({ runId: z.string().min(1).max(100), maxPoints: z.number().int().min(2).max(100000).optional() })
      .strict(),
    response: z.array(MetricPoint),
  },
} as const satisfies Record<MethodName, { request: z.ZodType; response: z.ZodType }>;

export type Methods = typeof METHODS;
/** What a caller passes (defaults may be omitted). */
export type RequestOf<M extends MethodName> = z.input<Methods[M]['request']>;
/** What a handler receives, after parsing. */
export type ParsedRequestOf<M extends MethodName> = z.output<Methods[M]['request']>;
/** What a handler returns and a caller receives. */
export type ResponseOf<M extends MethodName> = z.output<Methods[M]['response']>;

/** The service side: one async function per method. */
export type Handlers = { [M in MethodName]: (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>> };

/** True if `name` is a method of the contract (guards against `__proto__` and friends). */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}
