/**
 * "Bring your own backbone": the v1 0.25 graph model from ../shared/models, copied under another name as if
 * it were the user's own, chosen as a folder in "Your own model…", inspected (format, input, the suggested
 * feature node), given [0, 1] scaling (the graph rescales itself), and trained on hymenoptera; then the v1
 * 0.25 LayersModel given by URL (served from a local copy through Playwright's routing, no real network),
 * trained two-stage on its derived cut points and exported like a built-in backbone.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { SHARED_DIR, datasetPath } from './support/paths';

interface ReportJson {
  backbone: string;
  plan: { fineTune: { blocks: number; cutName: string } | null };
  stages: { stage: number }[];
  backboneInfo?: {
    id: string; kind: string; format: string; featureNode: string | null; inputScaling: string; inputSizePx: number; featureSize: number;
    sourceUrl: string; userSource: { name: string; files: string[] | null; url: string | null };
  };
  evaluation: { split: string; accuracy: number };
  history: unknown[];
}

const GRAPH_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v1_0.25_224_graph');
const GLOBAL_POOL = 'module_apply_default/MobilenetV1/Logits/global_pool';

let workDir: string;
let modelDir: string;

test.beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'fts-own-model-'));
  modelDir = path.join(workDir, 'my-graph-model');
  mkdirSync(modelDir);
  // model.json and its one weight shard; the ImageNet class list stays behind, as a user's folder might.
  for (const file of ['model.json', 'group1-shard1of1']) copyFileSync(path.join(GRAPH_DIR, file), path.join(modelDir, file));
});

test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('a graph model of your own, chosen as a folder, is inspected, used as the backbone and trains on hymenoptera', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');

  await page.getByRole('button', { name: 'Your own model…' }).click();
  await page.getByLabel('Folder with model.json').setInputFiles(modelDir);
  await expect(page.getByTestId('custom-name')).toHaveText('my-graph-model');
  await expect(page.getByTestId('custom-format')).toHaveText('GraphModel');
  await expect(page.getByTestId('custom-input')).toContainText('[?, 224, 224, 3]: fed 224x224 RGB images');

  // The suggestion is preselected, and it is a pooling node (the Mean before the 1x1-conv classifier).
  const featureNode = page.getByTestId('feature-node');
  await expect(featureNode).toHaveValue(GLOBAL_POOL);
  const suggested = featureNode.locator('option:checked');
  await expect(suggested).toHaveText(`${GLOBAL_POOL} (Mean, global pooling) (suggested)`);
  // Other nodes can be picked; the logits (the model's output) are offered too.
  await expect(featureNode.locator('option')).toContainText(['Conv2d_13_pointwise/Relu6 (Relu6, activation, average-pooled)']);
  await expect(featureNode.locator('option').last()).toHaveText('module_apply_default/MobilenetV1/Logits/SpatialSqueeze (Squeeze, the model\'s output)');

  // The preview redraws with each scaling; ImageNet mean/std gives values below zero, [0, 1] does not.
  const scaling = page.getByTestId('input-scaling');
  const preview = page.getByTestId('scaling-preview');
  await scaling.selectOption('imagenet');
  await expect(preview).toHaveAttribute('data-drawn', 'imagenet', { timeout: 30_000 });
  await expect(page.getByTestId('scaling-range')).toContainText('R -');
  await scaling.selectOption('zeroToOne');
  await expect(preview).toHaveAttribute('data-drawn', 'zeroToOne');
  await expect(page.getByTestId('scaling-range')).not.toContainText('-');
  await expect(page.getByTestId('custom-two-stage')).toContainText('up to 7 top blocks');

  await page.getByRole('button', { name: 'Use this backbone' }).click();
  await expect(page.getByLabel('Backbone')).toHaveValue('custom:my-graph-model');
  await expect(page.getByTestId('custom-backbone-summary')).toContainText(`features from ${GLOBAL_POOL}`);

  // Head only, up to 15 epochs (early stopping ends it sooner), with the default 2 augmented views: this
  // width-0.25 network reaches 0.87 on the centre crops alone and 0.90 with the views, for about 10 s more.
  await page.getByLabel('Epochs', { exact: true }).fill('15');
  await expect(page.getByLabel('Two-stage: fine-tune the top blocks after the head')).not.toBeChecked();
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 240_000 });

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report' }).click();
  const report = JSON.parse(readFileSync(await (await downloadPromise).path(), 'utf8')) as ReportJson;
  expect(report.backbone).toBe('custom:my-graph-model');
  expect(report.backboneInfo).toMatchObject({
    id: 'custom:my-graph-model', kind: 'custom', format: 'graph', featureNode: GLOBAL_POOL, inputScaling: 'zeroToOne',
    inputSizePx: 224, featureSize: 256, sourceUrl: 'files:my-graph-model/model.json',
  });
  expect(report.backboneInfo?.userSource.name).toBe('my-graph-model');
  expect([...(report.backboneInfo?.userSource.files ?? [])].sort()).toEqual(readdirSync(modelDir).map((f) => `my-graph-model/${f}`).sort());
  expect(report.evaluation.split).toBe('val');
  expect(report.evaluation.accuracy).toBeGreaterThanOrEqual(0.85);
  // A graph backbone cannot be fused into one LayersModel: the run says so instead of offering an export.
  await expect(page.getByTestId('active-model-none')).toContainText('is a graph model: its trained classifier cannot be saved as one LayersModel');
  console.log(`custom graph backbone on hymenoptera: val accuracy ${report.evaluation.accuracy.toFixed(4)} after ${report.history.length} epochs`);
});

test.describe('a LayersModel of your own, by URL', () => {
  // Requests a service worker handles never reach Playwright's routing; the PWA's worker is not what is tested here.
  test.use({ serviceWorkers: 'block' });

  const MODEL_URL = 'https://storage.googleapis.com/my-bucket/keras-v1/model.json';
  const LAYERS_DIR = path.join(SHARED_DIR, 'models', 'mobilenet_v1_0.25_224');

  test('is inspected from its URL, trains two-stage on its derived cut points and can be exported', async ({ context, page }) => {
    const requested: string[] = [];
    await context.route('https://storage.googleapis.com/my-bucket/keras-v1/*', async (route) => {
      const name = path.basename(new URL(route.request().url()).pathname);
      requested.push(name);
      await route.fulfill({
        status: 200,
        body: readFileSync(path.join(LAYERS_DIR, name)),
        headers: { 'access-control-allow-origin': '*', 'content-type': name === 'model.json' ? 'application/json' : 'application/octet-stream' },
      });
    });
    await page.goto('/');
    await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
    await expect(page.getByTestId('total-train')).toHaveText('245');

    await page.getByRole('button', { name: 'Your own model…' }).click();
    await page.getByLabel('URL of model.json').fill(MODEL_URL);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await expect(page.getByTestId('custom-name')).toHaveText('keras-v1');
    await expect(page.getByTestId('custom-format')).toHaveText('LayersModel');
    // Only model.json is read to inspect; the weights wait for training.
    expect(requested).toEqual(['model.json']);
    await expect(page.getByTestId('feature-node')).toHaveValue('global_average_pooling2d_1');
    await page.getByTestId('input-scaling').selectOption('minusOneToOne');
    await expect(page.getByTestId('custom-two-stage')).toHaveText('Two-stage training can unfreeze up to 7 top blocks (cut at conv_pw_12_relu for one).');
    await page.getByRole('button', { name: 'Use this backbone' }).click();
    await expect(page.getByLabel('Backbone')).toHaveValue('custom:keras-v1');

    await page.getByLabel('Epochs', { exact: true }).fill('3');
    await page.getByLabel('Two-stage: fine-tune the top blocks after the head').check();
    await page.getByText('Training options').click();
    await page.getByLabel('Augmented views per image').fill('0');
    await page.getByRole('group', { name: /Stage 2/ }).getByLabel('Epochs', { exact: true }).fill('2');
    await page.getByText('Training options').click();
    await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 300_000 });

    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download report' }).click();
    const report = JSON.parse(readFileSync(await (await downloadPromise).path(), 'utf8')) as ReportJson;
    expect(report.backbone).toBe('custom:keras-v1');
    expect(report.backboneInfo).toMatchObject({
      kind: 'custom', format: 'layers', featureNode: 'global_average_pooling2d_1', inputScaling: 'minusOneToOne', featureSize: 256, sourceUrl: MODEL_URL,
    });
    expect(report.backboneInfo?.userSource).toEqual({ name: 'keras-v1', files: null, url: MODEL_URL });
    // The default two blocks: cut where the catalog cuts its own copy of this network.
    expect(report.plan.fineTune).toMatchObject({ blocks: 2, cutName: 'conv_pw_11_relu' });
    expect(report.stages.map((st) => st.stage)).toEqual([1, 2]);
    expect(report.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
    console.log(`custom LayersModel by URL, two-stage on hymenoptera: val accuracy ${report.evaluation.accuracy.toFixed(4)}`);
    // A LayersModel backbone fuses with its head into one exportable model, as the built-in ones do.
    await expect(page.getByTestId('active-model')).toContainText('custom:keras-v1, 224x224 input');
    await expect(page.getByTestId('export-download')).toBeVisible();
  });
});
