import type { AppInfo, DatasetInfo, Handlers } from '../../contract/index.js';
import type { RunService } from './run-service.js';

/** What the handlers need besides the run service. */
export interface HandlerContext {
  runs: RunService;
  info: AppInfo;
  datasets: () => DatasetInfo[];
}

/** Implements every contract method once; the shells (HTTP, Electron IPC, CLI) only carry them. */
export function createHandlers({ runs, info, datasets }: HandlerContext): Handlers {
  return {
    'app/info': async () => info,
    'datasets/list': async () => datasets(),
    'runs/start': async ({ experiment }) => runs.start(experiment),
    'runs/cancel': async ({ runId }) => runs.cancel(runId),
    'runs/list': async () => runs.list(),
    'runs/get': async ({ runId }) => runs.get(runId),
    'runs/metrics': async ({ runId, maxPoints }) => runs.curve(runId, maxPoints),
  };
}
