import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeMnistFolder } from '../unit/datasets/fixtures.js';
import { startHost, tempDataDir, type TestHost } from './host.js';

let host: TestHost;
let dataDir: string;
test.beforeAll(async () => {
  dataDir = tempDataDir();
  host = await startHost(dataDir);
});
test.afterAll(async () => {
  await host?.stop();
});

test('the four MNIST-format files import as one dataset with a test part; the run view shows test accuracy', async ({ page }) => {
  test.setTimeout(120_000);
  // Real digits from the mnist package, as MNIST mirrors ship them: train + t10k IDX pairs (some gzipped).
  const folder = path.join(dataDir, 'input', 'digits');
  writeMnistFolder(folder, 600, 200, 2);
  const files = readdirSync(folder).map((name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path.join(folder, name)) }));

  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('preset-select').selectOption('mnistMlp');
  await page.getByTestId('tab-experiment').click();
  const importer = page.getByTestId('dataset-import');
  await importer.locator('summary').click();
  await page.getByTestId('dataset-import-files').setInputFiles(files);
  await page.getByTestId('dataset-preview').click();
  await expect(page.getByTestId('dataset-preview-result')).toContainText('600 samples');
  await expect(page.getByTestId('dataset-preview-test')).toContainText('200 test samples');
  await page.getByTestId('dataset-import-button').click();
  await expect(page.getByTestId('stored-dataset-info')).toContainText('480 train · 120 validation · 200 test', { timeout: 15_000 });
  await expect(page.getByTestId('stored-test-source')).toContainText('t10k-images.idx3-ubyte');

  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await page.getByTestId('nav-run').click();
  const testAcc = page.getByTestId('tile-testAcc');
  await expect(testAcc).toContainText('test acc');
  await expect(testAcc).toContainText(/\d+(\.\d+)? ?%/);
  await page.screenshot({ path: 'test-results/screens/run-test-accuracy-en.png' });
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await expect(testAcc).toContainText('测试准确率');
  await page.screenshot({ path: 'test-results/screens/run-test-accuracy-zh-CN.png' });
  await page.getByTestId('lang-switch').selectOption('en');

  // A second run (another seed): the Compare table gets test columns, one value per run.
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('seed').fill('5');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await page.getByTestId('compare-check').nth(0).check();
  await page.getByTestId('compare-check').nth(1).check();
  await page.getByTestId('nav-compare').click();
  await expect(page.getByTestId('compare-test-acc')).toHaveCount(2);
  await expect(page.getByTestId('compare-test-acc').first()).toContainText('%');
  await page.screenshot({ path: 'test-results/screens/compare-test-accuracy-en.png', fullPage: true });
});

test('a CSV whose first line is a count line warns in the preview (en, zh-CN)', async ({ page }) => {
  const csv = ['150,4,setosa,versicolor,virginica', '5.1,3.5,1.4,0.2,0', '7.0,3.2,4.7,1.4,1', '6.3,3.3,6.0,2.5,2', '4.9,3.0,1.4,0.2,0'].join('\n');
  await page.goto(host.url);
  await page.getByTestId('nav-build').click();
  await page.getByTestId('tab-experiment').click();
  await page.getByTestId('dataset-import').locator('summary').click();
  await page.getByTestId('dataset-import-files').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('dataset-preview').click();
  await expect(page.getByTestId('dataset-numeric-header')).toContainText("The header cells '150', '4' look like numbers");
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  await expect(page.getByTestId('dataset-numeric-header')).toContainText("表头单元格 '150', '4' 看起来是数字");
});
