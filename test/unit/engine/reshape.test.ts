import { beforeAll, describe, expect, it } from 'vitest';
import { inferNetworkShapes, ExperimentSpec, LayerSpec, NetworkSpec, type RunEvent } from '../../../contract/index.js';
import { meanFieldStds } from '../../../engine/diagnostics/mean-field.js';
import { previewInit } from '../../../engine/diagnostics/preview.js';
import { buildModel } from '../../../engine/model.js';
import { Random } from '../../../engine/random.js';
import type { TF } from '../../../engine/tf.js';
import { trainRun } from '../../../engine/train.js';
import { collector, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});

const net = (inputShape: number[], layers: unknown[]) => NetworkSpec.parse({ inputShape, layers });

/** The builder's "small conv net" preset on mnist's flat [784] digits, led by a reshape to [28, 28, 1]. */
function mnistConvExperiment(): ExperimentSpec {
  return ExperimentSpec.parse({
    dataset: { builtin: 'mnist', samples: 300, seed: 3 },
    network: {
      inputShape: [784],
      layers: [
        { type: 'reshape', targetShape: [28, 28, 1] },
        { type: 'conv2d', filters: 4, padding: 'same', activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
        { type: 'maxPool2d' },
        { type: 'flatten' },
        { type: 'dense', units: 10, activation: { name: 'softmax' } },
      ],
    },
    train: { epochs: 2, batchSize: 50, optimizer: { name: 'adam', learningRate: 0.01 }, seed: 1, statsEvery: 3, probeSize: 32 },
  });
}

describe('reshape layer', () => {
  it('parses with the contract and infers its output shape; a count mismatch names the layer', () => {
    expect(LayerSpec.parse({ type: 'reshape', targetShape: [28, 28, 1] })).toEqual({ type: 'reshape', targetShape: [28, 28, 1] });
    expect(LayerSpec.safeParse({ type: 'reshape', targetShape: [0, 4] }).success).toBe(false);
    expect(LayerSpec.safeParse({ type: 'reshape' }).success).toBe(false);
    const shapes = inferNetworkShapes(
      net(
        [784],
        [
          { type: 'reshape', targetShape: [28, 28, 1] },
          { type: 'conv2d', filters: 2 },
        ],
      ),
    );
    expect(shapes.map((s) => [s.name, s.outputShape, s.paramCount])).toEqual([
      ['reshape_0', [28, 28, 1], 0],
      ['conv2d_1', [26, 26, 2], 3 * 3 * 2 + 2],
    ]);
    expect(() =>
      inferNetworkShapes(
        net(
          [4],
          [
            { type: 'dense', units: 6 },
            { type: 'reshape', targetShape: [2, 2, 2] },
          ],
        ),
      ),
    ).toThrow(/^layer 1 \(reshape\): cannot reshape \[6\] \(6 values\) to \[2, 2, 2\] \(8 values\): the element counts must match/);
  });

  it('keeps the row-major element order: out[b][i][j][k] = in[b][(i·W + j)·C + k], and flatten undoes it', () => {
    const start = tf.memory().numTensors;
    const rng = new Random(5);
    const batch = 3;
    const x = Float32Array.from({ length: batch * 24 }, () => rng.normal());
    const model = buildModel(tf, net([24], [{ type: 'reshape', targetShape: [2, 4, 3] }, { type: 'reshape', targetShape: [4, 6] }, { type: 'flatten' }]), {
      seed: 1,
    });
    try {
      const [a, b, c] = tf.tidy(() =>
        model.forward(tf.tensor(x, [batch, 24]), { training: false, collectActivations: true }).activations!.map((t) => t.arraySync()),
      ) as [number[][][][], number[][][], number[][]];
      for (let s = 0; s < batch; s++) {
        for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) expect(a[s]![i]![j]![k]).toBe(x[s * 24 + (i * 4 + j) * 3 + k]);
        for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expect(b[s]![i]![j]).toBe(x[s * 24 + i * 6 + j]);
        expect(c[s]).toEqual(Array.from(x.subarray(s * 24, s * 24 + 24)));
      }
      expect(model.layers.map((l) => [l.name, l.paramCount, l.activation])).toEqual([
        ['reshape_0', 0, null],
        ['reshape_1', 0, null],
        ['flatten_2', 0, null],
      ]);
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('passes mean-field theory through unchanged, like flatten', () => {
    const dense = { type: 'dense', units: 64, activation: { name: 'tanh' }, kernelInitializer: { name: 'glorotNormal' } };
    const withReshape = meanFieldStds(net([16], [dense, { type: 'reshape', targetShape: [4, 4, 4] }, { type: 'flatten' }, dense]), { m1: 0, m2: 1 }, [], false);
    const without = meanFieldStds(net([16], [dense, dense]), { m1: 0, m2: 1 }, [], false);
    expect(withReshape[0]).not.toBeNull();
    expect(withReshape[1]).toBe(withReshape[0]);
    expect(withReshape[2]).toBe(withReshape[0]);
    expect(withReshape[3]).toBeCloseTo(without[1]!, 12);
  });

  it("lets the conv preset train on mnist's flat digits, with layer statistics and an init preview", async () => {
    const exp = mnistConvExperiment();
    const start = tf.memory().numTensors;
    const { events, emit } = collector();
    await trainRun(tf, 'reshape-run', exp, emit, () => false);
    expect(tf.memory().numTensors).toBe(start);
    const terminal = events[events.length - 1]!;
    expect(terminal.type, JSON.stringify(terminal)).toBe('finished');
    expect(events[0]).toMatchObject({ type: 'started', trainSamples: 240, valSamples: 60 });
    const progress = events.filter((e): e is Extract<RunEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress.length).toBe(2);
    // 10 classes: chance is ln 10 ≈ 2.30 nats and 10 % accuracy; two epochs already beat both.
    expect(progress[1]!.point.trainLoss!).toBeLessThan(Math.log(10));
    expect(progress[1]!.point.valAcc!).toBeGreaterThan(0.3);
    const stats = events.filter((e): e is Extract<RunEvent, { type: 'layerStats' }> => e.type === 'layerStats');
    expect(stats.length).toBeGreaterThan(0);
    const reshapeStats = stats[0]!.layers.find((l) => l.layer === 'reshape_0')!;
    // The reshape's output is the input digits: pixels in [0, 1] with mostly-zero background.
    expect(reshapeStats.zeroFraction).toBeGreaterThan(0.5);
    expect(reshapeStats.weightStd).toBeNull();

    const [preview] = await previewInit(tf, exp, [], 32);
    expect(tf.memory().numTensors).toBe(start);
    expect(preview!.layers.map((l) => [l.layer, l.type])).toEqual([
      ['reshape_0', 'reshape'],
      ['conv2d_1', 'conv2d'],
      ['maxPool2d_2', 'maxPool2d'],
      ['flatten_3', 'flatten'],
      ['dense_4', 'dense'],
    ]);
    // The reshape passes the digits through: its activation std is that of the raw pixels, and the
    // conv's gradient norm is finite and positive.
    expect(preview!.layers[0]!.activationStd!).toBeGreaterThan(0.2);
    expect(preview!.layers[1]!.gradientNorm!).toBeGreaterThan(0);
  });
});
