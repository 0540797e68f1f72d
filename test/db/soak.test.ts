import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Soak test of one store shared by many processes (issue 12): the app host (createHostServices in a
 * child process), three CLI trains and a CLI sweep write to one database at once while random
 * processes are SIGKILLed; killed sweeps are resumed (`initscope sweep resume`), a killed host is
 * restarted (its recovery requeues orphaned runs). Then every process is let finish, one more CLI
 * start runs recovery, and the store is checked. Runs the compiled CLI (`npm run build:node` first).
 * INITSCOPE_SOAK_SECONDS sets how long processes are killed (default 75).
 */

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin', 'initscope.js');
const hostFixture = path.join(import.meta.dirname, 'fixtures', 'soak-host.mjs');
const SECONDS = Number(process.env.INITSCOPE_SOAK_SECONDS ?? 75);
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-soak-'));
const db = path.join(dir, 'shared.db');
const env = { ...process.env, INITSCOPE_BACKEND: 'wasm' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EPOCHS = 8;
const experiment = {
  name: 'soak circle',
  dataset: { builtin: 'circle', samples: 240, noise: 0.05, seed: 5 },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 8, activation: { name: 'tanh' } },
      { type: 'dense', units: 2, activation: { name: 'softmax' } },
    ],
  },
  train: { epochs: EPOCHS, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.02 }, seed: 2, statsEvery: 4 },
};
const sweep = {
  name: 'soak sweep',
  base: { ...experiment, train: { ...experiment.train, epochs: 5 } },
  axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 2 },
  targetAccuracy: 0.6,
};
const experimentFile = path.join(dir, 'train.json');
const sweepFile = path.join(dir, 'sweep.json');
writeFileSync(experimentFile, JSON.stringify(experiment));
writeFileSync(sweepFile, JSON.stringify(sweep));

interface Proc {
  name: string;
  kind: 'host' | 'train' | 'sweep';
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<void>;
  done: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  killedByUs: boolean;
}

const procs: Proc[] = [];
let counter = 0;

function start(kind: Proc['kind'], args: string[]): Proc {
  const command = kind === 'host' ? [hostFixture, db, experimentFile, '2500'] : [cli, ...args];
  const child = spawn(process.execPath, command, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = {
    name: `${kind}#${++counter}`,
    kind,
    child,
    stdout: '',
    stderr: '',
    exited: Promise.resolve(),
    done: false,
    code: null,
    signal: null,
    killedByUs: false,
  };
  child.stdout!.on('data', (chunk: Buffer) => (proc.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (proc.stderr += chunk.toString()));
  proc.exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      Object.assign(proc, { done: true, code, signal });
      resolve();
    }),
  );
  procs.push(proc);
  return proc;
}

/** Every JSON line a process printed. */
function events(proc: Proc): Array<{ type: string; runId?: string; sweepId?: string }> {
  return proc.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { type: string; runId?: string }];
      } catch {
        return []; // a line cut by SIGKILL
      }
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (kind: Proc['kind']) => procs.filter((p) => p.kind === kind && !p.done);

/** Sweeps not ended, read through a read-only connection. */
function unendedSweeps(): string[] {
  if (!existsSync(db)) return [];
  const conn = new Database(db, { readonly: true, timeout: 5000 });
  try {
    return conn.prepare<[], string>("SELECT id FROM sweeps WHERE status IN ('running', 'interrupted') ORDER BY created_at").pluck().all();
  } catch {
    return []; // not migrated yet
  } finally {
    conn.close();
  }
}

describe('one store, many processes, random SIGKILLs', () => {
  it(
    'loses no run and never dies of SQLITE_BUSY',
    async () => {
      expect(existsSync(path.join(root, 'dist', 'main', 'cli', 'main.js')), 'build the CLI first: npm run build:node').toBe(true);
      const deadline = Date.now() + SECONDS * 1000;
      let nextKill = Date.now() + 6000;
      let nextSweep = 0;
      let sweepsStarted = 0;
      let kills = 0;
      while (Date.now() < deadline) {
        if (alive('host').length === 0) start('host', []);
        while (alive('train').length < 3) start('train', ['train', experimentFile, '--db', db, '--json']);
        if (alive('sweep').length === 0 && Date.now() >= nextSweep) {
          nextSweep = Date.now() + 3000;
          const pending = unendedSweeps();
          if (pending.length > 0) start('sweep', ['sweep', 'resume', pending[0]!, '--db', db, '--json', '--workers', '1']);
          else if (sweepsStarted++ < 4) start('sweep', ['sweep', sweepFile, '--db', db, '--json', '--workers', '1']);
        }
        if (Date.now() >= nextKill) {
          const candidates = procs.filter((p) => !p.done);
          const victim = candidates[Math.floor(Math.random() * candidates.length)];
          if (victim) {
            victim.killedByUs = true;
            victim.child.kill('SIGKILL');
            kills++;
          }
          nextKill = Date.now() + 4000 + Math.random() * 5000;
        }
        await sleep(250);
      }

      // Let the CLI processes end on their own, then close the host cleanly.
      const endBy = Date.now() + 150_000;
      while (alive('train').length + alive('sweep').length > 0 && Date.now() < endBy) await sleep(500);
      for (const p of [...alive('train'), ...alive('sweep')]) {
        p.killedByUs = true;
        p.child.kill('SIGKILL');
      }
      for (const host of alive('host')) host.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));

      // One more process starts: its recovery handles whatever the killed ones left.
      const last = spawnSync(process.execPath, [cli, 'train', experimentFile, '--db', db, '--json'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
      expect(last.status, last.stderr).toBe(0);

      const finishedByProcess = new Set(
        procs.flatMap((p) =>
          events(p)
            .filter((e) => e.type === 'finished')
            .map((e) => e.runId!),
        ),
      );
      const summary = {
        seconds: SECONDS,
        processes: procs.length,
        kills,
        finishedPrinted: finishedByProcess.size,
      };
      console.log('soak:', JSON.stringify(summary));

      // No process died of a locked database, or failed to store an event.
      for (const p of procs) {
        expect(p.stderr, `${p.name} stderr`).not.toMatch(/SQLITE_BUSY|database is locked|DatabaseBusyError|could not store/);
      }
      // Every process we did not kill exited normally (a sweep resume may find another process running it).
      for (const p of procs.filter((q) => !q.killedByUs)) {
        const conflict = p.kind === 'sweep' && p.code === 1 && /is being run by another InitScope process/.test(p.stderr);
        expect(p.code === 0 || conflict, `${p.name} exited ${p.code} ${p.signal}: ${p.stderr.slice(-2000)}`).toBe(true);
      }
      expect(kills).toBeGreaterThanOrEqual(Math.floor(SECONDS / 12));

      const conn = new Database(db, { readonly: true });
      try {
        expect(conn.pragma('integrity_check', { simple: true })).toBe('ok');
        const runs = conn
          .prepare<[], { id: string; status: string; epochs_done: number; epochs: number; n: number; distinct_epochs: number; max_epoch: number | null }>(
            `SELECT r.id, r.status, r.epochs_done, json_extract(r.experiment_json, '$.train.epochs') AS epochs,
           count(m.step) AS n, count(DISTINCT m.epoch) AS distinct_epochs, max(m.epoch) AS max_epoch
         FROM runs r LEFT JOIN metrics m ON m.run_id = r.id GROUP BY r.id`,
          )
          .all();
        expect(runs.length).toBeGreaterThan(10);
        // Nothing is left queued or running: every owner is gone and recovery ran.
        expect(runs.filter((r) => r.status === 'queued' || r.status === 'running')).toEqual([]);
        for (const r of runs) {
          // Exactly one metric row per epoch, epochs 1..epochsDone without a gap.
          expect({ id: r.id, n: r.n, distinct: r.distinct_epochs, max: r.max_epoch ?? 0 }).toEqual({
            id: r.id,
            n: r.epochs_done,
            distinct: r.epochs_done,
            max: r.epochs_done,
          });
          if (r.status === 'completed') expect(r.epochs_done, r.id).toBe(r.epochs);
        }
        const byId = new Map(runs.map((r) => [r.id, r]));
        for (const id of finishedByProcess) expect({ id, status: byId.get(id)?.status }).toEqual({ id, status: 'completed' });
        expect(runs.filter((r) => r.status === 'completed').length).toBeGreaterThanOrEqual(5);
        expect(conn.prepare('SELECT count(*) FROM owners').pluck().get()).toBe(0);
      } finally {
        conn.close();
      }
    },
    (SECONDS + 360) * 1000,
  );
});
