/** Display helpers for the Sweeps view (pure; the caller passes the i18n functions). */
import type { SweepAxisInfo, SweepAxisName, SweepMetric } from '../../../../contract/index.js';
import { DASH, formatLoss, formatPercent } from '../../lib/format.js';

type Translate = (key: string, named?: Record<string, unknown>, plural?: number) => string;
type HasKey = (key: string) => boolean;

/** True for the metrics where higher is better (accuracies); losses are better low. */
export function isAccuracy(metric: SweepMetric): boolean {
  return metric.endsWith('Acc');
}

/** A final metric as shown: accuracies in %, losses with 4 significant digits. */
export function formatMetric(metric: SweepMetric, value: number | null | undefined): string {
  return isAccuracy(metric) ? formatPercent(value) : formatLoss(value);
}

/** A spread (std) in the metric's units: percentage points for accuracies (`pp` unless `unit` is false). */
export function formatSpread(metric: SweepMetric, value: number | null | undefined, unit = true): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (isAccuracy(metric)) return `${(value * 100).toFixed(1)}${unit ? ' pp' : ''}`;
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(1) : String(Number(value.toPrecision(2)));
}

/** A p-value: 2 significant digits, `< 0.001` below that. */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  if (p < 0.001) return '< 0.001';
  return p >= 0.1 ? p.toFixed(2) : p.toPrecision(2);
}

/** Proper names shown as they are in every language when the message files have no entry yet. */
export const NAME_FALLBACK: Readonly<Record<string, string>> = { adamw: 'AdamW' };

/**
 * One axis value as the host labels it (`heNormal`, `normal(0, 0.02)`, `leakyRelu(0.01)`,
 * `adam lr=0.01`, `0.01`), in the current language: `He normal`, `Normal (0, 0.02)`,
 * `Leaky ReLU (0.01)`, `Adam lr=0.01`, `lr 0.01`. With `rateVaries` (the sweep also varies the
 * learning rate, which overrides the optimizer's own) the optimizer's `lr=` part is left out.
 */
export function axisValueLabel(axis: SweepAxisName, label: string, t: Translate, te: HasKey, rateVaries = false): string {
  if (axis === 'learningRate' || axis === 'batchSize' || axis === 'depth') return t(`sweeps.tag.${axis}`, { value: label });
  const group = axis === 'initializer' ? 'initializers' : axis === 'activation' ? 'activations' : 'training.optimizers';
  const match = /^([A-Za-z0-9]+)(.*)$/.exec(label);
  if (!match) return label;
  const [, name, rawRest] = match as unknown as [string, string, string];
  const rest = axis === 'optimizer' && rateVaries ? rawRest.replace(/\s*lr=\S+/, '') : rawRest;
  const key = `${group}.${name}`;
  const shown = te(key) ? t(key) : NAME_FALLBACK[name];
  if (!shown) return `${name}${rest}`;
  const tail = rest.startsWith('(') ? ` ${namedParams(axis, name, rest)}` : rest;
  return `${shown}${tail}`;
}

/**
 * Names the swept parameter in a label's parentheses, so a σ or slope sweep reads as one:
 * normal/truncated normal `(0, 0.1)` → `(μ 0, σ 0.1)`, orthogonal `(2)` → `(gain 2)`, leaky ReLU `(0.2)`
 * → `(slope 0.2)`, ELU `(1)` → `(α 1)`. Anything else stays as the host wrote it.
 */
function namedParams(axis: SweepAxisName, name: string, rest: string): string {
  const two = /^\(([^,()]+), ([^,()]+)\)$/.exec(rest);
  const one = /^\(([^,()]+)\)$/.exec(rest);
  if (axis === 'initializer' && (name === 'normal' || name === 'truncatedNormal') && two) return `(μ ${two[1]}, σ ${two[2]})`;
  if (axis === 'initializer' && name === 'orthogonal' && one) return `(gain ${one[1]})`;
  if (axis === 'activation' && name === 'leakyRelu' && one) return `(slope ${one[1]})`;
  if (axis === 'activation' && name === 'elu' && one) return `(α ${one[1]})`;
  return rest;
}

/** `2 initializer × 2 activation × 3 seeds = 12 runs`, in the current language. */
export function breakdown(axes: readonly SweepAxisInfo[], seeds: number, total: number, t: Translate): string {
  const factors = axes.map((a) => `${a.labels.length} ${t(`sweeps.axesShort.${a.name}`)}`);
  factors.push(t('sweeps.seedCount', { n: seeds }, seeds));
  return `${factors.join(' × ')} = ${t('sweeps.runCount', { n: total }, total)}`;
}
