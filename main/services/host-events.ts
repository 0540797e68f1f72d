import type { HostEvent } from '../../contract/index.js';
import type { HostServices } from './host-services.js';

/**
 * Subscribes `listener` to both event sources of the host: run events and, when the services have
 * them, sweep events. Returns one function that removes both subscriptions. The shells' event
 * channels (browser-mode WebSocket, Electron IPC) use this so they carry every {@link HostEvent}.
 */
export function subscribeHostEvents(
  services: Pick<HostServices, 'onEvent' | 'onSweepEvent'>,
  listener: (event: HostEvent) => void,
): () => void {
  const offRuns = services.onEvent(listener);
  const offSweeps = services.onSweepEvent?.(listener);
  return () => {
    offRuns();
    offSweeps?.();
  };
}
