import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferNetworkShapes, NetworkSpec, OptimizerSpec, type LayerSpec } from '../../../contract/index.js';
import { createLoss } from '../../../engine/losses.js';
import { buildModel, type Model } from '../../../engine/model.js';
import { createOptimizer } from '../../../engine/optimizers.js';
import { Random } from '../../../engine/random.js';
import { trainStep } from '../../../engine/step.js';
import type { TF } from '../../../engine/tf.js';
import { getBackend } from './helpers.js';

let tf: TF;
beforeAll(async () => {
  tf = (await getBackend()).tf;
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

type Image = number[][][]; // [h][w][c]

/** NHWC convolution of one image by kernel [kh][kw][inC][outC], TensorFlow's padding rules. */
function convRef(x: Image, k: number[][][][], bias: number[], stride: number, padding: 'valid' | 'same'): Image {
  const [h, w, kh, kw] = [x.length, x[0]!.length, k.length, k[0]!.length];
  const outH = padding === 'same' ? Math.ceil(h / stride) : Math.floor((h - kh) / stride) + 1;
  const outW = padding === 'same' ? Math.ceil(w / stride) : Math.floor((w - kw) / stride) + 1;
  const padTop = padding === 'same' ? Math.floor(Math.max((outH - 1) * stride + kh - h, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((outW - 1) * stride + kw - w, 0) / 2) : 0;
  return Array.from({ length: outH }, (_, i) =>
    Array.from({ length: outW }, (_, j) =>
      bias.map((b, o) => {
        let s = b;
        for (let di = 0; di < kh; di++)
          for (let dj = 0; dj < kw; dj++) {
            const r = i * stride + di - padTop;
            const c = j * stride + dj - padLeft;
            if (r < 0 || c < 0 || r >= h || c >= w) continue;
            x[r]![c]!.forEach((v, ch) => (s += v * k[di]![dj]![ch]![o]!));
          }
        return s;
      }),
    ),
  );
}

function poolRef(x: Image, size: number, op: 'max' | 'avg'): Image {
  const outH = Math.floor(x.length / size);
  const outW = Math.floor(x[0]!.length / size);
  return Array.from({ length: outH }, (_, i) =>
    Array.from({ length: outW }, (_, j) =>
      x[0]![0]!.map((_, ch) => {
        const vals: number[] = [];
        for (let di = 0; di < size; di++) for (let dj = 0; dj < size; dj++) vals.push(x[i * size + di]![j * size + dj]![ch]!);
        return op === 'max' ? Math.max(...vals) : vals.reduce((a, b) => a + b, 0) / vals.length;
      }),
    ),
  );
}

const net = (inputShape: number[], layers: unknown[]) => NetworkSpec.parse({ inputShape, layers });
const rng = new Random(99);
const image = (h: number, w: number, c: number): Image =>
  Array.from({ length: h }, () => Array.from({ length: w }, () => Array.from({ length: c }, () => rng.normal())));

/** Runs the model on one image and returns every layer's output as nested arrays. */
function outputs(model: Model, x: Image): unknown[] {
  let result: unknown[] = [];
  tf.tidy(() => {
    const { activations } = model.forward(tf.tensor4d([x]), { training: false, collectActivations: true });
    result = activations!.map((a) => (a.arraySync() as unknown[])[0]);
  });
  return result;
}

function expectClose(got: unknown, want: unknown, path = ''): void {
  if (Array.isArray(want)) {
    expect((got as unknown[]).length, path).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, `${path}[${i}]`));
  } else {
    expect(got as number, path).toBeCloseTo(want as number, 4);
  }
}

describe.each(['cpu', 'wasm'])('spatial layers on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('conv2d (valid and same, stride 1 and 2), pooling and flatten equal a direct computation', () => {
    const start = tf.memory().numTensors;
    const layers = [
      {
        type: 'conv2d',
        filters: 3,
        kernelSize: 3,
        padding: 'valid',
        kernelInitializer: { name: 'glorotNormal' },
        biasInitializer: { name: 'normal', mean: 0, std: 0.5 },
      },
      { type: 'conv2d', filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', activation: { name: 'relu' } },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
    ];
    const x = image(8, 9, 2);
    const model = buildModel(tf, net([8, 9, 2], layers), { seed: 5 });
    try {
      expect(model.layers.map((l) => l.outputShape)).toEqual([[6, 7, 3], [3, 4, 2], [1, 2, 2], [4]]);
      const params = model.variables.map((v) => v.arraySync()) as [number[][][][], number[], number[][][][], number[]];
      const got = outputs(model, x);
      const c1 = convRef(x, params[0], params[1], 1, 'valid');
      const c2 = convRef(c1, params[2], params[3], 2, 'same').map((r) => r.map((p) => p.map((v) => Math.max(v, 0))));
      const p = poolRef(c2, 2, 'max');
      expectClose(got[0], c1, 'conv2d_0');
      expectClose(got[1], c2, 'conv2d_1');
      expectClose(got[2], p, 'maxPool2d_2');
      expectClose(got[3], p.flat(2), 'flatten_3');
      const avg = buildModel(tf, net([4, 4, 3], [{ type: 'avgPool2d', poolSize: 2 }]), { seed: 1 });
      const y = image(4, 4, 3);
      expectClose(outputs(avg, y)[0], poolRef(y, 2, 'avg'), 'avgPool2d');
      avg.dispose();
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('conv2d kernels', () => {
  it('are drawn with fans from the receptive field: He gives Var = 2/(kh·kw·inC)', () => {
    const model = buildModel(tf, net([12, 12, 8], [{ type: 'conv2d', filters: 64, kernelSize: 3, kernelInitializer: { name: 'heNormal' } }]), { seed: 2 });
    const w = model.variables[0]!.dataSync() as Float32Array;
    const variance = w.reduce((a, v) => a + v * v, 0) / w.length;
    model.dispose();
    expect(w.length).toBe(3 * 3 * 8 * 64);
    expect(variance / (2 / 72)).toBeGreaterThan(0.95);
    expect(variance / (2 / 72)).toBeLessThan(1.05);
  });
});

describe('shape checks', () => {
  const shapeOf = (inputShape: number[], layers: LayerSpec[] | unknown[]) => inferNetworkShapes(net(inputShape, layers));
  it('counts parameters of every layer type', () => {
    const shapes = shapeOf(
      [28, 28, 1],
      [
        { type: 'conv2d', filters: 8, kernelSize: 5 },
        { type: 'batchNorm' },
        { type: 'activation', activation: { name: 'relu' } },
        { type: 'avgPool2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    );
    expect(shapes.map((s) => [s.name, s.outputShape, s.paramCount])).toEqual([
      ['conv2d_0', [24, 24, 8], 5 * 5 * 8 + 8],
      ['batchNorm_1', [24, 24, 8], 16],
      ['activation_2', [24, 24, 8], 0],
      ['avgPool2d_3', [12, 12, 8], 0],
      ['flatten_4', [1152], 0],
      ['dense_5', [10], 1152 * 10 + 10],
    ]);
  });
  it('names the layer whose input does not fit', () => {
    expect(() => shapeOf([10], [{ type: 'conv2d', filters: 2 }])).toThrow(/^layer 0 \(conv2d\): expects an input of rank 3/);
    expect(() =>
      shapeOf(
        [4, 4, 1],
        [
          { type: 'conv2d', filters: 2 },
          { type: 'conv2d', filters: 2, kernelSize: 3 },
        ],
      ),
    ).toThrow(/^layer 1 \(conv2d\): kernel 3×3 does not fit the 2×2 input/);
    expect(() =>
      shapeOf(
        [4, 4, 1],
        [
          { type: 'maxPool2d', poolSize: 2 },
          { type: 'dense', units: 2 },
        ],
      ),
    ).toThrow(/^layer 1 \(dense\): expects a flat input.*flatten/);
  });
});

describe('training conv and batchNorm layers (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a small conv net learns bars; batchNorm normalises and updates its moving statistics', async () => {
    const start = tf.memory().numTensors;
    // 6×6 images: class 0 has a vertical bar, class 1 a horizontal one (at a random place), plus noise.
    const n = 32;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const cls = i % 2;
      const at = rng.int(6);
      for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) xs.push(((cls === 0 ? c === at : r === at) ? 1 : 0) + 0.1 * rng.normal());
      ys.push(cls);
    }
    const spec = net(
      [6, 6, 1],
      [
        { type: 'conv2d', filters: 4, kernelSize: 3, kernelInitializer: { name: 'heNormal' } },
        { type: 'batchNorm', momentum: 0.9 },
        { type: 'activation', activation: { name: 'relu' } },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    );
    const model = buildModel(tf, spec, { seed: 4, target: { loss: 'sparseCategoricalCrossentropy', numClasses: 2 } });
    const lossFn = createLoss(tf, 'sparseCategoricalCrossentropy', { outputActivation: model.outputActivation, outputUnits: 2, numClasses: 2 });
    const optimizer = createOptimizer(tf, OptimizerSpec.parse({ name: 'adam', learningRate: 0.05 }));
    const xb = tf.tensor4d(xs, [n, 6, 6, 1]);
    const yb = tf.tensor1d(ys, 'int32');
    try {
      // Batch statistics in training mode: every channel of the batchNorm output has mean 0 and std ≈ 1.
      const [mean, sd, convMean] = tf.tidy(() => {
        const { activations } = model.forward(xb, { training: true, collectActivations: true });
        const m = tf.moments(activations![1]!, [0, 1, 2]);
        return [m.mean.arraySync() as number[], tf.sqrt(m.variance).arraySync() as number[], tf.mean(activations![0]!, [0, 1, 2]).arraySync() as number[]];
      });
      mean.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-4));
      sd.forEach((v) => expect(v).toBeCloseTo(1, 2));
      const first = await trainStep(tf, model, lossFn, optimizer, xb, yb, 1);
      // Moving mean after one step: 0.9·0 + 0.1·μ_B, with μ_B the batch mean of the conv output before the update.
      const prefix = model.variables[0]!.name.split('/')[0]!; // the model's variable-name prefix, e.g. 'm7'
      const moving = tf.engine().registeredVariables[`${prefix}/batchNorm_1/movingMean`];
      expect(moving?.trainable).toBe(false);
      const movingMean = Array.from(moving!.dataSync());
      movingMean.forEach((v, i) => expect(v).toBeCloseTo(0.1 * convMean[i]!, 4));
      let last = first;
      for (let s = 2; s <= 25; s++) last = await trainStep(tf, model, lossFn, optimizer, xb, yb, s);
      expect(first.finite && last.finite).toBe(true);
      expect(last.loss).toBeLessThan(first.loss * 0.5);
      expect(last.correct).toBeGreaterThanOrEqual(n - 2);
    } finally {
      xb.dispose();
      yb.dispose();
      optimizer.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });
});
