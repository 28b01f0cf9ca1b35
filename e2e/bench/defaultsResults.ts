/**
 * The tables of the `defaults` part (see `DEFAULTS` in plan.ts): where a default run's time goes, the studio
 * before and after issue 18 on the same defaults, and the defaults against one setting changed at a time.
 * Pure functions of the results.
 */
import type { RunProfile } from '../../src/engine/evaluation';
import type { StudioRunResult } from '../../src/bench/studioRun';
import { accuracyText, heldOutAccuracy, s, table } from './markdown';
import type { TabMemoryPeak } from './tabMemory';

/** One run of the defaults part. */
export interface DefaultsRow {
  readonly dataset: string;
  /** `before` (the defaults, computed as until issue 18), `defaults`, or the setting changed (`augmentViews 0`). */
  readonly label: string;
  readonly run: StudioRunResult;
  readonly memory: TabMemoryPeak;
}


/** The label of a run with `changed` settings changed from the defaults. */
export function variantLabel(changed: object): string {
  return Object.entries(changed).map(([key, value]) => `${key} ${String(value)}`).join(', ');
}

/** The profile's phases in the order a run goes through them: [label, ms of the run]. The first eight add up to the run, with `other`. */
const PHASES: readonly [string, (p: RunProfile, run: StudioRunResult) => number][] = [
  ['worker start (code)', (p) => p.workerStartMs],
  ['backend start (WASM, threads)', (p) => p.backendMs],
  ['backbone load', (p) => p.backboneMs],
  ['features: backbone compute', (p) => p.featuresMs],
  ['features: waiting for decoded images', (p) => p.waitForImagesMs],
  ['stage 1: head training (checkpoints included)', (p) => p.headMs],
  ['stage 2: fine-tuning', (p) => p.fineTuneMs],
  ['evaluation of the held-out splits', (p) => p.evaluateMs],
  ['fused model (backbone + head, serialised)', (p) => p.fuseMs],
];
/** Busy time of the image workers, beside the features (not added to the run). */
const BESIDE: readonly [string, (p: RunProfile) => number][] = [
  ['beside: image workers decoding', (p) => p.imageDecodeMs],
  ['beside: image workers drawing views (resize, crop, augment)', (p) => p.imageDrawMs],
  ['of stage 1: taking checkpoints for the page to save', (p) => p.checkpointMs],
];

/** Where the time of each `before` and `defaults` run went: one column per run, seconds and share of Train to model. */
export function profileTable(rows: readonly DefaultsRow[]): string {
  const runs = rows.filter((r) => (r.label === 'before' || r.label === 'defaults') && r.run.profile);
  const cell = (ms: number, run: StudioRunResult): string => `${s(ms)} (${((ms / run.trainWallMs) * 100).toFixed(0)}%)`;
  const sequential = (run: StudioRunResult): number => PHASES.reduce((sum, [, of]) => sum + of(run.profile as RunProfile, run), 0);
  const body = [
    ...PHASES.map(([label, of]) => [label, ...runs.map(({ run }) => cell(of(run.profile as RunProfile, run), run))]),
    ['other (events, page, progress, the report)', ...runs.map(({ run }) => cell(run.trainWallMs - sequential(run), run))],
    ['**Train to model (wall)**', ...runs.map(({ run }) => `**${s(run.trainWallMs)}**`)],
    ...BESIDE.map(([label, of]) => [label, ...runs.map(({ run }) => s(of(run.profile as RunProfile)))]),
    ['photos decoded / views drawn', ...runs.map(({ run }) => `${run.profile?.photosDecoded} / ${run.profile?.viewsDrawn}`)],
    ['WASM threads / image workers', ...runs.map(({ run }) => `${run.profile?.wasmThreads} / ${run.profile?.imageWorkers}`)],
    ['tensors left by the run', ...runs.map(({ run }) => String(run.profile?.tensorsLeaked))],
  ];
  return table(['phase (s, share of Train to model)', ...runs.map((r) => `${r.dataset} ${r.label === 'before' ? 'before' : 'now'}`)], body);
}

/** The defaults computed as before issue 18 and as now, side by side: time ratio, accuracy, the page's long tasks. */
export function beforeNowTable(rows: readonly DefaultsRow[]): string {
  const body = [...new Set(rows.map((r) => r.dataset))].flatMap((dataset) => {
    const before = rows.find((r) => r.dataset === dataset && r.label === 'before')?.run;
    const now = rows.find((r) => r.dataset === dataset && r.label === 'defaults')?.run;
    if (!before || !now) return [];
    return [[
      dataset, String(now.rowsEmbedded), `${before.embedImagesPerSecond.toFixed(1)} → ${now.embedImagesPerSecond.toFixed(1)}`,
      `${s(before.trainWallMs)} → ${s(now.trainWallMs)}`, `${(before.trainWallMs / now.trainWallMs).toFixed(2)}x`,
      `${accuracyText(before)} → ${accuracyText(now)}`,
      `${before.profile?.photosDecoded ?? '-'} → ${now.profile?.photosDecoded ?? '-'}`,
      `${before.longTasks.longestMs.toFixed(0)} / ${now.longTasks.longestMs.toFixed(0)}`,
    ]];
  });
  return table(['dataset (defaults)', 'rows embedded', 'features img/s before → now', 'Train to model s before → now', 'speed-up', 'held-out accuracy % before → now', 'photos decoded before → now', 'longest main-thread task ms before / now'], body);
}

/** Each setting changed from the defaults: rows, time, accuracy, against the defaults' run on the same dataset. */
export function defaultsTable(rows: readonly DefaultsRow[]): string {
  const body = rows.filter((r) => r.label !== 'before').map(({ dataset, label, run }) => {
    const base = rows.find((r) => r.dataset === dataset && r.label === 'defaults')?.run ?? rows.find((r) => r.dataset === dataset && r.label !== 'before')?.run;
    const points = base ? (heldOutAccuracy(run) - heldOutAccuracy(base)) * 100 : Number.NaN;
    return [
      dataset, label, String(run.rowsEmbedded), run.embedImagesPerSecond.toFixed(1), s(run.embedMs), s(run.stage1Ms), String(run.epochs.stage1),
      s(run.trainWallMs), base ? `${(run.trainWallMs / base.trainWallMs).toFixed(2)}` : '-', accuracyText(run),
      Number.isFinite(points) ? `${points >= 0 ? '+' : ''}${points.toFixed(1)}` : '-',
    ];
  });
  return table(
    ['dataset', 'settings (defaults, or the one changed)', 'rows embedded', 'features img/s', 'features s', 'head s', 'head epochs', 'Train to model s', 'time vs the defaults (or first) row', 'held-out accuracy %', 'points vs the defaults (or first) row'],
    body,
  );
}

/** The `trust` part: per dataset and variant, each held-out split's plain and averaged accuracy, its calibration and the search's pick. */
export function trustTable(rows: readonly DefaultsRow[]): string {
  const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  const body = rows.flatMap(({ dataset, label, run }) =>
    (['val', 'test'] as const).flatMap((split) =>
      run.accuracy[split] === undefined
        ? []
        : [[
            dataset, label, split, pct(run.accuracy[split]), pct(run.trust?.ttaAccuracy[split]),
            `${pct(run.trust?.ece[split]?.before)} -> ${pct(run.trust?.ece[split]?.after)}`,
            run.trust?.searchBest ? `${JSON.stringify(run.trust.searchBest.settings)} (${pct(run.trust.searchBest.valAccuracy)} val, ${s(run.trust.searchBest.ms)})` : '-',
            s(run.trainWallMs),
          ]],
    ),
  );
  return table(['dataset', 'run (defaults +)', 'split', 'accuracy', 'with TTA', 'ECE before -> after', 'search: best (val, time)', 'Train to model'], body);
}
