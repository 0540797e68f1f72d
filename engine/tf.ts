import type * as tfjs from '@tensorflow/tfjs';

/**
 * The TensorFlow.js namespace the engine computes with. Every engine function receives it as a
 * parameter (never imports it) so the same code runs on `@tensorflow/tfjs` (wasm, cpu) and on
 * `@tensorflow/tfjs-node[-gpu]`, which re-exports the same API with the `tensorflow` backend.
 */
export type TF = typeof tfjs;

export type { Optimizer, Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
