import type { ActivationSpec, InitializerSpec, OptimizerSpec, SweepAxes, SweepAxisName } from '../../contract/index.js';

/** A short display label of an initializer, with the parameters that distinguish it: `normal(0, 0.02)`. */
export function initializerLabel(spec: InitializerSpec): string {
  switch (spec.name) {
    case 'normal':
    case 'truncatedNormal':
      return `${spec.name}(${spec.mean}, ${spec.std})`;
    case 'uniform':
      return `uniform(${spec.min}, ${spec.max})`;
    case 'orthogonal':
      return spec.gain === 1 ? 'orthogonal' : `orthogonal(${spec.gain})`;
    case 'constant':
      return `constant(${spec.value})`;
    case 'varianceScaling':
      return `varianceScaling(${spec.scale}, ${spec.mode}, ${spec.distribution})`;
    default:
      return spec.name;
  }
}

/** A short display label of an activation: `leakyRelu(0.01)`, `elu(1)`, `tanh`. */
export function activationLabel(spec: ActivationSpec): string {
  if (spec.name === 'leakyRelu' || spec.name === 'elu') return `${spec.name}(${spec.alpha})`;
  return spec.name;
}

/** A short display label of an optimizer with its learning rate: `adam lr=0.001`. */
export function optimizerLabel(spec: OptimizerSpec): string {
  const extra = spec.name === 'momentum' ? ` m=${spec.momentum}${spec.nesterov ? ' nesterov' : ''}` : '';
  return `${spec.name} lr=${spec.learningRate}${extra}`;
}

/** The labels of every value of one axis, in order (index = coordinate). */
export function axisLabels(name: SweepAxisName, axes: SweepAxes): string[] {
  switch (name) {
    case 'initializer':
      return (axes.initializer ?? []).map(initializerLabel);
    case 'activation':
      return (axes.activation ?? []).map(activationLabel);
    case 'optimizer':
      return (axes.optimizer ?? []).map(optimizerLabel);
    case 'learningRate':
      return (axes.learningRate ?? []).map(String);
    case 'batchSize':
      return (axes.batchSize ?? []).map(String);
    case 'depth':
      return (axes.depth ?? []).map(String);
  }
}
