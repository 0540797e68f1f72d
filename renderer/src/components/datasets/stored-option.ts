/** Prefix of a dataset picker value that names an imported dataset (`stored:ds_…`), not a built-in. */
export const STORED_PREFIX = 'stored:';

/** The picker value of imported dataset `id`. */
export function storedOptionValue(id: string): string {
  return `${STORED_PREFIX}${id}`;
}

/** The imported dataset id a picker value names, or null for a built-in's value. */
export function storedIdOf(value: string): string | null {
  return value.startsWith(STORED_PREFIX) && value.length > STORED_PREFIX.length ? value.slice(STORED_PREFIX.length) : null;
}
