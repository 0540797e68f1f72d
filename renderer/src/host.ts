import { createClient, type InitScopeClient } from '../../contract/index.js';
import { pickTransport, type HostTransport } from './transport/index.js';

/** The one typed client and its transport, shared by every store. */
export interface Host {
  client: InitScopeClient;
  transport: HostTransport;
}

let current: Host | null = null;

/** Installs the host connection (the app does it once at start; tests install a fake). */
export function setHost(host: Host | null): void {
  current = host;
}

/** The installed host connection; creates the default one (Electron bridge or browser) on first use. */
export function useHost(): Host {
  if (!current) {
    const transport = pickTransport();
    current = { transport, client: createClient(transport) };
  }
  return current;
}
