import type { ExportFormat, RunStatus } from '../../../../contract/index.js';

/** The formats offered in the Run view, in button order. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tfjs', 'onnx', 'report'];

/** Statuses of runs that have ended (a report can be written for any of them). */
const ENDED: ReadonlySet<RunStatus> = new Set(['completed', 'cancelled', 'failed', 'diverged', 'interrupted']);

/**
 * Whether `format` can be exported for a run in `status`, and if not, why (an i18n key under
 * `export.why`). Models need a completed run, or a cancelled one (whose weights the host may have
 * stored — it refuses with a message when it did not); reports need a run that has ended.
 */
export function exportAvailability(status: RunStatus, format: ExportFormat): { enabled: boolean; reason: 'running' | 'notCompleted' | null } {
  if (!ENDED.has(status)) return { enabled: false, reason: 'running' };
  if (format === 'report') return { enabled: true, reason: null };
  if (status === 'completed' || status === 'cancelled') return { enabled: true, reason: null };
  return { enabled: false, reason: 'notCompleted' };
}

/** Bytes → "812 B", "14.2 KB", "3.1 MB" (powers of 1024), with the locale's digits. */
export function formatBytes(bytes: number, locale = 'en'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** A sha256 (64 hex digits) shortened for display: the first 12 and last 4 digits. */
export function shortHash(sha256: string): string {
  return sha256.length > 20 ? `${sha256.slice(0, 12)}…${sha256.slice(-4)}` : sha256;
}

/** Total size of an export's files, in bytes. */
export function totalBytes(files: ReadonlyArray<{ bytes: number }>): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}
