import type { DatasetImportEvent } from '../../../../contract/index.js';

/** A fresh id for one import (`datasets/import`'s `importId`): `imp_` + time + random, letters and digits only. */
export function newImportId(): string {
  return `imp_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The two numbers an import progress line shows, formatted for `locale`: counts of rows, images and
 * samples with digit grouping (`12,345` / `60,000`), bytes as megabytes with one decimal (`3.2` / `6.4`).
 */
export function formatImportCount(event: Pick<DatasetImportEvent, 'done' | 'total' | 'unit'>, locale: string): { done: string; total: string } {
  const format =
    event.unit === 'bytes'
      ? (n: number) => new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n / 1e6)
      : (n: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
  return { done: format(event.done), total: format(event.total) };
}
