import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// The μP coordinate check from the Build view: run it on the default network at small widths, read the
// two charts' verdicts, and take 1280×720 screenshots (en and zh-CN, light and dark) into
// test-results/screens/ for looking at by eye.

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

test('the coordinate check runs from the Build view and shows SP and μP against width', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('coord-toggle').click();
  const panel = page.getByTestId('coord-check');
  await page.getByTestId('coord-widths').fill('32, 64, 128, 256');
  await page.getByTestId('coord-steps').fill('2');
  await page.getByTestId('coord-seeds').fill('2');
  await page.getByTestId('coord-run').click();
  await expect(panel).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('coord-standard')).toBeVisible();
  await expect(page.getByTestId('coord-mup')).toBeVisible();
  await page.getByTestId('coord-step-1').click();
  await expect(page.getByTestId('coord-step-1')).toHaveAttribute('aria-pressed', 'true');
  // More room for the panel in the Build view's centre column: fold the init preview, show the μP chart.
  await page.getByTestId('preview-collapse').click();
  await page.getByTestId('coord-mup').locator('.verdict').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('coord-mup').locator('.verdict')).toBeVisible();
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
      await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', theme);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `test-results/screens/coord-check-${locale}-${theme}.png` });
    }
  }
  await page.getByTestId('coord-widths').fill('64');
  await expect(page.getByTestId('coord-run')).toBeDisabled();
  expect(errors).toEqual([]);
});
