import { inferNetworkShapes, pair, type LayerShapeInfo, type LayerSpec, type NetworkSpec } from '../../../contract/index.js';
import type { NamedWeight } from '../../../engine/index.js';
import { appendActivation } from './activations.js';
import { GraphBuilder } from './graph-builder.js';
import { convWeight, tfPads } from './conv-layout.js';
import type { OnnxGraph } from './onnx-model.js';
import { appendResidual } from './residual-graph.js';

export { tfPads };

/** Names of the graph's input and output tensors. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/**
 * Memory layout of the current tensor: the engine computes in NHWC (channels last); ONNX Conv,
 * pooling and BatchNormalization want NCHW (channels at axis 1). `flat` is [batch, features].
 */
type Layout = 'flat' | 'nhwc' | 'nchw' | 'other';

/** Layer types the ONNX export supports (every type of contract/network.ts at the time of writing). */
export const ONNX_LAYER_TYPES: readonly LayerSpec['type'][] = [
  'dense',
  'dropout',
  'conv2d',
  'maxPool2d',
  'avgPool2d',
  'flatten',
  'batchNorm',
  'activation',
  'reshape',
  'residual',
];

/**
 * Builds the inference graph of a trained network (opset 13): input `input` [batch, ...inputShape],
 * output `output` [batch, ...outputShape], both in the engine's channels-last layout. Dropout is the
 * identity (inference), batchNorm uses its moving statistics.
 * @param weights the run's stored weights, named 'dense_0/kernel' etc. (engine/export/weights.ts)
 * @throws Error naming the layer when a weight is missing or the layer cannot be expressed
 */
export function buildOnnxGraph(network: NetworkSpec, weights: readonly NamedWeight[]): OnnxGraph {
  const shapes = inferNetworkShapes(network);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const weight = (info: LayerShapeInfo, role: string): NamedWeight => {
    const w = byName.get(`${info.name}/${role}`);
    if (!w) throw new Error(`ONNX export: layer ${info.index} (${info.type}) has no stored '${role}' weight`);
    return w;
  };
  const g = new GraphBuilder();
  let x = g.reserve(ONNX_INPUT);
  g.reserve(ONNX_OUTPUT);
  const rank = network.inputShape.length;
  let layout: Layout = rank === 1 ? 'flat' : rank === 3 ? 'nhwc' : 'other';
  const toNchw = (scope: string) => {
    if (layout === 'nhwc') {
      x = g.op('Transpose', [x], scope, [{ name: 'perm', type: 'ints', value: [0, 3, 1, 2] }]);
      layout = 'nchw';
    }
  };
  const toNhwc = (scope: string) => {
    if (layout === 'nchw') {
      x = g.op('Transpose', [x], scope, [{ name: 'perm', type: 'ints', value: [0, 2, 3, 1] }]);
      layout = 'nhwc';
    }
  };
  network.layers.forEach((spec, index) => {
    const info = shapes[index]!;
    const scope = info.name;
    switch (spec.type) {
      case 'dense': {
        const kernel = weight(info, 'kernel');
        const k = g.constant(`${scope}/kernel`, kernel.shape, kernel.values);
        if (spec.useBias) {
          const bias = weight(info, 'bias');
          x = g.op('Gemm', [x, k, g.constant(`${scope}/bias`, bias.shape, bias.values)], scope);
        } else {
          x = g.op('MatMul', [x, k], scope);
        }
        layout = 'flat';
        x = appendActivation(g, x, spec.activation, scope, -1);
        return;
      }
      case 'dropout':
        return; // identity at inference
      case 'conv2d': {
        toNchw(scope);
        const kernel = weight(info, 'kernel');
        const [kh, kw] = pair(spec.kernelSize);
        const strides = pair(spec.strides);
        const inputs = [x, g.constant(`${scope}/kernel`, [kernel.shape[3]!, kernel.shape[2]!, kh, kw], convWeight(kernel.values, kernel.shape))];
        if (spec.useBias) {
          const bias = weight(info, 'bias');
          inputs.push(g.constant(`${scope}/bias`, bias.shape, bias.values));
        }
        x = g.op('Conv', inputs, scope, [
          { name: 'kernel_shape', type: 'ints', value: [kh, kw] },
          { name: 'strides', type: 'ints', value: strides },
          { name: 'pads', type: 'ints', value: tfPads(spec.padding, info.inputShape, [kh, kw], strides) },
          { name: 'dilations', type: 'ints', value: [1, 1] },
          { name: 'group', type: 'int', value: 1 },
        ]);
        x = appendActivation(g, x, spec.activation, scope, 1);
        return;
      }
      case 'maxPool2d':
      case 'avgPool2d': {
        toNchw(scope);
        const window = pair(spec.poolSize);
        const strides = pair(spec.strides ?? spec.poolSize);
        x = g.op(spec.type === 'maxPool2d' ? 'MaxPool' : 'AveragePool', [x], scope, [
          { name: 'kernel_shape', type: 'ints', value: window },
          { name: 'strides', type: 'ints', value: strides },
          { name: 'pads', type: 'ints', value: tfPads(spec.padding, info.inputShape, window, strides) },
        ]);
        return;
      }
      case 'flatten':
        toNhwc(scope); // the engine flattens channels-last: channels vary fastest
        x = g.op('Flatten', [x], scope, [{ name: 'axis', type: 'int', value: 1 }]);
        layout = 'flat';
        return;
      case 'reshape': {
        toNhwc(scope); // the engine reshapes channels-last, row-major
        // Shape [-1, ...targetShape]: −1 keeps the batch dimension, whatever its size.
        x = g.op('Reshape', [x, g.int64Vector(`${scope}/shape`, [-1, ...spec.targetShape])], scope);
        layout = spec.targetShape.length === 1 ? 'flat' : spec.targetShape.length === 3 ? 'nhwc' : 'other';
        return;
      }
      case 'batchNorm': {
        toNchw(scope);
        if (layout === 'other')
          throw new Error(
            `ONNX export: layer ${index} (batchNorm) on a rank-${info.inputShape.length} input is not supported (only [features] or [height, width, channels])`,
          );
        const inputs = [
          x,
          ...['gamma', 'beta', 'movingMean', 'movingVariance'].map((role) => {
            const w = weight(info, role);
            return g.constant(`${scope}/${role}`, w.shape, w.values);
          }),
        ];
        x = g.op('BatchNormalization', inputs, scope, [{ name: 'epsilon', type: 'float', value: spec.epsilon }]);
        return;
      }
      case 'activation': {
        x = appendActivation(g, x, spec.activation, scope, layout === 'nchw' ? 1 : -1);
        return;
      }
      case 'residual': {
        if (spec.branch === 'conv2d') toNchw(scope);
        x = appendResidual(g, spec, info, x, byName);
        if (spec.branch === 'dense') layout = 'flat';
        return;
      }
      default: {
        const never: never = spec;
        throw new Error(`ONNX export: layer type '${(never as { type: string }).type}' is not supported`);
      }
    }
  });
  toNhwc('output');
  g.nodes.push({ opType: 'Identity', name: ONNX_OUTPUT, inputs: [x], outputs: [ONNX_OUTPUT] });
  const outputShape = shapes[shapes.length - 1]!.outputShape;
  return g.build(
    network.name,
    [{ name: ONNX_INPUT, dims: ['batch', ...network.inputShape] }],
    [{ name: ONNX_OUTPUT, dims: ['batch', ...outputShape] }],
    'Exported by InitScope; layout channels-last (NHWC) like the training engine.',
  );
}
