import type { HostEvent } from '../../contract/index.js';
import type { HostServices } from './host-services.js';

/** The event sources of the host services that the shells' event channels carry. */
export type HostEventSources = Pick<HostServices, 'onEvent' | 'onSweepEvent' | 'onDatasetImportEvent' | 'onBoundaryEvent'>;

/**
 * Subscribes `listener` to every event source of the host: run events and, when the services have
 * them, sweep events, dataset import progress and decision-boundary pictures. Returns one function that removes every subscription. The shells' event
 * channels (browser-mode WebSocket, Electron IPC) use this so they carry every {@link HostEvent}.
 */
export function subscribeHostEvents(services: HostEventSources, listener: (event: HostEvent) => void): () => void {
  const offRuns = services.onEvent(listener);
  const offSweeps = services.onSweepEvent?.(listener);
  const offImports = services.onDatasetImportEvent?.(listener);
  const offBoundaries = services.onBoundaryEvent?.(listener);
  return () => {
    offBoundaries?.();
    offRuns();
    offSweeps?.();
    offImports?.();
  };
}
