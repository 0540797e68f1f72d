import { describeIssues, NetworkSpec, type FieldIssue } from '../../../contract/index.js';

/** The outcome of reading a network file: the network, or what is wrong and where. */
export type NetworkFileResult =
  | { ok: true; network: NetworkSpec }
  | { ok: false; kind: 'json'; line: number; column: number; message: string }
  | { ok: false; kind: 'schema'; issues: FieldIssue[] };

/** Pretty JSON text of a network, as written by "Save network". */
export function networkToJson(network: NetworkSpec): string {
  return `${JSON.stringify(network, null, 2)}\n`;
}

/** 1-based line and column of character offset `index` in `text`. */
export function lineColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, index));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/**
 * Character offset of a JSON.parse error: V8 says "at position N" for most errors, and for an
 * unexpected token quotes the text around it ("Unexpected token ',', ...\"ers\": [,]\"... is not valid JSON").
 */
function errorOffset(text: string, message: string): number {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  const token = /Unexpected token '(.+?)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (token) {
    const context = token[2]!;
    const start = text.indexOf(context);
    if (start >= 0) return start + Math.max(0, context.indexOf(token[1]!));
  }
  return text.length;
}

/**
 * Reads a network file: a NetworkSpec, or an experiment file (`{ network: … }`), as JSON. Bad JSON is
 * reported with its line and column; a bad field by its dotted path (`layers.2.units`).
 */
export function parseNetworkFile(text: string): NetworkFileResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = lineColumn(text, errorOffset(text, message));
    const explicit = /line (\d+) column (\d+)/.exec(message);
    return {
      ok: false,
      kind: 'json',
      line: explicit ? Number(explicit[1]) : where.line,
      column: explicit ? Number(explicit[2]) : where.column,
      message,
    };
  }
  const candidate =
    raw && typeof raw === 'object' && !Array.isArray(raw) && 'network' in raw && !('layers' in raw)
      ? (raw as { network: unknown }).network
      : raw;
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
