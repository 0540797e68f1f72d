import { z } from 'zod';
import { ExperimentSpec, RunEvent } from '../../contract/index.js';

const Id = z.string().min(1);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/**
 * A job on the runs queue (BullMQ job data): the run, its frozen experiment, the coordinator's
 * InitScope version (a worker of another version refuses it) and, for an imported dataset, the
 * SHA-256 and size of its stored file, which the worker fetches once (main/queue/dataset-transfer.ts).
 */
export const QueueJobData = z.object({
  runId: Id,
  experiment: ExperimentSpec,
  version: z.string().min(1),
  dataset: z.object({ sha256: Sha256, bytes: z.int().min(0) }).optional(),
  recordedSplit: z.boolean().optional(),
});
export type QueueJobData = z.infer<typeof QueueJobData>;

/**
 * One message of the event stream, from a worker to the coordinator. `delivery` names one try of the
 * run on one worker (a random id): the coordinator keeps the events of the newest started delivery
 * only. `retry`: the try failed and BullMQ will try again (`reason`); the run's final `failed` event
 * comes only after the last try.
 */
export const QueueEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), runId: Id, delivery: Id, host: z.string(), event: RunEvent }),
  z.object({ kind: z.literal('retry'), runId: Id, delivery: Id, host: z.string(), reason: z.string() }),
]);
export type QueueEntry = z.infer<typeof QueueEntry>;
