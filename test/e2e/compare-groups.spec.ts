import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

/**
 * The study loop's question: does the initializer matter for a deep tanh net, beyond seed noise?
 * 2 initializers × 3 seeds of an 8-hidden-layer tanh net on the spiral, trained through the host's API,
 * then compared: 2 groups with n = 3 and mean ± sd, one semantic diff line, and a log colour scale whose
 * shared domain reaches the N(0, 0.02) run's collapsed activations.
 */
let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

const DEPTH = 8;
function experiment(kernelInitializer: Record<string, unknown>, seed: number) {
  const hidden = Array.from({ length: DEPTH }, () => ({ type: 'dense', units: 16, activation: { name: 'tanh' }, kernelInitializer }));
  return {
    name: 'deep tanh',
    dataset: { builtin: 'spiral', samples: 200, noise: 0.1, seed: 7 },
    network: { inputShape: [2], layers: [...hidden, { type: 'dense', units: 2, activation: { name: 'softmax' } }] },
    // SGD keeps the collapsed net collapsed (Adam's normalised steps would revive it within a few steps).
    train: { epochs: 3, batchSize: 40, optimizer: { name: 'sgd', learningRate: 0.1 }, validationSplit: 0.2, seed },
  };
}

async function startRun(page: Page, body: unknown): Promise<void> {
  const answer = await page.evaluate(async (payload) => {
    const res = await fetch('/api/runs/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    return (await res.json()) as { ok: boolean };
  }, body);
  expect(answer.ok).toBe(true);
}

test('2 initializers × 3 seeds: two groups with n = 3 and mean ± sd, one diff line, a shared log scale that shows the collapse', async ({ page }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);
  for (const seed of [1, 2, 3]) {
    await startRun(page, { experiment: experiment({ name: 'normal', mean: 0, std: 0.02 }, seed) });
    await startRun(page, { experiment: experiment({ name: 'glorotNormal' }, seed) });
  }
  const items = page.getByTestId('run-item');
  await expect(items).toHaveCount(6);
  for (let i = 0; i < 6; i += 1) await expect(items.nth(i)).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  for (let i = 0; i < 6; i += 1) await page.getByTestId('compare-check').nth(i).check();
  await page.getByTestId('open-compare').click();

  // Two groups of three, in the same colour everywhere, labelled by what differs.
  const groups = page.getByTestId('compare-group-row');
  await expect(groups).toHaveCount(2);
  const labels = await groups.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')));
  expect(labels.sort()).toEqual(['Glorot normal', 'Normal(0, 0.02)']);
  for (let i = 0; i < 2; i += 1) {
    await expect(groups.nth(i)).toHaveAttribute('data-n', '3');
    await expect(groups.nth(i).getByTestId('group-train-loss')).toHaveText(/^\d[\d.e-]* ± \d[\d.e-]*$/);
    await expect(groups.nth(i).getByTestId('group-val-acc')).toHaveText(/% ± .*%$/);
  }
  await expect(page.getByTestId('small-sample-warning')).toContainText('Only 3 runs per group');
  await expect(page.getByTestId('compare-row')).toHaveCount(6);
  const swatchColours = await page
    .getByTestId('compare-row')
    .evaluateAll((rows) => rows.map((r) => `${r.textContent?.includes('Glorot') ? 'G' : 'N'} ${(r.querySelector('.swatch') as HTMLElement).style.background}`));
  expect(new Set(swatchColours).size).toBe(2);
  // The charts' legend: one entry per group, "label (mean ± std of 3 seeds)".
  const legend = page.getByTestId('compare-legend-item');
  await expect(legend).toHaveCount(2);
  await expect(legend.first()).toContainText('3 seeds');

  // One semantic line instead of 2 × 8 × 3 field differences; the seeds are a summary.
  const lines = page.getByTestId('semantic-diff-line');
  await expect(lines).toHaveCount(1);
  await expect(lines.first()).toHaveText(
    /kernel initializer of all 8 hidden layers:\s*(Normal\(0, 0\.02\)\s*→\s*Glorot normal|Glorot normal\s*→\s*Normal\(0, 0\.02\))/,
  );
  await expect(page.getByTestId('diff-seeds').first()).toContainText('seeds 1, 2, 3');

  // The activation std heatmaps share one log scale reaching the collapsed deep layers (std ≪ 1e-4) and the healthy ~0.1–1.
  await page.getByTestId('compare-heat-metric').selectOption('activationStd');
  const scale = page.getByTestId('compare-heat-scale');
  await expect(scale).toHaveAttribute('data-kind', 'log');
  await expect.poll(async () => Number(await scale.getAttribute('data-min-value'))).toBeLessThan(1e-4);
  expect(Number(await scale.getAttribute('data-max-value'))).toBeGreaterThan(0.1);

  // Screens: en / zh-CN, light / dark, 1280×720 and 1920×1080.
  for (const size of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    for (const lang of ['en', 'zh-CN']) {
      await page.getByTestId('lang-switch').selectOption(lang);
      for (const theme of ['light', 'dark']) {
        if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
        await page.screenshot({ path: `test-results/screens/compare-groups-${lang}-${theme}-${size.width}.png` });
      }
    }
  }
  await expect(page.getByTestId('semantic-diff-line').first()).toContainText('全部 8 个隐藏层的权重初始化');
  await page.getByTestId('lang-switch').selectOption('en');
  for (const theme of ['dark', 'light']) {
    if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
    await page.getByTestId('compare-heat-cell').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/screens/compare-groups-heatmaps-en-${theme}.png` });
  }
  expect(errors).toEqual([]);
});
