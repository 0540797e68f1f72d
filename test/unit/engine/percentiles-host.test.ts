import { beforeAll, describe, expect, it } from 'vitest';
import { DISTRIBUTION_PERCENTILES } from '../../../contract/index.js';
import { percentiles, strided } from '../../../engine/diagnostics/distributions.js';
import { percentilesHost, stridedHost } from '../../../engine/diagnostics/host-distributions.js';
import type { TF } from '../../../engine/tf.js';
import { values, wasmTf } from './kernels/backend-pair.js';

let tf: TF;
beforeAll(async () => {
  tf = await wasmTf();
});

/** The device computation (distributions.ts `percentiles`: a tf.topk sort, gathered order statistics, float32 interpolation), which the host must match bit for bit. */
function onDevice(sample: Float32Array): number[] {
  const out = tf.tidy(() => percentiles(tf, tf.tensor1d(sample, 'float32')));
  const result = Array.from(out.dataSync());
  out.dispose();
  return result;
}

/** numpy.percentile's default ('linear') in float64: the independent reference for the values. */
function numpyLinear(sample: Float32Array, p: number): number {
  const s = Array.from(sample).sort((x, y) => x - y);
  const h = (p / 100) * (s.length - 1);
  const l = Math.floor(h);
  return s[l]! + (h - l) * (s[Math.min(s.length - 1, l + 1)]! - s[l]!);
}

/** percentilesHost's values for `sample` (all NaN when it holds a NaN). */
function percentilesOnHost(sample: Float32Array): number[] {
  const out = new Float32Array(DISTRIBUTION_PERCENTILES.length);
  percentilesHost(sample, out, 0);
  return Array.from(out);
}

/** Equal as JSON stores them (so +0 and −0 alike, the only difference a sort's tie order can make). */
const asStored = (xs: readonly number[]) => JSON.stringify(xs);

describe('percentiles on the host (layer statistics: order statistics selected, not sorted)', () => {
  it('equal the device computation bit for bit (as stored) on normal, tied, signed-zero and infinite samples, and numpy within float32', () => {
    const tensors = tf.memory().numTensors;
    const cases: Float32Array[] = [
      values(16384, 1),
      values(7, 2),
      Float32Array.of(3),
      Float32Array.of(-1, 1),
      values(1000, 3).map((v) => Math.round(v * 4) / 4), // many ties
      values(999, 4).map((v, i) => (i % 5 === 0 ? (i % 2 ? -0 : 0) : v)), // signed zeros among values
      values(500, 5).map((v, i) => (i === 7 ? Infinity : i === 9 ? -Infinity : v)),
      new Float32Array(64), // all +0
      values(4097, 6).map((v) => v * 1e-40), // subnormals
      Float32Array.from({ length: 5000 }, (_, i) => i / 7), // already sorted
      Float32Array.from({ length: 5001 }, (_, i) => -i), // reversed
      values(16384, 7).map((v, i) => (i % 3 ? 0 : v)), // two thirds zeros (a dead layer's gradient)
    ];
    for (const sample of cases) {
      const host = percentilesOnHost(sample);
      expect(asStored(host), `n = ${sample.length}`).toBe(asStored(onDevice(sample)));
      if (sample.every(Number.isFinite))
        DISTRIBUTION_PERCENTILES.forEach((p, i) => {
          const reference = numpyLinear(sample, p);
          expect(Math.abs(host[i]! - reference), `p${p}, n = ${sample.length}`).toBeLessThanOrEqual(Math.max(1e-6 * Math.abs(reference), 1e-44));
        });
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('take the same strided elements as the device selection', () => {
    const tensors = tf.memory().numTensors;
    for (const [n, max] of [
      [200704, 16384],
      [32768, 16384],
      [1280, 16384],
      [7, 3],
    ] as [number, number][]) {
      const t = tf.tensor(values(n, n), [n / (n % 7 === 0 ? 7 : 1), n % 7 === 0 ? 7 : 1]);
      const device = tf.tidy(() => strided(tf, tf.reshape(t, [-1]), max).dataSync() as Float32Array);
      expect(stridedHost(t.dataSync() as Float32Array, max), `n = ${n}`).toEqual(device);
      t.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('are NaN (no percentiles) for a sample holding NaN, its order being undefined, and leave the sample as it was', () => {
    const sample = values(100, 7);
    const copy = sample.slice();
    percentilesOnHost(sample);
    expect(sample).toEqual(copy);
    sample[50] = NaN;
    expect(percentilesOnHost(sample).every(Number.isNaN)).toBe(true);
  });
});
