import { describe, expect, it } from 'vitest';
import { layerDisplayName, parseLayerName } from '../../../contract/index.js';
import { layerLabel } from '../../../renderer/src/lib/layer-label.js';

describe('layer names', () => {
  it('number engine layers from 1 as Build does, in the exports’ English and in the UI', () => {
    expect(parseLayerName('conv2d_0')).toEqual({ number: 1, type: 'conv2d' });
    expect(parseLayerName('dense_12')).toEqual({ number: 13, type: 'dense' });
    expect(parseLayerName('input')).toBeNull();
    expect(layerDisplayName('dense_2')).toBe('Layer 3 (dense)');
    expect(layerDisplayName('custom')).toBe('custom');
    const t = (key: string, named?: Record<string, unknown>) => `${key}:${String(named?.n ?? '')}`;
    expect(layerLabel('dense_2', t)).toBe('diagnostics.layerName:3');
  });
});
