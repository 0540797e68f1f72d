import type { ActivationSpec } from '../../../contract/index.js';
import type { GraphBuilder } from './graph-builder.js';

/** SELU constants exactly as TensorFlow.js uses them (selu_util.ts): λ and λ·α. */
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;

/**
 * Appends the ONNX ops (opset 13) computing `spec` on tensor `x` and returns the result's name
 * (x itself for linear). Each matches engine/activations.ts:
 * relu, sigmoid, tanh, softplus, softsign: the op of that name; leakyRelu: LeakyRelu(alpha);
 * elu: Elu(alpha); selu: Selu(alpha = λα/λ, gamma = λ); hardSigmoid: HardSigmoid(0.2, 0.5);
 * relu6: Clip(x, 0, 6); gelu (exact): 0.5·x·(1 + Erf(x/√2)); swish: x·Sigmoid(x);
 * softmax: Softmax over `channelAxis` (the engine's last axis; 1 while the graph is NCHW).
 */
export function appendActivation(g: GraphBuilder, x: string, spec: ActivationSpec, scope: string, channelAxis: number): string {
  switch (spec.name) {
    case 'linear':
      return x;
    case 'relu':
      return g.op('Relu', [x], scope);
    case 'sigmoid':
      return g.op('Sigmoid', [x], scope);
    case 'tanh':
      return g.op('Tanh', [x], scope);
    case 'softplus':
      return g.op('Softplus', [x], scope);
    case 'softsign':
      return g.op('Softsign', [x], scope);
    case 'leakyRelu':
      return g.op('LeakyRelu', [x], scope, [{ name: 'alpha', type: 'float', value: spec.alpha }]);
    case 'elu':
      return g.op('Elu', [x], scope, [{ name: 'alpha', type: 'float', value: spec.alpha }]);
    case 'selu':
      return g.op('Selu', [x], scope, [
        { name: 'alpha', type: 'float', value: SELU_SCALE_ALPHA / SELU_SCALE },
        { name: 'gamma', type: 'float', value: SELU_SCALE },
      ]);
    case 'hardSigmoid':
      return g.op('HardSigmoid', [x], scope, [
        { name: 'alpha', type: 'float', value: 0.2 },
        { name: 'beta', type: 'float', value: 0.5 },
      ]);
    case 'relu6':
      return g.op('Clip', [x, g.scalar(0), g.scalar(6)], scope);
    case 'gelu': {
      const erf = g.op('Erf', [g.op('Mul', [x, g.scalar(Math.SQRT1_2)], scope)], scope);
      const onePlus = g.op('Add', [erf, g.scalar(1)], scope);
      return g.op('Mul', [g.op('Mul', [x, onePlus], scope), g.scalar(0.5)], scope);
    }
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x], scope)], scope);
    case 'softmax':
      return g.op('Softmax', [x], scope, [{ name: 'axis', type: 'int', value: channelAxis }]);
    default: {
      const never: never = spec;
      throw new Error(`ONNX export: unknown activation '${(never as { name: string }).name}'`);
    }
  }
}
