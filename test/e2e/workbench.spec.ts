import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;

test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

/** Layer types of the stack, top to bottom. */
async function stackTypes(page: Page): Promise<string[]> {
  return page.getByTestId('layer-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-type') ?? ''));
}

async function openBuilder(page: Page): Promise<void> {
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await expect(page.getByTestId('layer-card')).toHaveCount(3);
}

test('builds a network by drag and drop: palette → stack, reorder, undo/redo', async ({ page }) => {
  await openBuilder(page);
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'dense']);

  // Palette → end of the stack, then palette → above the first layer.
  await page.getByTestId('palette-dropout').dragTo(page.getByTestId('stack-end'));
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'dense', 'dropout']);
  const first = page.getByTestId('layer-card').first();
  await page.getByTestId('palette-batchNorm').dragTo(first, { targetPosition: { x: 40, y: 4 } });
  expect(await stackTypes(page)).toEqual(['batchNorm', 'dense', 'dense', 'dense', 'dropout']);

  // Reorder: drag the dropout (last) above the batch norm (first).
  await page
    .getByTestId('layer-card')
    .nth(4)
    .dragTo(page.getByTestId('layer-card').first(), { targetPosition: { x: 40, y: 4 } });
  expect(await stackTypes(page)).toEqual(['dropout', 'batchNorm', 'dense', 'dense', 'dense']);

  // Undo the move and the insertion; redo one step.
  await page.keyboard.press('Control+z');
  expect(await stackTypes(page)).toEqual(['batchNorm', 'dense', 'dense', 'dense', 'dropout']);
  await page.keyboard.press('Control+z');
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'dense', 'dropout']);
  await page.keyboard.press('Control+Shift+z');
  expect(await stackTypes(page)).toEqual(['batchNorm', 'dense', 'dense', 'dense', 'dropout']);

  // Keyboard: move the focused layer down, duplicate it, delete it.
  await page.getByTestId('layer-card').first().focus();
  await page.keyboard.press('Alt+ArrowDown');
  expect(await stackTypes(page)).toEqual(['dense', 'batchNorm', 'dense', 'dense', 'dropout']);
  await page.keyboard.press('Control+d');
  expect(await stackTypes(page)).toEqual(['dense', 'batchNorm', 'batchNorm', 'dense', 'dense', 'dropout']);
  await page.keyboard.press('Delete'); // focus moves to the next layer, like a list
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Delete');
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'dense', 'dropout']);
  // A dropout after the output layer is refused here, as the host would refuse the run…
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await expect(page.getByTestId('train-button')).toHaveAttribute('title', /last layer must be dense/);
  // …and deleting it makes the network trainable again.
  await page.getByTestId('layer-card').nth(3).focus();
  await page.keyboard.press('Delete');
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'dense']);
  await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('an invalid network names the wrong layer and blocks Train with the reason', async ({ page }) => {
  await openBuilder(page);
  // A convolution needs an image; the spiral gives 2-D points.
  await page.getByTestId('palette-conv2d').dragTo(page.getByTestId('layer-card').first(), { targetPosition: { x: 40, y: 4 } });
  const problem = page.getByTestId('layer-card').first().getByTestId('layer-problem');
  await expect(problem).toContainText('Layer 1');
  await expect(problem).toContainText('image input');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await expect(page.getByTestId('validation-error')).toContainText('Cannot train: Layer 1');
  await page.screenshot({ path: 'test-results/screens/builder-invalid-en-light.png' });
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('train-button')).toBeEnabled();
});

test('two runs that differ only in initializer, compared side by side, then in Chinese', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openBuilder(page);
  await page.getByTestId('dataset-samples').fill('300');
  await page.getByTestId('epochs').fill('4');
  await page.getByTestId('stats-every-mode').selectOption('steps');
  await page.getByTestId('stats-every').fill('2');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });

  // Second run: He normal everywhere instead of Glorot normal.
  await page.getByTestId('nav-build').click();
  await page.getByTestId('layer-card').first().click();
  await page.getByTestId('inspector').getByTestId('initializer-select').first().selectOption('heNormal');
  await page.getByTestId('apply-init-hidden').click();
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('finding').or(page.getByTestId('finding-healthy')).first()).toBeVisible();

  // Compare: both curves, the metrics table and the configuration diff naming the initializer.
  await page.getByTestId('compare-check').nth(0).check();
  await page.getByTestId('compare-check').nth(1).check();
  await page.getByTestId('open-compare').click();
  const lossChart = page.getByTestId('compare-chart-valLoss');
  await expect(lossChart).toHaveAttribute('data-series', '2');
  await expect.poll(async () => Number(await lossChart.getAttribute('data-points'))).toBe(8);
  await expect(page.getByTestId('compare-row')).toHaveCount(2);
  const differing = page.locator('[data-testid="diff-row"].differs');
  await expect(differing).toHaveCount(2);
  await expect(differing.first()).toHaveAttribute('data-path', 'network.layers.0.kernelInitializer.name');
  await expect(differing.first()).toContainText('glorotNormal');
  await expect(differing.first()).toContainText('heNormal');

  // The host writes the comparison as a self-contained HTML report and a CSV, each with its sha256.
  await page.getByTestId('compare-report').click();
  const reportFiles = page.getByTestId('compare-report-file');
  await expect(reportFiles).toHaveCount(2);
  for (const hash of await reportFiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-sha256')))) expect(hash).toMatch(/^[0-9a-f]{64}$/);

  // Switch to Chinese at run time.
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await expect(page.getByTestId('nav-compare')).toHaveText('对比');
  await expect(page.getByTestId('compare-view')).toContainText('对比 2 个运行');
  await expect(page.getByTestId('config-diff')).toContainText('配置');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByTestId('lang-switch').selectOption('en');
  expect(errors).toEqual([]);
});
