// Start-up of `initscope train` in interleaved pairs (or triples) of app trees: for each tree (a folder
// with bin/, dist/, migrations/, package.json and node_modules, e.g. a copy of another commit's build),
// runs `initscope train <experiment> --json` with a fresh database and prints start-up (spawn to exit
// minus `started` to the terminal event), spawn to `started`, closing, and CPU (user + sys of the CLI
// and its worker, /usr/bin/time); then the medians. A tree may carry environment settings after '@':
// `.@INITSCOPE_NO_BUNDLE=1` (several joined with '+').
//
//   node bench/startup-pairs.mjs /tmp/before,. 8 [experiment.json]
//
// Default experiment: the bench's MLP on MNIST 10,000 (8,000 / 2,000), batch 128, Adam, 1 epoch (the
// start-up does not depend on the epochs). Used for docs/benchmarks.md "Start-up, third round".
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const trees = (process.argv[2] ?? '.').split(',');
const rounds = Number(process.argv[3] ?? 3);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'initscope-startup-pairs-'));
const experiment =
  process.argv[4] ??
  (() => {
    const file = path.join(scratch, 'experiment.json');
    const dense = (units, name) => ({ type: 'dense', units, activation: { name } });
    writeFileSync(
      file,
      JSON.stringify({
        name: 'start-up pairs',
        dataset: { builtin: 'mnist', samples: 10000, seed: 7 },
        network: { inputShape: [784], layers: [dense(256, 'relu'), dense(128, 'relu'), dense(10, 'softmax')] },
        train: {
          epochs: 1,
          batchSize: 128,
          optimizer: { name: 'adam', learningRate: 0.001 },
          loss: 'sparseCategoricalCrossentropy',
          validationSplit: 0.2,
          seed: 1,
          statsEvery: 50,
        },
      }),
    );
    return file;
  })();

/** One `initscope train` of `spec` (a tree, optionally `@NAME=VALUE+…`): resolves to its timings in ms and CPU seconds. */
function once(spec) {
  const [root, settings] = spec.split('@');
  const env = { ...process.env, ...(settings ? Object.fromEntries(settings.split('+').map((kv) => kv.split(/=(.*)/s).slice(0, 2))) : {}) };
  const dir = mkdtempSync(path.join(scratch, 'run-'));
  const args = [
    '-f',
    '%U %S',
    '-o',
    path.join(dir, 'time'),
    process.execPath,
    path.join(root, 'bin/initscope.js'),
    'train',
    experiment,
    '--db',
    path.join(dir, 'b.db'),
    '--json',
  ];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let buffer = '';
    let errors = '';
    let started = 0;
    let ended = 0;
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const type = JSON.parse(buffer.slice(0, nl)).type;
        buffer = buffer.slice(nl + 1);
        if (type === 'started') started = performance.now();
        if (['finished', 'failed', 'diverged', 'cancelled'].includes(type)) ended = performance.now();
      }
    });
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.on('exit', (code) => {
      const wall = performance.now() - t0;
      const [user, sys] = readFileSync(path.join(dir, 'time'), 'utf8').trim().split('\n').pop().split(' ').map(Number);
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`${spec}: exit ${code}: ${errors}`));
      else resolve({ startup: wall - (ended - started), toStarted: started - t0, close: t0 + wall - ended, cpu: user + sys });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = new Map(trees.map((t) => [t, []]));
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (let round = 0; round < rounds; round++) {
  for (const tree of round % 2 ? [...trees].reverse() : trees) {
    const r = await once(tree);
    results.get(tree).push(r);
    console.log(
      `${tree}\tstart-up ${(r.startup / 1000).toFixed(3)} s\tto started ${(r.toStarted / 1000).toFixed(3)} s\tclose ${(r.close / 1000).toFixed(3)} s\tCPU ${r.cpu.toFixed(2)} s`,
    );
  }
}
for (const [tree, rs] of results) {
  const m = (k) => median(rs.map((r) => r[k]));
  console.log(
    `median ${tree}: start-up ${(m('startup') / 1000).toFixed(3)} s, to started ${(m('toStarted') / 1000).toFixed(3)} s, close ${(m('close') / 1000).toFixed(3)} s, CPU ${m('cpu').toFixed(2)} s`,
  );
}
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
rmSync(scratch, { recursive: true, force: true });
