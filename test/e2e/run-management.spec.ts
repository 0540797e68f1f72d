import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;
const dataDir = tempDataDir();

test.beforeAll(async () => {
  host = await startHost(dataDir);
});
test.afterAll(async () => {
  await host?.stop();
});

/** Trains the builder's experiment and waits until the newest run has completed. */
async function train(page: Page, count: number): Promise<void> {
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item')).toHaveCount(count);
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
}

test('names, renames, tags, filters and deletes runs, and reopens one in Build', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await expect(page.getByTestId('layer-card')).toHaveCount(3);
  await page.getByTestId('dataset-select').selectOption('spiral');
  await page.getByTestId('dataset-samples').fill('200');
  await page.getByTestId('epochs').fill('2');
  await train(page, 1);

  // Second run: He normal on the hidden layers instead of the first run's initializer.
  await page.getByTestId('nav-build').click();
  await page.getByTestId('layer-card').first().click();
  const firstInit = await page.getByTestId('inspector').getByTestId('initializer-select').first().inputValue();
  expect(firstInit).not.toBe('heNormal');
  await page.getByTestId('inspector').getByTestId('initializer-select').first().selectOption('heNormal');
  await page.getByTestId('apply-init-hidden').click();
  await train(page, 2);

  // Automatic names say what differs, in words: no internal ids.
  const names = page.getByTestId('run-name');
  await expect(names.first()).toContainText('He N');
  await expect(names.first()).toContainText('Spiral');
  for (const text of await names.allTextContents()) expect(text).not.toMatch(/heNormal|glorot[A-Z]|ds_/);
  const [heRun, otherRun] = await page.getByTestId('run-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-run-id')!));

  // Rename the older run in place: F2, type, Enter.
  const other = page.locator(`[data-testid="run-item"][data-run-id="${otherRun}"]`);
  await other.focus();
  await page.keyboard.press('F2');
  await page.getByTestId('run-rename-input').fill('baseline glorot');
  await page.keyboard.press('Enter');
  await expect(other.getByTestId('run-name')).toHaveText('baseline glorot');

  // Tag it in the run panel.
  await other.click();
  await expect(page.getByTestId('panel-run-name')).toHaveText('baseline glorot');
  await page.getByTestId('tag-input').fill('keep');
  await page.getByTestId('tag-input').press('Enter');
  await expect(page.getByTestId('panel-tag')).toHaveCount(1);
  await expect(page.getByTestId('panel-tag')).toContainText('keep');
  await expect(other.getByTestId('run-tag')).toHaveText('keep');

  // Filter by tag: only that run; the chip removes the filter again.
  await page.getByTestId('run-search').fill('tag=keep');
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-item')).toHaveAttribute('data-run-id', otherRun!);
  await page.getByTestId('filter-chip').click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await page.getByTestId('run-search').fill('initializer=heNormal');
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-item')).toHaveAttribute('data-run-id', heRun!);
  await page.getByTestId('run-search').fill('');

  // Delete the He run (asks first); its weights folder goes with it.
  expect(existsSync(path.join(dataDir, 'runs', heRun!))).toBe(true);
  await page.locator(`[data-testid="run-item"][data-run-id="${heRun}"]`).click();
  await page.getByTestId('delete-run').click();
  await expect(page.getByTestId('delete-confirm')).toBeVisible();
  await page.getByTestId('delete-yes').click();
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-deleted')).toBeVisible();
  expect(existsSync(path.join(dataDir, 'runs', heRun!))).toBe(false);

  // Renames, tags and the deletion are stored: a reload reads them back.
  await page.reload();
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-name')).toHaveText('baseline glorot');
  await expect(page.getByTestId('run-tag')).toHaveText('keep');

  // Reopen the remaining run in Build: the builder shows its network (its initializer, not He normal).
  await page.getByTestId('run-item').click();
  await page.getByTestId('open-in-build').click();
  await expect(page.getByTestId('layer-card')).toHaveCount(3);
  await page.getByTestId('layer-card').first().click();
  await expect(page.getByTestId('inspector').getByTestId('initializer-select').first()).toHaveValue(firstInit);
  await page.getByTestId('tab-experiment').click();
  await expect(page.getByTestId('epochs')).toHaveValue('2');
  await expect(page.getByTestId('dataset-samples')).toHaveValue('200');
  expect(errors).toEqual([]);
});
