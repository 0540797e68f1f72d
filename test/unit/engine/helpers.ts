import type { z } from 'zod';
import { ExperimentSpec, RunEvent, type ActivationName, type DenseLayerSpec, type ExperimentInput } from '../../../contract/index.js';
import { initBackend, type BackendInfo } from '../../../engine/backend.js';

let backend: Promise<BackendInfo> | null = null;

/** TensorFlow.js on the wasm backend (fast and deterministic on CPU-only machines), initialised once per file. */
export function getBackend(): Promise<BackendInfo> {
  backend ??= initBackend('wasm');
  return backend;
}

/** A dense layer input for NetworkSpec. */
export function dense<A extends ActivationName>(units: number, activation: A, extra: Partial<z.input<typeof DenseLayerSpec>> = {}) {
  return { type: 'dense' as const, units, activation: { name: activation }, ...extra };
}

/** A parsed experiment: spiral (400 samples) with a 2-16-16-2 tanh network and adam lr 0.01, unless overridden. */
export function experiment(overrides: Partial<ExperimentInput> & { train?: Record<string, unknown> } = {}): ExperimentSpec {
  return ExperimentSpec.parse({
    dataset: { builtin: 'spiral', samples: 400, noise: 0.1, seed: 7 },
    network: { inputShape: [2], layers: [dense(16, 'tanh'), dense(16, 'tanh'), dense(2, 'softmax')] },
    ...overrides,
    train: { epochs: 40, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 }, seed: 1, ...(overrides.train ?? {}) },
  });
}

/** Collects events, checking each against the contract schema. */
export function collector(): { events: RunEvent[]; emit: (e: RunEvent) => void } {
  const events: RunEvent[] = [];
  return {
    events,
    emit: (e) => {
      events.push(RunEvent.parse(e));
    },
  };
}
