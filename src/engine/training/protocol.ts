/**
 * Messages between the page and the training worker (`train.worker.ts`), imported by both sides so the two
 * cannot drift.
 */
import type { Dataset } from '../../core/types';
import type { BackendName } from '../backend/backend';
import type { CustomBackbone } from '../backbones/customBackbone';
import type { PackedCheckpoint } from './checkpoint';
import type { TrainEvent } from './events';
import type { TrainSettings } from './settings';

export const TRAIN_REQUEST = { start: 'start', stop: 'stop', evaluate: 'evaluate', pause: 'pause', resume: 'resume' } as const;

/** What the bench may change in how a run computes (never what it computes). */
export interface RunTuning {
  /** WASM compute threads instead of one per logical core; 1 runs the single-threaded build. */
  readonly wasmThreads?: number;
  /** Decode a training photo again for each of its views, as the studio did before one decode per photo. */
  readonly decodeEachView?: boolean;
  /** WASM's own matrix multiply for transposed operands, without the studio's faster path (see `wasmGradients.ts`). */
  readonly plainMatMul?: boolean;
}

/** Page to worker. `files[item.fileIndex]` is the image of each dataset item. */
export type TrainRequest =
  | {
      readonly type: typeof TRAIN_REQUEST.start;
      readonly dataset: Dataset;
      readonly files: readonly Blob[];
      readonly settings: TrainSettings;
      readonly ingestMs: number;
      readonly backend: 'auto' | BackendName;
      /** Send a `checkpoint` event after every epoch. */
      readonly checkpoints?: boolean;
      /** Go on from this checkpoint of a run with the same dataset and settings (see `RunRequest.resumeFrom`). */
      readonly resumeFrom?: PackedCheckpoint;
      /** The backbone when it is a model of the user's own (`settings.backboneId` is its id), with its files when it came as files. */
      readonly customBackbone?: CustomBackbone;
      /** Another configuration than the studio's own, for the bench's side-by-side runs (the studio leaves it out). */
      readonly tuning?: RunTuning;
      /** Feature rows of earlier runs with this backbone (see `featureMemo.ts`), by key. */
      readonly featureRows?: ReadonlyMap<string, Float32Array>;
    }
  | { readonly type: typeof TRAIN_REQUEST.stop }
  /** Hold the run before its next batch until `resume`; `stop` still works while paused. */
  | { readonly type: typeof TRAIN_REQUEST.pause }
  | { readonly type: typeof TRAIN_REQUEST.resume }
  /** Evaluate the head on the held-out splits at the end of the current epoch. */
  | { readonly type: typeof TRAIN_REQUEST.evaluate };

/** Worker to page: the run's events, in order; checkpoints packed (their bytes in Blobs, see `PackedCheckpoint`). */
export type TrainResponse = Exclude<TrainEvent, { type: 'checkpoint' }> | { readonly type: 'checkpoint'; readonly checkpoint: PackedCheckpoint };

/**
 * Everything the worker posts: the run's events, and the feature rows the run computed, for the next runs
 * (sent just before the run's last event; the client keeps them and passes on only the events).
 */
export type TrainWorkerMessage = TrainResponse | { readonly type: 'featureRows'; readonly rows: ReadonlyMap<string, Float32Array> };
