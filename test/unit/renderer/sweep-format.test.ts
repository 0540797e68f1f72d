import { describe, expect, it } from 'vitest';
import { axisValueLabel } from '../../../renderer/src/components/sweeps/sweep-format.js';
import { activationLabel, initializerLabel } from '../../../main/services/sweep-labels.js';

const names: Record<string, string> = {
  'initializers.normal': 'Normal',
  'initializers.truncatedNormal': 'Truncated normal',
  'initializers.orthogonal': 'Orthogonal',
  'initializers.heNormal': 'He normal',
  'activations.leakyRelu': 'Leaky ReLU',
  'activations.elu': 'ELU',
};
const t = (key: string) => names[key] ?? key;
const te = (key: string) => key in names;

describe('sweep axis value labels', () => {
  it('name the swept parameter of the host’s labels (σ, gain, slope, α)', () => {
    const shown = (axis: 'initializer' | 'activation', label: string) => axisValueLabel(axis, label, t, te);
    expect(shown('initializer', initializerLabel({ name: 'normal', mean: 0, std: 0.1 }))).toBe('Normal (μ 0, σ 0.1)');
    expect(shown('initializer', initializerLabel({ name: 'truncatedNormal', mean: 0, std: 2 }))).toBe('Truncated normal (μ 0, σ 2)');
    expect(shown('initializer', initializerLabel({ name: 'orthogonal', gain: 1.41 }))).toBe('Orthogonal (gain 1.41)');
    expect(shown('initializer', initializerLabel({ name: 'heNormal' }))).toBe('He normal');
    expect(shown('activation', activationLabel({ name: 'leakyRelu', alpha: 0.2 }))).toBe('Leaky ReLU (slope 0.2)');
    expect(shown('activation', activationLabel({ name: 'elu', alpha: 1 }))).toBe('ELU (α 1)');
  });
});
