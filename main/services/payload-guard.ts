import { InitScopeError } from '../../contract/index.js';

/** Keys that can reach an object's prototype when a payload is merged or assigned somewhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any contract payload needs (an experiment is about 6 levels deep). */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * Refuses payloads carrying prototype-pollution keys (`__proto__`, `constructor`, `prototype`) at any
 * depth, or nested deeper than {@link MAX_PAYLOAD_DEPTH}, before any schema sees them (zod would
 * silently drop an unknown `__proto__` key and accept the rest). Iterative, so a hostile nesting
 * cannot overflow the stack.
 * @throws InitScopeError `invalid_input` naming the path of the offending key
 */
export function assertSafePayload(payload: unknown, label: string): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: payload, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_PAYLOAD_DEPTH) throw new InitScopeError('invalid_input', `${label}: nested deeper than ${MAX_PAYLOAD_DEPTH} levels at ${path || '(root)'}`);
    if (ArrayBuffer.isView(value)) continue;
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) throw new InitScopeError('invalid_input', `${label}: forbidden key '${key}' at ${at}`);
      stack.push({ value: (value as Record<string, unknown>)[key], path: at, depth: depth + 1 });
    }
  }
}
