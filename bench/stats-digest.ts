/**
 * Bit-exact digests of whole runs' events (issue 15, "Statistics when cold, fourth round"): trains the
 * end-to-end MLP (statsEvery 50) and a small spiral network with tanh, sigmoid, hardSigmoid and
 * batchNorm layers (statsEvery 7) with trainRun, and prints one SHA-256 per event type over every
 * event's fields, numbers written as their float64 bits (so −0 and +0, or a NaN's bits, differ),
 * plus a digest of every `layerStats` field across the run. Two versions of the engine give the same
 * digests exactly when their runs' events are the same bits.
 *
 *   node --import tsx bench/stats-digest.ts
 */
import { createHash } from 'node:crypto';
import { ExperimentSpec, type RunEvent } from '../contract/index.js';
import { initBackend } from '../engine/backend.js';
import { trainRun } from '../engine/train.js';
import { e2eExperiment } from './end-to-end.js';

const bits = new Float64Array(1);
const bytes = new Uint8Array(bits.buffer);

/** A canonical string of a value with every number as the hex of its float64 bits. */
function canonical(value: unknown): string {
  if (typeof value === 'number') {
    bits[0] = value;
    return `#${Buffer.from(bytes).toString('hex')}`;
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${k}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

const spiral = {
  name: 'digest spiral',
  dataset: { builtin: 'spiral', samples: 600, noise: 0.1, seed: 7 },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 32, activation: { name: 'tanh' } },
      { type: 'batchNorm' },
      { type: 'dense', units: 24, activation: { name: 'sigmoid' } },
      { type: 'dense', units: 16, activation: { name: 'hardSigmoid' } },
      { type: 'dense', units: 2, activation: { name: 'softmax' } },
    ],
  },
  train: { epochs: 4, batchSize: 32, optimizer: { name: 'sgd', learningRate: 0.5 }, seed: 3, statsEvery: 7 },
};

const { tf, backend } = await initBackend('auto');
console.log(`backend ${backend}`);
for (const [name, input] of [
  ['e2e MLP statsEvery 50', e2eExperiment(50)],
  ['spiral tanh/bn/sigmoid/hardSigmoid statsEvery 7', spiral],
] as const) {
  const experiment = ExperimentSpec.parse(input);
  const byType = new Map<string, ReturnType<typeof createHash>>();
  const stats = createHash('sha256');
  let records = 0;
  await trainRun(
    tf,
    'digest',
    experiment,
    (e: RunEvent) => {
      // Timings differ run to run: leave out every field named like a duration.
      const clean = JSON.parse(JSON.stringify(e, (k, v: unknown) => (/ms$|time|seconds|^eta|elapsed|wall/i.test(k) ? undefined : v))) as RunEvent;
      const h = byType.get(e.type) ?? createHash('sha256');
      byType.set(e.type, h);
      h.update(canonical(e.type === 'layerStats' ? e : clean));
      if (e.type === 'layerStats') {
        records++;
        stats.update(canonical(e));
      }
    },
    () => false,
  );
  console.log(`${name}: ${records} layerStats records`);
  console.log(`  layerStats fields ${stats.digest('hex')}`);
  for (const [type, h] of [...byType].sort()) console.log(`  ${type.padEnd(10)} ${h.digest('hex')}`);
}
