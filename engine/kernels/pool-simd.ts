import {
  assembleFunctions,
  f32,
  functionOnHeap,
  i32,
  local,
  LocalAllocator,
  more,
  op,
  valueType,
  whileLoop,
  type Code,
  type WasmFunction,
} from './wasm-simd-assembler.js';

/**
 * The max-pool gradient (NHWC, float32) as WebAssembly SIMD code over the tfjs wasm heap. For every
 * output position (b, p, q) and every group of four channels, the window (clipped to the input) is
 * scanned in row-major order keeping per lane the maximum and the address where it was first seen
 * (f32x4.gt — strict, as the cpu backend's scan — then v128.bitselect of value and address); then
 * dy[b, p, q, d] is added to dx at that address, lane by lane. Channels left over from the groups of
 * four run the same scan with scalar instructions. A lane whose window holds no value above −∞ (or
 * only NaN) keeps the address of a 4-float `trash` buffer, so no branch is needed. dx must be
 * zeroed by the caller. Output positions are processed in the order of the JavaScript pass, so the
 * results equal it bit for bit (overlapping windows accumulate in the same order).
 */

/** The i32 parameters, in order. */
const PARAMS = ['x', 'dy', 'dx', 'trash', 'n', 'h', 'w', 'c', 'oh', 'ow', 'sh', 'sw', 'fh', 'fw', 'top', 'left'] as const;
const P = Object.fromEntries(PARAMS.map((p, i) => [p, i])) as Record<(typeof PARAMS)[number], number>;

function maxPoolGradFunction(): WasmFunction {
  const v = valueType;
  const L = new LocalAllocator(PARAMS.length);
  const [c4, rowStride, imageStride, vecBytes, delta, trashRel] = [0, 0, 0, 0, 0, 0].map(() => L.add(v.i32)) as [number, number, number, number, number, number];
  const [image, o, b, p, q, r, r0, r1, c0, c1, d, pos, end, rowBase, idxS] = Array.from({ length: 15 }, () => L.add(v.i32)) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const target = L.add(v.i32);
  const bestS = L.add(v.f32);
  const valueS = L.add(v.f32);
  const greater = L.add(v.i32);
  const [best, idx, value, mask, laneOffsets] = Array.from({ length: 5 }, () => L.add(v.v128)) as [number, number, number, number, number];
  const get = local.get;
  const param = (name: (typeof PARAMS)[number]): Code => get(P[name]);

  /** Runs `scan` for every position of the window in row-major order, with `pos` the address of channel offset d. */
  const overWindow = (scan: Code): Code => [
    ...local.set(r, get(r0)),
    ...whileLoop(i32.lt(get(r), get(r1)), [
      ...local.set(rowBase, i32.add(i32.add(get(image), i32.mul(get(r), get(rowStride))), get(d))),
      ...local.set(pos, i32.add(get(rowBase), i32.mul(get(c0), get(c4)))),
      ...local.set(end, i32.add(get(rowBase), i32.mul(get(c1), get(c4)))),
      ...whileLoop(more.i32LtU(get(pos), get(end)), [...scan, ...i32.increment(pos, get(c4))]),
      ...i32.increment(r, i32.const(1)),
    ]),
  ];

  /** dx[address − x + dx] += dy at `dyAddress`. */
  const scatter = (address: Code, dyAddress: Code): Code => [
    ...local.set(target, i32.add(address, get(delta))),
    ...f32.store(get(target), f32.add(f32.load(get(target)), f32.load(dyAddress))),
  ];

  const vectorGroup: Code = [
    ...local.set(best, more.f32x4Splat(Number.NEGATIVE_INFINITY)),
    ...local.set(idx, more.i32x4Splat(get(trashRel))),
    ...overWindow([
      ...local.set(value, op.loadAt(get(pos))),
      ...local.set(mask, more.f32x4Gt(get(value), get(best))),
      ...local.set(best, more.bitselect(get(value), get(best), get(mask))),
      ...local.set(idx, more.bitselect(more.i32x4Add(more.i32x4Splat(get(pos)), get(laneOffsets)), get(idx), get(mask))),
    ]),
    ...[0, 1, 2, 3].flatMap((lane) => scatter(more.i32x4Lane(get(idx), lane), i32.add(i32.add(get(o), get(d)), i32.const(4 * lane)))),
    ...i32.increment(d, i32.const(16)),
  ];

  const scalarChannel: Code = [
    ...local.set(bestS, more.f32Const(Number.NEGATIVE_INFINITY)),
    ...local.set(idxS, get(trashRel)),
    ...overWindow([
      ...local.set(valueS, f32.load(get(pos))),
      ...local.set(greater, more.f32Gt(get(valueS), get(bestS))),
      ...local.set(bestS, more.select(get(valueS), get(bestS), get(greater))),
      ...local.set(idxS, more.select(get(pos), get(idxS), get(greater))),
    ]),
    ...scatter(get(idxS), i32.add(get(o), get(d))),
    ...i32.increment(d, i32.const(4)),
  ];

  const body: Code = [
    ...local.set(c4, i32.mul(param('c'), i32.const(4))),
    ...local.set(rowStride, i32.mul(param('w'), get(c4))),
    ...local.set(imageStride, i32.mul(param('h'), get(rowStride))),
    ...local.set(vecBytes, i32.mul(more.i32And(param('c'), i32.const(-4)), i32.const(4))),
    ...local.set(delta, i32.sub(param('dx'), param('x'))),
    ...local.set(trashRel, i32.sub(param('trash'), get(delta))),
    ...local.set(laneOffsets, more.i32x4Const([0, 4, 8, 12])),
    ...local.set(image, param('x')),
    ...local.set(o, param('dy')),
    ...local.set(b, i32.const(0)),
    ...whileLoop(i32.lt(get(b), param('n')), [
      ...local.set(p, i32.const(0)),
      ...whileLoop(i32.lt(get(p), param('oh')), [
        ...local.set(r0, i32.sub(i32.mul(get(p), param('sh')), param('top'))),
        ...local.set(r1, more.i32Min(param('h'), i32.add(get(r0), param('fh')))),
        ...local.set(r0, more.i32Max(i32.const(0), get(r0))),
        ...local.set(q, i32.const(0)),
        ...whileLoop(i32.lt(get(q), param('ow')), [
          ...local.set(c0, i32.sub(i32.mul(get(q), param('sw')), param('left'))),
          ...local.set(c1, more.i32Min(param('w'), i32.add(get(c0), param('fw')))),
          ...local.set(c0, more.i32Max(i32.const(0), get(c0))),
          ...local.set(d, i32.const(0)),
          ...whileLoop(i32.lt(get(d), get(vecBytes)), vectorGroup),
          ...whileLoop(i32.lt(get(d), get(c4)), scalarChannel),
          ...i32.increment(o, get(c4)),
          ...i32.increment(q, i32.const(1)),
        ]),
        ...i32.increment(p, i32.const(1)),
      ]),
      ...i32.increment(image, get(imageStride)),
      ...i32.increment(b, i32.const(1)),
    ]),
  ];
  return { name: 'maxPoolGrad', params: Array(PARAMS.length).fill(v.i32), locals: L.types, body };
}

/** The module's bytes: one exported function `maxPoolGrad(x, dy, dx, trash, n, h, w, c, oh, ow, sh, sw, fh, fw, top, left)`. */
export function assembleMaxPoolGrad(): Uint8Array {
  return assembleFunctions([maxPoolGradFunction()]);
}

/** Byte offsets x, dy, dx (zeroed), trash (4 floats), then sizes in elements: see {@link maxPoolGradViews}. */
export type MaxPoolGradOnHeap = (...args: number[]) => void;

/**
 * The maxPoolGrad function instantiated on the wasm heap of `backend` (cached per heap), or null
 * when the backend exposes no WebAssembly.Memory or the module cannot be instantiated.
 */
export const maxPoolGradForBackend: (backend: unknown) => MaxPoolGradOnHeap | null = functionOnHeap<MaxPoolGradOnHeap>(assembleMaxPoolGrad, 'maxPoolGrad');

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
    throw new Error(`pool-simd: views of length ${x.length}, ${dy.length}, ${dx.length}, ${trash.length} do not match x [${n},${h},${w},${c}], dy [${n},${oh},${ow},${c}]`);
  }
  if (x.buffer !== dx.buffer || dy.buffer !== dx.buffer || trash.buffer !== dx.buffer) throw new Error('pool-simd: x, dy, dx and trash must be views of the same wasm heap');
  dx.fill(0);
  const { strideHeight, strideWidth, filterHeight, filterWidth } = g;
  fn(x.byteOffset, dy.byteOffset, dx.byteOffset, trash.byteOffset, n, h, w, c, oh, ow, strideHeight, strideWidth, filterHeight, filterWidth, g.padInfo.top, g.padInfo.left);
}
