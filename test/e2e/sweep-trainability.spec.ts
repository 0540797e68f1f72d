import { expect, test } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

/** A tiny depth × σ_w² sweep of a tanh MLP (σ_b² = 0.05), the shape of examples/schoenholz-trainability.json. */
const sweep = {
  name: 'depth × σ_w² (tiny)',
  base: {
    name: 'circle tanh',
    dataset: { builtin: 'circle', samples: 120, noise: 0.1, seed: 7 },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 8, activation: { name: 'tanh' }, biasInitializer: { name: 'normal', mean: 0, std: Math.sqrt(0.05) } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train: { epochs: 1, batchSize: 32, optimizer: { name: 'sgd', learningRate: 0.1 }, seed: 1, statsEvery: 0 },
  },
  axes: {
    initializer: [0.5, 1, 1.76, 4].map((scale) => ({ name: 'varianceScaling', scale, mode: 'fanIn', distribution: 'normal' })),
    depth: [1, 4, 16],
  },
};

test('a depth × σ_w² sweep of a tanh net shows the 6·ξ_c line over its heatmap, explained (en/zh-CN, light/dark)', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  const sweepId = await page.evaluate(async (body) => {
    const res = await fetch('/api/sweeps/start', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sweep: body }) });
    return ((await res.json()) as { value: { id: string } }).value.id;
  }, sweep);
  await page.getByTestId('nav-sweeps').click();
  await page.getByTestId('sweep-item').first().click();
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  const caption = page.getByTestId('sweep-trainability');
  await expect(caption).toBeVisible();
  await expect(caption).toContainText('6·ξ_c');
  await expect(caption).toContainText('σ_b² = 0.05');
  // One limit per σ_w²: ordered 0.5 and 1 (7.2 and 21.8 hidden layers), near-critical 1.76 (thousands), chaotic 4 (41.9).
  const limits = (await caption.getAttribute('data-limits'))!.split(' ').map(Number);
  expect(limits).toHaveLength(4);
  expect(limits[0]).toBeCloseTo(7.15, 1);
  expect(limits[1]).toBeCloseTo(21.76, 1);
  expect(limits[2]).toBeGreaterThan(1000);
  expect(limits[3]).toBeCloseTo(41.86, 1);
  expect(sweepId).toMatch(/^sweep_/);
  await page.screenshot({ path: 'test-results/screens/sweeps-trainability-en-light.png' });
  if ((await page.getByTestId('theme-toggle').getAttribute('data-theme')) !== 'dark') await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: 'test-results/screens/sweeps-trainability-en-dark.png' });
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await expect(caption).toContainText('可训练深度');
  await page.screenshot({ path: 'test-results/screens/sweeps-trainability-zh-CN-dark.png' });
  await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: 'test-results/screens/sweeps-trainability-zh-CN-light.png' });
  expect(errors).toEqual([]);
});
