import { expect, test, type Page } from '@playwright/test';
import en from '../../renderer/src/i18n/en.js';
import { startHost, tempDataDir, type TestHost } from './host.js';

// Every view in English and Chinese, light and dark: no raw i18n key on screen (a missing message
// renders as its key, e.g. `sweeps.title`), no console error or uncaught exception, `<html lang>` and
// the theme as chosen; a screenshot of each goes to test-results/screens/ for looking at by eye. Runs
// on a fresh host in well under a minute at 1280×720. With SCREENSHOTS=1 it first trains two runs (a deep
// tanh stack, then the same with tiny weights) so the Run and Compare screenshots show real curves, and
// repeats every screen at 1920×1080 too.

const VIEWS = ['build', 'run', 'compare', 'sweeps', 'lab'] as const;
/** Window sizes every screen is checked at (both with SCREENSHOTS=1). */
const SIZES = process.env.SCREENSHOTS
  ? [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]
  : [{ width: 1280, height: 720 }];
/** Top-level message namespaces (`header`, `status`, …): a dotted word starting with one is a raw key. */
const NAMESPACES = new Set(Object.keys(en));

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

/** Dotted words on screen (text, titles, labels, placeholders) that look like unrendered message keys. */
async function rawKeys(page: Page): Promise<string[]> {
  const shown = await page.evaluate(() => {
    const attributes = [...document.querySelectorAll('[title], [aria-label], [placeholder]')].flatMap((el) =>
      ['title', 'aria-label', 'placeholder'].map((name) => el.getAttribute(name) ?? ''),
    );
    // The config diff's first column and its semantic lines' fallback subjects show experiment field paths
    // (`network.layers.0.units`) on purpose: data, not message keys.
    const body = document.body.cloneNode(true) as HTMLElement;
    body.querySelectorAll('[data-testid="diff-row"] td.path, [data-testid="semantic-diff-line"] .path').forEach((cell) => cell.remove());
    document.body.append(body);
    body.style.position = 'absolute';
    const text = body.innerText;
    body.remove();
    return [text, ...attributes].join('\n');
  });
  const words = shown.match(/[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+/g) ?? [];
  return [...new Set(words.filter((word) => NAMESPACES.has(word.split('.')[0]!)))];
}

/** Trains the deep tanh preset, then the same stack with tiny weights, and selects both for Compare. */
async function trainTwoRuns(page: Page): Promise<void> {
  await page.getByTestId('nav-build').click();
  await page.getByTestId('preset-select').selectOption('deepTanh');
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-samples').fill('400');
  await page.getByTestId('epochs').fill('8');
  await page.getByTestId('stats-every-mode').selectOption('steps');
  await page.getByTestId('stats-every').fill('2');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await page.getByTestId('nav-build').click();
  await page.getByTestId('layer-card').first().click();
  await page.getByTestId('inspector').getByTestId('initializer-select').first().selectOption('normal');
  await page.getByTestId('apply-init-hidden').click();
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await page.getByTestId('compare-check').nth(0).check();
  await page.getByTestId('compare-check').nth(1).check();
}

test('every view renders its text in both languages and themes, without errors', async ({ page }) => {
  test.setTimeout(process.env.SCREENSHOTS ? 400_000 : 90_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${String(e)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(host.url);
  if (process.env.SCREENSHOTS) await trainTwoRuns(page);

  const seen: Record<string, string[]> = {};
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const locale of ['en', 'zh-CN'] as const) {
      await page.getByTestId('lang-switch').selectOption(locale);
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      for (const theme of ['light', 'dark'] as const) {
        if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
        await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', theme);
        for (const view of VIEWS) {
          await page.getByTestId(`nav-${view}`).click();
          await expect(page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page');
          if (view === 'build') await page.getByTestId('layer-card').nth(1).click();
          await page.waitForTimeout(300);
          seen[`${view} ${locale} ${theme} ${size.width}`] = await rawKeys(page);
          await page.screenshot({ path: `test-results/screens/${view}-${locale}-${theme}-${size.width}x${size.height}.png` });
        }
        // The Lab's signal-propagation instrument (a network without residual blocks: its hint), then back to the first tab.
        await page.getByTestId('lab-tab-signalProp').click();
        await expect(page.getByTestId('signal-prop-lab')).toBeVisible();
        seen[`lab-signalProp ${locale} ${theme} ${size.width}`] = await rawKeys(page);
        await page.screenshot({ path: `test-results/screens/lab-signalProp-${locale}-${theme}-${size.width}x${size.height}.png` });
        await page.getByTestId('lab-tab-phase').click();
      }
    }
  }
  // One assertion over all screens, so a failure lists every screen with a raw key at once.
  expect(Object.fromEntries(Object.entries(seen).filter(([, keys]) => keys.length > 0))).toEqual({});
  expect(errors).toEqual([]);
  // The Chinese UI really is Chinese (not English fallbacks): the nav labels differ between the two.
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  const zhNav = await page.getByTestId('nav-build').innerText();
  await page.getByTestId('lang-switch').selectOption('en');
  expect(await page.getByTestId('nav-build').innerText()).not.toBe(zhNav);
  expect(zhNav).toMatch(/[\u4e00-\u9fff]/);
});
