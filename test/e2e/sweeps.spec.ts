import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;

test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

test('a 2×2 sweep: size before start, refusal of an absurd one, live progress to done, heatmap, ranking, compare', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);

  // A tiny base experiment: the spiral with 300 points, 3 epochs, no per-layer statistics.
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-samples').fill('300');
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('stats-every-mode').selectOption('steps');
  await page.getByTestId('stats-every').fill('0');

  await page.getByTestId('nav-sweeps').click();
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  await expect(page.getByTestId('sweep-base')).toContainText('3 epochs');

  // The default grid (Glorot/He × tanh/ReLU) with 2 seeds: the host sizes it before anything starts.
  await page.getByTestId('sweep-seeds').fill('2');
  await expect(page.getByTestId('sweep-plan')).toHaveText('2 initializers × 2 activations × 2 seeds = 8 runs');

  // An absurd one is refused with the reason, and Start is disabled.
  await page.getByTestId('sweep-seeds').fill('100');
  await page.getByTestId('axis-depth').fill('1, 2, 3, 4, 5, 6');
  await expect(page.getByTestId('sweep-plan-error')).toContainText('Too large: 2,400 runs, the limit is 2,000');
  await expect(page.getByTestId('sweep-start')).toBeDisabled();
  await page.getByTestId('axis-depth').fill('');
  await page.getByTestId('sweep-seeds').fill('2');
  await expect(page.getByTestId('sweep-size')).toHaveAttribute('data-total', '8');
  await expect(page.getByTestId('sweep-start')).toBeEnabled();

  await page.getByTestId('sweep-start').click();
  const progress = page.getByTestId('sweep-progress');
  await expect(progress).toHaveAttribute('data-total', '8');
  await expect(page.getByTestId('sweep-item')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/sweeps-running-en-light.png' });
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });
  await expect(progress).toHaveAttribute('data-done', '8');
  await expect(page.getByTestId('sweep-done')).toHaveText('8 / 8 runs done');
  await expect(page.getByTestId('sweep-failures')).toHaveAttribute('data-failures', '0');

  // The summary: a 2×2 heatmap (initializer rows × activation columns) and 4 ranked combinations.
  const heatmap = page.getByTestId('sweep-heatmap');
  await expect(heatmap).toHaveAttribute('data-rows', '2');
  await expect(heatmap).toHaveAttribute('data-cols', '2');
  await expect(heatmap).toHaveAttribute('data-row-axis', 'initializer');
  await expect(heatmap.locator('canvas').first()).toBeVisible();
  const rows = page.getByTestId('sweep-rank-row');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toHaveAttribute('data-rank', '1');
  await expect(rows.first().getByTestId('sweep-p-value')).toHaveText(/best/i);
  // Two seeds per combination: the p-value comes with a small-sample mark, never as a red "significant".
  await expect(rows.nth(1).getByTestId('sweep-p-value')).toHaveText(/^(< 0\.001|[01]\.\d+)\s*n=2$/);
  await expect(rows.nth(1).getByTestId('sweep-small-sample')).toBeVisible();
  await expect(page.getByTestId('sweep-small-sample-note')).toBeVisible();

  await page.screenshot({ path: 'test-results/screens/sweeps-en-light.png' });

  // The best combination's two seeds go to Compare.
  await rows.first().click();
  await expect(page.getByTestId('sweep-chosen')).toBeVisible(); // nothing replaced before the user says so
  await page.getByTestId('sweep-compare-replace').click();
  await expect(page.getByTestId('sweep-picked')).toContainText('2 runs picked for Compare');
  await page.getByTestId('sweep-open-compare').click();
  await expect(page.getByTestId('compare-row')).toHaveCount(2);

  // Chinese, dark theme.
  await page.getByTestId('nav-sweeps').click();
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== 'dark') await page.getByTestId('theme-toggle').click();
  await expect(page.getByTestId('sweep-done')).toHaveText('已完成 8 / 8 次运行');
  await page.screenshot({ path: 'test-results/screens/sweeps-zh-CN-dark.png' });
  await page.getByTestId('sweep-new').click();
  await expect(page.getByTestId('sweep-plan')).toHaveText('2 种初始化 × 2 种激活函数 × 2 个种子 = 8 次运行');
  await page.screenshot({ path: 'test-results/screens/sweeps-form-zh-CN-dark.png' });
  expect(errors).toEqual([]);
});
