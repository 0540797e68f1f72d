import { isStoredDatasetRef, type DatasetRef } from '../../contract/index.js';
import { splitIndices, type Split } from '../batches.js';
import { deriveSeed } from '../random.js';
import type { GeneratedDataset } from './builtin.js';

/**
 * The train/validation split a run uses, a property of the data rather than of the run:
 * - an imported dataset (`{ id }`): the split recorded at import (`data.split`);
 * - a built-in generator: a seeded permutation (splitIndices) drawn from the dataset's own seed,
 *   deriveSeed(ref.seed, 'split'), never from train.seed. Runs that differ only in train.seed (the
 *   seeds of a sweep) or in any other training setting therefore validate on exactly the same samples.
 * @param validationSplit fraction of samples held out, in [0, 1) (train.validationSplit; ignored for stored sets)
 * @returns sample indices into data.x / data.y
 * @throws Error when a stored dataset carries no recorded split
 */
export function datasetSplit(ref: DatasetRef, data: GeneratedDataset, validationSplit: number): Split {
  if (isStoredDatasetRef(ref)) {
    if (!data.split) throw new Error(`Dataset ${ref.id}: its stored file records no train/validation split`);
    return data.split;
  }
  return data.split ?? splitIndices(data.y.length, validationSplit, deriveSeed(ref.seed, 'split'));
}
