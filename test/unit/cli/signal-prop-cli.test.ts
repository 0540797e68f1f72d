import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunSummary, SignalPropBlock, SignalPropRecord } from '../../../contract/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-cli-sp-'));
const db = path.join(dir, 'cli.db');

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('initscope signal-prop and runs signal-prop', () => {
  it("prints the blocks at init (Fixup: branch variance 0, every block the same stream) and a run's records from step 0", () => {
    const atInit = cli('signal-prop', 'examples/resnet-fixup.json', '--json');
    expect(atInit.code, atInit.stderr).toBe(0);
    const blocks = SignalPropBlock.array().parse(JSON.parse(atInit.stdout));
    expect(blocks.map((b) => b.layer)).toEqual(Array.from({ length: 8 }, (_, i) => `residual_${i + 1}`));
    for (const b of blocks) {
      expect(b.branchVariance).toBe(0);
      expect(b.variance).toBeCloseTo(blocks[0]!.variance!, 6);
    }
    const spec = JSON.parse(readFileSync(path.join(root, 'examples/resnet-fixup.json'), 'utf8')) as { train: { epochs: number } };
    spec.train.epochs = 1;
    const file = path.join(dir, 'short.json');
    writeFileSync(file, JSON.stringify(spec));
    expect(cli('train', file, '--db', db).code).toBe(0);
    const [run] = RunSummary.array().parse(JSON.parse(cli('runs', 'ls', '--db', db, '--json').stdout));
    const out = cli('runs', 'signal-prop', run!.id, '--db', db, '--json');
    expect(out.code, out.stderr).toBe(0);
    const records = SignalPropRecord.array().parse(JSON.parse(out.stdout));
    expect(records[0]!.step).toBe(0);
    expect(records[0]!.blocks.every((b) => b.branchVariance === 0)).toBe(true);
    expect(records.length).toBeGreaterThan(1);
    expect(records.at(-1)!.blocks.some((b) => (b.branchVariance ?? 0) > 0)).toBe(true);
    expect(cli('runs', 'signal-prop', run!.id, '--db', db, '--max-points', '1').code).toBe(2);
  }, 600_000);
});
