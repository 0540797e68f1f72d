import type { DatasetRef } from '../../contract/index.js';
import { generateBuiltinDataset, type GeneratedDataset } from './builtin.js';

export type { GeneratedDataset } from './builtin.js';

/**
 * Materialises the dataset an experiment refers to (today: a seeded built-in generator).
 * @returns x row-major [n, ...inputShape] float32, y class indices [n] int32
 */
export function loadDataset(ref: DatasetRef): GeneratedDataset {
  return generateBuiltinDataset(ref);
}
