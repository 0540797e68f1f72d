import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunStatus, SweepSpec, type SweepCounts } from '../../../contract/index.js';
import { sweepReportHtml } from '../../../main/export/report/sweep-report-html.js';
import { planSweep } from '../../../main/services/sweep-expand.js';
import { sweepProgress } from '../../../main/services/sweep-progress.js';
import { buildSweepSummary } from '../../../main/services/sweep-summary.js';
import type { StoredSweep, StoredSweepRun } from '../../../main/store/index.js';

const spec = SweepSpec.parse(JSON.parse(readFileSync('examples/schoenholz-trainability.json', 'utf8')));
const depths = spec.axes.depth!;

/** A summary of the example with made-up accuracies: trainable (0.9) iff depth ≤ 6ξ_c-ish, else chance. */
function summaryOf(sweepSpec: SweepSpec) {
  const plan = planSweep(sweepSpec);
  const sweep: StoredSweep = {
    id: 'sw_x',
    name: sweepSpec.name,
    status: 'completed',
    ownerId: null,
    spec: sweepSpec,
    axes: plan.axes,
    totalRuns: plan.total,
    createdAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
  };
  const runs: StoredSweepRun[] = [];
  sweepSpec.axes.initializer!.forEach((_, i) =>
    sweepSpec.axes.depth!.forEach((d, k) =>
      runs.push({
        runId: `r${i}-${k}`,
        position: runs.length,
        seedIndex: 0,
        seed: 1,
        coords: { initializer: i, depth: k },
        status: 'completed',
        epochsDone: 3,
        metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null, testAcc: d <= 8 ? 0.9 : 0.1 },
        divergedAtStep: null,
        error: null,
      }),
    ),
  );
  const counts = Object.fromEntries(RunStatus.options.map((s) => [s, 0])) as SweepCounts;
  counts.completed = runs.length;
  return buildSweepSummary({
    sweep,
    runs,
    progress: sweepProgress('sw_x', 'completed', runs.length, counts, null, 0),
    firstEpochToTarget: new Map(),
    targetAccuracy: 0.5,
    metric: 'testAcc',
  });
}
const meta = { generatedAt: '2025-01-01T00:00:00.000Z', appVersion: '0.1.0' };

describe('sweep HTML report', () => {
  it('draws the 6·ξ_c line over the depth × σ_w² heatmap at the depths the mean-field code gives', () => {
    const summary = summaryOf(spec);
    const overlay = summary.heatmap!.trainability!;
    const html = sweepReportHtml(summary, meta);
    // Column centres from the depth tick labels (text-anchor middle).
    const tickX = depths.map((d) => Number(new RegExp(`<text x="([\\d.]+)" y="[\\d.]+" text-anchor="middle" class="tick">${d}</text>`).exec(html)![1]));
    const cellW = tickX[1]! - tickX[0]!;
    const lines = [...html.matchAll(/<polyline class="trainability" points="([^"]+)"/g)];
    expect(lines).toHaveLength(1); // every σ_w² of the example has a defined limit: one unbroken line
    const xy = lines[0]![1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
    expect(xy).toHaveLength(overlay.points.length);
    overlay.points.forEach((p, i) => {
      // x: the depth position in cell units; y: the σ_w² row (rows 34 px apart, top to bottom).
      expect(xy[i]![0]).toBeCloseTo(tickX[0]! + p.position! * cellW, 0);
      if (i > 0) expect(xy[i]![1] - xy[i - 1]![1]).toBeCloseTo(34, 5);
    });
    // σ_w² = 1: 6ξ_c ≈ 21.8 sits between the columns of depth 16 and 32.
    const one = overlay.points[2]!;
    expect(xy[2]![0]).toBeGreaterThan(tickX[3]!);
    expect(xy[2]![0]).toBeLessThan(tickX[4]!);
    // The table lists 6·ξ_c per σ_w², the explanation comes in English and Chinese, rows are labelled σ_w².
    expect(html).toContain(`<td>${one.depthLimit!.toFixed(1)}</td>`);
    expect(html).toContain('Trainable depth 6·ξ_c');
    expect(html).toContain('可训练深度 6·ξ_c');
    expect(html).toContain('>σ_w² = 0.25</text>');
    expect(html.match(/<path d="M/g)?.length).toBe(overlay.points.filter((p) => p.clipped).length);
    expect(html).not.toMatch(/<script/);
  });

  it('has no line when the sweep is not depth × fanIn σ_w² of a tanh-like net', () => {
    const relu = SweepSpec.parse({ ...spec, axes: { ...spec.axes, activation: [{ name: 'relu' }] } });
    const html = sweepReportHtml(summaryOf(relu), meta);
    expect(html).toContain('<svg class="chart heatmap"');
    expect(html).not.toContain('polyline');
    expect(html).not.toContain('6·ξ_c');
  });
});
