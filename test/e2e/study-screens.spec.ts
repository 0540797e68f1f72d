import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// Full-page screenshots of what issue 14's renderer work changed (log heatmaps with their scale, the
// diagnosis text, layer names, the statistics cadence field, Open in Build), in English and Chinese.
// Opt-in like screens.spec.ts: SCREENSHOTS=1 npx playwright test study-screens
// (STUDY_DATA_DIR reuses a data folder that already holds runs).
test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to write test-results/screens/study-*.png');

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(process.env.STUDY_DATA_DIR ?? tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

test('study views, full page', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 2000 }); // the views scroll inside the page: a tall window shows all
  await page.goto(host.url);
  if ((await page.getByTestId('run-item').count()) < 2) {
    await page.getByTestId('nav-build').click();
    await page.getByTestId('preset-select').selectOption('deepTanh');
    await page.getByTestId('tab-experiment').click();
    await page.getByTestId('dataset-samples').fill('400');
    await page.getByTestId('epochs').fill('8');
    await page.getByTestId('train-button').click();
    await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
    await page.getByTestId('nav-build').click();
    await page.getByTestId('layer-card').first().click();
    await page.getByTestId('inspector').getByTestId('initializer-select').first().selectOption('normal');
    await page.getByTestId('apply-init-hidden').click();
    await page.getByTestId('train-button').click();
    await expect(page.getByTestId('run-item')).toHaveCount(2);
    await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  }
  for (const i of [0, 1]) {
    const box = page.getByTestId('compare-check').nth(i);
    if (!(await box.isChecked())) await box.check();
  }
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
      await page.getByTestId('nav-run').click();
      await page.getByTestId('run-item').first().click();
      await page.waitForTimeout(1500);
      await page.screenshot({ path: `test-results/screens/study-run-${locale}-${theme}.png`, fullPage: true });
      await page.getByTestId('nav-compare').click();
      await page.waitForTimeout(800);
      await page.screenshot({ path: `test-results/screens/study-compare-${locale}-${theme}.png`, fullPage: true });
      await page.getByTestId('nav-run').click();
      await page.getByTestId('open-in-build').click();
      await page.getByTestId('tab-experiment').click();
      await page.waitForTimeout(400);
      await page.screenshot({ path: `test-results/screens/study-build-${locale}-${theme}.png`, fullPage: true });
    }
  }
});
