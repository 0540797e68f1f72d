import { importError } from './import-error.js';
import { checkAllocation } from './limits.js';

/** A parsed NumPy array: shape, element type, and values (uint8 kept as uint8, others as float64). */
export interface NpyArray {
  shape: number[];
  dtype: string;
  data: Uint8Array | Float64Array;
}

/** Supported little-endian/byte dtypes (NumPy `descr`) and their sizes in bytes. */
const DTYPES: Record<string, number> = { u1: 1, b1: 1, i1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, f4: 4, f8: 8 };

/**
 * Parses a `.npy` file (format versions 1–3): magic `\x93NUMPY`, version, header length (uint16 for v1,
 * uint32 for v2/3), a Python dict header {'descr', 'fortran_order', 'shape'}, then the data. Supported
 * dtypes: bool, (u)int8/16/32/64 and float32/64, little-endian; rank ≤ 2 in Fortran order is transposed.
 * Errors name the file and the header field or byte offset.
 */
export function parseNpy(bytes: Buffer, file: string): NpyArray {
  if (bytes.length < 10 || bytes[0] !== 0x93 || bytes.toString('latin1', 1, 6) !== 'NUMPY') {
    throw importError(file, 'byte 0', 'not a .npy file (missing the \\x93NUMPY magic string)');
  }
  const major = bytes[6] as number;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = (major === 1 ? 10 : 12) + headerLength;
  if (major < 1 || major > 3) throw importError(file, 'byte 6', `unsupported .npy format version ${major}`);
  if (dataStart > bytes.length) throw importError(file, 'header', 'truncated header');
  const header = bytes.toString('latin1', major === 1 ? 10 : 12, dataStart);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw importError(file, 'header', `malformed header ${JSON.stringify(header.trim())}`);
  }
  const order = descr[0] as string;
  const kind = descr.slice(1);
  const size = DTYPES[kind];
  if (size === undefined || !['<', '|', '='].includes(order) || (order === '|' && size > 1)) {
    throw importError(file, "header field 'descr'", `unsupported dtype '${descr}' (supported: little-endian bool, int8–int64, uint8–uint64, float32, float64)`);
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = dims.find((d) => !/^\d{1,15}L?$/.test(d));
  if (bad !== undefined) {
    const why = /^-\d/.test(bad) ? `dimension ${bad} is negative` : `dimension '${bad.slice(0, 40)}' is not a whole number`;
    throw importError(file, "header field 'shape'", `invalid shape (${shapeText.trim().slice(0, 80)}): ${why}`);
  }
  const shape = dims.map((d) => Number(d.replace(/L$/, '')));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = dataStart + count * size;
  if (!Number.isSafeInteger(expected)) throw importError(file, "header field 'shape'", `shape (${shape.join(', ')}) is impossibly large`);
  if (bytes.length < expected) {
    throw importError(file, `byte ${bytes.length}`, `truncated: shape (${shape.join(', ')}) of ${descr} needs ${expected} bytes, the file has ${bytes.length}`);
  }
  let data: Uint8Array | Float64Array;
  if (kind === 'u1' || kind === 'b1') data = new Uint8Array(bytes.subarray(dataStart, expected));
  else {
    checkAllocation(count * 8, file, "header field 'shape'", `shape (${shape.join(', ')}) read as float64`);
    data = new Float64Array(count);
    for (let i = 0, o = dataStart; i < count; i++, o += size) {
      const v = readValue(bytes, o, kind);
      if ((kind === 'i8' || kind === 'u8') && !Number.isSafeInteger(v)) {
        const exact = kind === 'i8' ? bytes.readBigInt64LE(o) : bytes.readBigUInt64LE(o);
        throw importError(file, `item ${i} (byte ${o})`, `value ${exact} is outside the exactly representable integer range (±2^53)`);
      }
      data[i] = v;
    }
  }
  if (fortran === 'True' && shape.length > 1) {
    if (shape.length > 2) throw importError(file, "header field 'fortran_order'", `Fortran-order arrays of rank ${shape.length} are not supported`);
    data = transpose(data, shape[1] as number, shape[0] as number);
  }
  return { shape, dtype: descr, data };
}

function readValue(bytes: Buffer, offset: number, kind: string): number {
  switch (kind) {
    case 'i1':
      return bytes.readInt8(offset);
    case 'i2':
      return bytes.readInt16LE(offset);
    case 'u2':
      return bytes.readUInt16LE(offset);
    case 'i4':
      return bytes.readInt32LE(offset);
    case 'u4':
      return bytes.readUInt32LE(offset);
    case 'i8':
      return Number(bytes.readBigInt64LE(offset));
    case 'u8':
      return Number(bytes.readBigUInt64LE(offset));
    case 'f4':
      return bytes.readFloatLE(offset);
    default:
      return bytes.readDoubleLE(offset);
  }
}

/** Transposes a row-major [rows, cols] matrix to [cols, rows]. */
function transpose<T extends Uint8Array | Float64Array>(data: T, rows: number, cols: number): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}
