/**
 * A run's profile (`RunProfile` in `report.json`): the phases `runPipeline` timed, the start-up its worker
 * timed, and the image pool's decoding, put together in one place.
 */
import type { ImageWork } from '../../data/images';
import type { ExtractTiming } from '../features/extract';
import type { RunProfile } from '../evaluation/report';

/** How the training worker started, as it measured it (absent in Node, where there is no worker). */
export interface RunStartup {
  /** From the worker's creation to its start message. */
  readonly workerStartMs: number;
  /** Starting the backend. */
  readonly backendMs: number;
  /** WASM compute threads (1 on the other backends). */
  readonly wasmThreads: number;
}

/** The image decoding of a run: its pool's `work()` and size. */
export type RunImageWork = ImageWork & { readonly workers: number };

/** What `runPipeline` timed itself (ms). */
export interface PipelinePhases {
  readonly backboneMs: number;
  readonly extract: ExtractTiming;
  readonly headMs: number;
  readonly fineTuneMs: number;
  readonly checkpointMs: number;
  readonly evaluateMs: number;
  readonly fuseMs: number;
}

/** The profile without the leak count, which only the caller of the whole pipeline can take. */
export function runProfile(phases: PipelinePhases, startup: RunStartup | undefined, images: RunImageWork | undefined): Omit<RunProfile, 'tensorsLeaked'> {
  return {
    workerStartMs: startup?.workerStartMs ?? 0,
    backendMs: startup?.backendMs ?? 0,
    wasmThreads: startup?.wasmThreads ?? 1,
    backboneMs: phases.backboneMs,
    featuresMs: phases.extract.computeMs,
    waitForImagesMs: phases.extract.waitMs,
    featureRowsFromEarlierRuns: phases.extract.memoRows ?? 0,
    imageWorkers: images?.workers ?? 0,
    photosDecoded: images?.photosDecoded ?? 0,
    viewsDrawn: images?.viewsDrawn ?? 0,
    imageDecodeMs: images?.decodeMs ?? 0,
    imageDrawMs: images?.drawMs ?? 0,
    headMs: phases.headMs,
    fineTuneMs: phases.fineTuneMs,
    checkpointMs: phases.checkpointMs,
    evaluateMs: phases.evaluateMs,
    fuseMs: phases.fuseMs,
  };
}
