import type { BoundaryPointSet, BoundarySnapshot } from '../../../contract/index.js';
import { cssRgb, fieldPixels, labelRange, regressionColor, type BoundaryColors } from './boundary-paint.js';

/** Space (CSS px) around the plot for the tick labels: left, bottom, top, right. */
export const PLOT_MARGIN = { left: 38, bottom: 22, top: 6, right: 8 } as const;

/** What to draw. */
export interface DrawOptions {
  /** CSS pixel size of the canvas. */
  width: number;
  height: number;
  /** Canvas pixels per CSS pixel. */
  dpr: number;
  colors: BoundaryColors;
  showValidation: boolean;
  showTest: boolean;
}

/**
 * About `count` round tick values within [min, max] (steps of 1, 2 or 5 × 10^k).
 * @returns ascending values, all inside the range
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= 0.7 * raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Draws a picture on a 2-D canvas context: the field (grid cells smoothed over the plot), the points
 * (train filled discs, validation rings, test diamonds, in their label's colour) and the axis ticks.
 */
export function drawPicture(ctx: CanvasRenderingContext2D, snapshot: BoundarySnapshot, options: DrawOptions): void {
  const { width, height, dpr, colors } = options;
  const { grid, points } = snapshot;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const left = PLOT_MARGIN.left;
  const top = PLOT_MARGIN.top;
  const w = width - PLOT_MARGIN.left - PLOT_MARGIN.right;
  const h = height - PLOT_MARGIN.top - PLOT_MARGIN.bottom;
  const sx = (x: number) => left + ((x - grid.x.min) / (grid.x.max - grid.x.min)) * w;
  const sy = (y: number) => top + (1 - (y - grid.y.min) / (grid.y.max - grid.y.min)) * h;
  const regression = grid.field.kind === 'values';
  const range = regression ? labelRange(points) : undefined;

  // The field: one pixel per cell, scaled up with smoothing (as Playground draws it).
  const n = grid.resolution;
  const cells = document.createElement('canvas');
  cells.width = n;
  cells.height = n;
  const cellCtx = cells.getContext('2d');
  if (cellCtx) {
    cellCtx.putImageData(new ImageData(fieldPixels(grid, colors, range), n, n), 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, left, top, w, h);
  }

  const colorOf = (label: number): string => (range ? cssRgb(regressionColor(label, range, colors, 1)) : cssRgb(colors.classes[label] ?? colors.classes[0]!));
  const each = (set: BoundaryPointSet, draw: (x: number, y: number, color: string) => void) => {
    for (let k = 0; k < set.x.length; k++) draw(sx(set.x[k]!), sy(set.y[k]!), colorOf(set.label[k]!));
  };
  // Regression points near the middle of the scale take the field's background colour: a text-coloured
  // outline keeps them visible (class points contrast with a light outline instead).
  const outline = range ? colors.text : colors.outline;
  ctx.lineWidth = 1;
  ctx.strokeStyle = outline;
  each(points.train, (x, y, color) => {
    ctx.beginPath();
    ctx.arc(x, y, 2.6, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.stroke();
  });
  if (options.showValidation) {
    each(points.validation, (x, y, color) => {
      ctx.beginPath();
      ctx.arc(x, y, 3.2, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = outline;
      ctx.stroke();
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = color;
      ctx.stroke();
    });
  }
  if (options.showTest) {
    ctx.lineWidth = 1;
    ctx.strokeStyle = outline;
    each(points.test, (x, y, color) => {
      ctx.beginPath();
      ctx.moveTo(x, y - 3.8);
      ctx.lineTo(x + 3.8, y);
      ctx.lineTo(x, y + 3.8);
      ctx.lineTo(x - 3.8, y);
      ctx.closePath();
      ctx.fillStyle = color;
      ctx.fill();
      ctx.stroke();
    });
  }

  // Axes: a frame and round ticks.
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.text;
  ctx.globalAlpha = 0.5;
  ctx.strokeRect(left + 0.5, top + 0.5, w - 1, h - 1);
  ctx.globalAlpha = 1;
  ctx.fillStyle = colors.text;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of niceTicks(grid.x.min, grid.x.max)) ctx.fillText(formatTick(v), sx(v), top + h + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of niceTicks(grid.y.min, grid.y.max)) ctx.fillText(formatTick(v), left - 4, sy(v));
}

/** A tick value in at most 4 significant digits. */
function formatTick(v: number): string {
  return Math.abs(v) < 1e-9 ? '0' : String(Number(v.toPrecision(4)));
}
