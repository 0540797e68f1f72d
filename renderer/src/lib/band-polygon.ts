import type { XYBuffer } from './xy-buffer.js';

/** A linear map from data (x, y) to pixels: px = x0 + xScale · x, py = y0 + yScale · y. */
export interface PixelMap {
  x0: number;
  xScale: number;
  y0: number;
  yScale: number;
}

/**
 * The outline of a shaded band between two curves that share their x values (`lower[i].x ===
 * upper[i].x`), in pixels, reduced to one column per pixel: each column keeps the lowest lower value
 * and the highest upper value among the points that fall in it, so the band is never drawn narrower
 * than the data. The polygon runs along the upper edge left to right, then back along the lower edge;
 * it has at most 2 × (pixel width + 1) vertices however many points there are (20,000-epoch bands
 * cost a few hundred vertices). Pairs with a missing (NaN) value are skipped (the band bridges them).
 */
export function bandPolygon(lower: XYBuffer, upper: XYBuffer, map: PixelMap): [number, number][] {
  const n = Math.min(lower.length, upper.length);
  const columns: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const lo = lower.y(i);
    const hi = upper.y(i);
    if (Number.isNaN(lo) || Number.isNaN(hi)) continue;
    const column = Math.round(map.x0 + map.xScale * lower.x(i));
    const last = columns.length - 1;
    if (last >= 0 && columns[last] === column) {
      lows[last] = Math.min(lows[last]!, lo);
      highs[last] = Math.max(highs[last]!, hi);
    } else {
      columns.push(column);
      lows.push(lo);
      highs.push(hi);
    }
  }
  const polygon: [number, number][] = [];
  for (let c = 0; c < columns.length; c += 1) polygon.push([columns[c]!, map.y0 + map.yScale * highs[c]!]);
  for (let c = columns.length - 1; c >= 0; c -= 1) polygon.push([columns[c]!, map.y0 + map.yScale * lows[c]!]);
  return polygon;
}

/** The {@link PixelMap} through two points and their pixels (`a` and `b` must differ in x and in y). */
export function pixelMapFrom(a: [number, number], aPx: [number, number], b: [number, number], bPx: [number, number]): PixelMap {
  const xScale = (bPx[0] - aPx[0]) / (b[0] - a[0]);
  const yScale = (bPx[1] - aPx[1]) / (b[1] - a[1]);
  return { x0: aPx[0] - xScale * a[0], xScale, y0: aPx[1] - yScale * a[1], yScale };
}
