import { DEFAULT_JACOBIAN_PROBES, type ExperimentSpec, type JacobianReport } from '../../contract/index.js';
import { gatherRows } from '../batches.js';
import { loadDataset, type DatasetSource } from '../datasets/index.js';
import { datasetSplit } from '../datasets/split.js';
import { planMup } from '../mup-plan.js';
import { assignModelWeights, type NamedWeight } from '../export/weights.js';
import { buildModel } from '../model.js';
import type { TF } from '../tf.js';
import { jacobianStage } from './jacobian.js';
import { applyDataInit } from './data-init.js';
import { applyLsuv } from './lsuv.js';

/** What a Jacobian report needs beyond the experiment. */
export interface JacobianReportOptions {
  /** Number of probe inputs (the first samples of the training split, as the init preview takes them). */
  probes?: number;
  /** A finished run's stored weights: adds the `trained` stage. */
  trained?: readonly NamedWeight[];
  /** Why a run has no trained stage (copied to the report). */
  trainedMissing?: string;
  /** Where an imported dataset's stored file is. */
  source?: DatasetSource;
  /** Largest layer output analysed (default MAX_JACOBIAN_DIM). */
  maxDim?: number;
}

/**
 * Input–output Jacobian spectra of the experiment's network at initialisation (built with train.seed,
 * then LSUV when train.lsuv is set, the per-unit data init when train.dataInit is: a run's own initial weights) and, with `trained`, with a finished run's weights, at the same probe
 * inputs. Frees every tensor and model it creates.
 */
export async function jacobianReport(tf: TF, experiment: ExperimentSpec, options: JacobianReportOptions = {}): Promise<JacobianReport> {
  const data = loadDataset(experiment.dataset, options.source);
  const split = datasetSplit(experiment.dataset, data, experiment.train.validationSplit);
  const p = Math.min(options.probes ?? DEFAULT_JACOBIAN_PROBES, split.train.length);
  if (p < 1) throw new Error('Jacobian spectrum: the training split is empty');
  const rowSize = data.inputShape.reduce((a, b) => a * b, 1);
  const probes = gatherRows(data.x, rowSize, split.train, 0, p);
  // A μP run (train.parametrization) started from μP's kernels and computes its readout scaled: so do both stages.
  const mup = planMup(experiment.network, experiment.train.parametrization, experiment.train.optimizer.name);
  const model = buildModel(tf, mup?.network ?? experiment.network, {
    seed: experiment.train.seed,
    target: { loss: experiment.train.loss, numClasses: data.numClasses, inputShape: data.inputShape },
    ...(mup ? { readout: mup.readout } : {}),
  });
  try {
    // A run with LSUV started from the rescaled weights: so does its init stage (same batch as train.ts).
    const lsuv = experiment.train.lsuv;
    if (lsuv)
      await applyLsuv(tf, model, gatherRows(data.x, rowSize, split.train, 0, Math.min(lsuv.batchSize, split.train.length)), lsuv, experiment.train.seed);
    const dataInit = experiment.train.dataInit;
    if (dataInit) await applyDataInit(tf, model, gatherRows(data.x, rowSize, split.train, 0, Math.min(dataInit.batchSize, split.train.length)), dataInit);
    const stages = [await jacobianStage(tf, model, probes, 'init', options.maxDim)];
    if (options.trained) {
      assignModelWeights(tf, model, options.trained);
      stages.push(await jacobianStage(tf, model, probes, 'trained', options.maxDim));
    }
    return { probes: p, inputDim: rowSize, stages, ...(options.trainedMissing ? { trainedMissing: options.trainedMissing } : {}) };
  } finally {
    model.dispose();
  }
}
