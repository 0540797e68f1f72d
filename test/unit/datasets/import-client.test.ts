import { describe, expect, it } from 'vitest';
import {
  createClient,
  DatasetImportRequest,
  HostEvent,
  isDatasetImportEvent,
  isSweepEvent,
  type DatasetImportEvent,
  type Transport,
} from '../../../contract/index.js';
import { formatImportCount, newImportId } from '../../../renderer/src/components/datasets/import-progress.js';
import { failedEvent, sweepProgressEvent } from '../http/fake-services.js';

const progress: DatasetImportEvent = { type: 'datasetImportProgress', importId: 'imp_1', phase: 'decoding', unit: 'images', done: 12345, total: 60000 };

describe('dataset import progress on the client', () => {
  it('is a HostEvent told apart by type, and onImportEvent passes only import frames', () => {
    const parsed = HostEvent.parse(progress);
    expect(isDatasetImportEvent(parsed)).toBe(true);
    expect(isSweepEvent(parsed)).toBe(false);
    expect(HostEvent.safeParse({ ...progress, phase: 'sleeping' }).success).toBe(false);
    expect(HostEvent.safeParse({ ...progress, done: -1 }).success).toBe(false);

    const listeners: Array<(raw: unknown) => void> = [];
    const transport: Transport = {
      invoke: async () => undefined,
      subscribe: (l) => {
        listeners.push(l);
        return () => listeners.splice(listeners.indexOf(l), 1);
      },
    };
    const client = createClient(transport);
    const imports: DatasetImportEvent[] = [];
    const runs: unknown[] = [];
    const off = client.onImportEvent((e) => imports.push(e));
    client.onEvent((e) => runs.push(e));
    for (const raw of [failedEvent('r1'), sweepProgressEvent('s1'), progress, { ...progress, importId: '../x' }]) for (const l of [...listeners]) l(raw);
    expect(imports).toEqual([progress]);
    expect(runs).toEqual([failedEvent('r1')]);
    off();
    expect(listeners).toHaveLength(1);
  });

  it('formats counts with digit grouping and bytes as megabytes', () => {
    expect(formatImportCount(progress, 'en')).toEqual({ done: '12,345', total: '60,000' });
    expect(formatImportCount({ unit: 'bytes', done: 3_200_224, total: 6_400_448 }, 'en')).toEqual({ done: '3.2', total: '6.4' });
    const id = newImportId();
    expect(DatasetImportRequest.safeParse({ source: `src_${'0'.repeat(32)}`, importId: id }).success).toBe(true);
    expect(newImportId()).not.toBe(id);
  });
});
