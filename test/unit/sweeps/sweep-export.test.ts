import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SweepExportResult, type SweepEvent } from '../../../contract/index.js';
import { sweepExportCommand } from '../../../main/cli/sweep-export-command.js';
import { hashFile } from '../../../main/export/hash.js';
import { flattenConfig, sweepCsv } from '../../../main/export/sweep-csv.js';
import { createHostServices } from '../../../main/services/create-host.js';
import type { HostServices } from '../../../main/services/host-services.js';
import { forkWorkerLauncher } from '../../../main/services/worker-launcher.js';
import { openDatabase } from '../../../main/store/index.js';
import { tinySweep } from './helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'initscope-sweep-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * An RFC 4180 reader written for this test alone (not the exporter's code): quoted cells with doubled
 * quotes, commas and line breaks inside quotes, CRLF or LF line ends.
 */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

function finished(services: HostServices, sweepId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = services.onSweepEvent!((e: SweepEvent) => {
      if (e.type === 'sweepFinished' && e.sweepId === sweepId) {
        off();
        resolve();
      }
    });
  });
}

describe('sweep CSV', () => {
  it('quotes text with commas, quotes and line breaks, and leaves missing values empty', () => {
    const csv = sweepCsv({ id: 'sweep_a', name: 'a, "b"\nc', axes: [] }, [
      {
        runId: 'run_1',
        position: 0,
        seedIndex: 0,
        seed: 5,
        coords: {},
        status: 'failed',
        epochsDone: 0,
        metrics: { trainLoss: null, trainAcc: null, valLoss: null, valAcc: null },
        divergedAtStep: null,
        error: 'worker exited, code 1',
        experiment: null,
      },
    ]);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2);
    const header = rows[0]!;
    const row = Object.fromEntries(header.map((h, i) => [h, rows[1]![i]]));
    expect(row).toMatchObject({ sweep_name: 'a, "b"\nc', status: 'failed', train_loss: '', error: 'worker exited, code 1' });
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('flattens an experiment into its field paths, shapes as 16x16x1', () => {
    const flat = flattenConfig({ network: { inputShape: [16, 16, 1], layers: [{ units: 8, kernelInitializer: { name: 'normal', std: 0.1 } }] } });
    expect([...flat]).toEqual([
      ['config.network.inputShape', '16x16x1'],
      ['config.network.layers.0.units', 8],
      ['config.network.layers.0.kernelInitializer.name', 'normal'],
      ['config.network.layers.0.kernelInitializer.std', 0.1],
    ]);
  });

  it('exports a real σ sweep: one row per run whose config and metrics match the database read directly', async () => {
    const dataDir = path.join(root, 'sigma');
    const services = await createHostServices({ dataDir, shell: 'cli', workers: 2, launcher: forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' }) });
    try {
      const spec = tinySweep({
        epochs: 2,
        axes: {
          initializer: [
            { name: 'normal', std: 0.01 },
            { name: 'normal', std: 1 },
          ],
          seeds: 2,
        },
      });
      const info = await services.handlers['sweeps/start']({ sweep: spec });
      await finished(services, info.id);
      const result = SweepExportResult.parse(await services.handlers['sweeps/export']({ sweepId: info.id }));
      expect(result.runs).toBe(4);
      const file = result.files[0]!;
      expect(file.path.startsWith(path.join(dataDir, 'exports', 'sweeps', info.id))).toBe(true);
      expect(hashFile(file.path).sha256).toBe(file.sha256);
      // The browser download finds the file by its hash (recorded although tied to no single run).
      expect(services.findDownload!(file.sha256)?.name).toBe(file.name);

      const rows = parseCsv(readFileSync(file.path, 'utf8'));
      const header = rows[0]!;
      const records = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
      expect(records).toHaveLength(4);
      expect(header).toContain('axis.initializer');
      expect(header).toContain('config.network.layers.0.kernelInitializer.std');

      const db = openDatabase(path.join(dataDir, 'initscope.db'));
      type Row = {
        id: string;
        status: string;
        seed: number;
        experiment_json: string;
        train_loss: number | null;
        val_acc: number | null;
        test_acc: number | null;
        position: number;
      };
      const stored = db
        .prepare<[string], Row>(
          `SELECT r.id, r.status, r.seed, r.experiment_json, r.train_loss, r.val_acc, r.test_acc, s.position
             FROM sweep_runs s JOIN runs r ON r.id = s.run_id WHERE s.sweep_id = ? ORDER BY s.position`,
        )
        .all(info.id);
      db.close();
      expect(records.map((r) => r.run_id)).toEqual(stored.map((s) => s.id));
      for (const [i, s] of stored.entries()) {
        const r = records[i]!;
        const experiment = JSON.parse(s.experiment_json);
        expect(r.status).toBe(s.status);
        expect(Number(r.seed)).toBe(s.seed);
        expect(Number(r.position)).toBe(s.position);
        expect(Number(r['config.network.layers.0.kernelInitializer.std'])).toBe(experiment.network.layers[0].kernelInitializer.std);
        expect(r['config.train.optimizer.name']).toBe(experiment.train.optimizer.name);
        expect(r['config.train.seed']).toBe(String(experiment.train.seed));
        expect(Number(r.train_loss)).toBe(s.train_loss);
        expect(r.val_acc === '' ? null : Number(r.val_acc)).toBe(s.val_acc);
        expect(r.test_acc === '' ? null : Number(r.test_acc)).toBe(s.test_acc);
      }
      // σ = 0.01 vs σ = 1: the two values of the axis, each on two seeds.
      expect(records.map((r) => r['config.network.layers.0.kernelInitializer.std']).sort()).toEqual(['0.01', '0.01', '1', '1']);
      // An unknown sweep is refused by name.
      await expect(services.handlers['sweeps/export']({ sweepId: 'sweep_missing' })).rejects.toThrow(/No sweep with id sweep_missing/);
    } finally {
      await services.close();
    }
    // The CLI (`initscope sweep export <id> --csv FILE`) on the same database: the same rows; never overwrites.
    const sweepId = (await (async () => {
      const db = openDatabase(path.join(dataDir, 'initscope.db'));
      const id = db.prepare<[], { id: string }>('SELECT id FROM sweeps').get()!.id;
      db.close();
      return id;
    })()) as string;
    const out = path.join(root, 'cli.csv');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await sweepExportCommand([sweepId, '--csv', out, '--db', path.join(dataDir, 'initscope.db')])).toBe(0);
      await expect(sweepExportCommand([sweepId, '--csv', out, '--db', path.join(dataDir, 'initscope.db')])).rejects.toThrow(/already exists/);
      await expect(sweepExportCommand([sweepId, '--csv', path.join(root, 'x.txt')])).rejects.toThrow(/--csv must name a \.csv file/);
    } finally {
      write.mockRestore();
    }
    const cliRows = parseCsv(readFileSync(out, 'utf8'));
    expect(cliRows).toHaveLength(5); // header + 4 runs
    expect(cliRows[0]!.slice(0, 4)).toEqual(['sweep_id', 'sweep_name', 'position', 'run_id']);
    expect(new Set(cliRows.slice(1).map((r) => r[0]))).toEqual(new Set([sweepId]));
  }, 120_000);
});
