import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerAvailable, startRedis, type TestRedis } from './redis-server.js';

// Distributed sweeps end to end, with real processes: a redis-server on loopback, `initscope sweep
// --queue` as the coordinator and `initscope worker` processes, each with its own data folder (standing
// in for machines), all started from the TypeScript sources like `npx initscope` would run.

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-queue-'));
let redis: TestRedis;
const children = new Set<ChildProcess>();

/** Starts the CLI with `args`; `done` resolves with its exit code and output. */
function cli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

function worker(name: string, lockSeconds = 30) {
  return cli(['worker', '--queue', redis.url, '--workers', '1', '--data-dir', path.join(dir, name), '--lock-seconds', String(lockSeconds)]);
}

/** A small sweep of `runs` × 1 seed on the circle set, `epochs` epochs each. */
function sweepFile(name: string, epochs: number, samples = 160): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name,
      base: {
        name: 'circle',
        dataset: { builtin: 'circle', samples, noise: 0.05, seed: 3 },
        network: {
          inputShape: [2],
          layers: [
            { type: 'dense', units: 8, activation: { name: 'tanh' } },
            { type: 'dense', units: 2, activation: { name: 'softmax' } },
          ],
        },
        train: { epochs, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.02 }, seed: 11, statsEvery: 0 },
      },
      axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], initializer: [{ name: 'glorotNormal' }, { name: 'heNormal' }], seeds: 1 },
    }),
  );
  return file;
}

/** Reads the coordinator's store (read-only, beside the writer). */
function query<T>(db: string, sql: string): T[] {
  const handle = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare(sql).all() as T[];
  } finally {
    handle.close();
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const safe = () => {
    try {
      return check();
    } catch {
      return false; // the coordinator is still creating the database
    }
  };
  while (!safe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Per run: status, metric rows, distinct epochs, min and max epoch. */
function rowsPerRun(db: string) {
  return query<{ id: string; status: string; rows: number; epochs: number; first: number; last: number; host: string | null }>(
    db,
    `SELECT r.id, r.status, r.worker_host AS host, count(m.step) AS rows, count(DISTINCT m.epoch) AS epochs, min(m.epoch) AS first, max(m.epoch) AS last
     FROM runs r LEFT JOIN metrics m ON m.run_id = r.id GROUP BY r.id ORDER BY r.id`,
  );
}

const available = redisServerAvailable();

describe.skipIf(!available)('sweeps through a job queue (BullMQ on a real redis-server)', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes a sweep over 3 workers with exactly one metric row per epoch per run', async () => {
    const workers = [worker('machine-a'), worker('machine-b'), worker('machine-c')];
    const db = path.join(dir, 'three.db');
    const coordinator = cli(['sweep', sweepFile('three', 4), '--queue', redis.url, '--db', db]);
    const { code, stdout, stderr } = await coordinator.done;
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/4 completed, 0 diverged, 0 failed/);
    const runs = rowsPerRun(db);
    expect(runs).toHaveLength(4);
    for (const run of runs) expect(run).toMatchObject({ status: 'completed', rows: 4, epochs: 4, first: 1, last: 4, host: os.hostname() });
    const provenance = query<{ p: string }>(db, 'SELECT provenance_json AS p FROM runs').map((row) => JSON.parse(row.p) as { host?: string });
    expect(provenance.every((p) => p.host === os.hostname())).toBe(true);
    // The Redis URL is never written to the store with a password, and the label names the queue.
    expect(query<{ l: string; w: number }>(db, 'SELECT queue_label AS l, workers_connected AS w FROM queue_sweeps')).toEqual([
      { l: `${redis.url} initscope`, w: 3 },
    ]);
    for (const w of workers) w.child.kill('SIGTERM');
    const exits = await Promise.all(workers.map((w) => w.done));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
  }, 180_000);

  it('a run whose worker is SIGKILLed mid-run completes on another worker, with no duplicate rows', async () => {
    // A short lock, so that the killed worker's run is taken over within seconds (not too short: the
    // machine may be loaded, and a lock that expires while its worker lives only costs a retrain).
    const first = worker('machine-d', 6);
    const db = path.join(dir, 'killed-worker.db');
    const coordinator = cli(['sweep', sweepFile('killed', 40, 400), '--queue', redis.url, '--db', db, '--workers', '1']);
    await waitFor('a run with a few epochs stored', () => existsSync(db) && rowsPerRun(db).some((r) => r.status === 'running' && r.rows >= 3));
    const victim = rowsPerRun(db).find((r) => r.status === 'running')!;
    const before = query<{ d: string }>(db, `SELECT queue_delivery AS d FROM runs WHERE id = '${victim.id}'`)[0]!.d;
    first.child.kill('SIGKILL');
    await first.done;
    const second = worker('machine-e', 6);
    const { code, stderr } = await coordinator.done;
    expect(code, stderr).toBe(0);
    for (const run of rowsPerRun(db)) expect(run).toMatchObject({ status: 'completed', rows: 40, epochs: 40, first: 1, last: 40 });
    const after = query<{ d: string }>(db, `SELECT queue_delivery AS d FROM runs WHERE id = '${victim.id}'`)[0]!.d;
    expect(after).not.toBe(before); // trained again from scratch by another delivery
    second.child.kill('SIGTERM');
    await second.done;
  }, 240_000);

  it('a SIGKILLed coordinator is resumed: every run completes once in the store', async () => {
    const workers = [worker('machine-f'), worker('machine-g')];
    const db = path.join(dir, 'killed-coordinator.db');
    const coordinator = cli(['sweep', sweepFile('resumed', 25, 400), '--queue', redis.url, '--db', db, '--json']);
    await waitFor('a run with epochs stored', () => existsSync(db) && rowsPerRun(db).some((r) => r.rows >= 2));
    coordinator.child.kill('SIGKILL');
    await coordinator.done;
    const sweepId = query<{ id: string }>(db, 'SELECT id FROM sweeps')[0]!.id;
    const resumed = cli(['sweep', 'resume', sweepId, '--queue', redis.url, '--db', db]);
    const { code, stdout, stderr } = await resumed.done;
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/4 completed, 0 diverged, 0 failed/);
    for (const run of rowsPerRun(db)) expect(run).toMatchObject({ status: 'completed', rows: 25, epochs: 25, first: 1, last: 25 });
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.done));
  }, 240_000);

  it('refuses a worker whose InitScope version differs from the coordinator’s', async () => {
    const client = new Redis(redis.url);
    await client.set('initscope:version', '0.0.0-elsewhere');
    client.disconnect();
    const { code, stderr } = await worker('machine-h').done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/coordinator of redis:\/\/127\.0\.0\.1:\d+\/0 initscope runs InitScope 0\.0\.0-elsewhere; install the same version/);
  });
});
