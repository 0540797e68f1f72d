/** The parts of a request target (`req.url`) the server looks at. */
export interface RequestTarget {
  /** The raw path, still percent-encoded, without query or fragment. */
  path: string;
  query: URLSearchParams;
}

/**
 * Splits a raw request target into path and query without resolving it against a base URL (so `//host/x`
 * stays a path and never becomes another host).
 */
export function parseRequestTarget(rawUrl: string | undefined): RequestTarget {
  const raw = rawUrl ?? '/';
  const hash = raw.indexOf('#');
  const target = hash === -1 ? raw : raw.slice(0, hash);
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  return { path: path || '/', query: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)) };
}
