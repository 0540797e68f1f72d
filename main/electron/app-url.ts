/**
 * Returns a predicate that is true for URLs of the app's own page: same scheme, host and path as
 * `appUrl` (query and fragment ignored, so client-side routes such as `index.html#/runs` match).
 * Used both to trust IPC senders and to allow navigation.
 */
export function createAppUrlMatcher(appUrl: string): (url: string) => boolean {
  const app = new URL(appUrl);
  return (url) => {
    let other: URL;
    try {
      other = new URL(url);
    } catch {
      return false;
    }
    return other.protocol === app.protocol && other.host === app.host && other.pathname === app.pathname;
  };
}
