/** Display helpers shared by the components (pure; locale-aware where text is involved). */

type Translate = (key: string, named?: Record<string, unknown>) => string;

/** Placeholder for a missing value. */
export const DASH = '—';

/** 0.9312 → "93.1%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${(value * 100).toFixed(digits)}%`;
}

/** Losses span many orders of magnitude: 4 significant digits, exponent form when tiny or huge. */
export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

/** A spread (a standard deviation) of losses: 2 significant digits (0.006369 → "0.0064"), exponent form when tiny or huge. */
export function formatLossSpread(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e5)) return value.toExponential(1);
  return Number(value.toPrecision(2)).toString();
}

/** Seconds → "42s", "3m 07s", "2h 05m" in the current language. */
export function formatDuration(seconds: number | null | undefined, t: Translate): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('time.hours', { h, m: String(m).padStart(2, '0') });
  if (m > 0) return t('time.minutes', { m, s: String(s).padStart(2, '0') });
  return t('time.seconds', { s });
}

/** Date formatters by locale and form (building one costs far more than formatting with it). */
const createdFormats = new Map<string, Intl.DateTimeFormat>();

function createdFormat(locale: string, timeOnly: boolean): Intl.DateTimeFormat {
  const key = `${timeOnly ? 't' : 'd'}|${locale}`;
  let format = createdFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = timeOnly
      ? { hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    format = new Intl.DateTimeFormat(locale, options);
    createdFormats.set(key, format);
  }
  return format;
}

/** ISO time → "Mar 4, 14:05" (or the locale's equivalent); today's runs show the time only. */
export function formatCreated(iso: string, locale: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return createdFormat(locale, sameDay).format(date);
}

/** 12345 → "12,345" in the current language. */
export function formatCount(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}
