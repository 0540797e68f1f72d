import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { startHost, tempDataDir, type TestHost } from './host.js';

// Init preview in the builder, export from the Run view, and the About dialog, in browser mode.
// SCREENSHOTS=1 also writes test-results/screens/{preview,export,about}-{en-light,zh-CN-dark}.png.

let host: TestHost;
let dataDir: string;
test.beforeAll(async () => {
  dataDir = tempDataDir();
  host = await startHost(dataDir);
});
test.afterAll(async () => {
  await host?.stop();
});

/** Per-layer values of one preview line, read from the preview's (screen-reader) table. */
async function line(page: Page, key: string, column: 'activation-std' | 'theory-std'): Promise<(number | null)[]> {
  const text = await page.getByTestId('preview-table').locator(`tr[data-key="${key}"]`).getAttribute(`data-${column}`);
  return JSON.parse(text ?? '[]') as (number | null)[];
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
}

test('init preview of a deep tanh stack, a tiny run exported as ONNX and a report, the About dialog', async ({ page }) => {
  test.setTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);
  await setTheme(page, 'light');
  await page.getByTestId('lang-switch').selectOption('en');
  await page.getByTestId('nav-build').click();
  await page.getByTestId('preset-select').selectOption('deepTanh');

  // The preview draws the current network (Glorot normal everywhere) and the three other alternatives.
  const panel = page.getByTestId('init-preview');
  await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
  // 'ready' may still be the preview of the network before the preset (failed once in a fresh-clone CI
  // run with 3 layers read): wait for the deep stack's 10 layers + input.
  await expect.poll(async () => (await line(page, 'normal002', 'activation-std')).length, { timeout: 20_000 }).toBe(11);
  await expect(page.getByTestId('preview-activation-chart')).toHaveAttribute('data-lines', '4');
  await expect(page.getByTestId('preview-gradient-chart')).toHaveAttribute('data-lines', '4');
  await expect(page.getByTestId('preview-toggle-glorotNormal')).toBeDisabled(); // same as the current line

  // Normal σ=0.02 on 64-unit tanh layers shrinks the signal ~√64·0.02 = 0.16× per layer: gone by layer 10.
  const tiny = await line(page, 'normal002', 'activation-std');
  expect(tiny).toHaveLength(11);
  expect(tiny[9]!).toBeLessThan(1e-4 * tiny[0]!);
  // Glorot keeps it alive, and the mean-field theory line follows the measurement (within 35%).
  const glorot = await line(page, 'current', 'activation-std');
  const theory = await line(page, 'current', 'theory-std');
  expect(glorot[9]!).toBeGreaterThan(0.05);
  for (let i = 0; i < 10; i += 1) expect(Math.abs(glorot[i]! / theory[i]! - 1)).toBeLessThan(0.35);

  // Toggling a line off redraws without it.
  await page.getByTestId('preview-toggle-lecunNormal').click();
  await expect(page.getByTestId('preview-activation-chart')).toHaveAttribute('data-lines', '3');
  await page.getByTestId('preview-toggle-lecunNormal').click();
  await expect(page.getByTestId('preview-activation-chart')).toHaveAttribute('data-lines', '4');
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'test-results/screens/preview-en-light.png' });

  // An invalid network: the preview says why instead of drawing, and comes back after undo.
  await page.getByTestId('palette-conv2d').dragTo(page.getByTestId('layer-card').first(), { targetPosition: { x: 40, y: 4 } });
  await expect(page.getByTestId('preview-invalid')).toContainText('Layer 1');
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'test-results/screens/preview-invalid-en-light.png' });
  await page.getByTestId('undo').click();
  await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });

  // A tiny run to completion.
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-samples').fill('200');
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-view')).toBeVisible();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });

  // ONNX model and HTML report: files with their sha256.
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  for (const format of ['onnx', 'report'] as const) {
    await page.getByTestId(`export-${format}`).click();
    const files = page.getByTestId(`export-result-${format}`).getByTestId('export-file');
    await expect(files.first()).toBeVisible({ timeout: 15_000 });
    const hashes = await files.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sha256') ?? ''));
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
  }
  const names = await page.getByTestId('export-file').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
  expect(names.some((n) => n?.endsWith('.onnx'))).toBe(true);
  expect(names.some((n) => n?.endsWith('.html'))).toBe(true);
  // Browser mode: every written file also reached the browser as a download (served by sha256); an
  // export of several files arrives as one zip of exactly those files.
  await expect.poll(() => downloads.length, { timeout: 10_000 }).toBe(2);
  const received: string[] = [];
  for (const download of downloads) {
    const name = download.suggestedFilename();
    if (!name.endsWith('.zip')) received.push(name);
    else received.push(...Object.keys(unzipSync(new Uint8Array(readFileSync((await download.path())!)))).map((entry) => path.basename(entry)));
  }
  expect(received.sort()).toEqual([...(names as string[])].sort());
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'test-results/screens/export-en-light.png' });

  // About: the database the host was started with.
  await page.getByTestId('about-button').click();
  await expect(page.getByTestId('about-db-path')).toHaveText(path.join(dataDir, 'initscope.db'));
  await expect(page.getByTestId('about-shortcuts')).toContainText('Ctrl');
  if (process.env.SCREENSHOTS) await page.screenshot({ path: 'test-results/screens/about-en-light.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('about-dialog')).toHaveCount(0);

  if (process.env.SCREENSHOTS) {
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await setTheme(page, 'dark');
    await page.waitForTimeout(300);
    await page.screenshot({ path: 'test-results/screens/export-zh-CN-dark.png' });
    await page.getByTestId('nav-build').click();
    await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: 'test-results/screens/preview-zh-CN-dark.png' });
    await page.keyboard.press('F1');
    await expect(page.getByTestId('about-dialog')).toBeVisible();
    await page.screenshot({ path: 'test-results/screens/about-zh-CN-dark.png' });
    await page.keyboard.press('Escape');
    await page.getByTestId('lang-switch').selectOption('en');
    await setTheme(page, 'light');
  }
  expect(errors).toEqual([]);
});

test('an imported CSV is picked in the dataset picker, sets the input shape and trains', async ({ page }) => {
  // 90 rows, 3 features, 3 classes (class = the largest feature), from a fixed linear congruential sequence.
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows = Array.from({ length: 90 }, () => {
    const x = [next(), next(), next()];
    return [...x.map((v) => v.toFixed(4)), String(x.indexOf(Math.max(...x)))].join(',');
  });
  const csv = ['a,b,c,label', ...rows].join('\n');

  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  const importer = page.getByTestId('dataset-import');
  await importer.locator('summary').click();
  await page.getByTestId('dataset-import-files').setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await importer.getByLabel('Label column').fill('label');
  await page.getByTestId('dataset-import-button').click();
  await expect(page.getByTestId('stored-dataset-info')).toBeVisible({ timeout: 15_000 });
  const id = await page.getByTestId('imported-dataset').first().getAttribute('data-id');
  await expect(page.getByTestId('dataset-select')).toHaveValue(`stored:${id}`);
  // Picking a built-in and the import again goes through the picker itself.
  await page.getByTestId('dataset-select').selectOption('circle');
  await expect(page.getByTestId('stored-dataset-info')).toHaveCount(0);
  await page.getByTestId('dataset-select').selectOption(`stored:${id}`);
  // The network input follows the dataset ([3]) and the softmax output its 3 classes.
  await expect(page.getByTestId('builder-view')).toContainText('[3]');
  await expect(page.getByTestId('init-preview')).toHaveAttribute('data-status', 'ready', { timeout: 15_000 });
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });
  await expect(page.getByTestId('run-view')).toContainText('three');
});
