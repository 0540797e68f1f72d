import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentSpec } from '../../contract/index.js';
import { defaultMigrationsDir } from '../../main/store/index.js';

/** A fresh temp folder; call the returned `cleanup` in afterEach. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'initscope-db-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates `<parent>/<name>` holding the given migration files (name → SQL). */
export function writeMigrations(parent: string, name: string, files: Record<string, string>): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, sql] of Object.entries(files)) writeFileSync(join(dir, file), sql);
  return dir;
}

/** Copies the real migrations into `<parent>/<name>` so a test can add files after them. */
export function copyRealMigrations(parent: string, name: string): string {
  const dir = writeMigrations(parent, name, {});
  copyFileSync(join(defaultMigrationsDir(), '0001_initial.sql'), join(dir, '0001_initial.sql'));
  return dir;
}

/** The realistic spiral experiment the tests use. */
export function spiralExperiment(overrides: { name?: string; seed?: number } = {}): ExperimentSpec {
  return ExperimentSpec.parse({
    name: overrides.name ?? 'spiral tanh',
    dataset: { builtin: 'spiral' },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 8, activation: { name: 'tanh' } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train: { epochs: 5, seed: overrides.seed ?? 42 },
  });
}
