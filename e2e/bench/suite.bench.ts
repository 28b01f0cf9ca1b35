/**
 * `npm run bench` (`npm run bench -- --quick` for a short run): the studio's engine measured in headless
 * Chromium through the built app's benchmark page (`/src/bench/bench.html`), side by side with Teachable
 * Machine's trainer. Prints a table per part and writes `bench/results.json` and `bench/summary.md`. Numbers,
 * not assertions: a part that fails is reported and the rest goes on. What each part measures, and at which
 * size, is in `plan.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { BenchApi } from '../../src/bench/benchPage';
import { datasetPath } from '../support/paths';
import { BACKBONES, BACKENDS, DATASETS, DECODE, DEFAULTS, EPOCHS, PEER_BACKBONE, QUICK, RECIPE, SCALE, SIZES, TRUST, TWO_STAGE, runsPart, threadsPlan, throughputBackbones, throughputPlan } from './plan';
import { beforeNowTable, defaultsTable, profileTable, trustTable, variantLabel } from './defaultsResults';
import * as md from './results';
import type { BenchResults, LabelledRun } from './results';
import { TabMemory } from './tabMemory';

const OUT_DIR = resolve(import.meta.dirname, '../../bench');

// The studio's service worker would precache the app in the background while the first numbers are taken.
test.use({ serviceWorkers: 'block' });

type BenchWindow = Window & { bench: BenchApi };

/** Calls `window.bench[name](...args)` on the page. */
function call<K extends keyof BenchApi>(page: Page, name: K, ...args: Parameters<BenchApi[K]>): Promise<Awaited<ReturnType<BenchApi[K]>>> {
  return page.evaluate(
    ([n, a]) => ((window as unknown as BenchWindow).bench[n] as (...x: unknown[]) => unknown)(...(a as unknown[])),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
}

/** Puts `folder` in the page's folder input and keeps it under `key` (at most `perFolder` files a directory). */
async function loadFolder(page: Page, folder: string, key: string, perFolder: number): Promise<number> {
  await page.locator('#folder').setInputFiles(folder);
  return call(page, 'keepFolder', key, perFolder);
}

function newResults(): BenchResults {
  const cpus = os.cpus();
  return {
    quick: QUICK, startedAt: new Date().toISOString(), totalMs: 0,
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown CPU', cores: cpus.length, memoryGiB: os.totalmem() / 2 ** 30,
      os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version,
    },
    browser: null, environment: null, throughput: [], decode: [], ingests: [], runs: [], sizes: [], teachable: [], scale: [], sections: {}, errors: [],
  };
}

test('benchmark suite', async ({ page, browser }) => {
  test.setTimeout((QUICK ? 10 : 80) * 60_000);
  const startMs = Date.now();
  const results = newResults();
  const save = (): void => {
    results.totalMs = Date.now() - startMs;
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'summary.md'), md.summaryMarkdown(results));
  };
  /** Runs one part; a failure is recorded and the suite goes on. Prints `print()` when it ends. */
  const part = async (name: string, body: () => Promise<void>, print: () => string): Promise<void> => {
    if (!runsPart(name.replace('datasets: ', ''))) return;
    const partStart = Date.now();
    try {
      await test.step(name, body);
    } catch (error) {
      results.errors.push({ section: name, message: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) });
      console.log(`${name} FAILED: ${results.errors.at(-1)?.message}`);
    }
    results.sections[name] = Date.now() - partStart;
    save();
    console.log(`\n## ${name} (${((Date.now() - partStart) / 1000).toFixed(0)} s)\n\n${print()}\n`);
  };

  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  // The benchmark page (not the studio's workers) is served without the app's Content-Security-Policy:
  // Teachable Machine's seedrandom 2.4 evaluates a string (`(0, eval)('this')`) when it loads, which the
  // policy forbids. The studio's workers keep the policy their own responses carry.
  await page.route('**/src/bench/bench.html', async (route) => {
    const response = await route.fetch();
    const headers = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    await route.fulfill({ response, headers });
  });
  await page.goto('/src/bench/bench.html');
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, { timeout: 60_000 });
  results.browser = { name: browser.browserType().name(), version: browser.version() };
  results.environment = await call(page, 'environment');
  const memory = await TabMemory.attach(page);
  console.log(md.environmentText(results));

  await part('throughput', async () => {
    for (const backend of BACKENDS) {
      for (const backboneId of throughputBackbones(backend)) {
        const { request, deadlineMs } = throughputPlan(backend, backboneId);
        const summary = await call(page, 'throughput', request, deadlineMs);
        results.throughput.push(summary);
        if (summary.backendStatus === 'failed') break;
      }
    }
  }, () => `${md.environmentText(results)}\n\n${md.throughputTable(results)}`);

  await part('threads', async () => {
    results.threads = [];
    for (const { request, deadlineMs } of threadsPlan(results.environment?.hardwareConcurrency ?? 1)) {
      results.threads.push({ threads: request.wasmThreads, summary: await call(page, 'throughput', request, deadlineMs) });
    }
  }, () => md.threadsTable(results));

  await part('decode', async () => {
    for (const { name } of DATASETS) {
      await loadFolder(page, datasetPath(name), name, 0);
      results.decode.push({ dataset: name, results: await call(page, 'decode', name, DECODE.images, DECODE.sizePx, DECODE.runs) });
    }
  }, () => md.decodeTable(results));

  for (const { name, perFolder } of DATASETS) {
    await part(`datasets: ${name}`, async () => {
      await loadFolder(page, datasetPath(name), name, perFolder);
      results.ingests.push(await call(page, 'ingest', name));
      const train = async (mode: string, settings: typeof RECIPE, evaluateStage1 = false): Promise<LabelledRun> => {
        const { value: run, memory: peak } = await memory.during(() => call(page, 'train', settings, 'wasm', { evaluateStage1 }));
        const row: LabelledRun = { dataset: name, mode, run, memory: peak };
        results.runs.push(row);
        save();
        return row;
      };
      await train('head-only', { ...RECIPE, backboneId: BACKBONES[0] });
      // The peer's base, head-only and two-stage: one run, evaluated at the end of stage 1 (Evaluate now);
      // a second, head-only run only if that evaluation came late.
      const twoStage = await train('two-stage', { ...TWO_STAGE, backboneId: PEER_BACKBONE }, true);
      const headOnly = md.stage1Row(twoStage);
      if (headOnly) results.runs.splice(results.runs.indexOf(twoStage), 0, headOnly);
      else await train('head-only', { ...RECIPE, backboneId: PEER_BACKBONE });
      const peer = await memory.during(() => call(page, 'teachable', EPOCHS, 'wasm'));
      results.teachable.push({ dataset: name, result: peer.value, memory: peer.memory });
      save();
      await train('head-only', { ...RECIPE, backboneId: BACKBONES[2] });
    }, () => [md.ingestTable(results), md.timeToAccuracyTable(results), md.peerTable(results)].join('\n\n'));
  }

  await part('sizes', async () => {
    await loadFolder(page, datasetPath(SIZES.dataset), `${SIZES.dataset}-sizes`, SIZES.perFolder);
    await call(page, 'ingest', `${SIZES.dataset}-sizes`);
    for (const inputSizePx of SIZES.sizes) {
      const { value: run, memory: peak } = await memory.during(() => call(page, 'train', { ...RECIPE, backboneId: SIZES.backboneId, inputSizePx }, 'wasm'));
      results.sizes.push({ dataset: SIZES.dataset, mode: 'head-only', run, memory: peak });
      save();
    }
  }, () => md.inputSizeTable(results));

  /** Images of the `generated` folder made so far (by the scale part), which the defaults part reuses. */
  let generatedImages = 0;
  await part('scale', async () => {
    const largest = Math.max(...SCALE.sizes);
    const generateMs = await call(page, 'generate', 'generated', largest, SCALE.classes, SCALE.sizePx);
    generatedImages = largest;
    console.log(`generated ${largest} JPEGs in the page in ${(generateMs / 1000).toFixed(1)} s`);
    for (const images of SCALE.sizes) {
      // The first images/classes of each class folder: the first `images` images.
      await call(page, 'subset', 'generated', `generated-${images}`, Math.ceil(images / SCALE.classes));
      const ingest = await memory.during(() => call(page, 'ingest', `generated-${images}`));
      const run = await memory.during(() => call(page, 'train', SCALE.settings, 'wasm'));
      results.scale.push({ images, ingest: ingest.value, run: run.value, ingestMemory: ingest.memory, runMemory: run.memory });
      save();
    }
  }, () => md.scaleTable(results));

  await part('scale-large', async () => {
    const { images, sizesPx } = SCALE.large;
    const generateMs = await call(page, 'generate', 'generated-large', images, SCALE.classes, sizesPx);
    console.log(`generated ${images} JPEGs of ${sizesPx.join('/')} px in the page in ${(generateMs / 1000).toFixed(1)} s`);
    const ingest = await memory.during(() => call(page, 'ingest', 'generated-large'));
    const run = await memory.during(() => call(page, 'train', SCALE.settings, 'wasm'));
    results.scale.push({ images, sizesPx, ingest: ingest.value, run: run.value, ingestMemory: ingest.memory, runMemory: run.memory });
    save();
  }, () => md.scaleTable(results));

  await part('defaults', async () => {
    results.defaults = [];
    const rows = results.defaults;
    const train = async (dataset: string, label: string, settings: typeof RECIPE, tuning?: typeof DEFAULTS.before): Promise<void> => {
      const { value: run, memory: peak } = await memory.during(() => call(page, 'train', settings, 'auto', tuning ? { tuning } : {}));
      rows.push({ dataset, label, run, memory: peak });
      save();
      console.log(`${dataset}, ${label}: ${(run.trainWallMs / 1000).toFixed(1)} s, ${JSON.stringify(run.accuracy)}`);
    };
    for (const { name, perFolder, variants } of DEFAULTS.datasets) {
      await loadFolder(page, datasetPath(name), `${name}-defaults`, perFolder);
      await call(page, 'ingest', `${name}-defaults`);
      // The studio's defaults as a new user trains with them (backend: auto, as the page chooses).
      await train(name, 'before', {}, DEFAULTS.before);
      await train(name, 'defaults', {});
      for (const changed of variants) await train(name, variantLabel(changed), changed);
    }
    const { images, classes, sizePx, variants } = DEFAULTS.generated;
    const generated = `generated ${images}`;
    // The scale part's images when it made enough of the same kind (the first n of a set are the set of n).
    if (generatedImages >= images && classes === SCALE.classes && sizePx === SCALE.sizePx) await call(page, 'subset', 'generated', generated, Math.ceil(images / classes));
    else await call(page, 'generate', generated, images, classes, sizePx);
    await call(page, 'ingest', generated);
    for (const changed of variants) await train(generated, variantLabel(changed), changed);
  }, () => [profileTable(results.defaults ?? []), beforeNowTable(results.defaults ?? []), defaultsTable(results.defaults ?? [])].join('\n\n'));

  await part('trust', async () => {
    results.trust = [];
    const rows = results.trust;
    for (const { name, perFolder } of TRUST.datasets) {
      await loadFolder(page, datasetPath(name), `${name}-trust`, perFolder);
      await call(page, 'ingest', `${name}-trust`);
      for (const changed of TRUST.variants) {
        const { value: run, memory: peak } = await memory.during(() => call(page, 'train', changed, 'auto', {}));
        rows.push({ dataset: name, label: variantLabel(changed), run, memory: peak });
        save();
        console.log(`${name}, ${variantLabel(changed)}: ${(run.trainWallMs / 1000).toFixed(1)} s, ${JSON.stringify(run.accuracy)}, TTA ${JSON.stringify(run.trust?.ttaAccuracy)}`);
      }
    }
  }, () => trustTable(results.trust ?? []));

  await memory.dispose();
  save();
  console.log(`\n${md.summaryMarkdown(results)}`);
  console.log(`Wrote ${join(OUT_DIR, 'results.json')} and ${join(OUT_DIR, 'summary.md')}.`);
});
