import type { TestPart } from './datasets/builtin.js';
import { evaluate } from './evaluate.js';
import type { LossFunction } from './losses.js';
import type { Model } from './model.js';
import type { TF } from './tf.js';

/** A run's metrics on its dataset's held-out test part (see FinalMetrics in contract/run.ts). */
export interface TestMetrics {
  /** Mean loss per test sample, in the loss's units; null without a test part (or non-finite). */
  testLoss: number | null;
  /** Fraction of test samples classified correctly, in [0, 1]; null without a test part or for regression. */
  testAcc: number | null;
}

const finite = (value: number | null | undefined): number | null => (value !== null && value !== undefined && Number.isFinite(value) ? value : null);

/**
 * Evaluates the trained model once on the dataset's test part (inference mode, like validation:
 * engine/evaluate.ts). Called when a run finishes, after its last epoch or its early stop, so no
 * training decision ever sees these numbers.
 * @param test x row-major [n, ...inputShape], y class indices [n]; undefined or empty: both metrics null
 */
export async function evaluateTestPart(tf: TF, model: Model, lossFn: LossFunction, test: TestPart | undefined): Promise<TestMetrics> {
  if (!test || test.y.length === 0) return { testLoss: null, testAcc: null };
  const indices = Int32Array.from({ length: test.y.length }, (_, i) => i);
  const result = await evaluate(tf, model, lossFn, test.x, test.y, indices);
  return { testLoss: finite(result?.loss), testAcc: finite(result?.accuracy) };
}
