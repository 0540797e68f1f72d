import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

/**
 * The Run view's decision-boundary picture: a small spiral net trains, the picture changes while it
 * trains (the host's latest grid and the canvas both differ between two moments), and after a reload
 * the finished run shows its stored final picture. Writes 1280×720 screenshots of the panel in English
 * and Chinese, light and dark, to test-results/screens/.
 */

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

/** Calls a contract method from the page (same-origin, with the page's access cookie). */
async function call<T>(page: Page, method: string, payload: unknown): Promise<T> {
  const reply = await page.evaluate(
    async ([m, p]) => (await fetch(`/api/${m}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p) })).json(),
    [method, payload] as const,
  );
  if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.value as T;
}

interface Picture {
  grid: { step: number; epoch: number; field: { classes: number[]; confidence: number[] } };
  final: boolean;
  points: { train: { x: number[] } };
}

test('a spiral run draws its decision boundary live, and shows the final picture after a reload', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('epochs').fill('30');
  await page.getByTestId('train-button').click();
  await page.getByTestId('nav-run').click();
  const panel = page.getByTestId('boundary-panel');
  const canvas = page.getByTestId('boundary-canvas');
  await expect(canvas).toBeVisible({ timeout: 60_000 });
  const runId = (await call<Array<{ id: string }>>(page, 'runs/list', {}))[0]!.id;

  // Two moments while it trains: a later step, a different stored grid, a different canvas.
  const first = await call<Picture>(page, 'runs/boundary', { runId });
  const firstStep = Number(await panel.getAttribute('data-step'));
  const firstPixels = await canvas.evaluate((el: HTMLCanvasElement) => el.toDataURL());
  expect(first.points.train.x.length).toBe(800);
  await expect.poll(async () => Number(await panel.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(firstStep);
  const second = await call<Picture>(page, 'runs/boundary', { runId });
  expect(second.grid.step).toBeGreaterThan(first.grid.step);
  expect(second.grid.field.confidence).not.toEqual(first.grid.field.confidence);
  // The canvas is redrawn on the next frame after data-step changes: wait for it, do not read it at once.
  await expect.poll(() => canvas.evaluate((el: HTMLCanvasElement) => el.toDataURL()), { timeout: 10_000 }).not.toBe(firstPixels);

  // The end: the trained model's picture, stored.
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  await expect(panel).toHaveAttribute('data-final', 'true');
  const final = await call<Picture>(page, 'runs/boundary', { runId });
  expect(final.final).toBe(true);
  expect(final.grid.epoch).toBe(30);
  await expect(page.getByTestId('boundary-caption')).toContainText(`step ${final.grid.step} · epoch 30 · trained model`);

  // Keyboard: the validation toggle is reachable and switches with Space.
  const toggle = page.getByTestId('boundary-show-validation');
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).not.toBeChecked();
  await page.keyboard.press('Space');
  await expect(toggle).toBeChecked();

  // Reopened: after a reload the run shows the stored final picture.
  await page.reload();
  await page.getByTestId('nav-run').click();
  await expect(canvas).toBeVisible();
  await expect(panel).toHaveAttribute('data-final', 'true');
  await expect(panel).toHaveAttribute('data-step', String(final.grid.step));

  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
      await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', theme);
      await panel.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-results/screens/decision-boundary-${locale}-${theme}.png` });
    }
  }
  await expect(page.getByTestId('boundary-caption')).toContainText('训练后的模型');
});

test('a regression set shows the predicted value, a three-class set three classes', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  const dense = (units: number, name: string) => ({ type: 'dense', units, activation: { name } });
  const runs = [
    {
      name: 'plane regression',
      dataset: { builtin: 'plane', samples: 400, noise: 0.1, seed: 7 },
      network: { inputShape: [2], layers: [dense(8, 'tanh'), dense(1, 'linear')] },
      train: { epochs: 8, loss: 'meanSquaredError', optimizer: { name: 'adam', learningRate: 0.02 } },
    },
    {
      name: 'three spirals',
      dataset: { builtin: 'multiSpiral', classes: 3, samples: 600, noise: 0.1, seed: 7 },
      network: { inputShape: [2], layers: [dense(16, 'tanh'), dense(16, 'tanh'), dense(3, 'softmax')] },
      train: { epochs: 15, optimizer: { name: 'adam', learningRate: 0.02 } },
    },
  ];
  for (const experiment of runs) await call(page, 'runs/start', { experiment });
  await page.getByTestId('nav-run').click();
  await expect(page.getByTestId('run-item').nth(0)).toHaveAttribute('data-status', 'completed', { timeout: 100_000 });
  await expect(page.getByTestId('run-item').nth(1)).toHaveAttribute('data-status', 'completed', { timeout: 100_000 });
  const panel = page.getByTestId('boundary-panel');
  const legend = page.getByTestId('boundary-legend');
  for (const [name, check] of [
    // Runs carry automatic names (contract/run-name.ts): the architectures tell these two apart.
    ['MLP 16-16-3', async () => await expect(legend.locator('.swatches li')).toHaveText(['class 0', 'class 1', 'class 2'])],
    ['MLP 8-1', async () => await expect(legend).toContainText('Background: predicted value')],
  ] as const) {
    await page.getByTestId('run-item').filter({ hasText: name }).click();
    await expect(panel).toHaveAttribute('data-final', 'true');
    await check();
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/screens/decision-boundary-${name.replace(/ /g, '-')}.png` });
  }
});
