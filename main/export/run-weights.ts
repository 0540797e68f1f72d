import { existsSync } from 'node:fs';
import type { ArtifactRecord, ArtifactStore } from '../store/index.js';
import { runWeightsDir } from './paths.js';
import { checkNamedWeights, readWeightsFiles, WEIGHTS_FILE, WEIGHTS_MANIFEST_FILE, writeWeightsFiles, type NamedWeight } from './weights-file.js';
import { join } from 'node:path';

/**
 * Stores the trained weights a worker sent for a run: `<dataDir>/runs/<runId>/weights.bin` and
 * `weights.json`, both recorded as artifacts of kind 'weights' with their sha256.
 * @param rawTensors the message's tensors (checked here: they crossed a process boundary)
 * @throws Error when the tensors are malformed or the files cannot be written
 */
export function saveRunWeights(dataDir: string, artifacts: ArtifactStore, runId: string, rawTensors: unknown, at: Date): ArtifactRecord[] {
  const tensors = checkNamedWeights(rawTensors);
  artifacts.assertReady();
  const dir = runWeightsDir(dataDir, runId);
  const files = writeWeightsFiles(dir, runId, tensors).files.map((file) => ({ kind: 'weights' as const, ...file }));
  return artifacts.record(runId, `weights-${runId}`, files, at.toISOString());
}

/** True when the run's weights files exist. */
export function hasRunWeights(dataDir: string, runId: string): boolean {
  const dir = runWeightsDir(dataDir, runId);
  return existsSync(join(dir, WEIGHTS_FILE)) && existsSync(join(dir, WEIGHTS_MANIFEST_FILE));
}

/** A run's stored weights (checked against their recorded sha256). */
export function loadRunWeights(dataDir: string, runId: string): NamedWeight[] {
  return readWeightsFiles(runWeightsDir(dataDir, runId));
}
