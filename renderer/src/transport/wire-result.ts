import { InitScopeError, type WireResult } from '../../../contract/index.js';

/** True if `value` has the shape of a {@link WireResult}. */
export function isWireResult(value: unknown): value is WireResult {
  if (!value || typeof value !== 'object' || !('ok' in value)) return false;
  const v = value as { ok: unknown };
  return (v.ok === true && 'value' in value) || (v.ok === false && 'error' in value);
}

/** Returns the value of a successful result; throws the typed error of a failed one. */
export function unwrapWireResult(raw: unknown, context: string): unknown {
  if (!isWireResult(raw)) throw new InitScopeError('internal', `Malformed reply from the host (${context})`);
  if (raw.ok) return raw.value;
  throw InitScopeError.fromWire(raw.error);
}
