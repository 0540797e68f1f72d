import { z } from 'zod';
import { BoundaryEvent } from './boundary.js';
import { DatasetImportEvent } from './dataset.js';
import { RunEvent } from './run.js';
import { SweepEvent } from './sweep.js';

/**
 * Everything the host pushes on its event channel (the browser-mode WebSocket, Electron's
 * `initscope:events` IPC channel): run events, sweep events, dataset import progress and decision-boundary pictures. Their `type`
 * values are disjoint (`started` … `cancelled` vs `sweepStarted`, `sweepProgress`, `sweepFinished` vs
 * `datasetImportProgress` vs `boundary`), so a receiver tells them apart by `type` alone.
 */
export const HostEvent = z.union([RunEvent, SweepEvent, DatasetImportEvent, BoundaryEvent]);
export type HostEvent = z.infer<typeof HostEvent>;

const SWEEP_EVENT_TYPES: ReadonlySet<string> = new Set(SweepEvent.options.map((o) => o.shape.type.value));

/** True if `event` is a sweep event (by its `type`). */
export function isSweepEvent(event: HostEvent): event is SweepEvent {
  return SWEEP_EVENT_TYPES.has(event.type);
}

/** True if `event` is a dataset import progress event (by its `type`). */
export function isDatasetImportEvent(event: HostEvent): event is DatasetImportEvent {
  return event.type === 'datasetImportProgress';
}

/** True if `event` is a decision-boundary picture (by its `type`). */
export function isBoundaryEvent(event: HostEvent): event is BoundaryEvent {
  return event.type === 'boundary';
}
