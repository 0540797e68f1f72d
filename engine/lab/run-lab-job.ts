import type { LabJob, LabOutcome } from '../protocol.js';
import type { TF } from '../tf.js';
import { jacobianReport } from './jacobian-report.js';
import { phaseDiagram } from './phase-diagram.js';

/** Computes one lab job in the worker (see protocol.ts LabJob); frees every tensor it creates. */
export async function runLabJob(tf: TF, job: LabJob): Promise<LabOutcome> {
  switch (job.kind) {
    case 'phase':
      return { kind: 'phase', diagram: phaseDiagram(job.request) };
    case 'jacobian':
      return {
        kind: 'jacobian',
        report: await jacobianReport(tf, job.experiment, {
          ...(job.probes !== undefined ? { probes: job.probes } : {}),
          ...(job.trained ? { trained: job.trained } : {}),
          ...(job.trainedMissing ? { trainedMissing: job.trainedMissing } : {}),
          ...(job.dataset ? { source: job.dataset } : {}),
        }),
      };
  }
}
