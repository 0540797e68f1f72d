#!/usr/bin/env node
// Multi-process check (pre-stop check 2): the app in browser mode (`npm start` with INITSCOPE_BROWSER=1),
// `initscope serve`, a CLI `initscope train` and a CLI `initscope sweep` share ONE database (one data folder,
// found through INITSCOPE_DATA_DIR as a user's shell would); one of them is SIGKILLed in the middle of a
// run. Then a new CLI `train` opens the store and the check asserts that nothing already stored was lost,
// the file passes `PRAGMA integrity_check`, the killed process's run is `interrupted` (its sweep too) and
// its worker process is gone, and the survivors finish their runs and exit cleanly.
//
//   node scripts/multi-process-check.mjs [--kill train|sweep|serve|app] [--keep]
//
// Uses the compiled CLI (`npm run build:node` first). Prints each step and a PASS/FAIL line per assertion;
// exit code 0 when every assertion passed, 1 when one failed, 2 when the check could not run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const VICTIMS = ['train', 'sweep', 'serve', 'app'];
const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { kill: { type: 'string', default: 'train' }, keep: { type: 'boolean', default: false } } });
if (!VICTIMS.includes(args.kill)) {
  console.error(`--kill must be one of ${VICTIMS.join(', ')} (got ${args.kill})`);
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist', 'main', 'cli', 'main.js'))) {
  console.error('The CLI is not built: run `npm run build:node` first.');
  process.exit(2);
}

/** Epochs of the survivors' runs, and of the victim's (longer, so that it is still running when killed, at KILL_AT_EPOCH). */
const EPOCHS = 12;
const VICTIM_EPOCHS = 60;
const KILL_AT_EPOCH = 3;
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-multi-'));
const dbPath = path.join(dir, 'initscope.db');
const env = { ...process.env, INITSCOPE_DATA_DIR: dir, INITSCOPE_BACKEND: 'wasm', INITSCOPE_BROWSER: '1', INITSCOPE_PORT: '0', INITSCOPE_NO_DOWNLOAD: '1' };
delete env.INITSCOPE_DB;
const t0 = Date.now();
const log = (line) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shipped example (circle, 2-8-8-2), smaller and with `epochs` epochs and layer statistics every 4 steps. */
const example = JSON.parse(readFileSync(path.join(root, 'examples', 'circle-relu-he.json'), 'utf8'));
const experiment = (name, epochs) => ({
  ...example,
  name,
  dataset: { ...example.dataset, samples: 240, seed: 5 },
  train: { ...example.train, epochs, statsEvery: 4 },
});
const files = {
  train: path.join(dir, 'train.json'),
  next: path.join(dir, 'next.json'),
  sweep: path.join(dir, 'sweep.json'),
};
const epochsOf = (name) => (name === args.kill ? VICTIM_EPOCHS : EPOCHS);
writeFileSync(files.train, JSON.stringify(experiment('multi train', epochsOf('train'))));
writeFileSync(files.next, JSON.stringify(experiment('multi next', 2)));
writeFileSync(
  files.sweep,
  JSON.stringify({
    name: 'multi sweep',
    base: experiment('multi sweep base', epochsOf('sweep')),
    axes: { activation: [{ name: 'tanh' }, { name: 'relu' }], seeds: 1 },
  }),
);

// ---------------------------------------------------------------- processes

const procs = [];

/** Spawns `node <args>` in the repository root with the shared environment; collects its output. */
function start(name, argv) {
  const child = spawn(process.execPath, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { name, child, stdout: '', stderr: '', code: undefined, signal: undefined, killed: false };
  child.stdout.on('data', (chunk) => (proc.stdout += chunk.toString()));
  child.stderr.on('data', (chunk) => (proc.stderr += chunk.toString()));
  proc.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(Object.assign(proc, { code, signal }))));
  procs.push(proc);
  return proc;
}

/** Waits until `test()` returns a truthy value (checked every 200 ms); throws after `ms`. */
async function until(what, test, ms = 90_000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

/** The JSON lines a CLI process printed with --json (a line cut by SIGKILL is skipped). */
function events(proc) {
  return proc.stdout.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

/** Starts a browser-mode host (`app` or `serve`) and resolves to its origin and token. */
async function startHost(name, argv) {
  const proc = start(name, argv);
  const match = await until(`${name} to print its URL`, () => {
    if (proc.code !== undefined) throw new Error(`${name} exited with ${proc.code}: ${proc.stderr}`);
    return /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w.~-]+)/.exec(proc.stdout);
  });
  return Object.assign(proc, { origin: match[1], token: match[2] });
}

/** Calls a contract method on a browser-mode host over HTTP. */
async function call(host, method, payload) {
  const res = await fetch(`${host.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
    body: JSON.stringify(payload),
  });
  const body = await res.json();
  if (!body.ok) throw new Error(`${host.name} ${method}: ${JSON.stringify(body.error)}`);
  return body.value;
}

/** Pids of the direct children of `pid` (its engine worker processes). */
function childPids(pid) {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}
const pidAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// ---------------------------------------------------------------- store reads

/** Runs a function on a read-only connection to the shared database. */
function read(fn) {
  const db = new Database(dbPath, { readonly: true, timeout: 10_000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Every run with its status and how many rows of each kind it has stored. */
const snapshot = () =>
  read((db) =>
    db
      .prepare(
        `SELECT r.id, r.status, r.epochs_done AS epochsDone,
           (SELECT count(*) FROM metrics m WHERE m.run_id = r.id) AS metrics,
           (SELECT count(DISTINCT epoch) FROM metrics m WHERE m.run_id = r.id) AS distinctEpochs,
           (SELECT coalesce(max(epoch), 0) FROM metrics m WHERE m.run_id = r.id) AS maxEpoch,
           (SELECT count(*) FROM layer_stats s WHERE s.run_id = r.id) AS layerStats,
           (SELECT count(*) FROM step_losses l WHERE l.run_id = r.id) AS stepLosses
         FROM runs r ORDER BY r.created_at`,
      )
      .all(),
  );
const runRow = (id) => read((db) => db.prepare('SELECT id, status, epochs_done AS epochsDone FROM runs WHERE id = ?').get(id));
const sweepRow = (id) => read((db) => db.prepare('SELECT id, status FROM sweeps WHERE id = ?').get(id));
const sweepRuns = (id) => read((db) => db.prepare('SELECT run_id FROM sweep_runs WHERE sweep_id = ? ORDER BY position').pluck().all(id));

// ---------------------------------------------------------------- assertions

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok: Boolean(ok) });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? `  (${detail})` : ''}`);
}

// ---------------------------------------------------------------- the check

async function main() {
  log(`data folder ${dir} (INITSCOPE_DATA_DIR); the process to kill: ${args.kill}`);
  // The app and serve first: the first to open creates and migrates the database, the other waits.
  const [app, serve] = await Promise.all([startHost('app', ['bin/start.js']), startHost('serve', ['bin/initscope.js', 'serve', '--port', '0'])]);
  log(`app at ${app.origin}, serve at ${serve.origin}`);
  const train = start('train', ['bin/initscope.js', 'train', files.train, '--json']);
  const sweep = start('sweep', ['bin/initscope.js', 'sweep', files.sweep, '--json', '--workers', '1']);
  const trainRun = await until('the CLI train to start its run', () => events(train).find((e) => e.type === 'started')?.runId);
  const sweepId = await until('the CLI sweep to start', () => events(sweep).find((e) => e.type === 'sweepStarted')?.sweepId);
  // The hosts' runs start once the CLI processes train, so that all four overlap.
  const hostRuns = {
    app: (await call(app, 'runs/start', { experiment: experiment('multi app', epochsOf('app')) })).id,
    serve: (await call(serve, 'runs/start', { experiment: experiment('multi serve', epochsOf('serve')) })).id,
  };
  log(`runs: app ${hostRuns.app}, serve ${hostRuns.serve}, train ${trainRun}, sweep ${sweepId}`);

  const byName = { app, serve, train, sweep };
  const victim = byName[args.kill];
  // The victim's run: the sweep's first run that is running.
  const victimRun =
    args.kill === 'sweep'
      ? await until('a sweep run to be running', () => sweepRuns(sweepId).find((id) => runRow(id)?.status === 'running'))
      : (hostRuns[args.kill] ?? trainRun);
  await until(`${args.kill}'s run to store ${KILL_AT_EPOCH} epochs`, () => (runRow(victimRun)?.epochsDone ?? 0) >= KILL_AT_EPOCH);
  const workers = childPids(victim.child.pid);
  const before = snapshot();
  victim.killed = true;
  victim.child.kill('SIGKILL');
  await victim.exited;
  log(`SIGKILLed ${victim.name} (pid ${victim.child.pid}, workers ${workers.join(', ') || 'none'}) at epoch ${runRow(victimRun).epochsDone} of ${victimRun}`);
  check(`${victim.name}'s run was running when it was killed`, before.find((r) => r.id === victimRun)?.status === 'running');

  const workersGone = await until('the killed process’s workers to exit', () => workers.every((pid) => !pidAlive(pid)), 20_000).catch(() => false);
  check('the killed process’s engine workers exited on their own', workersGone, `pids ${workers.join(', ')}`);

  // The next process that opens the store: a short CLI train.
  const next = start('next train', ['bin/initscope.js', 'train', files.next, '--json']);
  await until('the next CLI train to start its run', () => {
    if (next.code !== undefined) throw new Error(`the next train exited with ${next.code}: ${next.stderr}`);
    return events(next).some((e) => e.type === 'started');
  });
  const killedRun = runRow(victimRun);
  check(`the next process marked ${victim.name}'s run interrupted`, killedRun.status === 'interrupted', `status ${killedRun.status}`);
  if (args.kill === 'sweep') {
    const sweepStatus = sweepRow(sweepId).status;
    check('the next process marked the killed sweep interrupted', sweepStatus === 'interrupted', `status ${sweepStatus}`);
    const statuses = sweepRuns(sweepId).map((id) => runRow(id).status);
    check(
      'no run of the killed sweep is left queued or running',
      statuses.every((s) => s !== 'queued' && s !== 'running'),
      statuses.join(', '),
    );
  }

  // The survivors finish.
  const survivors = Object.values(byName).filter((p) => p !== victim);
  const cliSurvivors = [...survivors.filter((p) => p === train || p === sweep), next];
  await Promise.race([Promise.all(cliSurvivors.map((p) => p.exited)), sleep(180_000)]);
  for (const p of cliSurvivors) check(`${p.name} finished with exit code 0`, p.code === 0, `exit ${p.code} ${p.signal ?? ''} ${p.stderr.slice(-500)}`);
  for (const host of survivors.filter((p) => p === app || p === serve)) {
    const id = hostRuns[host.name];
    const status = await until(
      `${host.name}'s run to end`,
      () => {
        const s = runRow(id)?.status;
        return s !== 'queued' && s !== 'running' && s;
      },
      180_000,
    ).catch((error) => String(error));
    check(`${host.name}'s run completed`, status === 'completed', `status ${status}`);
  }
  if (survivors.includes(sweep)) {
    const status = sweepRow(sweepId).status;
    check('the sweep completed', status === 'completed', `status ${status}`);
  }
  for (const host of survivors.filter((p) => p === app || p === serve)) host.child.kill('SIGINT');
  await Promise.race([Promise.all(survivors.map((p) => p.exited)), sleep(30_000)]);
  for (const host of survivors.filter((p) => p === app || p === serve))
    check(`${host.name} stopped cleanly on SIGINT`, host.code === 0, `exit ${host.code} ${host.signal ?? ''}`);

  // The store afterwards.
  const integrity = read((db) => db.pragma('integrity_check', { simple: true }));
  check('PRAGMA integrity_check', integrity === 'ok', String(integrity));
  const after = snapshot();
  const afterById = new Map(after.map((r) => [r.id, r]));
  const lost = before.filter((r) => {
    const a = afterById.get(r.id);
    if (!a) return true;
    const ended = r.status !== 'queued' && r.status !== 'running';
    return a.metrics < r.metrics || a.layerStats < r.layerStats || a.stepLosses < r.stepLosses || (ended && a.status !== r.status);
  });
  check(
    `nothing stored before the kill was lost (${before.length} runs, ${before.reduce((n, r) => n + r.metrics, 0)} metric rows)`,
    lost.length === 0,
    lost.map((r) => r.id).join(', '),
  );
  const killedAfter = afterById.get(victimRun);
  check(
    `the killed run keeps its ${killedAfter.epochsDone} stored epochs`,
    killedAfter.epochsDone >= KILL_AT_EPOCH && killedAfter.metrics === killedAfter.epochsDone,
    `metrics ${killedAfter.metrics}`,
  );
  const unended = after.filter((r) => r.status === 'queued' || r.status === 'running');
  check('no run is left queued or running', unended.length === 0, unended.map((r) => `${r.id} ${r.status}`).join(', '));
  const gaps = after.filter((r) => r.metrics !== r.epochsDone || r.distinctEpochs !== r.epochsDone || r.maxEpoch !== r.epochsDone);
  check('every run has one metric row per epoch 1…epochs done', gaps.length === 0, gaps.map((r) => r.id).join(', '));
  const printed = procs.flatMap((p) =>
    events(p)
      .filter((e) => e.type === 'finished')
      .map((e) => e.runId),
  );
  const notCompleted = printed.filter((id) => afterById.get(id)?.status !== 'completed');
  check(`every run a process printed as finished is stored completed (${printed.length})`, notCompleted.length === 0, notCompleted.join(', '));
  const owners = read((db) => db.prepare('SELECT count(*) FROM owners').pluck().get());
  check('no process registration is left behind', owners === 0, `${owners} owner rows`);
  const busy = procs.filter((p) => /SQLITE_BUSY|database is locked|DatabaseBusyError|could not store/.test(p.stderr));
  check('no process reported a locked database or a lost write', busy.length === 0, busy.map((p) => p.name).join(', '));
}

let crashed = null;
try {
  await main();
} catch (error) {
  crashed = error;
  console.error(`the check could not complete: ${error.stack ?? error}`);
  for (const p of procs) console.error(`--- ${p.name} (exit ${p.code ?? 'running'}) stderr:\n${p.stderr.slice(-1500)}`);
} finally {
  for (const p of procs) if (p.code === undefined) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  if (args.keep) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length;
log(`${results.length - failed} passed, ${failed} failed${crashed ? ', and the check did not complete' : ''}`);
process.exit(crashed ? 2 : failed > 0 ? 1 : 0);
