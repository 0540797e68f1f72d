import { describe, expect, it } from 'vitest';
import { paletteColor } from '../../../main/export/report/svg-chart.js';
import { chartColors } from '../../../renderer/src/lib/chart-theme.js';

describe('report palette', () => {
  it("colours the report's groups as the app's light theme does (one colour per group everywhere)", () => {
    const app = chartColors('light').series;
    expect(app.map((_, i) => paletteColor(i))).toEqual(app);
  });
});
