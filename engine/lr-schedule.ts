import type { LrSchedule } from '../contract/index.js';

/** Where a run is when it asks for its learning rate (steps and epochs count from 1). */
export interface SchedulePosition {
  /** Global step of the update about to be applied. */
  step: number;
  /** Epoch that step belongs to. */
  epoch: number;
  /** Steps in the whole run (epochs × steps per epoch). */
  totalSteps: number;
}

/**
 * The learning rate of one update (see contract LrSchedule):
 * - constant: base
 * - step: base·gamma^⌊(epoch − 1)/everyEpochs⌋
 * - cosine: min + ½(base − min)(1 + cos(π·(step − 1)/totalSteps)); base at step 1, → min at the end.
 * @param base the optimizer's learning rate (per step)
 */
export function learningRateAt(base: number, schedule: LrSchedule, at: SchedulePosition): number {
  switch (schedule.name) {
    case 'constant':
      return base;
    case 'step':
      return base * schedule.gamma ** Math.floor((at.epoch - 1) / schedule.everyEpochs);
    case 'cosine': {
      const progress = Math.min(1, Math.max(0, (at.step - 1) / Math.max(1, at.totalSteps)));
      const min = schedule.minLearningRate;
      return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * progress));
    }
    default:
      throw new Error(`Unknown learning-rate schedule '${(schedule as { name: string }).name}'`);
  }
}
