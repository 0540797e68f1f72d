import { describeIssues, NetworkSpec, parseJsonText, type FieldIssue } from '../../../contract/index.js';

/** The outcome of reading a network file: the network, or what is wrong and where. */
export type NetworkFileResult =
  | { ok: true; network: NetworkSpec }
  | { ok: false; kind: 'json'; line: number; column: number; message: string }
  | { ok: false; kind: 'schema'; issues: FieldIssue[] };

/** Pretty JSON text of a network, as written by "Save network". */
export function networkToJson(network: NetworkSpec): string {
  return `${JSON.stringify(network, null, 2)}\n`;
}

/**
 * Reads a network file: a NetworkSpec, or an experiment file (`{ network: … }`), as JSON. Bad JSON is
 * reported with its line and column; a bad field by its dotted path (`layers.2.units`).
 */
export function parseNetworkFile(text: string): NetworkFileResult {
  const json = parseJsonText(text);
  if (!json.ok) return { ok: false, kind: 'json', ...json.error };
  const raw = json.value;
  const candidate =
    raw && typeof raw === 'object' && !Array.isArray(raw) && 'network' in raw && !('layers' in raw) ? (raw as { network: unknown }).network : raw;
  const parsed = NetworkSpec.safeParse(candidate);
  if (!parsed.success) return { ok: false, kind: 'schema', issues: describeIssues(parsed.error) };
  return { ok: true, network: parsed.data };
}

/** Offers `text` as a file download named `fileName` (browser and Electron renderer alike). */
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  downloadUrl(fileName, URL.createObjectURL(new Blob([text], { type })), true);
}

/** Offers a URL (blob: or data:) as a download. */
export function downloadUrl(fileName: string, url: string, revoke = false): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
