import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentSpec, RunEvent } from '../../../contract/index.js';
import { withParametrizationFlags } from '../../../main/cli/parametrization-options.js';

const root = path.resolve(import.meta.dirname, '../../..');
const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'initscope-cli-mup-')), 'cli.db');

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./main/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const base = ExperimentSpec.parse({
  dataset: { builtin: 'circle' },
  network: {
    inputShape: [2],
    layers: [
      { type: 'dense', units: 8, activation: { name: 'relu' } },
      { type: 'dense', units: 2, activation: { name: 'softmax' } },
    ],
  },
});

describe('initscope train --parametrization', () => {
  it('flags set, adjust or clear train.parametrization; bad values name the option', () => {
    const mup = withParametrizationFlags(base, { parametrization: 'mup', 'base-width': '16' });
    expect(mup.train.parametrization).toEqual({ name: 'mup', baseWidth: 16, outputInit: 'gaussian' });
    expect(withParametrizationFlags(mup, { 'output-init': 'zero' }).train.parametrization).toEqual({ name: 'mup', baseWidth: 16, outputInit: 'zero' });
    expect(withParametrizationFlags(mup, { parametrization: 'standard' }).train.parametrization).toEqual({ name: 'standard' });
    expect(withParametrizationFlags(base, {})).toBe(base);
    expect(() => withParametrizationFlags(base, { parametrization: 'ntk' })).toThrow(/--parametrization must be standard or mup, got ntk/);
    expect(() => withParametrizationFlags(base, { 'base-width': '16' })).toThrow(/--base-width and --output-init apply to μP only/);
    expect(() => withParametrizationFlags(base, { parametrization: 'mup', 'base-width': 'wide' })).toThrow(/--base-width must be a number, got wide/);
    expect(() => withParametrizationFlags(base, { parametrization: 'mup', 'output-init': 'ones' })).toThrow(/outputInit/);
  });

  it('train --parametrization mup --base-width 4 --json: the run records μP; --json stays one event per line', () => {
    const { code, stdout } = cli('train', 'examples/circle-relu-he.json', '--db', db, '--json', '--parametrization', 'mup', '--base-width', '4');
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => RunEvent.parse(JSON.parse(line)));
    const started = events[0]!;
    expect(started.type).toBe('started');
    if (started.type !== 'started') return;
    // sgd → MuSGD; width 8 / base 4: m = 2
    expect(started.provenance!.parametrization).toMatchObject({ name: 'mup', baseWidth: 4, form: 'sgd', outputMultiplier: 0.5 });
    expect(events.at(-1)!.type).toBe('finished');
  }, 120_000);

  it('refuses an unknown parametrization with exit code 2 before training', () => {
    const { code, stderr, stdout } = cli('train', 'examples/circle-relu-he.json', '--db', db, '--parametrization', 'ntk');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--parametrization must be standard or mup/);
    expect(stdout).toBe('');
  });
});
