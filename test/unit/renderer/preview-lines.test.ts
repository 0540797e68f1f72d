import { describe, expect, it } from 'vitest';
import type { PreviewLayer } from '../../../contract/index.js';
import {
  decadeLabelStep,
  depthDrift,
  depthPoints,
  driftLabel,
  initializerLabel,
  lineColorIndex,
  lineLabel,
  logTick,
} from '../../../renderer/src/components/preview/preview-lines.js';

function layer(index: number, activationStd: number | null, theoryStd: number | null = null): PreviewLayer {
  return {
    layer: `dense_${index}`,
    index,
    type: 'dense',
    activation: 'tanh',
    activationMean: 0,
    activationStd,
    theoryStd,
    gradientStd: null,
    gradientNorm: null,
    weightStd: null,
    theoryWeightStd: null,
  };
}

const t = (key: string, named?: Record<string, unknown>) => (named ? `${key}(${JSON.stringify(named)})` : key);

describe('preview lines', () => {
  it('puts layers at depth 1… and leaves gaps a log axis cannot draw', () => {
    const layers = [layer(0, 0.5, 0.52), layer(1, 0), layer(2, Number.NaN), layer(3, null), layer(4, 1e-9)];
    expect(depthPoints(layers, 'activationStd')).toEqual([
      [1, 0.5],
      [2, null],
      [3, null],
      [4, null],
      [5, 1e-9],
    ]);
    expect(depthPoints(layers, 'theoryStd')).toEqual([
      [1, 0.52],
      [2, null],
      [3, null],
      [4, null],
      [5, null],
    ]);
  });

  it('measures the drift over the hidden layers: a tanh stack with σ·√fan_in = 0.16 shrinks 0.16⁸ over 9 layers', () => {
    // The small-signal regime of tanh is linear, so each layer multiplies the std by σ·√fan_in.
    const gain = 0.02 * Math.sqrt(64);
    const layers = Array.from({ length: 10 }, (_, i) => layer(i, 0.3 * gain ** i));
    layers.push(layer(10, 0.4)); // softmax output: not a hidden layer
    expect(depthDrift(layers)).toBeCloseTo(gain ** 9, 12);
    expect(depthDrift([layer(0, 0.5), layer(1, 0.2)])).toBeNull(); // one hidden layer: no drift
    expect(depthDrift([layer(0, 0), layer(1, 0.2), layer(2, 0.1), layer(3, 0.5)])).toBeCloseTo(0.5, 12); // zero std skipped
  });

  it('formats log ticks and drift factors compactly', () => {
    expect([1e-4, 1e-10, 0.1, 1, 10, 100, 0.3].map(logTick)).toEqual(['10⁻⁴', '10⁻¹⁰', '10⁻¹', '1', '10', '10²', '0.3']);
    expect(logTick(0)).toBe('');
    // 1 … 1e-10 spans 10 decades: label every other one; 0.05 … 0.9 spans 2: label each.
    expect(decadeLabelStep([1, 0.3, 1e-10, null, 0, -1])).toBe(2);
    expect(decadeLabelStep([0.05, 0.9])).toBe(1);
    expect(decadeLabelStep([null])).toBe(1);
    expect([0.7952, 1.197, 6.44e-8, 25000].map(driftLabel)).toEqual(['×0.8', '×1.2', '×6.4e-8', '×2.5e+4']);
  });

  it('names lines by initializer and parameters, and the current one by what the hidden layers share', () => {
    expect(initializerLabel({ name: 'normal', mean: 0, std: 0.02 }, t)).toBe('initializers.normal σ=0.02');
    expect(initializerLabel({ name: 'heNormal' }, t)).toBe('initializers.heNormal');
    expect(lineLabel({ key: 'current', initializer: null }, { name: 'heNormal' }, t)).toBe('preview.current({"name":"initializers.heNormal"})');
    expect(lineLabel({ key: 'current', initializer: null }, null, t)).toBe('preview.current({"name":"preview.mixed"})');
    expect(lineColorIndex('current')).toBe(0);
    expect(lineColorIndex('normal002')).toBe(4);
  });
});
