import type { BoundaryGrid, BoundaryPoints } from '../../../contract/index.js';
import type { Theme } from '../stores/ui.js';

/** An sRGB colour, each channel 0–255. */
export type Rgb = readonly [number, number, number];

/** The colours of a decision-boundary picture in one theme. */
export interface BoundaryColors {
  /** The field where the model is undecided (confidence 1/K, or the middle of a regression range). */
  background: Rgb;
  /** One colour per class (Playground's orange and blue first); regression: [low, high]. */
  classes: Rgb[];
  /** Outline of the points, contrasting with both the background and the class colours. */
  outline: string;
  /** Axis ticks and labels. */
  text: string;
}

/** Most a field cell leans towards its class colour (at confidence 1): the points stay readable on it. */
export const MAX_FIELD_MIX = 0.65;

const LIGHT = ['#f59322', '#0877bd', '#1f9d6b', '#b5489e', '#c9a227', '#2aa5c0', '#7b61d1', '#d6455d'];
const DARK = ['#f5a04a', '#3a9ee0', '#3fcf95', '#e07ad0', '#f0c94a', '#5cd0ea', '#a993ff', '#ff6f86'];

/** '#rrggbb' → [r, g, b]. */
export function hexToRgb(hex: string): Rgb {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** 'rgb(r g b)' of a colour. */
export function cssRgb(c: Rgb): string {
  return `rgb(${Math.round(c[0])} ${Math.round(c[1])} ${Math.round(c[2])})`;
}

/** `a` moved towards `b` by `t` ∈ [0, 1]. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * The picture's colours for `theme` and `numClasses` classes (0: regression). Past 8 classes the
 * palette repeats with hues rotated, so every class still gets a colour.
 */
export function boundaryColors(theme: Theme, numClasses: number): BoundaryColors {
  const palette = (theme === 'dark' ? DARK : LIGHT).map(hexToRgb);
  const count = Math.max(2, numClasses);
  const classes = Array.from({ length: count }, (_, k) => {
    const base = palette[k % palette.length]!;
    return k < palette.length ? base : mix(base, theme === 'dark' ? [255, 255, 255] : [0, 0, 0], 0.35);
  });
  return theme === 'dark'
    ? { background: [22, 28, 37], classes, outline: 'rgb(12 16 24)', text: '#a3adbd' }
    : { background: [255, 255, 255], classes, outline: 'rgb(255 255 255)', text: '#5f6b7c' };
}

/**
 * How far a cell leans towards its class colour: 0 at confidence 1/K (undecided), {@link MAX_FIELD_MIX}
 * at confidence 1, linear in between (Playground: colour intensity = confidence).
 */
export function confidenceMix(confidence: number, numClasses: number): number {
  const floor = 1 / Math.max(2, numClasses);
  const t = (confidence - floor) / (1 - floor);
  return MAX_FIELD_MIX * Math.min(1, Math.max(0, t));
}

/**
 * Where a regression value sits on the picture's diverging scale: −1 at `range.min`, +1 at `range.max`,
 * 0 in the middle, clipped. The range is the data's targets (fixed for a run), so colours keep their
 * meaning from picture to picture while the model learns.
 */
export function regressionPosition(value: number, range: { min: number; max: number }): number {
  const half = (range.max - range.min) / 2;
  if (!(half > 0) || !Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(-1, (value - (range.min + half)) / half));
}

/** The colour of a regression value: low values towards classes[0], high towards classes[1], at most `strength`. */
export function regressionColor(value: number, range: { min: number; max: number }, colors: BoundaryColors, strength = MAX_FIELD_MIX): Rgb {
  const u = regressionPosition(value, range);
  return mix(colors.background, u < 0 ? colors.classes[0]! : colors.classes[1]!, Math.abs(u) * strength);
}

/** Min and max of every label shown (train, validation, test); {0, 1} when there is none. */
export function labelRange(points: BoundaryPoints): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const part of [points.train, points.validation, points.test]) {
    for (const v of part.label) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Number.isFinite(min) && max > min ? { min, max } : { min: 0, max: 1 };
}

/**
 * The field as RGBA pixels, one per grid cell, in image order: the top row is the grid's highest y
 * (the grid itself is stored bottom row first). Alpha is 255.
 * @param valueRange for a regression field, the range of the colour scale (labelRange of the points)
 * @returns Uint8ClampedArray of resolution² × 4
 */
export function fieldPixels(grid: BoundaryGrid, colors: BoundaryColors, valueRange?: { min: number; max: number }): Uint8ClampedArray<ArrayBuffer> {
  const n = grid.resolution;
  const out = new Uint8ClampedArray(n * n * 4);
  const field = grid.field;
  for (let j = 0; j < n; j++) {
    const row = n - 1 - j;
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      let c: Rgb;
      if (field.kind === 'classes') {
        const cls = colors.classes[field.classes[k]!] ?? colors.background;
        c = mix(colors.background, cls, confidenceMix(field.confidence[k]!, field.numClasses));
      } else {
        c = regressionColor(field.values[k]!, valueRange ?? field.range, colors);
      }
      const p = (row * n + i) * 4;
      out[p] = c[0];
      out[p + 1] = c[1];
      out[p + 2] = c[2];
      out[p + 3] = 255;
    }
  }
  return out;
}
