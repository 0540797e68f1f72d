import { InitScopeError } from '../../contract/index.js';

/**
 * Normalises an ISO-8601 time to UTC `YYYY-MM-DDTHH:mm:ss.sssZ` (so stored times sort as text).
 * Throws an `invalid_input` error naming `field` if `value` is not a date.
 */
export function toUtcIso(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InitScopeError('invalid_input', `${field} is not an ISO-8601 time: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

/**
 * A metric value as stored: finite numbers pass, `null`, NaN and ±Infinity become `null` (SQLite turns
 * NaN into NULL anyway, and the contract's numbers are finite; divergence is recorded on the run).
 */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
