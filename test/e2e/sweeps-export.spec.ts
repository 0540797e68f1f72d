import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;

test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

/** An RFC 4180 reader for this spec alone: quoted cells with doubled quotes, CRLF or LF line ends. */
function parseCsv(text: string): Record<string, string>[] {
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
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

test('a σ sweep: cells fill as runs end, p-values flagged for 2 seeds, a cell opens in Build, the CSV holds every run', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);

  // Base: the spiral with 300 points, 25 epochs (runs last long enough to watch), no per-layer statistics.
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-samples').fill('300');
  await page.getByTestId('epochs').fill('25');
  await page.getByTestId('stats-every-mode').selectOption('steps');
  await page.getByTestId('stats-every').fill('0');

  // Only the Normal initializer, with three σ values typed on its chip; activations not varied; 2 seeds.
  await page.getByTestId('nav-sweeps').click();
  for (const chip of ['chip-initializer-glorotNormal', 'chip-initializer-heNormal', 'chip-activation-tanh', 'chip-activation-relu']) {
    await page.getByTestId(chip).click();
  }
  await page.getByTestId('chip-initializer-normal').click();
  await page.getByTestId('param-initializer-normal').fill('0.01, 0.3, 2');
  await page.getByTestId('sweep-seeds').fill('2');
  await expect(page.getByTestId('axis-count-initializer')).toHaveText('3 values');
  await expect(page.getByTestId('sweep-plan')).toHaveText('3 initializers × 2 seeds = 6 runs');
  await page.getByTestId('param-initializer-normal').fill('0.01, -1');
  await expect(page.getByTestId('sweep-start')).toBeDisabled(); // σ must be ≥ 0
  await page.getByTestId('param-initializer-normal').fill('0.01, 0.3, 2');
  await expect(page.getByTestId('sweep-start')).toBeEnabled();
  await page.getByTestId('sweep-start').click();

  // While the sweep still runs, the first ended run's cell has its value (no wait for the whole sweep).
  const progress = page.getByTestId('sweep-progress');
  const valued = page.locator('[data-testid="sweep-rank-row"]:not([data-rank=""])');
  await expect(progress).not.toHaveAttribute('data-done', '0', { timeout: 60_000 });
  const doneAtFirstValue = await progress.getAttribute('data-done');
  await expect(valued.first()).toBeVisible({ timeout: 3_000 });
  expect(Number(doneAtFirstValue)).toBeLessThan(6);
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await expect(valued).toHaveCount(3);
  await page.screenshot({ path: 'test-results/screens/sweeps-sigma-en-light.png' });

  // n = 2 per cell: p-values carry the small-sample mark and the note, not a red "significant".
  await expect(page.getByTestId('sweep-small-sample').first()).toBeVisible();
  await expect(page.getByTestId('sweep-small-sample-note')).toBeVisible();
  await expect(page.locator('.sig')).toHaveCount(0);

  // Clicking a row asks; "Open in Build" loads exactly that combination's experiment.
  const row = valued.filter({ hasText: '0.3' }).first();
  await row.click();
  await expect(page.getByTestId('sweep-chosen')).toBeVisible();
  await page.getByTestId('sweep-open-build').click();
  await expect(page.getByTestId('train-button')).toBeVisible();
  await page.getByTestId('nav-sweeps').click();

  // Export: the CSV downloads (browser mode) and holds every run with its σ, status and metrics.
  const downloading = page.waitForEvent('download');
  await page.getByTestId('sweep-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^sweep-.*\.csv$/);
  const file = await download.path();
  const records = parseCsv(readFileSync(file!, 'utf8'));
  expect(records).toHaveLength(6);
  expect(records.map((r) => r['config.network.layers.0.kernelInitializer.std']).sort()).toEqual(['0.01', '0.01', '0.3', '0.3', '2', '2']);
  expect(records.every((r) => r.status === 'completed' && r['config.network.layers.0.kernelInitializer.name'] === 'normal')).toBe(true);
  expect(new Set(records.map((r) => r.seed)).size).toBe(2);
  await expect(page.getByTestId('sweep-exported')).toContainText('.csv');

  // The same rows as the host's own record of the sweep (read through the API, not the CSV code).
  const sweepId = records[0]!.sweep_id;
  const detail = await page.evaluate(async (id) => {
    const res = await fetch('/api/sweeps/get', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sweepId: id }) });
    return (await res.json()) as {
      ok: boolean;
      value: { runs: { runId: string; status: string; seed: number; metrics: { valAcc: number | null; trainLoss: number | null } }[] };
    };
  }, sweepId);
  expect(detail.ok).toBe(true);
  for (const run of detail.value.runs) {
    const record = records.find((r) => r.run_id === run.runId)!;
    expect(record.status).toBe(run.status);
    expect(Number(record.seed)).toBe(run.seed);
    expect(Number(record.val_acc)).toBe(run.metrics.valAcc);
    expect(Number(record.train_loss)).toBe(run.metrics.trainLoss);
  }

  // Chinese, dark theme: the Sweeps view with the σ sweep.
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== 'dark') await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: 'test-results/screens/sweeps-sigma-zh-CN-dark.png' });
  await page.getByTestId('sweep-new').click();
  await page.screenshot({ path: 'test-results/screens/sweeps-form-sigma-zh-CN-dark.png' });
  expect(errors).toEqual([]);
});

test('the CSV import preview shows cells as written and label names (en light, zh-CN dark)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const names = ['setosa', 'versicolor', 'virginica'];
  const lines = Array.from({ length: 30 }, (_, i) => `${(4.3 + (i % 7) * 0.37).toFixed(2)},${(2 + (i % 5) * 0.31).toFixed(2)},${names[i % 3]}`);
  const csv = ['sepal_length,sepal_width,species', '5.28,3.5,setosa', ...lines].join('\n') + '\n';
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-import').locator('summary').click();
  await page.getByTestId('dataset-import-files').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('dataset-preview').click();
  const first = page.getByTestId('preview-row').first();
  await expect(first.locator('td').first()).toHaveText('5.28');
  await expect(first.getByTestId('preview-label')).toHaveText('setosa');
  await page.getByTestId('dataset-preview-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/datasets-import-en-light.png' });
  // Imported: the label names are stored with the dataset and listed with their counts.
  await page.getByTestId('dataset-import-button').click();
  await expect(page.getByTestId('stored-classes')).toHaveText('Per class: setosa: 11, versicolor: 10, virginica: 10', { timeout: 15_000 });
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== 'dark') await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: 'test-results/screens/datasets-import-zh-CN-dark.png' });
  expect(errors).toEqual([]);
});
