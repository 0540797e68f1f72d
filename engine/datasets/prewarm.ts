import { BuiltinDatasetRef } from '../../contract/index.js';
import { loadDataset } from './index.js';
import { loadMnistDigits } from './mnist.js';

/**
 * Environment variable naming what a freshly forked engine worker loads while it waits for its first
 * run (set by the CLI for the workers it forks before its own imports, main/cli/early-worker.ts):
 * `mnist` (the built-in digits only) or the JSON of a built-in dataset reference, e.g.
 * `{"builtin":"mnist","samples":8000,"seed":7}` (the whole seeded set, kept in the worker's dataset cache).
 */
export const WARM_DATASET_ENV = 'INITSCOPE_WARM_DATASET';

/**
 * Loads what `value` (see {@link WARM_DATASET_ENV}) names into this process's caches, exactly as a run
 * would: the reference is parsed with the contract's schema (its defaults filled in as an experiment's
 * dataset is), then generated through `loadDataset`, so a run on that dataset finds the same arrays
 * (bit-equal to a cold generation: it is the same call). Anything unreadable is ignored (the warm is an
 * optimisation; the run that needs the data loads it and reports its own errors).
 * @returns what was warmed: 'digits', 'dataset', or null when nothing was
 */
export function warmDataset(value: string | undefined): 'digits' | 'dataset' | null {
  if (!value) return null;
  try {
    if (value === 'mnist') {
      loadMnistDigits();
      return 'digits';
    }
    const ref = BuiltinDatasetRef.safeParse(JSON.parse(value));
    if (!ref.success) return null;
    loadDataset(ref.data);
    return 'dataset';
  } catch {
    return null;
  }
}
