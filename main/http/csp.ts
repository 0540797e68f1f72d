/**
 * The Content-Security-Policy of the renderer: only its own scripts, no plugins, no framing, no `<base>`.
 * `connectSources` lists what the page may connect to besides itself (browser mode: the event WebSocket).
 * Inline styles stay allowed because Vue and ECharts set `style` attributes.
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
