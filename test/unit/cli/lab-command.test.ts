import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JacobianReport, PhaseDiagram } from '../../../contract/index.js';
import { parseActivationOption } from '../../../main/cli/lab-command.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-lab-cli-'));
const entry = path.join(dir, 'entry.mts');
writeFileSync(entry, `import { main } from ${JSON.stringify(path.join(root, 'main/cli/main.ts'))};\nawait main(process.argv.slice(2));\n`);

/** Runs the CLI from its TypeScript sources in a child process. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('initscope lab', () => {
  it('phase --json: ReLU is critical at σ_w² = 2 with no bias, and the experiment appears as points', () => {
    const file = path.join(dir, 'relu.json');
    const hidden = Array.from({ length: 4 }, () => ({ type: 'dense', units: 32, activation: { name: 'relu' }, kernelInitializer: { name: 'heNormal' } }));
    writeFileSync(
      file,
      JSON.stringify({
        dataset: { builtin: 'gaussian', samples: 100 },
        network: { inputShape: [2], layers: [...hidden, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
      }),
    );
    const r = cli('lab', 'phase', file, '--activation', 'relu', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as PhaseDiagram;
    expect(d.criticalLine[0]).toMatchObject({ biasVariance: 0 });
    expect(d.criticalLine[0]!.weightVariance).toBeCloseTo(2, 9);
    expect(d.depth).toBe(5);
    expect(d.network[0]).toMatchObject({ layers: [0, 1, 2, 3], sameActivation: true });
    expect(d.network[0]!.weightVariance).toBeCloseTo(2, 9);
  });

  it('jacobian --json: orthogonal linear layers keep every singular value at 1', () => {
    const file = path.join(dir, 'orth.json');
    const layers = Array.from({ length: 5 }, () => ({ type: 'dense', units: 16, activation: { name: 'linear' }, kernelInitializer: { name: 'orthogonal' } }));
    writeFileSync(
      file,
      JSON.stringify({
        dataset: { builtin: 'gaussian', samples: 100 },
        network: { inputShape: [2], layers: [...layers, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
      }),
    );
    const r = cli('lab', 'jacobian', file, '--probes', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as JacobianReport;
    expect(report.stages[0]!.layers.slice(0, 5).every((l) => Math.abs(l.min - 1) < 1e-4 && Math.abs(l.max - 1) < 1e-4)).toBe(true);
  });

  it('refuses bad options naming them', () => {
    expect(() => parseActivationOption('nope')).toThrow(/--activation: name/);
    expect(cli('lab', 'phase').stderr).toMatch(/needs --activation/);
    const both = cli('lab', 'jacobian');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/experiment file or --run/);
  });
});
