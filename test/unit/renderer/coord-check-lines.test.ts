import { describe, expect, it } from 'vitest';
import type { CoordCheckResult } from '../../../contract/index.js';
import { coordLines, parseWidths, worstHiddenSlope } from '../../../renderer/src/components/coordcheck/coord-check-lines.js';

const result: CoordCheckResult = {
  widths: [64, 128],
  baseWidth: 64,
  steps: 1,
  seeds: 1,
  optimizer: 'adam',
  learningRate: 0.01,
  layers: ['hidden_1', 'hidden_2', 'output'],
  curves: [
    {
      parametrization: 'standard',
      cells: [
        { step: 1, layer: 2, meanAbs: [1, 4], slope: 2 },
        { step: 1, layer: 1, meanAbs: [0.2, 0.4], slope: 1 },
        { step: 1, layer: 0, meanAbs: [0.2, 0.19], slope: -0.07 },
        { step: 0, layer: 0, meanAbs: [0.2, 0.2], slope: 0 },
      ],
    },
  ],
};

describe('coordinate-check chart lines', () => {
  it('gives one line per layer at the chosen step, in layer order, with [width, value] points', () => {
    const lines = coordLines(result, result.curves[0]!, 1);
    expect(lines.map((l) => l.label)).toEqual(['hidden_1', 'hidden_2', 'output']);
    expect(lines[1]!.data).toEqual([
      [64, 0.2],
      [128, 0.4],
    ]);
  });

  it('reports the largest hidden-layer |slope|, ignoring the output layer', () => {
    expect(worstHiddenSlope(result, result.curves[0]!, 1)).toBe(1);
    expect(worstHiddenSlope(result, result.curves[0]!, 0)).toBe(0);
    expect(worstHiddenSlope(result, result.curves[0]!, 5)).toBeNull();
  });

  it('parses the widths field and refuses lists the engine would refuse', () => {
    expect(parseWidths('64, 128,256')).toEqual([64, 128, 256]);
    expect(parseWidths('64')).toBeNull();
    expect(parseWidths('64, 64')).toBeNull();
    expect(parseWidths('64, 1.5')).toBeNull();
    expect(parseWidths('1, 8')).toBeNull();
  });
});
