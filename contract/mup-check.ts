import type { ExperimentProblem } from './experiment-check.js';
import type { ExperimentSpec } from './experiment.js';
import type { LayerSpec } from './network.js';
import type { OptimizerSpec } from './training.js';

/** Layer types a μP run may hold: dense layers and the parameter-free layers that pass widths through. */
export const MUP_LAYER_TYPES: readonly LayerSpec['type'][] = ['dense', 'flatten', 'reshape', 'dropout', 'activation'];

/** Optimizers μP's learning-rate rules are defined for here, and the mup package's form each follows. */
export const MUP_OPTIMIZER_FORM: Partial<Record<OptimizerSpec['name'], 'adam' | 'sgd'>> = {
  sgd: 'sgd',
  momentum: 'sgd',
  adam: 'adam',
  adamw: 'adam',
};

/**
 * Why an experiment with train.parametrization μP cannot run (empty for a standard run or a valid μP
 * one), every problem on the field `train.parametrization`:
 * - `mupLayer`: a layer other than dense/flatten/reshape/dropout/activation (μP's width rules are
 *   defined here for dense layers only: a conv2d's width is its channels, a batchNorm rescales
 *   activations whatever the init — use the standard parametrization for them);
 * - `mupNoHidden`: fewer than two dense layers (no hidden width to scale);
 * - `mupOptimizer`: an optimizer without a μP form here (adagrad, rmsprop: the mup package offers
 *   MuAdam/MuAdamW and MuSGD only);
 * - `mupLsuv`: together with LSUV, which would rescale the kernels μP initialised.
 */
export function mupProblems(experiment: ExperimentSpec): ExperimentProblem[] {
  const { network, train } = experiment;
  const p = train.parametrization;
  if (!p || p.name !== 'mup') return [];
  const path = 'train.parametrization';
  const problems: ExperimentProblem[] = [];
  const bad = network.layers.findIndex((l) => !MUP_LAYER_TYPES.includes(l.type));
  if (bad >= 0) {
    const type = network.layers[bad]!.type;
    problems.push({
      path,
      code: 'mupLayer',
      params: { n: bad + 1, type },
      message: `μP is defined here for dense networks only (dense, flatten, reshape, dropout and activation layers), but layer ${bad} is ${type}; use the standard parametrization`,
    });
  }
  const dense = network.layers.filter((l) => l.type === 'dense').length;
  if (dense < 2) {
    problems.push({
      path,
      code: 'mupNoHidden',
      params: { dense },
      message: `μP scales hidden widths, but the network has ${dense} dense layer${dense === 1 ? '' : 's'}; it needs at least one hidden dense layer before the output layer`,
    });
  }
  if (!MUP_OPTIMIZER_FORM[train.optimizer.name]) {
    problems.push({
      path,
      code: 'mupOptimizer',
      params: { optimizer: train.optimizer.name },
      message: `μP's learning-rate rules are defined for sgd, momentum, adam and adamw (the mup package's MuSGD and MuAdam), not ${train.optimizer.name}`,
    });
  }
  if (train.lsuv) {
    problems.push({
      path,
      code: 'mupLsuv',
      params: {},
      message: 'μP sets the kernels’ initial scale itself; LSUV would rescale them afterwards — turn one of them off (train.lsuv)',
    });
  }
  return problems;
}
