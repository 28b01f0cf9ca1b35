/**
 * Messages between the bench page and the throughput worker (`throughput.worker.ts`), imported by both sides.
 * One worker measures one backend with one backbone, then ends; the page ends it early when its time is up.
 */
import type { BackendName } from '../engine/backend';

/** What to measure: one backend, one backbone. */
export interface ThroughputRequest {
  readonly backend: BackendName;
  readonly backboneId: string;
  /** Batch sizes of the embedding measurements, e.g. [1, 16, 32]. */
  readonly batchSizes: readonly number[];
  /** Timed runs wanted per measurement (after one warm-up). */
  readonly runs: number;
  /**
   * Time the measurements may take (ms), counted once the backend is up and the weights loaded; a measurement
   * that would not fit is skipped, with the reason.
   */
  readonly budgetMs: number;
  /** Rows of random features per head-training run (one epoch); 0: not measured. */
  readonly headRows: number;
  /** Batch size and steps per run of the stage-2 measurement (0 steps: not measured). */
  readonly stage2Batch: number;
  readonly stage2Steps: number;
  /** WASM compute threads (see `InitBackendOptions.wasmThreads`); absent: one. */
  readonly wasmThreads?: number;
}

/** Which part of the engine a measurement times. */
export type MeasureKind = 'embed' | 'head' | 'stage2';

/** One measurement: images per second, the median of `runs` timed runs after a warm-up. */
export interface MeasureResult {
  readonly kind: MeasureKind;
  readonly batchSize: number;
  readonly imagesPerSecond: number;
  /** Median ms of one timed run, each of `imagesPerRun` images. */
  readonly medianMs: number;
  readonly imagesPerRun: number;
  readonly runs: number;
  /** Duration of the warm-up run, ms (shader compilation and first-call costs show here). */
  readonly warmupMs: number;
  /** Set when the measurement was not made, or made with fewer runs than asked: why. */
  readonly note?: string;
}

/** Worker to page, in order: `backend`, then `loaded`, `result`s, `memory`, and `done` or `error` last. */
export type ThroughputEvent =
  | { readonly type: 'backend'; readonly requested: BackendName; readonly name: BackendName; readonly usable: boolean; readonly reason: string }
  | { readonly type: 'loaded'; readonly loadMs: number; readonly sourceUrl: string; readonly stage2Cut: string | null }
  | { readonly type: 'result'; readonly result: MeasureResult }
  /** Largest tfjs memory seen after a measurement; `numBytesInGPU` where the backend reports it. */
  | { readonly type: 'memory'; readonly numBytes: number; readonly numBytesInGPU: number | null }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly message: string };
