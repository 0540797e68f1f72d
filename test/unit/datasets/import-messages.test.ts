import { describe, expect, it } from 'vitest';
import { datasetImportMessages } from '../../../renderer/src/components/datasets/messages.js';
import { uploadName } from '../../../renderer/src/components/datasets/upload-files.js';

function leaves(tree: object, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? leaves(v as object, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)]]));
}

describe('dataset import panel text', () => {
  it('has the same keys and placeholders in en and zh-CN, none empty', () => {
    const en = new Map(leaves(datasetImportMessages.en));
    const zh = new Map(leaves(datasetImportMessages['zh-CN']));
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of en) {
      expect(text.trim(), key).not.toBe('');
      expect(names(zh.get(key) as string), key).toEqual(names(text));
    }
  });

  it('uploads folder files as class/file and single files by name', () => {
    const inFolder = Object.assign(new File(['x'], 'a.png'), { webkitRelativePath: 'shapes/circle/a.png' });
    expect(uploadName(inFolder)).toBe('circle/a.png');
    expect(uploadName(new File(['x'], 'train.csv'))).toBe('train.csv');
  });
});
