import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN_COOKIE } from '../../contract/index.js';
import { tokensEqual } from './token.js';

/** Why a request was refused, with the HTTP status to answer. */
export interface AccessDenied {
  status: 401 | 403;
  message: string;
}

/** The outcome of the access check: refused, or allowed (and whether to set the token cookie). */
export type AccessDecision = { ok: false; denied: AccessDenied } | { ok: true; setCookie: boolean };

/** What the access check needs to know about the server. */
export interface AccessPolicy {
  port: number;
  token: string;
}

/** The Host header values accepted on `port` (anything else may be a DNS-rebinding attack). */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** The Origin header values accepted on `port` for POST requests and WebSocket upgrades. */
export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

/** Reads one cookie from a Cookie header (first occurrence wins); undefined if absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token of an `Authorization: Bearer …` header; undefined if absent or another scheme. */
export function readBearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Decides whether a request may proceed, in this order:
 * 1. the Host header must name this server on loopback (403 otherwise: DNS rebinding);
 * 2. for POST requests and WebSocket upgrades, an Origin header, if present, must be this server (403);
 * 3. the token must be presented via `?token=`, `Authorization: Bearer` or the token cookie (401).
 * A valid `?token=` asks the caller to set the cookie so later requests of the page carry it.
 */
export function checkAccess(policy: AccessPolicy, headers: IncomingHttpHeaders, query: URLSearchParams, checkOrigin: boolean): AccessDecision {
  if (!allowedHosts(policy.port).includes(headers.host ?? '')) {
    return { ok: false, denied: { status: 403, message: 'Forbidden: unexpected Host header' } };
  }
  if (checkOrigin && headers.origin !== undefined && !allowedOrigins(policy.port).includes(headers.origin)) {
    return { ok: false, denied: { status: 403, message: 'Forbidden: cross-origin request' } };
  }
  const fromQuery = query.get('token') ?? undefined;
  if (fromQuery !== undefined && tokensEqual(fromQuery, policy.token)) return { ok: true, setCookie: true };
  const candidates = [readBearer(headers.authorization), readCookie(headers.cookie, TOKEN_COOKIE)];
  if (candidates.some((c) => c !== undefined && tokensEqual(c, policy.token))) return { ok: true, setCookie: false };
  return { ok: false, denied: { status: 401, message: 'Unauthorized: missing or wrong access token' } };
}

/** The Set-Cookie value that lets the page's later fetches and its WebSocket carry the token. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
