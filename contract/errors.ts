/** Error codes that cross process boundaries. */
export type ErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unauthorized' | 'internal' | 'unknown_method';

/** The wire form of an error: what every transport sends instead of a response. */
export interface WireError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** A typed error that every layer throws and every transport serialises as a {@link WireError}. */
export class InitScopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'InitScopeError';
  }

  /** The serialisable form of this error. */
  toWire(): WireError {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }

  /** Rebuilds a typed error from its wire form (unknown shapes become `internal`). */
  static fromWire(value: unknown): InitScopeError {
    if (value && typeof value === 'object' && 'code' in value && 'message' in value) {
      const w = value as WireError;
      return new InitScopeError(w.code, String(w.message), w.details);
    }
    return new InitScopeError('internal', 'Malformed error from the host');
  }
}

/** Converts anything thrown into a {@link WireError}; unexpected errors become `internal`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof InitScopeError) return error.toWire();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}
