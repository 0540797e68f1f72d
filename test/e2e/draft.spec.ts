import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// The Build view's draft is a document: it survives a reload, and "Save JSON" writes the whole experiment.
let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

test('a deep tanh draft survives a reload, and Save JSON is the whole experiment', async ({ page }) => {
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('preset-select').selectOption('deepTanh');
  await page.getByTestId('layer-card').first().click();
  await page.getByTestId('inspector').getByTestId('initializer-select').first().selectOption('normal');
  await page.getByTestId('apply-init-hidden').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('epochs').fill('7');
  const cards = await page.getByTestId('layer-card').count();
  expect(cards).toBeGreaterThan(5);

  await page.reload();
  await page.getByTestId('nav-build').click();
  await expect(page.getByTestId('layer-card')).toHaveCount(cards);
  await page.getByTestId('tab-experiment').click();
  await expect(page.getByTestId('epochs')).toHaveValue('7');
  await page.getByTestId('layer-card').first().click();
  await expect(page.getByTestId('inspector').getByTestId('initializer-select').first()).toHaveValue('normal');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-network').click()]);
  const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
    dataset: { builtin: string };
    network: { layers: Array<{ kernelInitializer?: { name: string } }> };
    train: { epochs: number; statsEvery: unknown };
  };
  expect(saved.dataset.builtin).toBe('spiral');
  expect(saved.train).toMatchObject({ epochs: 7, statsEvery: 'auto' });
  expect(saved.network.layers).toHaveLength(cards);
  expect(saved.network.layers[0]!.kernelInitializer?.name).toBe('normal');
});
