import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// The signal-propagation lab in browser mode: the phase diagram of the draft network is drawn, a click
// in the plane picks a point whose numbers match theory (ReLU: χ₁ = σ_w²/2) and sets that initialization
// on the hidden layers; the Jacobian spectrum is computed for the draft. 1280×720 screenshots of both
// panels, in English and Chinese, light and dark, go to test-results/lab/ for looking at by eye.

let host: TestHost;
let dataDir: string;
test.beforeAll(async () => {
  dataDir = tempDataDir();
  host = await startHost(dataDir);
});
test.afterAll(async () => {
  await host?.stop();
});

async function setLookAndShoot(page: Page, name: string): Promise<void> {
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    for (const theme of ['light', 'dark'] as const) {
      if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== theme) await page.getByTestId('theme-toggle').click();
      await page.waitForTimeout(250);
      await page.screenshot({ path: `test-results/lab/${name}-${locale}-${theme}.png` });
    }
  }
  await page.getByTestId('lang-switch').selectOption('en');
}

test('phase diagram: draws the draft network, picks a point, sets it; Jacobian spectrum of the draft', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(host.url);
  await page.getByTestId('nav-lab').click();
  await expect(page.getByTestId('phase-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await page.getByTestId('phase-activation').selectOption('relu');
  await expect(page.getByTestId('phase-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('phase-points')).toBeVisible();

  // Switching the language, leaving the lab and coming back with the same network and activation asks
  // nothing again: the panel stays ready (it used to show "Computing the phase diagram…" over the diagram).
  let phaseRequests = 0;
  const countPhase = (request: { url(): string }) => void (request.url().includes('/api/lab/phase') && phaseRequests++);
  page.on('request', countPhase);
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await page.getByTestId('nav-build').click();
  await page.getByTestId('nav-lab').click();
  await expect(page.getByTestId('phase-panel')).toBeVisible();
  expect(await page.getByTestId('phase-panel').getAttribute('data-status')).toBe('ready');
  await page.getByTestId('lab-tab-jacobian').click();
  await page.getByTestId('lab-tab-phase').click();
  await page.getByTestId('lang-switch').selectOption('en');
  await page.waitForTimeout(1000); // longer than the recomputation's quiet time
  await expect(page.getByTestId('phase-panel')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('phase-panel').locator('.status')).toHaveText(/Click anywhere in the plane/);
  expect(phaseRequests).toBe(0);
  page.off('request', countPhase);

  // Click the plane a third of the way across, near the bottom: σ_w² ≈ 1.6, ordered for ReLU, where
  // theory says χ₁ = σ_w²/2 whatever σ_b² (the readout shows the nearest grid point, 0.1 apart in σ_w²).
  const box = (await page.getByTestId('phase-heatmap').boundingBox())!;
  const at = (fx: number, fy: number) => page.mouse.click(box.x + 52 + (box.width - 52 - 86) * fx, box.y + 14 + (box.height - 14 - 42) * fy);
  await at(0.33, 0.9);
  const readout = page.getByTestId('phase-readout');
  await expect(readout.locator('dd[data-phase]')).toHaveAttribute('data-phase', 'ordered');
  const title = await readout.locator('h2').innerText();
  const w = Number(/σ_w² = ([\d.]+)/.exec(title)![1]);
  const chi1 = Number(await readout.locator('dd').nth(2).innerText());
  expect(Math.abs(chi1 - w / 2)).toBeLessThan(0.06);

  // tanh, with a point in the chaotic phase, for the screenshots.
  await page.getByTestId('phase-activation').selectOption('tanh');
  await expect(page.getByTestId('phase-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await at(0.75, 0.5);
  await expect(readout.locator('dd[data-phase]')).toHaveAttribute('data-phase', 'chaotic');
  await page.mouse.move(5, 5);
  await setLookAndShoot(page, 'phase');

  await page.getByTestId('phase-apply').click();
  await expect(page.getByTestId('phase-applied')).toBeVisible();
  // The draft's hidden layers now sit on the picked point: the network points list shows one σ_w².
  await expect(page.getByTestId('phase-points')).toContainText('σ_w²');

  await page.getByTestId('lab-tab-jacobian').click();
  await page.getByTestId('jacobian-compute').click();
  await expect(page.getByTestId('jacobian-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('jacobian-density-init')).toBeVisible();
  await setLookAndShoot(page, 'jacobian');
  expect(errors).toEqual([]);
});

test('LSUV: a run trained with it shows its scales; its Jacobian spectrum has init and trained stages', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('lsuv-toggle').check();
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await page.getByTestId('nav-run').click();
  const result = page.getByTestId('lsuv-result');
  await expect(result).toBeVisible();
  await result.locator('summary').click();
  await expect(result.locator('tbody tr').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/lab/lsuv-run-en-light.png' });

  await page.getByTestId('nav-lab').click();
  await page.getByTestId('lab-tab-jacobian').click();
  const source = page.getByTestId('jacobian-source');
  await source.selectOption({ index: 1 });
  await page.getByTestId('jacobian-compute').click();
  await expect(page.getByTestId('jacobian-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('jacobian-density-trained')).toBeVisible();
  await setLookAndShoot(page, 'jacobian-run');
});

test('sweep analysis: parallel coordinates and permutation importance next to the heatmap', async ({ page }) => {
  test.setTimeout(180_000);
  // A small sweep run by the CLI on the host's database (both at once is supported).
  const file = path.join(dataDir, 'sweep.json');
  const layers = [
    { type: 'dense', units: 8, activation: { name: 'tanh' } },
    { type: 'dense', units: 2, activation: { name: 'softmax' } },
  ];
  const base = {
    dataset: { builtin: 'circle', samples: 200 },
    network: { inputShape: [2], layers },
    train: { epochs: 3, batchSize: 32, optimizer: { name: 'sgd', learningRate: 0.1 }, statsEvery: 0 },
  };
  writeFileSync(
    file,
    JSON.stringify({
      name: 'lab sweep',
      base,
      axes: { initializer: [{ name: 'normal', std: 0.02 }, { name: 'heNormal' }], learningRate: [0.05, 0.5], seeds: 2 },
    }),
  );
  execFileSync(process.execPath, ['bin/initscope.js', 'sweep', file, '--db', path.join(dataDir, 'initscope.db'), '--workers', '1'], { stdio: 'ignore' });

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  await page.getByTestId('nav-sweeps').click();
  await page.getByTestId('sweep-item').first().click();
  const panel = page.getByTestId('sweep-analysis');
  await expect(panel).toHaveAttribute('data-n', '8', { timeout: 30_000 });
  await panel.scrollIntoViewIfNeeded();
  await setLookAndShoot(page, 'sweep-analysis');
});

test('per-unit data init: the switch is radio-like, a run trained with it shows its per-unit scales', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`uncaught: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('lsuv-toggle').check();
  await page.getByTestId('data-init-per-unit').check();
  await expect(page.getByTestId('lsuv-toggle')).not.toBeChecked();
  await page.getByTestId('data-init-target-std').fill('0.8');
  await page.getByTestId('data-init-per-unit').scrollIntoViewIfNeeded();
  await setLookAndShoot(page, 'data-init-field');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await page.getByTestId('nav-run').click();
  await expect(page.getByTestId('lsuv-result')).toHaveCount(0);
  const result = page.getByTestId('data-init-result');
  await expect(result).toBeVisible();
  await result.locator('summary').click();
  await expect(result.locator('tbody tr').first()).toContainText('0.8000');
  await result.scrollIntoViewIfNeeded();
  await setLookAndShoot(page, 'data-init-run');
  expect(errors).toEqual([]);
});
