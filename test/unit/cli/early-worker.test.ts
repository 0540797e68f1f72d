import { fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdWorker, usesBuiltinMnist, warmDatasetSpec, warmThread } from '../../../main/cli/early-worker.js';

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
});
