import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { ExperimentSpec, type LayerStats, type LayerStatsRecord } from '../../../contract/index.js';
import en from '../../../renderer/src/i18n/en.js';
import zhCN from '../../../renderer/src/i18n/zh-CN.js';
import { diagnose, formatFactor, formatMeasure, type Finding } from '../../../renderer/src/lib/diagnostics.js';
import { layerLabel } from '../../../renderer/src/lib/layer-label.js';
import { remediesFor } from '../../../renderer/src/lib/remedies.js';

const i18n = createI18n({ legacy: false, locale: 'en', messages: { en, 'zh-CN': zhCN } });
const t = (key: string, named: Record<string, unknown> = {}) => i18n.global.t(key, named);

/** The sentence FindingBadges shows (layer names as Build numbers them) and its suggestion. */
function words(f: Finding): { text: string; suggest: string } {
  const params: Record<string, unknown> = { ...f.params };
  for (const k of ['layer', 'first', 'last']) if (typeof params[k] === 'string' && params[k]) params[k] = layerLabel(params[k], t);
  return {
    text: t(`findings.${f.kind}.${f.text}`, params),
    suggest: t('findings.suggest', { text: f.remedies.map((r) => t(`remedies.${r}`)).join(t('findings.listSeparator')) }),
  };
}

function layer(name: string, index: number, o: Partial<LayerStats>): LayerStats {
  return {
    layer: name,
    index,
    activationMean: 0,
    activationStd: 0.5,
    zeroFraction: 0,
    deadFraction: 0,
    saturatedFraction: null,
    histogram: [],
    weightStd: 0.1,
    gradientNorm: 0.1,
    updateRatio: 1e-3,
    ...o,
  };
}
const record = (layers: LayerStats[]): LayerStatsRecord => ({ step: 500, epoch: 3, layers });

/** A run context: `depth` hidden dense layers of `activation` with `init`, then a softmax output. */
function run(activation: string, init: Record<string, unknown>, depth = 3, extra: object[] = []) {
  const hidden = Array.from({ length: depth }, () => ({ type: 'dense', units: 32, activation: { name: activation }, kernelInitializer: init }));
  const experiment = ExperimentSpec.parse({
    dataset: { builtin: 'spiral' },
    network: { inputShape: [2], layers: [...hidden, ...extra, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
  });
  return { status: 'completed' as const, divergedAtStep: null, divergedLayer: null, experiment };
}

describe('diagnosis numbers', () => {
  it('formats factors and measures readably', () => {
    expect(formatFactor(1 / 3.8e-4)).toBe('2,600');
    expect(formatFactor(2.63)).toBe('2.6');
    expect(formatFactor(38.4)).toBe('38');
    expect(formatFactor(480_123)).toBe('480,000');
    expect(formatFactor(3.2e12)).toBe('3.2e12');
    expect(formatFactor(Infinity)).toBe('∞');
    expect(formatMeasure(3.8e-5)).toBe('3.8e-5');
    expect(formatMeasure(0.38)).toBe('0.38');
    expect(formatMeasure(5000)).toBe('5000');
    expect(formatMeasure(52_000)).toBe('5.2e4');
  });

  it('states a vanishing gradient as a fraction of the last layer’s, never "0×"', () => {
    const [f] = diagnose([record([layer('dense_0', 0, { gradientNorm: 3.8e-5 }), layer('dense_1', 1, {}), layer('dense_2', 2, { gradientNorm: 0.1 })])]);
    expect(f!.kind).toBe('vanishingGradients');
    expect(words(f!).text).toBe('The first layer’s gradient is 1/2,600 of the last layer’s (3.8e-5 vs 0.1), so early layers barely learn.');
    const [zero] = diagnose([record([layer('dense_0', 0, { gradientNorm: 0 }), layer('dense_1', 1, { gradientNorm: 0.2 })])]);
    expect(words(zero!).text).toBe('The first layer’s gradient is exactly 0 (the last layer’s is 0.2): early layers do not learn at all.');
    expect(words(zero!).text).not.toMatch(/0×/);
  });

  it('says which way gradients explode: by ratio (first ≫ last) or by one huge norm', () => {
    const [byRatio] = diagnose([record([layer('dense_0', 0, { gradientNorm: 260 }), layer('dense_1', 1, { gradientNorm: 0.1 })])]);
    expect(words(byRatio!).text).toBe('The first layer’s gradient is 2,600× the last layer’s (260 vs 0.1); the largest norm is 260.');
    // first/last = 0.38: not growing with depth, but one layer's norm is 5,000.
    const [byNorm] = diagnose([
      record([layer('dense_0', 0, { gradientNorm: 0.38 }), layer('dense_1', 1, { gradientNorm: 5000 }), layer('dense_2', 2, { gradientNorm: 1 })]),
    ]);
    expect(byNorm!.text).toBe('explainNorm');
    expect(words(byNorm!).text).toBe('The gradient norm of Layer 2 is 5000, far above the usual (below 1,000).');
    expect(words(byNorm!).text).not.toMatch(/ratio|3\.8e-1/);
  });

  it('states the collapse of the signal with depth as 1/N of the first layer’s spread', () => {
    // N(0, 0.02) deep tanh, width 64: each layer multiplies the std by ≈ 0.16; 0.5 → 0.5·0.16⁸ ≈ 2.2e-7 at layer 9.
    const stds = Array.from({ length: 10 }, (_, i) => 0.5 * 0.16 ** i);
    const layers = stds.map((s, i) => layer(`dense_${i}`, i, { activationStd: s, gradientNorm: 0.1 }));
    const f = diagnose([record(layers)], run('tanh', { name: 'normal', mean: 0, std: 0.02 }, 9)).find((x) => x.kind === 'collapsingSignal')!;
    expect(words(f).text).toBe('The output spread in Layer 9 is 1/2,300,000 of the first layer’s (2.1e-7 vs 0.5).');
    expect(words(f).suggest).toBe('Try: Glorot initialization (suits tanh and sigmoid); batch normalization between layers; fewer layers');
    i18n.global.locale.value = 'zh-CN';
    expect(words(f).text).toBe('第 9 层 的输出离散度只有第一层的 1/2,300,000（2.1e-7 对 0.5）。');
    i18n.global.locale.value = 'en';
  });
});

describe('suggestions take the configuration into account', () => {
  const deadRecord = record([layer('dense_0', 0, { deadFraction: 0.55 }), layer('dense_1', 1, { deadFraction: 0.45 }), layer('dense_2', 2, {})]);

  it('does not suggest He to a ReLU net already on He', () => {
    const f = diagnose([deadRecord], run('relu', { name: 'heNormal' }, 2)).find((x) => x.kind === 'deadRelu')!;
    expect(f.remedies).toEqual(['leakyRelu', 'lowerLr']);
    expect(words(f).suggest).toBe('Try: Leaky ReLU or ELU; a lower learning rate');
    const glorot = diagnose([deadRecord], run('relu', { name: 'glorotUniform' }, 2)).find((x) => x.kind === 'deadRelu')!;
    expect(glorot.remedies).toEqual(['heInit', 'leakyRelu', 'lowerLr']);
    // Variance scaling with scale 2, fan-in is He under another name.
    const vs = diagnose([deadRecord], run('relu', { name: 'varianceScaling', scale: 2, mode: 'fanIn' }, 2)).find((x) => x.kind === 'deadRelu')!;
    expect(vs.remedies).not.toContain('heInit');
  });

  it('matches the initializer to the activation and drops what the net already has', () => {
    expect(remediesFor('vanishingGradients', run('tanh', { name: 'glorotNormal' }).experiment.network.layers)).toEqual([
      'reluFamily',
      'batchNorm',
      'fewerLayers',
    ]);
    expect(remediesFor('vanishingGradients', run('relu', { name: 'normal', std: 0.02 }).experiment.network.layers)).toEqual([
      'heInit',
      'batchNorm',
      'fewerLayers',
    ]);
    expect(remediesFor('collapsingSignal', run('selu', { name: 'normal', std: 0.02 }).experiment.network.layers)[0]).toBe('lecunInit');
    const withBn = run('tanh', { name: 'glorotNormal' }, 3, [{ type: 'batchNorm' }]).experiment.network.layers;
    expect(remediesFor('collapsingSignal', withBn)).toEqual(['fewerLayers']);
    expect(remediesFor('diverged', run('relu', { name: 'heNormal' }).experiment.network.layers)).toEqual(['lowerLr']);
    expect(remediesFor('deadRelu', null)).toEqual(['heInit', 'leakyRelu', 'lowerLr']);
  });
});
