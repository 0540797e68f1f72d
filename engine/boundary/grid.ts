import type { BoundaryRange } from '../../contract/index.js';

/** The square region a picture covers: one range per input feature. */
export interface GridBox {
  x: BoundaryRange;
  y: BoundaryRange;
}

/**
 * The bounding box of 2-D points, widened by `margin` × its extent on every side (Playground shows a
 * little space around the data). A feature with no spread gets a box of ±1 around its value.
 * @param xy row-major [n, 2] features (several arrays: train/validation and test parts together)
 * @param margin fraction of each extent added on both sides (default 0.1)
 * @throws Error when no point is finite
 */
export function boundingBox(xy: readonly Float32Array[], margin = 0.1): GridBox {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const part of xy) {
    for (let k = 0; k + 1 < part.length; k += 2) {
      const a = part[k] as number;
      const b = part[k + 1] as number;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      if (a < minX) minX = a;
      if (a > maxX) maxX = a;
      if (b < minY) minY = b;
      if (b > maxY) maxY = b;
    }
  }
  if (!Number.isFinite(minX) || !Number.isFinite(minY)) throw new Error('decision boundary: the dataset has no finite 2-D point');
  const widen = (min: number, max: number): BoundaryRange => {
    const extent = max - min;
    return extent > 0 ? { min: min - margin * extent, max: max + margin * extent } : { min: min - 1, max: max + 1 };
  };
  return { x: widen(minX, maxX), y: widen(minY, maxY) };
}

/**
 * The centres of a resolution × resolution grid over `box`, row-major from the bottom-left cell:
 * cell k = j·resolution + i is at (x.min + (i + ½)·Δx, y.min + (j + ½)·Δy), Δ = extent / resolution
 * (the layout contract/boundary.ts BoundaryField documents).
 * @returns row-major [resolution², 2] float32
 */
export function gridPoints(box: GridBox, resolution: number): Float32Array {
  const out = new Float32Array(resolution * resolution * 2);
  const dx = (box.x.max - box.x.min) / resolution;
  const dy = (box.y.max - box.y.min) / resolution;
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      const k = j * resolution + i;
      out[2 * k] = box.x.min + (i + 0.5) * dx;
      out[2 * k + 1] = box.y.min + (j + 0.5) * dy;
    }
  }
  return out;
}
