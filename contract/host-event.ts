import { z } from 'zod';
import { RunEvent } from './run.js';
import { SweepEvent } from './sweep.js';

/**
 * Everything the host pushes on its event channel (the browser-mode WebSocket, Electron's
 * `initscope:events` IPC channel): run events and sweep events. The two unions have disjoint `type`
 * values (`started` … `cancelled` vs `sweepStarted`, `sweepProgress`, `sweepFinished`), so a receiver
 * tells them apart by `type` alone.
 */
export const HostEvent = z.union([RunEvent, SweepEvent]);
export type HostEvent = z.infer<typeof HostEvent>;

const SWEEP_EVENT_TYPES: ReadonlySet<string> = new Set(SweepEvent.options.map((o) => o.shape.type.value));

/** True if `event` is a sweep event (by its `type`); the rest of a {@link HostEvent} are run events. */
export function isSweepEvent(event: HostEvent): event is SweepEvent {
  return SWEEP_EVENT_TYPES.has(event.type);
}
