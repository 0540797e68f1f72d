import type { JacobianReport, ParsedRequestOf, PhaseDiagram } from '../../contract/index.js';
import type { NamedWeight } from '../../engine/index.js';
import type { EnginePool } from './engine-pool.js';
import type { RunService } from './run-service.js';

/** What the lab needs from the host. */
export interface LabDeps {
  pool: Pick<EnginePool, 'lab'>;
  runs: Pick<RunService, 'get' | 'datasetSourceOf'>;
  /** A run's stored trained weights, or null when it has none. */
  loadWeights: (runId: string) => NamedWeight[] | null;
}

/**
 * The signal-propagation lab's methods ('lab/phase', 'lab/jacobian'): each is computed in an engine
 * worker; this side only resolves runs, datasets and stored weights.
 */
export class LabService {
  constructor(private readonly deps: LabDeps) {}

  /** Order–chaos phase diagram (engine/lab/phase-diagram.ts). */
  async phase(request: ParsedRequestOf<'lab/phase'>): Promise<PhaseDiagram> {
    const outcome = await this.deps.pool.lab({ kind: 'phase', request });
    if (outcome.kind !== 'phase') throw new Error('unexpected lab result');
    return outcome.diagram;
  }

  /**
   * Jacobian spectra of an experiment's untrained network, or of a run's: at init (its own seed) and,
   * when its trained weights are stored, trained.
   * @throws not_found for an unknown run, invalid_input for an experiment that cannot run on its dataset
   */
  async jacobian(request: ParsedRequestOf<'lab/jacobian'>): Promise<JacobianReport> {
    let experiment = request.experiment;
    let trained: NamedWeight[] | null = null;
    let trainedMissing: string | undefined;
    if (request.runId !== undefined) {
      const run = this.deps.runs.get(request.runId);
      experiment = run.experiment;
      trained = this.deps.loadWeights(run.id);
      if (!trained) trainedMissing = `run ${run.id} (${run.status}) has no stored trained weights`;
    }
    const dataset = this.deps.runs.datasetSourceOf(experiment!);
    const outcome = await this.deps.pool.lab({
      kind: 'jacobian',
      experiment: experiment!,
      ...(request.probes !== undefined ? { probes: request.probes } : {}),
      ...(trained ? { trained } : {}),
      ...(trainedMissing ? { trainedMissing } : {}),
      ...(dataset ? { dataset } : {}),
    });
    if (outcome.kind !== 'jacobian') throw new Error('unexpected lab result');
    return outcome.report;
  }
}
