import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkSpec, OptimizerSpec, type RunEvent, type SignalPropBlock } from '../../../contract/index.js';
import { meanFieldStds } from '../../../engine/diagnostics/mean-field.js';
import { previewInit } from '../../../engine/diagnostics/preview.js';
import { measureSignalProp } from '../../../engine/diagnostics/signal-prop.js';
import { createLoss } from '../../../engine/losses.js';
import { buildModel } from '../../../engine/model.js';
import { createOptimizer } from '../../../engine/optimizers.js';
import { trainStep } from '../../../engine/step.js';
import { trainRun } from '../../../engine/train.js';
import type { TF } from '../../../engine/tf.js';
import { collector, experiment, getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const WIDTH = 128;
const BLOCKS = 30;
const BATCH = 256;

/** A dense ReLU residual stack: BLOCKS blocks of width WIDTH (He normal, zero biases, no normalisation), then dense 1. */
function resnet(init: 'standard' | 'fixup' | 'skipInit'): NetworkSpec {
  const blocks = Array.from({ length: BLOCKS }, () => ({ type: 'residual', units: WIDTH, init, kernelInitializer: { name: 'heNormal' } }));
  return NetworkSpec.parse({ inputShape: [WIDTH], layers: [...blocks, { type: 'dense', units: 1 }] });
}

/** Second moment of the stream per channel, averaged: squared mean + variance. */
const secondMoment = (b: SignalPropBlock): number => b.squaredMean! + b.variance!;

async function atInit(init: 'standard' | 'fixup' | 'skipInit', seed: number): Promise<{ blocks: SignalPropBlock[]; input: number }> {
  const model = buildModel(tf, resnet(init), { seed });
  const x = tf.randomNormal([BATCH, WIDTH], 0, 1, 'float32', seed);
  try {
    const input = tf.tidy(() => tf.mean(tf.square(x)).dataSync()[0]!);
    return { blocks: await measureSignalProp(tf, model, x), input };
  } finally {
    x.dispose();
    model.dispose();
  }
}

describe('signal propagation in deep ReLU residual networks (Brock et al. 2021; De & Smith 2020; Zhang et al. 2019)', () => {
  it("without normalisation the stream's second moment grows by the factor 1 + (branch / stream second moment) = 3 per He-initialised block, exponentially with depth", async () => {
    const start = tf.memory().numTensors;
    const { blocks, input } = await atInit('standard', 3);
    expect(tf.memory().numTensors).toBe(start);
    expect(blocks).toHaveLength(BLOCKS);
    // Theory: with q = E[x²] per unit entering a block, layer 1 (He: Var(W) = 2/fan_in) gives pre-activations
    // of variance 2q, ReLU keeps half the second moment (q), layer 2 (He) gives the branch a second moment of
    // 2q; the branch is uncorrelated with x (zero-mean weights), so the stream leaves with q + 2q = 3q.
    const q = [input, ...blocks.map(secondMoment)];
    const branchRatios = blocks.map((b, l) => (b.branchSquaredMean! + b.branchVariance!) / q[l]!);
    const meanRatio = branchRatios.reduce((a, b) => a + b, 0) / BLOCKS;
    expect(meanRatio).toBeGreaterThan(1.8);
    expect(meanRatio).toBeLessThan(2.2);
    // Geometric mean of the per-block growth, against 1 + branch ratio (= 3).
    const growth = Math.pow(q[BLOCKS]! / q[0]!, 1 / BLOCKS);
    expect(growth).toBeGreaterThan(3 * 0.93);
    expect(growth).toBeLessThan(3 * 1.07);
    // Each block's growth is 1 + its measured branch ratio + the cross term 2E[x·branch]/q, which is 0 in
    // expectation: per block it is ±0.5 at width 128, over the 30 blocks it averages out.
    const cross = blocks.map((_, l) => q[l + 1]! / q[l]! - (1 + branchRatios[l]!));
    expect(Math.abs(cross.reduce((a, b) => a + b, 0) / BLOCKS)).toBeLessThan(0.15);
    // Brock et al.'s observation: with depth the samples' streams align, so the average channel squared mean
    // takes over from the channel variance (ReLU outputs share a positive mean per channel).
    expect(blocks[BLOCKS - 1]!.squaredMean!).toBeGreaterThan(blocks[BLOCKS - 1]!.variance!);
    // Mean-field theory (engine/diagnostics/mean-field.ts) predicts exactly m2 ← 3·m2 per block …
    const theory = meanFieldStds(resnet('standard'), { m1: 0, m2: input }, [], false);
    blocks.forEach((_, l) => expect(theory[l]! ** 2 / (input * 3 ** (l + 1))).toBeCloseTo(1, 6));
    // … and the measured stream after 30 blocks is within an order of magnitude of it (3^30 ≈ 2·10^14).
    expect(Math.abs(Math.log10(q[BLOCKS]! / theory[BLOCKS - 1]! ** 2))).toBeLessThan(1);
    // So the variance grows exponentially: after 30 blocks by ~3^30 ≈ 2·10^14.
    expect(Math.log10(blocks[BLOCKS - 1]!.variance! / input)).toBeGreaterThan(12);
  });

  it.each(['fixup', 'skipInit'] as const)('with %s the stream at init is the input (branches output 0), bounded at every depth', async (init) => {
    const { blocks, input } = await atInit(init, 3);
    for (const b of blocks) {
      expect(b.branchVariance).toBe(0);
      expect(secondMoment(b)).toBeCloseTo(input, 4);
    }
  });

  it.each(['fixup', 'skipInit'] as const)(
    'with %s the stream stays bounded after 10 SGD steps: its second moment within ±25 % of the input at every block',
    async (init) => {
      const start = tf.memory().numTensors;
      const model = buildModel(tf, resnet(init), { seed: 4 });
      const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'sgd', learningRate: 0.01 }));
      const lossFn = createLoss(tf, 'meanSquaredError', { outputActivation: model.outputActivation, outputUnits: 1, numClasses: 0 });
      const x = tf.randomNormal([BATCH, WIDTH], 0, 1, 'float32', 8);
      // A target the network can fit: a fixed linear function of the input.
      const y = tf.tidy(() => tf.reshape(tf.matMul(x, tf.randomNormal([WIDTH, 1], 0, 1 / Math.sqrt(WIDTH), 'float32', 9)), [BATCH]));
      try {
        const input = tf.tidy(() => tf.mean(tf.square(x)).dataSync()[0]!);
        const losses: number[] = [];
        for (let step = 1; step <= 10; step++) losses.push((await trainStep(tf, model, lossFn, optimizer, x, y, step)).loss);
        expect(losses[9]).toBeLessThan(losses[0]!);
        const blocks = await measureSignalProp(tf, model, x);
        // The branches have moved off 0 …
        expect(blocks[BLOCKS - 1]!.branchVariance).toBeGreaterThan(0);
        // … but every block's stream keeps the input's scale (the standard network's grows ~3^depth).
        for (const b of blocks) {
          expect(secondMoment(b) / input).toBeGreaterThan(0.75);
          expect(secondMoment(b) / input).toBeLessThan(1.25);
        }
      } finally {
        x.dispose();
        y.dispose();
        optimizer.dispose();
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(start);
    },
  );
});

describe('signal propagation in runs and the init preview', () => {
  const exp = () =>
    experiment({
      network: {
        inputShape: [2],
        layers: [
          { type: 'dense', units: 8 },
          { type: 'residual', units: 8, init: 'skipInit' },
          { type: 'residual', units: 8, init: 'standard' },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs: 2, statsEvery: 5 },
    });

  it('a run sends step-0 signal propagation with its first layerStats event and the blocks at every stats record', async () => {
    const start = tf.memory().numTensors;
    const { events, emit } = collector();
    await trainRun(tf, 'run-rn', exp(), emit, () => false);
    expect(tf.memory().numTensors).toBe(start);
    const stats = events.filter((e): e is Extract<RunEvent, { type: 'layerStats' }> => e.type === 'layerStats');
    expect(stats.length).toBeGreaterThan(2);
    const init = stats[0]!.signalPropInit!;
    expect(init.map((b) => [b.layer, b.block])).toEqual([
      ['residual_1', 0],
      ['residual_2', 1],
    ]);
    expect(init[0]!.branchVariance).toBe(0); // SkipInit: α = 0 at init
    expect(init[1]!.branchVariance).toBeGreaterThan(0);
    expect(stats.slice(1).every((e) => e.signalPropInit === undefined)).toBe(true);
    expect(stats.every((e) => e.signalProp?.length === 2)).toBe(true);
    // α moved off 0 with training.
    expect(stats[stats.length - 1]!.signalProp![0]!.branchVariance).toBeGreaterThan(0);
  });

  it('the init preview lists the blocks (and none for a network without blocks)', async () => {
    const [result] = await previewInit(tf, exp(), [], 64);
    expect(result!.signalProp?.map((b) => b.layer)).toEqual(['residual_1', 'residual_2']);
    expect(result!.signalProp![0]!.branchVariance).toBe(0);
    // The stream leaving the SkipInit block is the dense layer's output: its preview std squared is the
    // average over channels of variance + squared mean minus the overall mean's square, so check the second moment.
    const dense0 = result!.layers[0]!;
    const b0 = result!.signalProp![0]!;
    expect(b0.squaredMean! + b0.variance!).toBeCloseTo(dense0.activationStd! ** 2 + dense0.activationMean! ** 2, 4);
    const [plain] = await previewInit(tf, experiment(), [], 64);
    expect(plain!.signalProp).toBeUndefined();
  });
});
