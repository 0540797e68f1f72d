import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;
const dataDir = tempDataDir();

test.beforeAll(async () => {
  host = await startHost(dataDir);
});
test.afterAll(async () => {
  await host?.stop();
});

test('a run on spiral streams live curves, stops as cancelled and survives reload and restart', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('dataset-select').selectOption('spiral');
  // Long enough that the run is still going when Stop is pressed, however fast the machine.
  await page.getByTestId('epochs').fill('5000');
  await page.getByTestId('train-button').click();

  const lossChart = page.getByTestId('loss-chart');
  await expect.poll(async () => Number(await lossChart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('epoch-counter')).toContainText(/\d+\s*\/\s*\d+/);
  await page.screenshot({ path: 'test-results/run-view-mid-training.png' });

  await page.getByTestId('stop-button').click();
  const item = page.getByTestId('run-item').first();
  await expect(item).toHaveAttribute('data-status', 'cancelled');

  await page.reload();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'cancelled');
  await page.getByTestId('run-item').first().click();
  await expect.poll(async () => Number(await lossChart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);

  // Restart the host on the same database: the run and its curve are read back from SQLite.
  expect(await host.stop()).toBe(0);
  host = await startHost(dataDir);
  await page.goto(host.url);
  const restored = page.getByTestId('run-item').first();
  await expect(restored).toHaveAttribute('data-status', 'cancelled');
  await restored.click();
  await expect.poll(async () => Number(await lossChart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
});
