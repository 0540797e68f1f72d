import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../../main/package-root.js';
import { secureWebPreferences } from '../../../main/electron/window-options.js';

const root = findPackageRoot();
const require = createRequire(path.join(root, 'package.json'));

interface Finding {
  id: string;
  file: string;
  severity: { name: string; value: number };
  confidence: { name: string };
  location: { line: number; column: number };
  description: string;
}
type Run = (options: Record<string, unknown>) => Promise<{ issues: Finding[]; errors: unknown[] }>;
const runElectronegativity = require('@doyensec/electronegativity') as Run;

interface AllowEntry {
  id: string;
  file: string;
  reason: string;
}
const allowList = (JSON.parse(readFileSync(path.join(import.meta.dirname, 'electronegativity-allowlist.json'), 'utf8')) as { entries: AllowEntry[] }).entries;

/** Severities that fail the build unless allow-listed (Electronegativity: INFORMATIONAL < LOW < MEDIUM < HIGH). */
const FAILING = new Set(['MEDIUM', 'HIGH']);

/** What runs in or configures Electron: the main-process shell, the preload, the renderer and the CSP. */
const SCANNED = ['main/electron', 'main/http/csp.ts', 'preload', 'renderer/index.html', 'renderer/src', 'package.json'];

let tree: string;
let findings: Finding[];

beforeAll(async () => {
  tree = mkdtempSync(path.join(os.tmpdir(), 'initscope-electronegativity-'));
  for (const rel of SCANNED) {
    mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
    cpSync(path.join(root, rel), path.join(tree, rel), { recursive: true, filter: (src) => !/\.(test|spec)\.ts$/.test(src) && !src.includes('vite.config') });
  }
  const result = await runElectronegativity({
    input: tree,
    isRelative: true,
    electronVersionOverride: (require('electron/package.json') as { version: string }).version,
    severitySet: 'informational',
    confidenceSet: 'tentative',
    // Needs the network (it downloads Electron's release list) and reports on the Electron version, not our code.
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  });
  findings = result.issues;
}, 120_000);

afterAll(() => rmSync(tree, { recursive: true, force: true }));

const key = (f: { id: string; file: string }) => `${f.id} @ ${f.file.split(path.sep).join('/')}`;

describe('Electronegativity on the Electron-facing sources', () => {
  it('scanned the real sources (the scan is not vacuous)', () => {
    expect(readdirSync(path.join(tree, 'main/electron')).length).toBeGreaterThan(3);
    expect(findings.some((f) => f.id === 'ELECTRON_VERSION_JSON_CHECK')).toBe(true);
  });

  it('has no finding of medium severity or above outside the reviewed allow-list', () => {
    const allowed = new Set(allowList.map(key));
    const unexplained = findings
      .filter((f) => FAILING.has(f.severity.name) && !allowed.has(key(f)))
      .map((f) => `${key(f)}:${f.location.line} [${f.severity.name}/${f.confidence.name}] ${f.description}`);
    expect(unexplained).toEqual([]);
  });

  it('every allow-list entry has a reason and still matches a finding (no stale entries)', () => {
    const seen = new Set(findings.map(key));
    for (const entry of allowList) {
      expect(entry.reason.length, key(entry)).toBeGreaterThan(40);
      expect(seen.has(key(entry)), `stale allow-list entry ${key(entry)}`).toBe(true);
    }
  });

  it('the allow-listed window options really are the secure ones', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });
});
