import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHost, tempDataDir, type TestHost } from './host.js';

// Long run names: the run list shows at most two lines of a name; the whole name is its tooltip, and the
// run panel shows it whole. 1280×720 screenshots in English and Chinese go to test-results/run-names/.

let host: TestHost;
test.beforeAll(async () => {
  host = await startHost(tempDataDir());
});
test.afterAll(async () => {
  await host?.stop();
});

const LONG =
  'tanh baseline with Glorot uniform on every hidden layer, learning rate 0.003, batch 32, seed 7 — the run Figure 3 of the draft is drawn from (do not delete)';

async function api(page: Page, method: string, payload: unknown): Promise<{ id: string }> {
  return page.evaluate(
    async ([m, p]) => {
      const res = await fetch(`/api/${m}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p) });
      const body = (await res.json()) as { ok: boolean; value: { id: string } };
      return body.value;
    },
    [method, payload] as const,
  );
}

test('a long run name is readable whole: on hover in the run list and in the run panel', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(host.url);
  const example = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../examples/circle-relu-he.json'), 'utf8')) as {
    dataset: object;
    train: object;
  };
  const experiment = { ...example, dataset: { ...example.dataset, samples: 120 }, train: { ...example.train, epochs: 1, seed: 7 } };
  const run = await api(page, 'runs/start', { experiment });
  await api(page, 'runs/rename', { runId: run.id, name: LONG });
  const item = page.locator(`[data-testid="run-item"][data-run-id="${run.id}"]`);
  await expect(item).toHaveAttribute('data-status', 'completed', { timeout: 90_000 });
  await expect(item.getByTestId('run-name')).toHaveText(LONG);
  // The list shows two lines of it; its tooltip (title) is the whole name.
  expect(await item.getByTestId('run-name').getAttribute('title')).toContain(LONG);
  await item.click();
  // The run panel shows it whole: wrapped, neither cut nor ellipsised.
  const panelName = page.getByTestId('panel-run-name');
  await expect(panelName).toHaveText(LONG);
  expect(await panelName.getAttribute('title')).toBe(LONG);
  const clipped = () => panelName.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
  expect(await clipped()).toBe(false);
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.getByTestId('lang-switch').selectOption(locale);
    await item.getByTestId('run-name').hover();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `test-results/run-names/run-${locale}.png` });
    expect(await clipped()).toBe(false);
  }
  await page.getByTestId('lang-switch').selectOption('en');
});
