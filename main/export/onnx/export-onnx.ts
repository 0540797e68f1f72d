import type { NetworkSpec } from '../../../contract/index.js';
import type { NamedWeight } from '../../../engine/index.js';
import { buildOnnxGraph } from './network-graph.js';
import { encodeOnnxModel } from './onnx-model.js';

/** The default-domain opset the export targets (Softmax with any axis, Clip with min/max inputs). */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13 (ONNX 1.8). */
export const ONNX_IR_VERSION = 7;

/**
 * The bytes of an `.onnx` file computing the trained network's inference pass.
 * @param appVersion written as the model's producer_version
 */
export function exportOnnxModel(network: NetworkSpec, weights: readonly NamedWeight[], appVersion: string, docString?: string): Uint8Array {
  return encodeOnnxModel(buildOnnxGraph(network, weights), {
    opset: ONNX_OPSET,
    irVersion: ONNX_IR_VERSION,
    producerName: 'InitScope',
    producerVersion: appVersion,
    ...(docString ? { docString } : {}),
  });
}
