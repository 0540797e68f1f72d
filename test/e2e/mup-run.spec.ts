import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// The Build view's Parametrization control: μP with a base width trains an ordinary run whose name
// says so and whose Run view lists what μP set; an optimizer μP has no form for is refused on the
// field, in the UI language. Screenshots go to test-results/mup/ (en and zh-CN, light and dark).

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

async function look(page: Page, locale: 'en' | 'zh-CN', theme: 'light' | 'dark'): Promise<void> {
  await page.getByTestId('lang-switch').selectOption(locale);
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', theme);
}

test('μP from the Build view: settings, a refusal worded per language, a trained run named μP', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${String(e)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await expect(page.getByTestId('mup-base-width')).toHaveCount(0);
  await page.getByTestId('parametrization-select').selectOption('mup');
  await page.getByTestId('mup-base-width').fill('8');
  await page.getByTestId('mup-output-init').selectOption('zero');
  await expect(page.getByTestId('parametrization-help')).toHaveAttribute('title', /maximal update/);
  await page.getByTestId('parametrization-select').scrollIntoViewIfNeeded();
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await look(page, locale, theme);
      await page.screenshot({ path: `test-results/mup/build-mup-${locale}-${theme}.png` });
    }
  }
  // RMSprop has no μP form: the field says so, in Chinese, and then in English.
  await page.getByTestId('optimizer-select').selectOption('rmsprop');
  await expect(page.getByTestId('parametrization-error')).toContainText('不适用于');
  await page.screenshot({ path: 'test-results/mup/build-mup-refused-zh-CN-dark.png' });
  await look(page, 'en', 'light');
  await expect(page.getByTestId('parametrization-error')).toContainText('not RMSProp');
  await page.screenshot({ path: 'test-results/mup/build-mup-refused-en-light.png' });
  await page.getByTestId('optimizer-select').selectOption('adam');
  await expect(page.getByTestId('parametrization-error')).toHaveCount(0);

  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('train-button').click();
  const run = page.getByTestId('run-item').first();
  await expect(run).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(run).toContainText('μP base 8');
  // The Run view shows what μP set (MuAdam factors for Adam).
  await page.getByTestId('nav-run').click();
  const record = page.getByTestId('mup-result');
  await expect(record).toBeVisible();
  await record.locator('summary').click();
  await expect(record).toContainText('MuAdam');
  await expect(record.locator('tbody tr').first()).toBeVisible();
  await record.scrollIntoViewIfNeeded();
  for (const locale of ['en', 'zh-CN'] as const) {
    await look(page, locale, 'light');
    await page.screenshot({ path: `test-results/mup/run-mup-${locale}-light.png` });
  }
  expect(errors).toEqual([]);
});
