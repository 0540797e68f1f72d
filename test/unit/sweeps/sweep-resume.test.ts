import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunEvent, SweepEvent } from '../../../contract/index.js';
import { openDatabase } from '../../../main/store/index.js';
import { tinySweep } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-sweep-resume-'));
const db = path.join(dir, 'sweep.db');
const entry = path.join(import.meta.dirname, 'fixtures', 'sweep-cli.ts');
const env = { ...process.env, INITSCOPE_BACKEND: 'wasm' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EPOCHS = 6;
const parseLine = (line: string) => {
  const raw = JSON.parse(line) as { type: string };
  return raw.type.startsWith('sweep') ? SweepEvent.parse(raw) : RunEvent.parse(raw);
};

/**
 * Starts `initscope sweep <file> --json --workers 1` as a host process and SIGKILLs it once two runs
 * have finished and the third has trained at least one epoch. Resolves to the events it printed.
 */
function startAndKill(file: string): Promise<(SweepEvent | RunEvent)[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, JSON.stringify({ file, db, workers: 1, json: true })], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: (SweepEvent | RunEvent)[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const event = parseLine(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        events.push(event);
        const finishedRuns = new Set(events.filter((e) => e.type === 'finished').map((e) => (e as RunEvent).runId));
        if (finishedRuns.size >= 2 && event.type === 'progress' && !finishedRuns.has(event.runId)) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(events) : reject(new Error(`host exited ${code}: ${stderr}`))));
  });
}

describe('a sweep whose host is killed', () => {
  it('resumes to completion with no duplicated or lost metric rows', async () => {
    const file = path.join(dir, 'sweep.json');
    const spec = tinySweep({ epochs: EPOCHS, axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 2 } });
    writeFileSync(file, JSON.stringify(spec));

    const before = await startAndKill(file);
    const started = before[0];
    expect(started).toMatchObject({ type: 'sweepStarted', resumed: false, plan: { total: 4 } });
    const sweepId = (started as Extract<SweepEvent, { type: 'sweepStarted' }>).sweepId;
    const killedRun = (before.at(-1) as RunEvent).runId;
    const finishedBefore = before.filter((e) => e.type === 'finished').map((e) => (e as RunEvent).runId);
    expect(finishedBefore).toHaveLength(2);

    const resumed = spawnSync(process.execPath, ['--import', 'tsx', entry, JSON.stringify({ resumeId: sweepId, db, workers: 2, json: true })], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    const after = resumed.stdout.trim().split('\n').map(parseLine);
    expect(after[0]).toMatchObject({ type: 'sweepStarted', sweepId, resumed: true });
    const finishedAfter = after.filter((e) => e.type === 'finished').map((e) => (e as RunEvent).runId);
    // Only the killed run and the two never started are run again; finished ones are kept as they were.
    expect(finishedAfter.sort()).toEqual(expect.arrayContaining([killedRun]));
    expect(finishedAfter).toHaveLength(2);
    expect(finishedAfter.some((id) => finishedBefore.includes(id))).toBe(false);
    const last = after.at(-1)!;
    expect(last).toMatchObject({ type: 'sweepFinished', sweepId, status: 'completed', summary: { progress: { done: 4, failures: 0 } } });

    const conn = openDatabase(db);
    const runs = conn
      .prepare<[string], { id: string; status: string; epochs_done: number; rows: number; distinct_steps: number }>(
        `SELECT r.id, r.status, r.epochs_done, count(m.step) AS rows, count(DISTINCT m.epoch) AS distinct_steps
         FROM sweep_runs sr JOIN runs r ON r.id = sr.run_id LEFT JOIN metrics m ON m.run_id = r.id
         WHERE sr.sweep_id = ? GROUP BY r.id`,
      )
      .all(sweepId);
    conn.close();
    expect(runs).toHaveLength(4);
    for (const run of runs) expect(run).toMatchObject({ status: 'completed', epochs_done: EPOCHS, rows: EPOCHS, distinct_steps: EPOCHS });
  });
});
