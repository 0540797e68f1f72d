import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdWorker, sweepEarlyWorkerCount, sweepRunCount, usesBuiltinMnist, warmDatasetSpec, warmThread } from '../../../main/cli/early-worker.js';

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

  it('warms MNIST only for an experiment file that names the built-in MNIST', () => {
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    expect(usesBuiltinMnist(write('mnist.json', JSON.stringify({ dataset: { builtin: 'mnist', samples: 100 } })))).toBe(true);
    expect(usesBuiltinMnist(write('circle.json', JSON.stringify({ dataset: { builtin: 'circle' } })))).toBe(false);
    expect(usesBuiltinMnist(write('stored.json', JSON.stringify({ dataset: { datasetId: 'mnist' } })))).toBe(false);
    expect(usesBuiltinMnist(write('broken.json', '{"dataset": {"builtin": "mnist"'))).toBe(false);
    expect(usesBuiltinMnist(write('null.json', 'null'))).toBe(false);
    expect(usesBuiltinMnist(path.join(dir, 'absent.json'))).toBe(false);
    expect(usesBuiltinMnist('--db')).toBe(false);
    expect(usesBuiltinMnist(undefined)).toBe(false);
    // What the worker is told to prepare: the file's own reference, unparsed (the worker parses it).
    expect(warmDatasetSpec(write('ref.json', JSON.stringify({ dataset: { builtin: 'mnist', samples: 300, seed: 4 } })))).toBe(
      '{"builtin":"mnist","samples":300,"seed":4}',
    );
    expect(warmDatasetSpec(path.join(dir, 'circle.json'))).toBeNull();
  });

  it('generates the warm dataset on a thread only with cores to spare, unless INITSCOPE_WARM_THREAD says otherwise', () => {
    expect(warmThread({}, 2)).toBe('0');
    expect(warmThread({}, 1)).toBe('0');
    expect(warmThread({}, 3)).toBe('1');
    expect(warmThread({ INITSCOPE_WARM_THREAD: '1' }, 2)).toBe('1');
    expect(warmThread({ INITSCOPE_WARM_THREAD: '0' }, 16)).toBe('0');
    expect(warmThread({ INITSCOPE_WARM_THREAD: 'yes' }, 2)).toBe('0');
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

  it.skipIf(!built)('an MNIST run on the early worker, its dataset generated on a warm-up thread, reruns bit for bit on a pool worker', () => {
    const db = path.join(dir, 'mnist.db');
    const file = path.join(dir, 'mnist-run.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'early mnist',
        dataset: { builtin: 'mnist', samples: 600, seed: 5 },
        network: {
          inputShape: [784],
          layers: [
            { type: 'dense', units: 16, activation: { name: 'relu' } },
            { type: 'dense', units: 10, activation: { name: 'softmax' } },
          ],
        },
        train: {
          epochs: 2,
          batchSize: 64,
          optimizer: { name: 'adam', learningRate: 0.001 },
          loss: 'sparseCategoricalCrossentropy',
          validationSplit: 0.2,
          seed: 3,
        },
      }),
    );
    const bin = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'bin/initscope.js'), ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, INITSCOPE_WARM_THREAD: '1' },
      });
    const trained = bin('train', file, '--db', db, '--json');
    expect(trained.status, trained.stderr).toBe(0);
    const runId = (JSON.parse(trained.stdout.split('\n')[0] as string) as { runId: string }).runId;
    const rerun = bin('rerun', runId, '--db', db, '--json');
    expect(rerun.status, rerun.stdout).toBe(0); // the rerun's pool worker generated the digits itself
    expect((JSON.parse(rerun.stdout) as { provenanceDiffers: string[] }).provenanceDiffers).toEqual([]);
  });
  const writeFile = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("prepares a sweep file's base dataset like an experiment file's", () => {
    const mnist = { builtin: 'mnist', samples: 100, seed: 3 };
    expect(warmDatasetSpec(writeFile('sweep-mnist.json', JSON.stringify({ base: { dataset: mnist }, axes: { seeds: 2 } })))).toBe(JSON.stringify(mnist));
    expect(warmDatasetSpec(writeFile('sweep-circle.json', JSON.stringify({ base: { dataset: { builtin: 'circle' } }, axes: { seeds: 2 } })))).toBeNull();
    expect(warmDatasetSpec(writeFile('array.json', '[{"dataset": {"builtin": "mnist"}}]'))).toBeNull();
  });

  it("counts a sweep file's runs by a cheap look, and forks as many early workers as will run at once", () => {
    const seedArticle = path.join(root, 'examples/seed-article.json');
    expect(sweepRunCount(seedArticle)).toBe(5 * 3 * 3);
    const two = writeFile('two-runs.json', JSON.stringify({ base: {}, axes: { activation: [{ name: 'relu' }, { name: 'tanh' }] } }));
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

  /** A small sweep file: circle, two activations, one seed, one epoch (2 runs). */
  const smallSweep = () =>
    writeFile(
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
