/**
 * Worker-thread entry: generates one built-in MNIST dataset (`workerData`: its parsed BuiltinDatasetRef)
 * and posts it back with its arrays transferred (no copy). Started by warm-dataset.ts in an engine
 * worker forked for `initscope train`, so that the digits are decoded on another core while the
 * worker's main thread loads TensorFlow.js. The same generateMnist as on the main thread: the same bits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BuiltinDatasetRef } from '../../contract/index.js';
import { generateMnist } from './mnist.js';

const data = generateMnist(workerData as BuiltinDatasetRef);
const transfer = [data.x.buffer, data.y.buffer, ...(data.test ? [data.test.x.buffer, data.test.y.buffer] : [])] as ArrayBuffer[];
parentPort?.postMessage(data, transfer);
