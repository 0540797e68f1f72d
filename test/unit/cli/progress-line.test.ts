import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgressLine } from '../../../main/cli/progress-line.js';

describe('progress line', () => {
  it('fills the bar in proportion to the epochs done', () => {
    const line = formatProgressLine({ epoch: 5, totalEpochs: 20, trainLoss: 0.123456, trainAcc: 0.5, valAcc: null, etaSeconds: 75 }, 8);
    expect(line).toBe('[##------]   5/20  loss 0.1235  acc 0.500  val —  ETA 1:15');
  });
  it('shows the validation loss of a regression run, which has no accuracy', () => {
    const line = formatProgressLine({ epoch: 2, totalEpochs: 4, trainLoss: 0.5, trainAcc: null, valLoss: 0.0105, valAcc: null, etaSeconds: 3 }, 4);
    expect(line).toBe('[##--]  2/4  loss 0.5000  val loss 0.0105  ETA 0:03');
  });
  it('formats durations', () => {
    expect(formatDuration(null)).toBe('--:--');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});
