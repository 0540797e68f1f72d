import { analyzeSweep, type Handlers, type SweepMethodName } from '../../contract/index.js';
import type { SweepExporter } from '../export/sweep-export.js';
import type { SweepService } from './sweep-service.js';

/** The `sweeps/*` methods of the contract, over the sweep service and the sweep CSV exporter. */
export function sweepHandlers(sweeps: SweepService, exportSweep: SweepExporter): Pick<Handlers, SweepMethodName> {
  return {
    'sweeps/plan': async ({ sweep }) => sweeps.plan(sweep),
    'sweeps/start': async ({ sweep }) => sweeps.start(sweep),
    'sweeps/list': async () => sweeps.list(),
    'sweeps/get': async ({ sweepId }) => sweeps.get(sweepId),
    'sweeps/cancel': async ({ sweepId }) => sweeps.cancel(sweepId),
    'sweeps/resume': async ({ sweepId }) => sweeps.resume(sweepId),
    'sweeps/summary': async (request) => sweeps.summary(request),
    // No output path from clients: the CSV always goes to a new file under <dataDir>/exports/sweeps/.
    'sweeps/export': async ({ sweepId }) => exportSweep(sweepId),
    // Plain arithmetic over the stored final metrics (no tensors): computed here, not in an engine worker.
    'sweeps/analysis': async ({ sweepId, metric }) => analyzeSweep(sweeps.get(sweepId), metric),
  };
}
