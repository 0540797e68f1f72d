import { InitScopeError } from '../../contract/index.js';

/**
 * An `invalid_input` error about an input file, naming the file and, when known, the place in it
 * (e.g. `line 7, column 3 ('width')`, `byte 0`, `item 12`): `data.csv, line 7, column 3: …`.
 */
export function importError(file: string, place: string | null, message: string): InitScopeError {
  return new InitScopeError('invalid_input', `${file}${place ? `, ${place}` : ''}: ${message}`, { file, ...(place ? { place } : {}) });
}
