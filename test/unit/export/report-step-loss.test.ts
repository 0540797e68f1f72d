import { describe, expect, it } from 'vitest';
import { ExperimentSpec, type RunSummary } from '../../../contract/index.js';
import { buildReportHtml, type ReportRun } from '../../../main/export/report/report-html.js';

function reportRun(id: string, extra: Partial<ReportRun>, summary: Partial<RunSummary> = {}): ReportRun {
  return {
    summary: {
      id,
      name: id,
      status: 'completed',
      experiment: ExperimentSpec.parse({
        dataset: { builtin: 'xor' },
        network: { inputShape: [2], layers: [{ type: 'dense', units: 2, activation: { name: 'softmax' } }] },
      }),
      backend: 'wasm',
      tfjsVersion: '4.22.0',
      createdAt: '2026-01-01T00:00:00.000Z',
      startedAt: null,
      finishedAt: null,
      epochsDone: 0,
      metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
      error: null,
      divergedAtStep: null,
      divergedLayer: null,
      ...summary,
    },
    points: [],
    reproducibility: { seed: 1, backend: 'wasm', tfjsVersion: '4.22.0', appVersion: '0.1.0', dataset: 'builtin xor', datasetHash: null, provenance: null },
    ...extra,
  };
}

describe('report: per-step training loss', () => {
  it('draws each run’s per-step loss, says where a run diverged, and names its layer as Build does', () => {
    const ok = reportRun('a', { stepPoints: [1, 2, 3].map((step) => ({ step, loss: 1 / step })) });
    const bad = reportRun(
      'b',
      {
        stepPoints: [
          { step: 1, loss: 0.9 },
          { step: 2, loss: 40 },
          { step: 3, loss: null },
        ],
      },
      { status: 'diverged', divergedAtStep: 3, divergedLayer: 'dense_2' },
    );
    const html = buildReportHtml([ok, bad], { generatedAt: '2026-01-02T00:00:00.000Z', appVersion: '0.1.0' });
    expect(html).toContain('aria-label="Training loss per step"');
    expect(html).toContain('Non-finite loss (the run diverged) at step 3');
    expect(html).toContain('step 3, Layer 3 (dense)');
    expect(html).not.toContain('dense_2');
  });

  it('has no per-step section for runs without per-step losses (stored before they existed)', () => {
    const html = buildReportHtml([reportRun('a', {})], { generatedAt: '2026-01-02T00:00:00.000Z', appVersion: '0.1.0' });
    expect(html).not.toContain('Training loss per step');
  });
});
