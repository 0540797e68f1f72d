import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// A residual block in the builder (drag and drop, keyboard, undo, its editor and the skip-shape check),
// SkipInit, a short training run, and the signal-propagation plot of its blocks in the run's
// diagnostics and in the Lab.

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

test('adds residual blocks, sets SkipInit, trains briefly and shows per-block signal propagation', async ({ page }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await expect(page.getByTestId('layer-card')).toHaveCount(3);

  // Drag from the palette onto the top edge of the output layer: it lands above it and fits its input.
  await page.getByTestId('palette-residual').dragTo(page.getByTestId('layer-card').nth(2), { targetPosition: { x: 40, y: 4 } });
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'residual', 'dense']);
  const first = page.getByTestId('layer-card').nth(2);
  await expect(first.getByTestId('residual-diagram')).toHaveAttribute('data-skip', 'identity');
  await expect(first.getByTestId('layer-problem')).toHaveCount(0);

  // Keyboard: Enter on the palette item inserts below the selected block; undo and redo it.
  await page.getByTestId('palette-residual').focus();
  await page.keyboard.press('Enter');
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'residual', 'residual', 'dense']);
  await expect(page.getByTestId('layer-card').nth(3)).toBeFocused();
  await page.keyboard.press('Control+z');
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'residual', 'dense']);
  await page.keyboard.press('Control+Shift+z');
  expect(await stackTypes(page)).toEqual(['dense', 'dense', 'residual', 'residual', 'dense']);

  // The editor: a width that breaks the identity skip is named on the card; a projection skip fixes it.
  await first.click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector.getByTestId('residual-fields')).toBeVisible();
  await inspector.getByTestId('residual-units').fill('10');
  await inspector.getByTestId('residual-units').press('Tab');
  await expect(first.getByTestId('layer-problem')).toContainText('identity skip');
  await expect(page.getByTestId('train-button')).toBeDisabled();
  await inspector.getByTestId('residual-skip').selectOption('projection');
  await expect(first.getByTestId('layer-problem')).toHaveCount(0);
  await expect(first.getByTestId('residual-diagram')).toHaveAttribute('data-skip', 'projection');
  // …and the next block, whose identity skip now receives 10 channels, says so until it is 10 wide too.
  const second = page.getByTestId('layer-card').nth(3);
  await expect(second.getByTestId('layer-problem')).toContainText('(10, not 16)');
  await second.click();
  await inspector.getByTestId('residual-units').fill('10');
  await inspector.getByTestId('residual-units').press('Tab');
  await expect(page.getByTestId('layer-problem')).toHaveCount(0);

  // SkipInit on both blocks: the drawing marks α = 0 and the editor explains it.
  for (const at of [2, 3]) {
    await page.getByTestId('layer-card').nth(at).click();
    await inspector.getByTestId('residual-init-skipInit').click();
    await expect(page.getByTestId('layer-card').nth(at).getByTestId('residual-diagram')).toHaveAttribute('data-init', 'skipInit');
  }
  await expect(inspector.getByTestId('residual-init-help')).toContainText('De & Smith 2020');
  // The init preview switched to the blocks when the first one was added: flat, with zero branches.
  const atInit = page.getByTestId('preview-signal-prop');
  await expect(atInit.getByTestId('signal-prop-chart')).toHaveAttribute('data-blocks', '2');
  await expect(atInit.getByTestId('signal-prop-readout')).toContainText('exactly zero at 2 blocks');
  await page.getByTestId('preview-view-layers').click();
  await expect(page.getByTestId('preview-activation-chart')).toBeVisible();
  await page.getByTestId('preview-view-blocks').click();

  // Train briefly, recording statistics every 2 steps.
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-samples').fill('300');
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('stats-every-mode').selectOption('steps');
  await page.getByTestId('stats-every').fill('2');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });

  // The run's diagnostics: one point per block per line, on a log axis, with a step slider.
  const panel = page.getByTestId('diagnostics').getByTestId('signal-prop');
  await expect(panel.getByTestId('signal-prop-chart')).toHaveAttribute('data-blocks', '2');
  await expect(panel.getByTestId('signal-prop-chart')).toHaveAttribute('data-lines', '3');
  await expect(panel.getByTestId('signal-prop-slider')).toBeVisible();
  await expect(panel.getByTestId('signal-prop-readout')).toContainText('2 blocks');
  // Step 0 is the untrained network: SkipInit's branches are exactly zero there.
  await panel.getByTestId('signal-prop-slider').fill('0');
  await expect(panel.getByTestId('signal-prop-when')).toContainText('step 0');
  await expect(panel.getByTestId('signal-prop-readout')).toContainText('exactly zero at 2 blocks');

  // The Lab's instrument: the draft at init, and the run over its steps.
  await page.getByTestId('nav-lab').click();
  await page.getByTestId('lab-tab-signalProp').click();
  const lab = page.getByTestId('signal-prop-lab');
  await expect(lab.getByTestId('signal-prop-chart')).toHaveAttribute('data-blocks', '2');
  await lab.getByTestId('signal-prop-source').selectOption({ index: 1 });
  await expect(lab.getByTestId('signal-prop-slider')).toBeVisible();
  await expect(lab.getByTestId('signal-prop-chart')).toHaveAttribute('data-blocks', '2');
  if (process.env.SCREENSHOTS) await screenshots(page);
  expect(errors).toEqual([]);
});

/**
 * With SCREENSHOTS=1: the builder with the blocks (the first selected, its editor open), the run's
 * signal-propagation plot and the Lab's instrument, in both languages and themes at 1280×720, into
 * test-results/screens/ for looking at by eye.
 */
async function screenshots(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
  // The second block as a Fixup block with batch norm and an activation after the add, for its drawing.
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-layer').click();
  await page.getByTestId('layer-card').nth(3).click();
  const inspector = page.getByTestId('inspector');
  await inspector.getByTestId('residual-normalization').selectOption('batchNorm');
  await inspector.getByTestId('residual-init-fixup').click();
  await inspector.getByTestId('residual-post-activation').check();
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
      const shot = (name: string) => page.screenshot({ path: `test-results/screens/residual-${name}-${locale}-${theme}.png` });
      await page.getByTestId('nav-build').click();
      await page.getByTestId('tab-layer').click();
      await page.getByTestId('layer-card').nth(2).click();
      await page.waitForTimeout(600);
      await shot('builder');
      await page.getByTestId('layer-card').nth(3).click();
      await page.waitForTimeout(300);
      await shot('editor');
      await page.getByTestId('layer-card').nth(2).click();
      await page.getByTestId('inspector').getByTestId('residual-fields').scrollIntoViewIfNeeded();
      await page.getByTestId('init-preview').getByTestId('preview-signal-prop').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await shot('preview');
      await page.getByTestId('nav-run').click();
      await page.getByTestId('diagnostics').getByTestId('signal-prop').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await shot('run');
      await page.getByTestId('nav-lab').click();
      await page.getByTestId('lab-tab-signalProp').click();
      await page.waitForTimeout(600);
      await shot('lab');
    }
  }
}
