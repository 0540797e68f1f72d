import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInitOption } from '../../../main/cli/inspect-command.js';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'initscope-inspect-'));

// An entry file, not `node -e … inspect`: node reads a first argument `inspect` as its debugger command.
const entry = path.join(dir, 'entry.mts');
writeFileSync(entry, `import { main } from ${JSON.stringify(path.join(root, 'main/cli/main.ts'))};\nawait main(process.argv.slice(2));\n`);

/** Runs the CLI from its TypeScript sources in a child process, as `npx initscope …` would. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, INITSCOPE_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('initscope inspect', () => {
  it('--json prints one object per layer; a deep tanh stack with N(0, 0.01) collapses, with theory beside it', () => {
    const file = path.join(dir, 'deep.json');
    const hidden = Array.from({ length: 6 }, () => ({ type: 'dense', units: 128, activation: { name: 'tanh' } }));
    writeFileSync(
      file,
      JSON.stringify({
        dataset: { builtin: 'gaussian', samples: 300 },
        network: { inputShape: [2], layers: [...hidden, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
      }),
    );
    const small = cli('inspect', file, '--json', '--init', '{"name":"normal","std":0.01}');
    expect(small.code, small.stderr).toBe(0);
    const layers = JSON.parse(small.stdout) as { layer: string; activationStd: number; gradientNorm: number; theoryStd: number | null }[];
    expect(layers.map((l) => l.layer)).toEqual(['dense_0', 'dense_1', 'dense_2', 'dense_3', 'dense_4', 'dense_5', 'dense_6']);
    for (const l of layers) expect(Object.keys(l)).toEqual(expect.arrayContaining(['layer', 'activationStd', 'gradientNorm', 'theoryStd']));
    // Each 128-wide layer scales the std by ≈ √(128·10⁻⁴) ≈ 0.11, as mean-field theory says (per layer
    // within finite-width noise; the noise compounds through depth, so layers are compared step by step).
    for (let i = 1; i < 6; i++) {
      const measured = layers[i]!.activationStd / layers[i - 1]!.activationStd;
      expect(measured).toBeLessThan(0.2);
      expect(Math.abs(measured / (layers[i]!.theoryStd! / layers[i - 1]!.theoryStd!) - 1)).toBeLessThan(0.15);
    }
    expect(layers[6]!.theoryStd).toBeNull();
    const glorot = cli('inspect', file, '--json');
    expect(glorot.code, glorot.stderr).toBe(0);
    const g = JSON.parse(glorot.stdout) as { activationStd: number; gradientNorm: number }[];
    // Glorot (Var = 2/(128 + 128) past the first layer) keeps the scale level through the hidden stack.
    expect(g[5]!.activationStd / g[1]!.activationStd).toBeGreaterThan(0.5);
    expect(g[0]!.gradientNorm).toBeGreaterThan(layers[0]!.gradientNorm * 100);
  });

  it('refuses a bad --init naming the field, and a missing file', () => {
    expect(() => parseInitOption('heNormal')).not.toThrow();
    expect(() => parseInitOption('nope')).toThrow(/--init initializer: name/);
    const missing = cli('inspect', path.join(dir, 'missing.json'), '--json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.json: cannot read the file/);
  });
});
