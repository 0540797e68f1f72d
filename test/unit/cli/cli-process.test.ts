import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReproductionReport, RunEvent, RunSummary } from '../../../contract/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-cli-proc-'));
const db = path.join(dir, 'cli.db');

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function jsonLines(stdout: string): RunEvent[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => RunEvent.parse(JSON.parse(line)));
}

describe('initscope CLI', () => {
  it('train --json prints one event per line and exits 0 with the final metrics', () => {
    const { code, stdout } = cli('train', 'examples/circle-relu-he.json', '--db', db, '--json');
    expect(code).toBe(0);
    const events = jsonLines(stdout);
    expect(events[0]!.type).toBe('started');
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(30);
    const last = events.at(-1)!;
    expect(last.type).toBe('finished');
    if (last.type !== 'finished') return;
    expect(new Set(events.map((e) => e.runId)).size).toBe(1);
    expect(Object.keys(last.metrics).sort()).toEqual(['testAcc', 'testLoss', 'trainAcc', 'trainLoss', 'valAcc', 'valLoss']);
    expect(last.metrics).toMatchObject({ testLoss: null, testAcc: null }); // circle has no test part
    expect(last.metrics.valAcc).toBeGreaterThan(0.9); // circle is separable by a small ReLU net
  });

  it('exits 3 on a diverged run, naming the step and layer', () => {
    const { code, stdout } = cli('train', 'examples/diverging-sgd.json', '--db', db, '--json');
    expect(code).toBe(3);
    const last = jsonLines(stdout).at(-1)!;
    expect(last).toMatchObject({ type: 'diverged', layer: expect.stringMatching(/^dense_\d$/) });
  });

  it('rerun reproduces a stored run bit for bit (exit 0), prints the report with --json, and exits 2 for an unknown run', () => {
    const trained = jsonLines(cli('train', 'examples/diverging-sgd.json', '--db', db, '--json').stdout);
    const runId = trained[0]!.runId;
    const human = cli('rerun', runId, '--db', db);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^identical: run_\\w+ reproduces ${runId} bit for bit`));
    const json = cli('rerun', runId, '--db', db, '--json');
    expect(json.code).toBe(0);
    expect(ReproductionReport.parse(JSON.parse(json.stdout))).toMatchObject({
      originalRunId: runId,
      verdict: 'identical',
      firstDifference: null,
      provenanceDiffers: [],
    });
    const unknown = cli('rerun', 'run_nope', '--db', db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('run_nope');
  }, 240_000);

  it('exits 2 on invalid input with a message naming the bad field', () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ dataset: { builtin: 'spiral' }, network: { inputShape: [2], layers: [{ type: 'dense', units: -3 }] } }));
    const { code, stderr, stdout } = cli('train', file, '--db', db, '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('network.layers.0.units');
    expect(cli('train', '--db', db).code).toBe(2);
    expect(cli('frobnicate').code).toBe(2);
  });

  it('runs list --json lists the stored runs, newest first', () => {
    const { code, stdout } = cli('runs', 'list', '--db', db, '--json');
    expect(code).toBe(0);
    const runs = RunSummary.array().parse(JSON.parse(stdout));
    // Newest first: the rerun test's diverged run and its two reruns, the diverged run, the first (completed) run.
    expect(runs.map((r) => r.status)).toEqual(['diverged', 'diverged', 'diverged', 'diverged', 'completed']);
    expect(runs.map((r) => r.createdAt)).toEqual(
      runs
        .map((r) => r.createdAt)
        .sort()
        .reverse(),
    );
    expect(runs.at(-1)!.backend).toBe('wasm');
  });
});
