import { ExperimentSpec, type MetricPoint, type RunSummary } from '../../../contract/index.js';
import { defaultDraft, toExperimentInput } from '../../../renderer/src/lib/experiment-draft.js';

export function experiment(): ExperimentSpec {
  return ExperimentSpec.parse(toExperimentInput(defaultDraft()));
}

export function summary(id: string, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    status: 'queued',
    experiment: experiment(),
    backend: null,
    tfjsVersion: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    epochsDone: 0,
    metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
    error: null,
    divergedAtStep: null,
    divergedLayer: null,
    ...overrides,
  };
}

export function point(epoch: number, stepsPerEpoch = 25): MetricPoint {
  return {
    epoch,
    step: epoch * stepsPerEpoch,
    trainLoss: 1 / (epoch + 1),
    trainAcc: 0.5 + epoch / 1000,
    valLoss: 1.1 / (epoch + 1),
    valAcc: 0.49 + epoch / 1000,
    elapsedMs: epoch * 100,
  };
}
