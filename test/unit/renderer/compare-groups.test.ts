import { describe, expect, it } from 'vitest';
import type { ExperimentSpec, InitializerSpec } from '../../../contract/index.js';
import { i18n } from '../../../renderer/src/i18n/index.js';
import { chartColors } from '../../../renderer/src/lib/chart-theme.js';
import { groupCompared, groupMetric, subjectText, valueText, type Translate } from '../../../renderer/src/lib/compare-groups.js';
import { experiment, summary } from './fixtures.js';

/** The default draft with `depth` tanh hidden layers of `init`, and `seed`. */
function deep(init: InitializerSpec, seed: number, depth = 10): ExperimentSpec {
  const base = experiment();
  const output = base.network.layers.at(-1)!;
  const hidden = Array.from({ length: depth }, () => ({ ...base.network.layers[0]!, activation: { name: 'tanh' as const }, kernelInitializer: init }));
  return { ...base, network: { ...base.network, layers: [...hidden, output] as ExperimentSpec['network']['layers'] }, train: { ...base.train, seed } };
}

const t = i18n.global.t as unknown as Translate;
const te = (key: string) => i18n.global.te(key);
const palette = chartColors('light').series;

describe('groupCompared', () => {
  const runs = [1, 2, 3].flatMap((seed) => [
    summary(`s${seed}`, {
      name: 'deep tanh',
      experiment: deep({ name: 'normal', mean: 0, std: 0.02 }, seed),
      metrics: { trainLoss: 0.69 + seed / 1000, trainAcc: 0.5, valLoss: null, valAcc: null },
    }),
    summary(`g${seed}`, {
      name: 'deep tanh',
      experiment: deep({ name: 'glorotNormal' }, seed),
      metrics: { trainLoss: 0.2 * seed, trainAcc: 0.9, valLoss: null, valAcc: null },
    }),
  ]);

  it('gives 6 runs of 2 initializers × 3 seeds two groups, one colour each, labelled by what differs (en and zh-CN)', () => {
    i18n.global.locale.value = 'en';
    const { groups, diff, groupOf } = groupCompared(runs, palette, t, te);
    expect(groups.map((g) => [g.label, g.seeds, g.color, g.runs.map((r) => r.id)])).toEqual([
      ['Normal(0, 0.02)', [1, 2, 3], palette[0], ['s1', 's2', 's3']],
      ['Glorot normal', [1, 2, 3], palette[1], ['g1', 'g2', 'g3']],
    ]);
    expect(groupOf.s2!.color).toBe(groupOf.s3!.color);
    expect(diff.changes).toHaveLength(1);
    expect(`${subjectText(diff.changes[0]!, t, te)}: ${valueText(diff.changes[0]!, 0, t)} → ${valueText(diff.changes[0]!, 1, t)}`).toBe(
      'kernel initializer of all 10 hidden layers: Normal(0, 0.02) → Glorot normal',
    );
    i18n.global.locale.value = 'zh-CN';
    const zh = groupCompared(runs, palette, t, te);
    expect(subjectText(zh.diff.changes[0]!, t, te)).toBe('全部 10 个隐藏层的权重初始化');
    expect(zh.groups[1]!.label).toBe(t('initializers.glorotNormal'));
    i18n.global.locale.value = 'en';
  });

  it("a group's final metric is the mean ± sample sd of its runs' stored values", () => {
    const { groups } = groupCompared(runs, palette, t, te);
    const loss = groupMetric(groups[1]!, (r) => r.metrics.trainLoss);
    // 0.2, 0.4, 0.6: mean 0.4, sample sd 0.2 (deviations ±0.2 and 0: √(0.08 / 2)).
    expect(loss.n).toBe(3);
    expect(loss.mean).toBeCloseTo(0.4, 12);
    expect(loss.sd).toBeCloseTo(0.2, 12);
  });
});
