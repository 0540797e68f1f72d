import type { OutgoingHttpHeaders } from 'node:http';
import { contentSecurityPolicy } from './csp.js';

/** Headers sent with every browser-mode response: CSP (allowing the event WebSocket on `port`), no sniffing, no referrer. */
export function securityHeaders(port: number): OutgoingHttpHeaders {
  return {
    'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
