import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { NamedWeight } from '../../engine/index.js';
import { sha256Hex } from './hash.js';

export type { NamedWeight };

/** The JSON manifest next to `weights.bin`: where each tensor's float32 values start, in floats. */
export interface WeightsManifest {
  format: 'initscope.weights';
  version: 1;
  runId: string;
  /** sha256 (hex) of weights.bin. */
  sha256: string;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
}

export const WEIGHTS_FILE = 'weights.bin';
export const WEIGHTS_MANIFEST_FILE = 'weights.json';

const WEIGHT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}\/[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_TENSORS = 4096;
const MAX_RANK = 8;

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Checks a weights list that arrived from a worker process (untrusted shape): names like
 * 'dense_0/kernel', at most 4096 tensors, integer shapes of rank ≤ 8, Float32Array values whose
 * length is the shape's product, no duplicate names.
 * @throws Error naming the offending tensor
 */
export function checkNamedWeights(raw: unknown): NamedWeight[] {
  if (!Array.isArray(raw)) throw new Error('weights: expected an array of tensors');
  if (raw.length > MAX_TENSORS) throw new Error(`weights: ${raw.length} tensors is more than ${MAX_TENSORS}`);
  const seen = new Set<string>();
  return raw.map((item: unknown, i) => {
    const t = item as Partial<NamedWeight> | null;
    const name = t?.name;
    if (typeof name !== 'string' || !WEIGHT_NAME.test(name)) throw new Error(`weights[${i}]: bad name ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new Error(`weights[${i}]: duplicate name '${name}'`);
    seen.add(name);
    const shape = t?.shape;
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isInteger(d) && d >= 1 && d <= 1 << 24)) {
      throw new Error(`weights '${name}': bad shape ${JSON.stringify(shape)}`);
    }
    const values = t?.values;
    if (!(values instanceof Float32Array) || values.length !== product(shape)) {
      throw new Error(`weights '${name}': values must be a Float32Array of ${product(shape)} numbers`);
    }
    return { name, shape: [...shape], values };
  });
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/**
 * Little-endian float32 bytes of every tensor, concatenated in order (a byte copy on little-endian
 * machines, every value's bits kept, NaN payloads included; a per-value DataView write elsewhere).
 */
export function encodeWeights(weights: readonly NamedWeight[]): { bin: Uint8Array; tensors: WeightsManifest['tensors'] } {
  const total = weights.reduce((n, w) => n + w.values.length, 0);
  const bin = new Uint8Array(total * 4);
  const view = new DataView(bin.buffer);
  const tensors: WeightsManifest['tensors'] = [];
  let offset = 0;
  for (const w of weights) {
    if (LITTLE_ENDIAN_HOST) bin.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), offset * 4);
    else w.values.forEach((v, i) => view.setFloat32((offset + i) * 4, v, true));
    tensors.push({ name: w.name, shape: [...w.shape], offset, length: w.values.length });
    offset += w.values.length;
  }
  return { bin, tensors };
}

/** One file written by {@link writeWeightsFiles}: its path, sha256 (hex) and size in bytes. */
export interface WrittenFile {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * Writes `<dir>/weights.bin` and `<dir>/weights.json` (each through a temp file and a rename, so a
 * crash never leaves a half-written pair that looks valid).
 * @returns the paths written, the manifest, and each file's sha256 and size (of the bytes written,
 *   so that a caller recording them need not read the files back)
 */
export function writeWeightsFiles(
  dir: string,
  runId: string,
  weights: readonly NamedWeight[],
): { binPath: string; manifestPath: string; manifest: WeightsManifest; files: [WrittenFile, WrittenFile] } {
  mkdirSync(dir, { recursive: true });
  const { bin, tensors } = encodeWeights(weights);
  const manifest: WeightsManifest = { format: 'initscope.weights', version: 1, runId, sha256: sha256Hex(bin), tensors };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const binPath = join(dir, WEIGHTS_FILE);
  const manifestPath = join(dir, WEIGHTS_MANIFEST_FILE);
  writeFileSync(`${binPath}.tmp`, bin);
  writeFileSync(`${manifestPath}.tmp`, manifestBytes);
  renameSync(`${binPath}.tmp`, binPath);
  renameSync(`${manifestPath}.tmp`, manifestPath);
  const files: [WrittenFile, WrittenFile] = [
    { path: binPath, sha256: manifest.sha256, bytes: bin.byteLength },
    { path: manifestPath, sha256: sha256Hex(manifestBytes), bytes: manifestBytes.byteLength },
  ];
  return { binPath, manifestPath, manifest, files };
}

/**
 * Reads weights written by {@link writeWeightsFiles}; checks the manifest, the file's sha256 and
 * every tensor's bounds.
 * @throws Error naming the file and what is wrong
 */
export function readWeightsFiles(dir: string): NamedWeight[] {
  const manifestPath = join(dir, WEIGHTS_MANIFEST_FILE);
  const binPath = join(dir, WEIGHTS_FILE);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as WeightsManifest;
  if (manifest?.format !== 'initscope.weights' || manifest.version !== 1 || !Array.isArray(manifest.tensors)) {
    throw new Error(`${manifestPath}: not an InitScope weights manifest (format initscope.weights, version 1)`);
  }
  const bin = readFileSync(binPath);
  if (sha256Hex(bin) !== manifest.sha256) throw new Error(`${binPath}: sha256 does not match ${manifestPath} (the file was changed or truncated)`);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const weights = manifest.tensors.map((t) => {
    if (!Number.isInteger(t.offset) || !Number.isInteger(t.length) || t.offset < 0 || (t.offset + t.length) * 4 > bin.byteLength) {
      throw new Error(`${manifestPath}: tensor '${t.name}' lies outside ${binPath}`);
    }
    const values = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) values[i] = view.getFloat32((t.offset + i) * 4, true);
    return { name: t.name, shape: t.shape, values };
  });
  return checkNamedWeights(weights);
}
