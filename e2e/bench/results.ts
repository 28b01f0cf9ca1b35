/**
 * The shape of `bench/results.json` and its Markdown rendering (`bench/summary.md`, also printed): one
 * table per part of the suite. Pure functions of the results.
 */
import type { DecodeResult } from '../../src/bench/decodeBench';
import type { EnvironmentInfo } from '../../src/bench/environment';
import type { IngestResult, StudioRunResult } from '../../src/bench/studioRun';
import type { TeachableResult } from '../../src/bench/teachable';
import type { ThroughputSummary } from '../../src/bench/throughputClient';
import type { MeasureKind } from '../../src/bench/throughputProtocol';
import { accuracyText, heldOutAccuracy, mb, pct, rate, s, table } from './markdown';
import type { DefaultsRow } from './defaultsResults';
import { beforeNowTable, defaultsTable, profileTable } from './defaultsResults';
import type { TabMemoryPeak } from './tabMemory';

/** A studio run with what it stands for in the tables. */
export interface LabelledRun {
  readonly dataset: string;
  /** `head-only` or `two-stage`. */
  readonly mode: string;
  readonly run: StudioRunResult;
  /** The tab's memory from Train to the report. */
  readonly memory: TabMemoryPeak;
  /** True for a head-only row read from stage 1 of a two-stage run (see `stage1Row`), not a run of its own. */
  readonly fromTwoStage?: boolean;
}

/**
 * The head-only row of a two-stage run that was evaluated at the end of stage 1 (`Stage1Evaluation`): time to
 * that evaluation, its accuracy, stage 1's timings. Null when the evaluation did not follow stage 1's last epoch.
 */
export function stage1Row(twoStage: LabelledRun): LabelledRun | null {
  const { run } = twoStage;
  const evaluation = run.stage1Evaluation;
  if (!evaluation || evaluation.epoch !== run.settings.epochs) return null;
  return {
    ...twoStage, mode: 'head-only', fromTwoStage: true,
    run: { ...run, trainWallMs: evaluation.wallMs, accuracy: evaluation.accuracy, stage2Ms: 0, epochs: { stage1: run.epochs.stage1, stage2: 0 } },
  };
}

/** One generated dataset of the scale part: reading it, then training on it. */
export interface ScaleRow {
  readonly images: number;
  /** The images' sides in pixels, when they are of several sizes (the `scale-large` part). */
  readonly sizesPx?: readonly number[];
  readonly ingest: IngestResult;
  readonly run: StudioRunResult;
  /** The tab's memory while reading the files, and from Train to the report. */
  readonly ingestMemory: TabMemoryPeak;
  readonly runMemory: TabMemoryPeak;
}

/** Everything one `npm run bench` measured: `bench/results.json`. */
export interface BenchResults {
  readonly quick: boolean;
  readonly startedAt: string;
  totalMs: number;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGiB: number; readonly os: string; readonly node: string };
  browser: { readonly name: string; readonly version: string } | null;
  environment: EnvironmentInfo | null;
  throughput: ThroughputSummary[];
  /** The default backbone's WASM features at 1, 2 and every core's threads (`threadsPlan`). */
  threads?: { threads: number; summary: ThroughputSummary }[];
  decode: { readonly dataset: string; readonly results: DecodeResult[] }[];
  ingests: IngestResult[];
  runs: LabelledRun[];
  /** The default backbone at each input size (`SIZES` in plan.ts). */
  sizes: LabelledRun[];
  teachable: { readonly dataset: string; readonly result: TeachableResult & { readonly baseLayers: number }; readonly memory: TabMemoryPeak }[];
  scale: ScaleRow[];
  /** The defaults part: the studio's defaults before and now, and one setting changed at a time (`DEFAULTS`). */
  defaults?: DefaultsRow[];
  /** The `trust` part (issue 22): the defaults with test-time augmentation, the search, stage 2. */
  trust?: DefaultsRow[];
  /** Wall time of each part of the suite, ms. */
  sections: Record<string, number>;
  errors: { readonly section: string; readonly message: string }[];
}

const short = (id: string): string =>
  id.replace('mobilenet_', 'MobileNet').replace('_224', '').replace('v2_', 'V2 ').replace('v1_', ' v1 ').replace('_graph', ' (graph)');

/** What became of each backend across its throughput workers. */
function backendStates(r: BenchResults): string[] {
  const byBackend = new Map<string, ThroughputSummary[]>();
  for (const t of r.throughput) byBackend.set(t.backend, [...(byBackend.get(t.backend) ?? []), t]);
  return [...byBackend].map(([backend, all]) => {
    const failed = all.find((t) => t.backendStatus === 'failed');
    if (all.some((t) => t.backendStatus === 'initialised')) return `${backend} initialised`;
    return failed ? `${backend} did not initialise (${failed.backendNote})` : `${backend} gave no answer before its deadline`;
  });
}

/** The heading lines: machine, browser, backends. */
export function environmentText(r: BenchResults): string {
  const env = r.environment;
  return [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB.toFixed(0)} GiB, ${r.machine.os}; Node ${r.machine.node}.`,
    `Browser: ${r.browser ? `${r.browser.name} ${r.browser.version}` : '-'}${env ? `, tfjs ${env.tfjsVersion}, cross-origin isolated: ${env.crossOriginIsolated}` : ''}.`,
    env ? `GPU APIs: WebGPU ${env.webgpu}; WebGL ${env.webgl}.` : '',
    `Backends: ${backendStates(r).join('; ') || 'not measured yet'}.`,
  ].filter(Boolean).join('\n');
}

function cell(t: ThroughputSummary, kind: MeasureKind, batch?: number): string {
  const m = t.results.find((x) => x.kind === kind && (batch === undefined || x.batchSize === batch));
  // Not in the plan (see plan.ts), or not reached before the worker's deadline.
  if (!m) return t.backendStatus === 'initialised' && t.error ? 'not reached' : '-';
  return Number.isFinite(m.imagesPerSecond) ? `${rate(m.imagesPerSecond)}${m.runs < 3 ? ` (${m.runs} run${m.runs === 1 ? '' : 's'})` : ''}` : 'skipped';
}

/** Images per second per backend and backbone: embedding at three batch sizes, head and stage-2 training. */
export function throughputTable(r: BenchResults): string {
  const rows = r.throughput.map((t) => [
    t.backend, short(t.backboneId), cell(t, 'embed', 1), cell(t, 'embed', 16), cell(t, 'embed', 32), cell(t, 'head'), cell(t, 'stage2'),
    mb(t.peakBytesInGPU), [t.backendStatus === 'initialised' ? '' : `backend: ${t.backendStatus}`, t.error ?? ''].filter(Boolean).join('; '),
  ]);
  return table(['backend', 'backbone', 'embed b=1', 'embed b=16', 'embed b=32', 'head train', 'stage 2 train', 'GPU memory', 'note'], rows);
}

/** WASM feature throughput by compute threads, against one thread. */
export function threadsTable(r: BenchResults): string {
  const rows = r.threads ?? [];
  const rateOf = (s: ThroughputSummary) => s.results.find((x) => x.kind === 'embed')?.imagesPerSecond ?? Number.NaN;
  const one = rows.find((x) => x.threads === 1);
  return table(
    ['WASM threads', 'backend note', 'features img/s (batch 16)', 'vs 1 thread'],
    rows.map(({ threads, summary }) => [
      String(threads),
      summary.error ?? summary.backendNote,
      rate(rateOf(summary)),
      one && Number.isFinite(rateOf(summary) / rateOf(one.summary)) ? `${(rateOf(summary) / rateOf(one.summary)).toFixed(2)}x` : '-',
    ]),
  );
}

/** Decode + augment images per second: the pool, one worker, the page's own thread. */
export function decodeTable(r: BenchResults): string {
  const rows = r.decode.flatMap((d) => d.results.map((x) => [d.dataset, x.mode, String(x.images), rate(x.imagesPerSecond)]));
  return table(['images of', 'decode + augment on', 'images', 'images/s'], rows);
}

/** Epochs run (stage 1 + stage 2) and augmented views per training image. */
const recipe = (run: StudioRunResult): string =>
  `${run.epochs.stage1}${run.epochs.stage2 > 0 ? ` + ${run.epochs.stage2}` : ''} epochs, ${run.settings.augmentViews} views`;

/** Every studio training run: settings, speed of each stage, Train to final model, held-out accuracy. */
export function timeToAccuracyTable(r: BenchResults): string {
  const rows = r.runs.map(({ dataset, mode, run, fromTwoStage }) => [
    dataset, fromTwoStage ? `${mode} (stage 1 of the two-stage run)` : mode, short(run.backboneId), recipe(run), `${run.backends.embed}${run.backends.fineTune ? ` / ${run.backends.fineTune}` : ''}`,
    String(run.rowsEmbedded), rate(run.embedImagesPerSecond), s(run.stage1Ms), run.stage2Ms > 0 ? s(run.stage2Ms) : '-',
    s(run.trainWallMs), accuracyText(run),
  ]);
  return table(['dataset', 'mode', 'backbone', 'training', 'backend', 'images embedded', 'embed img/s', 'stage 1 s', 'stage 2 s', 'Train to model s', 'held-out accuracy %'], rows);
}

/** Reading each dataset: files, split sizes, time. */
export function ingestTable(r: BenchResults): string {
  const rows = r.ingests.map((i) => [i.dataset, String(i.files), Object.entries(i.counts).map(([k, v]) => `${k} ${v}`).join(', '), s(i.ingestMs)]);
  return table(['dataset', 'files', 'images per split', 'ingest s (list + scan)'], rows);
}

/** The studio's MobileNetV2 0.35 runs against Teachable Machine's on the same images: time ratio and accuracy difference. */
export function peerTable(r: BenchResults): string {
  const rows = r.teachable.flatMap(({ dataset, result: tm }) => {
    const ours = r.runs.filter((x) => x.dataset === dataset && x.run.backboneId === 'mobilenet_v2_0.35_224');
    return ours.map(({ mode, run }) => {
      const acc = heldOutAccuracy(run);
      const points = (acc - tm.heldOutAccuracy) * 100;
      return [
        dataset, `${tm.examples} / ${tm.heldOut}`, `studio ${mode}`, s(run.trainWallMs), s(tm.totalMs),
        (run.trainWallMs / tm.totalMs).toFixed(2), pct(acc), pct(tm.heldOutAccuracy),
        Number.isFinite(points) ? `${points >= 0 ? '+' : ''}${points.toFixed(1)}` : '-',
      ];
    });
  });
  return table(['dataset', 'images (train / held-out)', 'ours', 'ours s', 'Teachable Machine s', 'time ratio (ours / TM)', 'ours accuracy %', 'TM accuracy %', 'accuracy difference (points)'], rows);
}

/** Where Teachable Machine's time goes. */
export function peerDetailTable(r: BenchResults): string {
  const rows = r.teachable.map(({ dataset, result: tm }) => [
    dataset, s(tm.loadMs), s(tm.addExamplesMs), rate(tm.examplesPerSecond), s(tm.trainMs), s(tm.predictMs), s(tm.toModelMs), pct(tm.ownValAccuracy ?? Number.NaN),
    `${tm.backend}${tm.sameTfjs ? '' : ' (NOT the studio\'s tfjs)'}`,
  ]);
  return table(['dataset', 'load s', 'add examples s', 'examples/s', 'train s', 'predict held-out s', 'Train to model s', 'its own validation %', 'backend'], rows);
}

/** The head-only runs by backbone: the speed and accuracy trade-off. */
export function backboneTable(r: BenchResults): string {
  const rows = r.runs.filter((x) => x.mode === 'head-only').map(({ dataset, run }) => [
    short(run.backboneId), dataset, rate(run.embedImagesPerSecond), s(run.trainWallMs), accuracyText(run),
  ]);
  return table(['backbone', 'dataset', 'embed img/s', 'Train to model s', 'held-out accuracy %'], rows);
}

/** One backbone fed images of each size: embedding speed, time to model, accuracy, against the largest size. */
export function inputSizeTable(r: BenchResults): string {
  const largest = [...r.sizes].sort((a, b) => (b.run.settings.inputSizePx ?? 0) - (a.run.settings.inputSizePx ?? 0))[0]?.run;
  const rows = r.sizes.map(({ dataset, run }) => [
    short(run.backboneId), `${run.settings.inputSizePx ?? '-'} px`, dataset, recipe(run), rate(run.embedImagesPerSecond), s(run.embedMs),
    largest ? `${((run.embedMs / largest.embedMs) * 100).toFixed(0)}%` : '-', s(run.trainWallMs), accuracyText(run),
  ]);
  return table(['backbone', 'input', 'dataset', 'training', 'embed img/s', 'embed s', 'embed time vs the largest', 'Train to model s', 'held-out accuracy %'], rows);
}

/** Generated datasets of growing size: time and memory. */
export function scaleTable(r: BenchResults): string {
  const rows = r.scale.map(({ images, sizesPx, ingest, run, ingestMemory, runMemory }) => [
    sizesPx ? `${images} (${sizesPx.join('/')} px)` : String(images), `${short(run.backboneId)}, ${recipe(run)}`, s(ingest.ingestMs), rate((images * 1000) / ingest.ingestMs), s(run.embedMs), rate(run.embedImagesPerSecond), s(run.stage1Ms),
    s(ingest.ingestMs + run.trainWallMs), mb(Math.max(ingestMemory.tabBytes, runMemory.tabBytes)),
    mb(Math.max(ingestMemory.pageHeapBytes, runMemory.pageHeapBytes)), mb(run.cacheBytes), 'not reported (WASM)',
  ]);
  return table(['images', 'training', 'ingest s', 'ingest img/s', 'embed s', 'embed img/s', 'train s', 'ingest + Train to model s', 'peak tab memory (page + workers)', 'peak page JS heap', 'feature cache', 'GPU memory'], rows);
}

/** The page's long tasks (and the tab's memory) during every training run, the studio's and Teachable Machine's. */
export function responsivenessTable(r: BenchResults): string {
  const rows = [
    ...r.runs.filter((x) => !x.fromTwoStage).map(({ dataset, mode, run, memory }) => [
      `studio ${mode}, ${short(run.backboneId)}`, dataset, s(run.trainWallMs), run.longTasks.longestMs.toFixed(0), String(run.longTasks.over50Ms),
      s(run.longTasks.totalMs), mb(memory.tabBytes),
    ]),
    ...r.teachable.map(({ dataset, result, memory }) => [
      `Teachable Machine, ${short('mobilenet_v2_0.35_224')}`, dataset, s(result.totalMs), result.longTasks.longestMs.toFixed(0),
      String(result.longTasks.over50Ms), s(result.longTasks.totalMs), mb(memory.tabBytes),
    ]),
  ];
  return table(['training run', 'dataset', 'run s', 'longest main-thread task ms', 'tasks over 50 ms', 'main thread blocked s (sum of long tasks)', 'peak tab memory'], rows);
}

/** The whole summary in Markdown. */
export function summaryMarkdown(r: BenchResults): string {
  const parts: [string, string][] = [
    ['Throughput per backend and backbone (images/s; median after a warm-up)', throughputTable(r)],
    ['Decode + augment (224 px views)', decodeTable(r)],
    ['Ingest', ingestTable(r)],
    ['Time to accuracy (Train to final model, held-out accuracy)', timeToAccuracyTable(r)],
    ['Side by side with Teachable Machine (same images, same MobileNetV2 0.35 weights, same backend, same epochs)', peerTable(r)],
    ['Teachable Machine, step by step', peerDetailTable(r)],
    ['Backbones (head only)', backboneTable(r)],
    ['Input size (head only)', inputSizeTable(r)],
    ['Scale (generated images)', scaleTable(r)],
    ['Where the time goes: the defaults, before issue 18 and now', profileTable(r.defaults ?? [])],
    ['The defaults before issue 18 and now', beforeNowTable(r.defaults ?? [])],
    ['Time to accuracy: the defaults, and one setting changed at a time', defaultsTable(r.defaults ?? [])],
    ['Responsiveness while training (main thread of the page)', responsivenessTable(r)],
  ];
  const errors = r.errors.map((e) => `- ${e.section}: ${e.message}`).join('\n');
  return [
    `# Fine-Tune Studio benchmarks${r.quick ? ' (quick)' : ''}`,
    `Run ${r.startedAt}, ${s(r.totalMs)} s in all.`,
    environmentText(r),
    ...parts.map(([title, body]) => `## ${title}\n\n${body}`),
    `Sections (s): ${Object.entries(r.sections).map(([k, v]) => `${k} ${s(v)}`).join(', ')}`,
    errors ? `## Errors\n\n${errors}` : '',
  ].filter(Boolean).join('\n\n') + '\n';
}
