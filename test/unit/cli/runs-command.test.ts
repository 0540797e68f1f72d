import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExperimentSpec, RunSummary } from '../../../contract/index.js';
import { runCli } from '../../../main/cli/main.js';
import { ArtifactStore, openDatabase, RunStore } from '../../../main/store/index.js';
import { makeTempDir, spiralExperiment } from '../../db/helpers.js';

/** Runs the CLI in this process; resolves to its exit code and what it wrote to stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await runCli(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('initscope runs ls|rename|tag|note|rm', () => {
  let dir: string;
  let cleanup: () => void;
  let db: string;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    db = join(dir, 'initscope.db');
    const conn = openDatabase(db);
    const runs = new RunStore(conn);
    const relu = ExperimentSpec.parse({
      ...spiralExperiment({ seed: 5 }),
      network: {
        inputShape: [2],
        layers: [
          { type: 'dense', units: 8, activation: { name: 'relu' } },
          { type: 'dense', units: 2, activation: { name: 'softmax' } },
        ],
      },
    });
    const add = (id: string, experiment: ExperimentSpec, i: number, end = true) => {
      runs.createRun({ id, name: experiment.name, experiment, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), appVersion: 't' });
      if (!end) return;
      runs.markStarted(id, { backend: 'cpu', tfjsVersion: 'x', startedAt: new Date().toISOString() });
      runs.finishRun(id, { status: 'completed', finishedAt: new Date().toISOString() });
    };
    add('run_tanh', spiralExperiment({ seed: 2 }), 0);
    add('run_relu', relu, 1);
    add('run_queued', spiralExperiment({ seed: 9 }), 2, false);
    mkdirSync(join(dir, 'runs', 'run_tanh'), { recursive: true });
    writeFileSync(join(dir, 'runs', 'run_tanh', 'weights.bin'), 'w');
    new ArtifactStore(conn).record(
      'run_tanh',
      'w',
      [{ kind: 'weights', path: join(dir, 'runs', 'run_tanh', 'weights.bin'), bytes: 1, sha256: 'b'.repeat(64) }],
      new Date().toISOString(),
    );
    conn.close();
  });
  afterEach(() => cleanup());

  it('lists runs with readable names, filtered by a field and as JSON', async () => {
    const all = await cli('runs', 'ls', '--db', db);
    expect(all.code).toBe(0);
    expect(all.out).toContain('run_tanh  completed');
    expect(all.out).toContain('tanh · Glorot U · Adam 0.001 · seed 2 · Spiral · MLP 8-2');
    const tanh = await cli('runs', 'ls', '--db', db, '--filter', 'activation=tanh status=completed', '--json');
    expect(
      RunSummary.array()
        .parse(JSON.parse(tanh.out))
        .map((r) => r.id),
    ).toEqual(['run_tanh']);
    await expect(cli('runs', 'ls', '--db', db, '--filter', 'colour=red')).rejects.toThrow(/unknown field "colour"/);
  });

  it('renames, tags and notes a run, each stored for the next command', async () => {
    expect((await cli('runs', 'rename', 'run_relu', 'relu', 'baseline', '--db', db)).out).toContain('run_relu  relu baseline');
    expect((await cli('runs', 'tag', 'run_relu', 'baseline', 'fig3', '--db', db)).code).toBe(0);
    expect((await cli('runs', 'tag', 'run_relu', '--remove', 'fig3', '--db', db)).out).toContain('run_relu  baseline');
    await cli('runs', 'note', 'run_relu', 'dead units at depth 6', '--db', db);
    const listed = RunSummary.array().parse(JSON.parse((await cli('runs', 'ls', '--db', db, '--filter', 'tag=baseline', '--json')).out));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: 'run_relu', name: 'relu baseline', customName: 'relu baseline', tags: ['baseline'], notes: 'dead units at depth 6' });
    expect((await cli('runs', 'rename', 'run_relu', '--auto', '--db', db)).out).toContain('ReLU · Glorot U');
    await expect(cli('runs', 'tag', 'run_relu', 'two words', '--db', db)).rejects.toThrow(/add\.0/);
    await expect(cli('runs', 'rename', 'nope', 'x', '--db', db)).rejects.toThrow(/No run with id nope/);
  });

  it('deletes only with --yes, never a queued run, and removes the run’s files', async () => {
    const dry = await cli('runs', 'rm', 'run_tanh', '--db', db);
    expect(dry.code).toBe(2);
    expect(dry.err).toContain('Would delete 1 run(s)');
    expect(existsSync(join(dir, 'runs', 'run_tanh', 'weights.bin'))).toBe(true);
    await expect(cli('runs', 'rm', 'run_tanh', 'run_queued', '--yes', '--db', db)).rejects.toThrow(/run_queued \(queued\): stop them first/);
    const done = await cli('runs', 'rm', 'run_tanh', '--yes', '--db', db, '--json');
    expect(JSON.parse(done.out)).toEqual([{ runId: 'run_tanh', deleted: true, filesRemoved: 1 }]);
    expect(existsSync(join(dir, 'runs', 'run_tanh'))).toBe(false);
    const left = RunSummary.array().parse(JSON.parse((await cli('runs', 'ls', '--db', db, '--json')).out));
    expect(left.map((r) => r.id)).toEqual(['run_queued', 'run_relu']);
  });
});
