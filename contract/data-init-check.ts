import type { ExperimentProblem } from './experiment-check.js';
import type { ExperimentSpec } from './experiment.js';

/**
 * Why an experiment's per-unit data-dependent init (train.dataInit) cannot run as asked (empty when it is
 * off or alone), every problem on the field `train.dataInit`:
 * - `dataInitLsuv`: together with LSUV (train.lsuv), which would rescale the same kernels a second time
 *   from a different target (one variance per layer instead of one per unit);
 * - `dataInitMup`: together with μP (train.parametrization mup), whose width-dependent initial scales
 *   the per-unit rescaling would undo.
 */
export function dataInitProblems(experiment: ExperimentSpec): ExperimentProblem[] {
  const { train } = experiment;
  if (!train.dataInit) return [];
  const path = 'train.dataInit';
  const problems: ExperimentProblem[] = [];
  if (train.lsuv) {
    problems.push({
      path,
      code: 'dataInitLsuv',
      params: {},
      message: 'the per-unit data init (train.dataInit) and LSUV (train.lsuv) both rescale the kernels on a batch — turn one of them off',
    });
  }
  if (train.parametrization?.name === 'mup') {
    problems.push({
      path,
      code: 'dataInitMup',
      params: {},
      message:
        'μP sets the kernels’ initial scale itself; the per-unit data init (train.dataInit) would rescale them afterwards — turn train.dataInit off or use the standard parametrization',
    });
  }
  return problems;
}
