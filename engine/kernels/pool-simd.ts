import { functionOnHeap } from './heap-module.js';

/**
 * The max-pool gradient (NHWC, float32) as WebAssembly SIMD code over the tfjs wasm heap
 * (engine/kernels/wat/max-pool-grad.wat): per output position and group of four channels, the
 * window is scanned keeping per lane the first maximum and its address (the cpu backend's strict
 * `>` rule), then dy is added to dx there. Output positions are processed in the order of the
 * JavaScript pass of max-pool-grad.ts, so the results equal it bit for bit.
 */

/** Byte offsets x, dy, dx (zeroed), trash (4 floats), then sizes in elements: see {@link maxPoolGradViews}. */
export type MaxPoolGradOnHeap = (...args: number[]) => void;

/**
 * The maxPoolGrad function instantiated on the wasm heap of `backend` (cached per heap), or null
 * when the backend exposes no WebAssembly.Memory or the module cannot be instantiated.
 */
export const maxPoolGradForBackend: (backend: unknown) => MaxPoolGradOnHeap | null = functionOnHeap<MaxPoolGradOnHeap>('max-pool-grad', 'maxPoolGrad');

/** Geometry of a 2-D max pool (elements; tfjs's Pool2DInfo names). */
export interface PoolGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  padInfo: { top: number; left: number };
}

/**
 * dx [n, h, w, c] = the max-pool gradient of dy [n, oh, ow, c] for input x [n, h, w, c] (float32
 * views of one heap; `trash` at least 4 floats, overwritten). dx is zeroed here.
 * @throws Error if the views' lengths do not match the geometry or they lie on different buffers
 */
export function maxPoolGradViews(fn: MaxPoolGradOnHeap, x: Float32Array, dy: Float32Array, dx: Float32Array, trash: Float32Array, g: PoolGeometry): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = g;
  if (x.length !== n * h * w * c || dx.length !== x.length || dy.length !== n * oh * ow * c || trash.length < 4) {
    throw new Error(
      `pool-simd: views of length ${x.length}, ${dy.length}, ${dx.length}, ${trash.length} do not match x [${n},${h},${w},${c}], dy [${n},${oh},${ow},${c}]`,
    );
  }
  if (x.buffer !== dx.buffer || dy.buffer !== dx.buffer || trash.buffer !== dx.buffer)
    throw new Error('pool-simd: x, dy, dx and trash must be views of the same wasm heap');
  dx.fill(0);
  const { strideHeight, strideWidth, filterHeight, filterWidth } = g;
  fn(
    x.byteOffset,
    dy.byteOffset,
    dx.byteOffset,
    trash.byteOffset,
    n,
    h,
    w,
    c,
    oh,
    ow,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
    g.padInfo.top,
    g.padInfo.left,
  );
}
