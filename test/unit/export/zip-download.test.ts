import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipDownloads, zipFileName } from '../../../main/export/zip-download.js';

const files: Record<string, { name: string; data: Buffer }> = {
  ['1'.repeat(64)]: { name: 'model.json', data: Buffer.from('{"format":"layers-model"}') },
  ['2'.repeat(64)]: { name: 'weights.bin', data: Buffer.from([0, 1, 2, 255]) },
  ['3'.repeat(64)]: { name: 'model.json', data: Buffer.from('{"other":true}') },
};
const find = (sha256: string) => files[sha256] ?? null;

describe('zipDownloads', () => {
  it('bundles the recorded files byte for byte, in order, renaming a repeated name', () => {
    const zip = zipDownloads(find, ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)], 'run_1-tfjs')!;
    expect(zip.name).toBe('run_1-tfjs.zip');
    expect([...zip.data.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip local file header
    const entries = unzipSync(new Uint8Array(zip.data));
    expect(Object.keys(entries)).toEqual(['model.json', 'weights.bin', 'model (2).json']);
    expect([...entries['weights.bin']!]).toEqual([0, 1, 2, 255]);
    expect(Buffer.from(entries['model (2).json']!).toString()).toBe('{"other":true}');
  });

  it('refuses when any file is unknown, none is named or too many are', () => {
    expect(zipDownloads(find, ['1'.repeat(64), 'f'.repeat(64)], 'x')).toBeNull();
    expect(zipDownloads(find, [], 'x')).toBeNull();
    expect(
      zipDownloads(
        find,
        Array.from({ length: 33 }, (_, i) => i.toString(16).padStart(64, '0')),
        'x',
      ),
    ).toBeNull();
  });

  it('makes a plain file name from any requested name', () => {
    expect(zipFileName('../../etc/passwd')).toBe('etc_passwd.zip');
    expect(zipFileName('报告 1.zip')).toBe('报告 1.zip');
    expect(zipFileName('')).toBe('export.zip');
  });
});
