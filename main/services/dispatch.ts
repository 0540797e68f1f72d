import { InitScopeError, METHODS, isMethodName, parseOrThrow, toWireError, type Handlers, type WireResult } from '../../contract/index.js';
import { assertSafePayload } from './payload-guard.js';

/**
 * Runs one contract method for any transport: checks the method name, parses the raw payload with the
 * method's request schema (so a bad field is named in the error), calls the handler and converts any
 * thrown error into its wire form. Never throws.
 */
export async function dispatch(handlers: Handlers, method: string, rawPayload: unknown): Promise<WireResult> {
  try {
    if (!isMethodName(method)) throw new InitScopeError('unknown_method', `Unknown method: ${method}`);
    assertSafePayload(rawPayload, `${method} request`);
    const request = parseOrThrow(METHODS[method].request, rawPayload ?? {}, `${method} request`);
    const handler = handlers[method] as (r: unknown) => Promise<unknown>;
    const value = await handler(request);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toWireError(error) };
  }
}
