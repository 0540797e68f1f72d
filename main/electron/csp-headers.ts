/** Response headers as Electron's `webRequest.onHeadersReceived` passes them. */
export type ResponseHeaders = Record<string, string | string[]>;

/**
 * Returns `headers` with `policy` as the only Content-Security-Policy (any existing one, whatever its
 * letter case, is replaced), for `session.webRequest.onHeadersReceived`.
 */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined, policy: string): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
