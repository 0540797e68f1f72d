import { InitScopeError, type ActivationSpec, type InitializerSpec, type LayerSpec } from '../../contract/index.js';

/** Index of the output layer: the last layer with weights (dense or conv); -1 if none. */
export function outputLayerIndex(layers: readonly LayerSpec[]): number {
  for (let i = layers.length - 1; i >= 0; i--) if ('kernelInitializer' in (layers[i] as object)) return i;
  return -1;
}

/** Sets the kernel (weight) initializer of every layer that has weights, output layer included. */
export function withKernelInitializer(layers: readonly LayerSpec[], initializer: InitializerSpec): LayerSpec[] {
  return layers.map((layer) => ('kernelInitializer' in layer ? { ...layer, kernelInitializer: initializer } : layer));
}

/**
 * Sets the activation of every hidden layer: each layer with an `activation` before the output layer
 * (dense, conv2d, standalone activation). The output layer and anything after it (e.g. softmax) keep theirs.
 */
export function withHiddenActivation(layers: readonly LayerSpec[], activation: ActivationSpec): LayerSpec[] {
  const output = outputLayerIndex(layers);
  return layers.map((layer, i) => (i < output && 'activation' in layer ? { ...layer, activation } : layer));
}

/**
 * Rebuilds the network with `depth` hidden dense layers. The layers before the output split into a
 * prefix (anything before the first hidden dense layer, e.g. conv + flatten) and blocks (a hidden
 * dense layer with the dropout/batchNorm/activation layers that follow it). Hidden layer i uses block
 * min(i, blocks − 1): fewer layers keep the first blocks, more repeat the last one.
 * @throws InitScopeError (`invalid_input`, field `axes.depth`) when there is no hidden dense layer
 */
export function withDepth(layers: readonly LayerSpec[], depth: number): LayerSpec[] {
  const output = outputLayerIndex(layers);
  const hidden = layers.map((l, i) => (l.type === 'dense' && i < output ? i : -1)).filter((i) => i >= 0);
  const first = hidden[0];
  if (first === undefined) {
    throw new InitScopeError('invalid_input', 'Invalid sweep: axes.depth: the base network has no hidden dense layer to repeat');
  }
  const prefix = layers.slice(0, first);
  const blocks = hidden.map((start, k) => layers.slice(start, hidden[k + 1] ?? output));
  const body: LayerSpec[] = [];
  for (let i = 0; i < depth; i++) body.push(...(blocks[Math.min(i, blocks.length - 1)] as LayerSpec[]));
  return [...prefix, ...body, ...layers.slice(output)];
}
