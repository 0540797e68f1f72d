import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunEvent } from '../../../contract/index.js';
import { writeMnistFolder } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-mnist-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Debian's dataset-fashion-mnist package (`apt-get install dataset-fashion-mnist`): the real 60,000 + 10,000 IDX files. */
const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A 784-32-10 ReLU MLP on a stored dataset, `epochs` epochs. */
function experimentFile(name: string, datasetId: string, epochs: number, batchSize: number): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      dataset: { id: datasetId },
      network: {
        inputShape: [784],
        layers: [
          { type: 'dense', units: 32, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } },
          { type: 'dense', units: 10, activation: { name: 'softmax' } },
        ],
      },
      train: { epochs, batchSize, optimizer: { name: 'adam', learningRate: 0.003 }, statsEvery: 0 },
    }),
  );
  return file;
}

/**
 * Imports an MNIST-format folder, trains on it, and checks the test metrics in the CLI's final line,
 * in `--json`'s finished event, and in the HTML report.
 * @returns the final metrics
 */
function importTrainReport(folder: string, db: string, epochs: number, batchSize: number, counts: { train: number; validation: number; test: number }) {
  const imported = cli('datasets', 'import', folder, '--db', db, '--json');
  expect(imported.code, imported.stderr).toBe(0);
  const info = JSON.parse(imported.stdout);
  expect(info).toMatchObject({
    name: path.basename(folder),
    format: 'idx',
    inputShape: [784],
    numClasses: 10,
    counts,
    testSource: expect.stringMatching(/^t10k-images/),
  });

  const human = cli('train', experimentFile(`${info.id}.json`, info.id, epochs, batchSize), '--db', db);
  expect(human.code, human.stderr).toBe(0);
  expect(human.stderr).toContain(`${counts.train} training, ${counts.validation} validation, ${counts.test} test samples`);
  const final = /^finished: (\S+) .* valAcc=(\S+) testLoss=(\S+) testAcc=(\S+)$/m.exec(human.stdout);
  expect(final, human.stdout).not.toBeNull();
  const [, runId, , testLoss, testAcc] = final as unknown as string[];

  const json = cli('train', experimentFile(`${info.id}-json.json`, info.id, epochs, batchSize), '--db', db, '--json');
  expect(json.code, json.stderr).toBe(0);
  const last = RunEvent.parse(JSON.parse(json.stdout.trim().split('\n').at(-1) as string));
  if (last.type !== 'finished') throw new Error(json.stdout);
  // Same experiment, same seed, same data: the same numbers, to the digits the line prints.
  expect(last.metrics.testAcc?.toFixed(4)).toBe(testAcc);
  expect(last.metrics.testLoss?.toFixed(4)).toBe(testLoss);

  const out = path.join(dir, `report-${runId}`);
  const exported = cli('export', runId as string, '--format', 'report', '--out', out, '--db', db);
  expect(exported.code, exported.stderr).toBe(0);
  const html = readFileSync(path.join(out, 'report.html'), 'utf8');
  expect(html).toContain('<th>test acc</th>');
  expect(html).toContain(`<td>${Number((last.metrics.testAcc as number).toPrecision(4))}</td>`);
  return last.metrics;
}

describe('initscope datasets import <MNIST-format folder> → train → report', () => {
  it('a small folder of real mnist digits: one dataset, test accuracy in the final line, --json and the report', () => {
    const folder = path.join(dir, 'digits');
    writeMnistFolder(folder, 1000, 250, 6);
    const metrics = importTrainReport(folder, path.join(dir, 'small.db'), 2, 32, { train: 800, validation: 200, test: 250 });
    expect(metrics.testAcc).toBeGreaterThan(0.75);
  }, 240_000);

  it("warns on stderr when a CSV header looks numeric (the count line of scikit-learn's iris.csv)", () => {
    const csv = path.join(dir, 'iris.csv');
    writeFileSync(csv, ['150,4,setosa,versicolor,virginica', '5.1,3.5,1.4,0.2,0', '7.0,3.2,4.7,1.4,1', '6.3,3.3,6.0,2.5,2', '4.9,3.0,1.4,0.2,0'].join('\n'));
    const result = cli('datasets', 'import', csv, '--db', path.join(dir, 'csv.db'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Warning: header cells '150', '4' look like numbers, not column names");
    expect(result.stdout).toMatch(/^Imported: ds_[0-9a-f]{16}  iris/);
  }, 60_000);

  it.skipIf(!existsSync(path.join(FASHION_MNIST, 't10k-labels-idx1-ubyte.gz')))(
    'Fashion-MNIST (Debian dataset-fashion-mnist): 60,000 train+validation and 10,000 test samples, test accuracy after one epoch',
    () => {
      const metrics = importTrainReport(FASHION_MNIST, path.join(dir, 'fashion.db'), 1, 512, { train: 48000, validation: 12000, test: 10000 });
      expect(metrics.testAcc).toBeGreaterThan(0.7); // a 784-32-10 MLP after one epoch; published MLP baselines reach ~0.87
    },
    480_000,
  );
});
