import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// The Run view's charts of one run of the deep tanh stack with N(0, 0.02) weights (its activations
// collapse towards 1e-7 with depth): per-step loss points while the first epoch is still running, and
// after the run the weight/gradient distributions (≥ 40 recorded steps with statsEvery 'auto'), the
// data-range histogram with its range printed, the same step curve after a reload. Screenshots of the
// Run view in both languages and themes at 1280×720 go to test-results/screens/.

let host: TestHost;
let dataDir: string;
test.beforeAll(async () => {
  dataDir = tempDataDir();
  host = await startHost(dataDir);
});
test.afterAll(async () => {
  await host?.stop();
});

const points = async (page: Page, testId: string): Promise<number> => Number(await page.getByTestId(testId).getAttribute('data-points'));

test('per-step loss during epoch 1, then distributions, data-range histograms and the stored step curve', async ({ page }) => {
  test.setTimeout(360_000); // ~20 s on an idle machine; generous for a loaded CI box
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${String(e)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('preset-select').selectOption('deepTanh');
  await page.getByTestId('layer-card').first().click();
  await page.getByTestId('inspector').getByTestId('initializer-select').first().selectOption('normal'); // N(0, 0.02)
  await page.getByTestId('apply-init-hidden').click();
  await page.getByTestId('tab-experiment').click();
  // 3200 training samples in batches of 4: 800 steps per epoch, long enough to watch epoch 1 live.
  await page.getByTestId('dataset-samples').fill('4000');
  await page.getByTestId('batch-size').fill('4');
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('train-button').click();
  await page.getByTestId('nav-run').click();

  // Step points arrive while the epoch counter still says 0 epochs done.
  await page.waitForFunction(
    () => {
      const chart = document.querySelector('[data-testid="step-loss-chart"]');
      const counter = document.querySelector('[data-testid="epoch-counter"]');
      return Number(chart?.getAttribute('data-points') ?? 0) > 0 && /\b0 \/ 2\b/.test(counter?.textContent ?? '');
    },
    undefined,
    { timeout: 60_000, polling: 100 },
  );
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  // 1600 steps in windows of ⌈1600/1000⌉ = 2: 800 points.
  await expect.poll(() => points(page, 'step-loss-chart')).toBe(800);
  const stepPoints = await points(page, 'step-loss-chart');

  // Distributions: one band set per recorded step; 'auto' records step 1 and every ⌊1600/40⌋ = 40th step (≥ 40 time points).
  const dist = page.getByTestId('distributions');
  await dist.scrollIntoViewIfNeeded();
  await expect.poll(() => points(page, 'distributions')).toBe(41);
  await page.getByTestId('distribution-kind').selectOption('gradient');
  await page.getByTestId('distribution-layer').selectOption({ index: 5 });
  await expect(page.getByTestId('distribution-layer')).toContainText('Layer 6');
  await expect.poll(() => points(page, 'distributions')).toBe(41);
  // The histogram follows the data: its printed range is that of the layer's outputs, not −4…4.
  await expect(page.getByTestId('histogram-range')).toContainText(/range \[/);
  await expect(page.getByTestId('histogram-range')).not.toContainText('range [-4, 4]');
  await page.getByTestId('histogram-mode').selectOption('fixed');
  await expect(page.getByTestId('histogram-range')).toContainText('range [-4, 4]');
  await page.getByTestId('histogram-mode').selectOption('data');

  // Stored: a reload reads the same per-step curve back.
  await page.reload();
  await page.getByTestId('nav-run').click();
  await expect.poll(() => points(page, 'step-loss-chart')).toBe(stepPoints);

  // At step 1, layer 10 of the N(0, 0.02) tanh stack has collapsed: its outputs span ~1e-8, shown over that range.
  await page.getByTestId('histogram-layer').selectOption({ index: 9 });
  await page.getByTestId('histogram-slider').fill('0');
  await expect(page.getByTestId('histogram-range')).toContainText(/range \[-?\d\.\de-\d+, -?\d\.\de-\d+\]/);
  await page.getByTestId('distribution-layer').selectOption({ index: 9 });
  await page.getByTestId('distribution-kind').selectOption('gradient');

  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
      await page.getByTestId('step-loss-chart').scrollIntoViewIfNeeded();
      await page.waitForTimeout(600);
      await page.screenshot({ path: `test-results/screens/charts-run-${locale}-${theme}.png` });
      await page.getByTestId('diagnostics').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(400);
      await page.screenshot({ path: `test-results/screens/charts-heatmaps-${locale}-${theme}.png` });
      await page.getByTestId('distributions').scrollIntoViewIfNeeded();
      await page.waitForTimeout(600);
      await page.screenshot({ path: `test-results/screens/charts-diagnostics-${locale}-${theme}.png` });
    }
  }
  expect(errors).toEqual([]);
});

test('a run that diverges within a few steps shows its step curve ending in a NaN marker, not a blank chart', async ({ page }) => {
  // Trained by the CLI on the same database (as users do), then read by the app: stored, not live.
  const root = path.resolve(import.meta.dirname, '../..');
  let code = 0;
  try {
    execFileSync(process.execPath, ['bin/initscope.js', 'train', 'examples/diverging-sgd.json', '--db', path.join(dataDir, 'initscope.db')], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (error) {
    code = (error as { status: number }).status;
  }
  expect(code).toBe(3); // diverged
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  await page.getByTestId('nav-run').click();
  await page.locator('[data-testid="run-item"][data-status="diverged"]').click();
  const chart = page.getByTestId('step-loss-chart');
  await expect(chart).toHaveAttribute('data-nonfinite', '1');
  await expect(chart.getByText('No points yet')).toHaveCount(0);
  await page.waitForTimeout(600);
  await page.screenshot({ path: 'test-results/screens/charts-diverged-en-light.png' });
});
