/**
 * One line per finished run, so that runs on the same photos can be compared side by side (backbone, input
 * size, stages, speed, accuracy): what the results view's "Runs compared" table shows and a project keeps.
 */
import type { SplitName } from '../../core/types';
import type { StudioReport } from './report';

export interface RunSummary {
  /** When the report was made (ISO 8601). */
  readonly createdAt: string;
  readonly backbone: string;
  /** Height and width of the images the backbone was fed. */
  readonly inputSizePx: number;
  /** Blocks fine-tuned in stage 2, 0 for head-only (the from-scratch CNN: 1). */
  readonly fineTuneBlocks: number;
  /** Epochs completed, both stages. */
  readonly epochs: number;
  /** Images per training image (1 + augmented views). */
  readonly viewsPerImage: number;
  readonly backend: string;
  readonly embedImagesPerSecond: number;
  /** Features, stage 1 + stage 2, and the whole run, in milliseconds. */
  readonly embedMs: number;
  readonly trainMs: number;
  readonly totalMs: number;
  /** Images per split, to tell whether two runs saw the same data. */
  readonly images: Partial<Record<SplitName, number>>;
  /** Accuracy on each held-out split. */
  readonly accuracy: Partial<Record<SplitName, number>>;
  readonly stoppedByUser: boolean;
}

/** At most this many runs are kept, the latest ones. */
export const MAX_RUN_SUMMARIES = 20;

/** The summary of a finished run's report. */
export function summarizeRun(report: StudioReport): RunSummary {
  const images: Partial<Record<SplitName, number>> = {};
  for (const [split, perClass] of Object.entries(report.counts) as [SplitName, Record<string, number>][]) {
    images[split] = Object.values(perClass).reduce((a, b) => a + b, 0);
  }
  const accuracy: Partial<Record<SplitName, number>> = {};
  for (const evaluation of report.evaluations) accuracy[evaluation.split] = evaluation.accuracy;
  return {
    createdAt: report.createdAt,
    backbone: report.backbone,
    inputSizePx: report.backboneInfo?.inputSizePx ?? report.settings.inputSizePx ?? 224,
    fineTuneBlocks: report.plan.fineTune?.blocks ?? (report.plan.stage2Epochs > 0 ? 1 : 0),
    epochs: report.history.length,
    viewsPerImage: report.plan.viewsPerImage,
    backend: report.backends.fineTune && report.backends.fineTune !== report.backends.embed ? `${report.backends.embed} + ${report.backends.fineTune}` : report.backends.embed,
    embedImagesPerSecond: report.embedImagesPerSecond,
    embedMs: report.timings.embedMs,
    trainMs: report.timings.trainMs + report.timings.fineTuneMs,
    totalMs: report.timings.totalMs,
    images,
    accuracy,
    stoppedByUser: report.stoppedByUser,
  };
}

/** `runs` with `latest` appended, the oldest dropped beyond `MAX_RUN_SUMMARIES`. */
export function appendRun(runs: readonly RunSummary[], latest: RunSummary): RunSummary[] {
  return [...runs, latest].slice(-MAX_RUN_SUMMARIES);
}
