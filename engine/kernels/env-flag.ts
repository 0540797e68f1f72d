/**
 * Reads an on/off environment variable of the kernel switches: false when it is '0' or 'false'
 * (any case, surrounding spaces ignored), true otherwise — unset included.
 * @param name the variable, e.g. 'INITSCOPE_WASM_PATCHES'
 */
export function envFlagOn(name: string): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  return raw !== '0' && raw !== 'false';
}
