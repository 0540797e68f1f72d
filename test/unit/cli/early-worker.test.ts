import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdWorker, sweepEarlyWorkerCount, sweepRunCount, warmDatasetOf } from '../../../main/cli/early-worker.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-early-worker-'));

/** A stand-in worker: says ready at once, then echoes every message; exits on 'shutdown' or when the channel closes. */
const echo = path.join(dir, 'echo-worker.cjs');
writeFileSync(
  echo,
  `process.send({ type: 'ready', pid: process.pid });
process.on('message', (m) => (m.type === 'shutdown' ? process.exit(0) : process.send({ type: 'echo', m })));
process.on('disconnect', () => process.exit(0));`,
);

const forkEcho = () => fork(echo, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });

/** Resolves after `ms`. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('early engine worker (main/cli/early-worker.ts)', () => {
  it('holds the messages a worker sent before the pool listens, then delivers them and later ones in order', async () => {
    const child = forkEcho();
    const early = holdWorker(child);
    // The 'ready' arrives while the pool does not listen yet (this listener runs after holdWorker's).
    await new Promise((resolve) => child.once('message', resolve));
    const handle = early.take();
    expect(handle).not.toBeNull();
    expect(early.take()).toBeNull(); // handed out once
    const received: unknown[] = [];
    const exited = new Promise<[number | null, string | null]>((resolve) => handle!.onExit((code, signal) => resolve([code, signal])));
    handle!.onMessage((m) => received.push(m));
    expect(received).toEqual([{ type: 'ready', pid: child.pid }]);
    handle!.send({ type: 'cancel', runId: 'r1' });
    while (received.length < 2) await sleep(20);
    expect(received[1]).toEqual({ type: 'echo', m: { type: 'cancel', runId: 'r1' } });
    handle!.send({ type: 'shutdown' });
    expect(await exited).toEqual([0, null]);
    early.discard(); // taken: the pool owns it, nothing to kill
  });

  it('reports an exit that happened before the pool listened', async () => {
    const child = fork(path.join(dir, 'missing-entry.cjs'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const early = holdWorker(child);
    await new Promise((resolve) => child.once('exit', resolve));
    const handle = early.take()!;
    const exit = await new Promise<[number | null, string | null]>((resolve) => handle.onExit((code, signal) => resolve([code, signal])));
    expect(exit[0]).not.toBe(0); // Node exits 1 on a missing entry file; the pool then starts a fresh worker
  });

  it('a worker process that could not be started reports an exit (the pool then forks a fresh one)', async () => {
    const child = fork(echo, [], { execPath: path.join(dir, 'no-such-node'), stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const handle = holdWorker(child).take()!;
    const exit = await new Promise<[number | null, string | null]>((resolve) => handle.onExit((code, signal) => resolve([code, signal])));
    expect(exit).toEqual([1, null]);
  });

  it('discard kills a worker no pool took', async () => {
    const child = forkEcho();
    const early = holdWorker(child);
    const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    early.discard();
    expect(await exited).toBe('SIGKILL');
    expect(early.take()).toBeNull();
  });

  it('an untaken worker never keeps the CLI process alive, and exits with it', () => {
    const script = `import { holdWorker } from './main/cli/early-worker.ts';
import { fork } from 'node:child_process';
const child = fork(${JSON.stringify(echo)}, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
holdWorker(child);
console.log(child.pid);`;
    const t0 = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(50_000);
    const pid = Number(result.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // The worker sees its channel close and exits.
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
    expect(alive(pid)).toBe(false);
  });

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('warms the built-in dataset an experiment or a sweep file names, and nothing else', () => {
    const mnist = { builtin: 'mnist', samples: 100 };
    expect(warmDatasetOf(write('mnist.json', JSON.stringify({ dataset: mnist })))).toBe(JSON.stringify(mnist));
    expect(warmDatasetOf(write('circle.json', JSON.stringify({ dataset: { builtin: 'circle' } })))).toBe('{"builtin":"circle"}');
    expect(warmDatasetOf(write('sweep.json', JSON.stringify({ base: { dataset: mnist }, axes: { seeds: 2 } })))).toBe(JSON.stringify(mnist));
    expect(warmDatasetOf(write('stored.json', JSON.stringify({ dataset: { id: 'ds_0123456789abcdef' } })))).toBeNull();
    expect(warmDatasetOf(write('broken.json', '{"dataset": {"builtin": "mnist"'))).toBeNull();
    expect(warmDatasetOf(write('null.json', 'null'))).toBeNull();
    expect(warmDatasetOf(write('array.json', '[{"dataset": {"builtin": "mnist"}}]'))).toBeNull();
    expect(warmDatasetOf(path.join(dir, 'absent.json'))).toBeNull();
    expect(warmDatasetOf('--db')).toBeNull();
    expect(warmDatasetOf(undefined)).toBeNull();
  });

  it("counts a sweep file's runs by a cheap look, and forks as many early workers as will run at once", () => {
    const seedArticle = path.join(root, 'examples/seed-article.json');
    expect(sweepRunCount(seedArticle)).toBe(5 * 3 * 3);
    const two = write('two-runs.json', JSON.stringify({ base: {}, axes: { activation: [{ name: 'relu' }, { name: 'tanh' }] } }));
    expect(sweepRunCount(two)).toBe(2);
    expect(sweepRunCount(path.join(dir, 'absent.json'))).toBeNull();
    expect(sweepEarlyWorkerCount([seedArticle], 2)).toBe(2);
    expect(sweepEarlyWorkerCount([seedArticle, '--workers', '1'], 2)).toBe(1);
    expect(sweepEarlyWorkerCount([seedArticle, '--workers=8', '--json'], 4)).toBe(4); // never more than the cores
    expect(sweepEarlyWorkerCount([two, '--workers', '8'], 16)).toBe(2); // nor than the runs
    expect(sweepEarlyWorkerCount([seedArticle, '--workers', 'x'], 2)).toBe(0); // the CLI reports it
    expect(sweepEarlyWorkerCount([seedArticle, '--workers', '0'], 2)).toBe(0);
    expect(sweepEarlyWorkerCount([seedArticle, '--queue', 'redis://h:6379/0'], 2)).toBe(0);
    expect(sweepEarlyWorkerCount(['resume', 'sw_1'], 2)).toBe(0);
    expect(sweepEarlyWorkerCount(['export', 'sw_1'], 2)).toBe(0);
    expect(sweepEarlyWorkerCount(['--workers', '2', seedArticle], 2)).toBe(0);
    expect(sweepEarlyWorkerCount([], 2)).toBe(0);
  });

  const built = existsSync(path.join(root, 'dist/main/cli/early-worker.js'));
  it.skipIf(!built)('bin/initscope.js train: refused input exits 2 at once, the early worker discarded', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"name": "x"}');
    const t0 = Date.now();
    const result = spawnSync(process.execPath, [path.join(root, 'bin/initscope.js'), 'train', bad, '--db', path.join(dir, 'b.db')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/initscope: /);
    expect(Date.now() - t0).toBeLessThan(50_000);
  });

  it.skipIf(!built)('bin/initscope.js train trains on its early worker, and a rerun on a worker the pool forked reproduces it bit for bit', () => {
    const db = path.join(dir, 'trained.db');
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'bin/initscope.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    const trained = bin('train', 'examples/circle-relu-he.json', '--db', db, '--json');
    expect(trained.status).toBe(0);
    const events = trained.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; runId: string });
    expect(events[0]!.type).toBe('started');
    expect(events.at(-1)!.type).toBe('finished');
    const rerun = bin('rerun', events[0]!.runId, '--db', db, '--json');
    expect(rerun.status).toBe(0); // 0: every stored metric identical
  });

  /** A small sweep file: circle, two activations, one seed, one epoch (2 runs). */
  const smallSweep = () =>
    write(
      'small-sweep.json',
      JSON.stringify({
        base: {
          dataset: { builtin: 'circle', samples: 200, seed: 3 },
          network: {
            inputShape: [2],
            layers: [
              { type: 'dense', units: 8, activation: { name: 'tanh' } },
              { type: 'dense', units: 2, activation: { name: 'softmax' } },
            ],
          },
          train: { epochs: 1, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 }, seed: 1, statsEvery: 0 },
        },
        axes: { activation: [{ name: 'tanh' }, { name: 'relu' }] },
      }),
    );

  it.skipIf(!built)('bin/initscope.js sweep trains every run on its early workers, and a rerun on a worker the pool forked reproduces one bit for bit', () => {
    const db = path.join(dir, 'swept.db');
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'bin/initscope.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    const swept = bin('sweep', smallSweep(), '--workers', '2', '--db', db, '--json');
    expect(swept.status).toBe(0);
    const events = swept.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; runId?: string; summary?: { progress: { counts: { completed: number } } } });
    const finished = events.filter((e) => e.type === 'finished');
    expect(finished).toHaveLength(2);
    expect(events.at(-1)!.type).toBe('sweepFinished');
    expect(events.at(-1)!.summary!.progress.counts.completed).toBe(2);
    const rerun = bin('rerun', finished[1]!.runId!, '--db', db, '--json');
    expect(rerun.status).toBe(0); // 0: every stored metric identical
  });

  it.skipIf(!built)('killing `initscope sweep` while its early workers start and warm leaves no worker behind', async () => {
    const cli = fork(
      path.join(root, 'bin/initscope.js'),
      ['sweep', path.join(root, 'examples/seed-article.json'), '--workers', '2', '--db', path.join(dir, 'killed.db')],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      },
    );
    // Wait for its two workers to exist (they are forked before the CLI's own imports).
    const children = () => {
      try {
        return readFileSync(`/proc/${cli.pid}/task/${cli.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    let workers: number[] = [];
    const deadline = Date.now() + 30_000;
    while (workers.length < 2 && Date.now() < deadline) {
      await sleep(20);
      workers = children();
    }
    expect(workers).toHaveLength(2);
    await sleep(300); // starting or warming now
    cli.kill('SIGKILL');
    const gone = Date.now() + 20_000;
    while (workers.some(alive) && Date.now() < gone) await sleep(100);
    expect(workers.filter(alive)).toEqual([]);
  });
});
