import { beforeAll, describe, expect, it } from 'vitest';
import { HISTOGRAM_EDGES, NetworkSpec, RANGE_HISTOGRAM_BINS } from '../../../contract/index.js';
import { binFractions, rangeBins, strided } from '../../../engine/diagnostics/distributions.js';
import { computeLayerStats, HISTOGRAM_SAMPLE } from '../../../engine/diagnostics/layer-stats.js';
import { buildModel } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { Tensor, TF } from '../../../engine/tf.js';
import { dense, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

/** The device computation the host-side counting replaced: a one-hot [n, B] summed over axis 0, divided by n. */
function oneHotFractions(bins: Tensor, binCount: number): number[] {
  return tf.tidy(() => Array.from(tf.cast(tf.div(tf.sum(tf.oneHot(bins, binCount), 0), bins.size), 'float32').dataSync()));
}

describe('histograms counted on the host (binFractions)', () => {
  it('equals the one-hot sum bit for bit, out-of-range indices counting nowhere', () => {
    const rng = new Random(5);
    for (const n of [1, 7, 1000, 16384]) {
      const values = Array.from({ length: n }, () => Math.floor(rng.next() * 26) - 3); // −3 … 22: some outside [0, 22)
      const bins = tf.tensor1d(values, 'int32');
      const expected = oneHotFractions(bins, 22);
      bins.dispose();
      expect(binFractions(Int32Array.from(values), 0, n, 22), `n = ${n}`).toEqual(expected);
    }
  });

  it('reads its slice of a longer vector', () => {
    const v = new Float32Array([9, 9, 0, 1, 1, 2, 9]);
    expect(binFractions(v, 2, 4, 3)).toEqual([Math.fround(1 / 4), Math.fround(2 / 4), Math.fround(1 / 4)]);
  });

  it('gives computeLayerStats the histograms the one-hot computation gives, on a layer wider than the histogram sample', async () => {
    const start = tf.memory().numTensors;
    const net = NetworkSpec.parse({ inputShape: [20], layers: [dense(300, 'tanh'), dense(40, 'relu'), dense(3, 'softmax')] });
    const model = buildModel(tf, net, { seed: 3 });
    const rng = new Random(11);
    const probe = tf.tensor2d(
      Float32Array.from({ length: 64 * 20 }, () => rng.next() * 4 - 2),
      [64, 20],
    );
    const stats = await computeLayerStats(tf, model, probe, null, null);
    const expected = tf.tidy(() => {
      const { activations } = model.forward(probe, { training: false, collectActivations: true });
      return activations!.map((y) => {
        const sample = strided(tf, tf.reshape(y, [-1]), HISTOGRAM_SAMPLE);
        const lo = HISTOGRAM_EDGES[0] as number;
        const width = (HISTOGRAM_EDGES[HISTOGRAM_EDGES.length - 1]! - lo) / (HISTOGRAM_EDGES.length - 1);
        const fixed = tf.cast(tf.clipByValue(tf.add(tf.floor(tf.div(tf.sub(sample, lo), width)), 1), 0, HISTOGRAM_EDGES.length), 'int32');
        const range = rangeBins(tf, sample);
        const [min, max] = Array.from(range.bounds.dataSync());
        return {
          size: sample.size,
          histogram: oneHotFractions(fixed, HISTOGRAM_EDGES.length + 1),
          rangeHistogram: { min, max, counts: oneHotFractions(range.bins, RANGE_HISTOGRAM_BINS) },
        };
      });
    });
    probe.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(expected[0]!.size).toBeLessThan(64 * 300); // strided: the first layer's 19,200 outputs exceed the sample
    stats.forEach((s, i) => {
      expect(s.histogram, s.layer).toEqual(expected[i]!.histogram);
      expect(s.rangeHistogram, s.layer).toEqual(expected[i]!.rangeHistogram);
      expect(s.histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
  });
});
