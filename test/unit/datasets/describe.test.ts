import { describe, expect, it } from 'vitest';
import { DatasetInfo } from '../../../contract/index.js';
import { defaultDatasetName, describeImported } from '../../../main/datasets/describe.js';

const header = {
  inputShape: [16, 16, 1],
  numClasses: 3,
  samples: 30,
  counts: { train: 24, validation: 6, test: 0 },
  classNames: ['circle', 'square', 'triangle'],
  imageShape: [16, 16],
  featureDtype: 'uint8' as const,
};

describe('imported dataset names', () => {
  it('names a file after its base name, never after an upload folder’s generated name', () => {
    expect(defaultDatasetName('/data/iris.csv.gz')).toBe('iris');
    expect(defaultDatasetName('/data/shapes')).toBe('shapes');
    expect(defaultDatasetName('/app/uploads/up_0123456789abcdef')).toBe('dataset');
  });

  it('records an uploaded folder as coming from the dataset’s name (the folder the user chose), not up_…', () => {
    const info = describeImported({
      id: 'ds_0123456789abcdef',
      name: 'shapes',
      format: 'images',
      header: header as never,
      classCounts: [10, 10, 10],
      normalization: 'unit',
      split: { validation: 0.2, test: 0, seed: 1 },
      contentHash: 'a'.repeat(64),
      source: '/app/uploads/up_8757aa00bb11cc22',
      createdAt: new Date(0).toISOString(),
    });
    expect(DatasetInfo.parse(info)).toMatchObject({ name: 'shapes', source: 'shapes', inputShape: [16, 16, 1] });
    expect(info.description).toMatch(/^Imported from shapes \(images\)/);
    expect(JSON.stringify(info)).not.toContain('up_');
  });
});
