import type { InitializerSpec, PreviewLayer } from '../../../../contract/index.js';
import { CURRENT_KEY, PREVIEW_KEYS, type PreviewSeries } from '../../stores/preview.js';

/** A per-layer quantity of the init preview that can be drawn over depth. */
export type PreviewMetric = 'activationStd' | 'theoryStd' | 'gradientStd' | 'gradientNorm';

/** One point over depth: [depth (layer index + 1), value]; null where the value is missing or not positive. */
export type DepthPoint = [number, number | null];

type Translate = (key: string, named?: Record<string, unknown>) => string;

/**
 * The values of `metric` over depth, ready for a logarithmic axis: depth counts layers from 1;
 * null, non-finite and non-positive values (which a log axis cannot show) become null gaps.
 */
export function depthPoints(layers: readonly PreviewLayer[], metric: PreviewMetric): DepthPoint[] {
  return layers.map((layer) => {
    const v = layer[metric];
    return [layer.index + 1, v !== null && Number.isFinite(v) && v > 0 ? v : null];
  });
}

/** True if `points` has at least one value to draw. */
export function hasValues(points: readonly DepthPoint[]): boolean {
  return points.some(([, v]) => v !== null);
}

/** Colour index of a line (stable when lines are toggled): its position in the legend order. */
export function lineColorIndex(key: string): number {
  return Math.max(0, PREVIEW_KEYS.indexOf(key));
}

/** An initializer's display name with the parameters that distinguish it ("Normal σ=0.02"). */
export function initializerLabel(spec: InitializerSpec, t: Translate): string {
  const name = t(`initializers.${spec.name}`);
  switch (spec.name) {
    case 'normal':
    case 'truncatedNormal':
      return spec.mean === 0 ? `${name} σ=${spec.std}` : `${name} μ=${spec.mean} σ=${spec.std}`;
    case 'uniform':
      return `${name} [${spec.min}, ${spec.max}]`;
    case 'constant':
      return `${name} ${spec.value}`;
    case 'orthogonal':
      return spec.gain === 1 ? name : `${name} ×${spec.gain}`;
    case 'varianceScaling':
      return `${name} ${spec.scale}·${spec.mode}`;
    default:
      return name;
  }
}

/**
 * The legend text of a line: the alternative's initializer, or for the current network
 * "Current (He normal)" when its hidden layers share one initializer, else "Current (mixed)".
 */
export function lineLabel(line: Pick<PreviewSeries, 'key' | 'initializer'>, shared: InitializerSpec | null, t: Translate): string {
  if (line.key === CURRENT_KEY || !line.initializer) {
    return t('preview.current', { name: shared ? initializerLabel(shared, t) : t('preview.mixed') });
  }
  return initializerLabel(line.initializer, t);
}

/**
 * How much the activation std changes from the first to the last hidden layer, as a factor
 * (last / first); null when either is missing. A factor far from 1 means the signal vanishes (< 1)
 * or explodes (> 1) with depth.
 */
export function depthDrift(layers: readonly PreviewLayer[]): number | null {
  const hidden = layers.slice(0, -1).filter((l) => l.activationStd !== null && l.activationStd > 0);
  const first = hidden[0]?.activationStd;
  const last = hidden[hidden.length - 1]?.activationStd;
  if (!first || !last || hidden.length < 2) return null;
  return last / first;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/**
 * A log-axis tick: exact powers of ten as "10⁻⁴" (1 and 10 stay plain), anything else with two
 * significant digits.
 */
export function logTick(value: number): string {
  if (!(value > 0) || !Number.isFinite(value)) return '';
  const exponent = Math.round(Math.log10(value));
  if (Math.abs(value / 10 ** exponent - 1) < 1e-9) {
    if (exponent === 0) return '1';
    if (exponent === 1) return '10';
    return `10${String(exponent).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
  }
  return String(Number(value.toPrecision(2)));
}

/** A depth drift factor as the toggles show it: "×0.80", "×1.2", "×6.4e-8". */
export function driftLabel(factor: number): string {
  if (!Number.isFinite(factor)) return `×${factor}`;
  const text = factor !== 0 && (factor < 1e-3 || factor >= 1e4) ? factor.toExponential(1) : String(Number(factor.toPrecision(2)));
  return `×${text}`;
}

/**
 * Every how many decades a log axis over `values` labels its ticks so that about five labels show:
 * 1 for up to 5 decades, 2 for up to 10, and so on. Non-positive and null values are ignored.
 */
export function decadeLabelStep(values: Iterable<number | null>): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (!(max >= min)) return 1;
  const decades = Math.ceil(Math.log10(max)) - Math.floor(Math.log10(min));
  return Math.max(1, Math.ceil(decades / 5));
}
