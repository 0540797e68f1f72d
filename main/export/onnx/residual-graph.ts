import { pair, type LayerShapeInfo, type ResidualLayerSpec } from '../../../contract/index.js';
import { exportResidual, type NamedWeight, type PlainBatchNorm, type PlainTensor } from '../../../engine/index.js';
import { appendActivation } from './activations.js';
import { convWeight, tfPads } from './conv-layout.js';
import type { GraphBuilder } from './graph-builder.js';

/**
 * Appends residual block `info` to the graph: x is [batch, features] for a dense branch, NCHW for a
 * conv2d branch (the caller transposes first); the result has the same layout. Nodes: Add (Fixup's
 * offsets), Gemm/MatMul or Conv ('same' padding, stride 1) per branch layer, BatchNormalization (moving
 * statistics), the activation, the projection (MatMul or a 1×1 Conv) and the skip Add; SkipInit's α and
 * Fixup's scalars are folded into the weights (engine/export/residual-weights.ts).
 * @throws Error naming the block when a stored weight is missing
 */
export function appendResidual(g: GraphBuilder, spec: ResidualLayerSpec, info: LayerShapeInfo, x: string, weights: ReadonlyMap<string, NamedWeight>): string {
  const scope = info.name;
  let w;
  try {
    w = exportResidual(spec, scope, weights);
  } catch (error) {
    throw new Error(`ONNX export: ${error instanceof Error ? error.message : String(error)}`);
  }
  const conv = spec.branch === 'conv2d';
  const channelAxis = conv ? 1 : -1;
  const constant = (name: string, t: PlainTensor) => g.constant(`${scope}/${name}`, t.shape, t.values);
  const affine = (part: string, h: string, kernel: PlainTensor, bias: PlainTensor | null, spatial: boolean): string => {
    if (!conv) {
      const k = constant(`${part}/kernel`, kernel);
      return bias ? g.op('Gemm', [h, k, constant(`${part}/bias`, bias)], `${scope}/${part}`) : g.op('MatMul', [h, k], `${scope}/${part}`);
    }
    const [kh, kw] = spatial ? pair(spec.kernelSize) : [1, 1];
    const k = g.constant(`${scope}/${part}/kernel`, [kernel.shape[3]!, kernel.shape[2]!, kh, kw], convWeight(kernel.values, kernel.shape));
    const pads = tfPads('same', info.inputShape, [kh, kw], [1, 1]);
    return g.op('Conv', bias ? [h, k, constant(`${part}/bias`, bias)] : [h, k], `${scope}/${part}`, [
      { name: 'kernel_shape', type: 'ints', value: [kh, kw] },
      { name: 'strides', type: 'ints', value: [1, 1] },
      { name: 'pads', type: 'ints', value: pads },
      { name: 'dilations', type: 'ints', value: [1, 1] },
      { name: 'group', type: 'int', value: 1 },
    ]);
  };
  const norm = (part: string, h: string, n: PlainBatchNorm): string =>
    g.op(
      'BatchNormalization',
      [
        h,
        constant(`${part}/gamma`, n.gamma),
        constant(`${part}/beta`, n.beta),
        constant(`${part}/movingMean`, n.movingMean),
        constant(`${part}/movingVariance`, n.movingVariance),
      ],
      `${scope}/${part}`,
      [{ name: 'epsilon', type: 'float', value: 1e-3 }],
    );
  const offset = (h: string, b: number | null): string => (b === null ? h : g.op('Add', [h, g.scalar(b)], `${scope}/offset`));
  let h = offset(x, w.offset1);
  h = affine('layer1', h, w.kernel1, w.bias1, true);
  if (w.norm1) h = norm('norm1', h, w.norm1);
  h = appendActivation(g, h, spec.activation, `${scope}/act1`, channelAxis);
  h = offset(h, w.offset2);
  h = affine('layer2', h, w.kernel2, w.bias2, true);
  if (w.norm2) h = norm('norm2', h, w.norm2);
  const skip = w.projection ? affine('projection', x, w.projection, null, false) : x;
  const sum = g.op('Add', [skip, h], scope);
  return spec.postActivation ? appendActivation(g, sum, spec.activation, `${scope}/act`, channelAxis) : sum;
}
