/** Messages between the page and the export check worker (`convert.worker.ts`), imported by both sides. */
import type { PhotoFit } from '../../data/images';
import type { ClassifierModel } from '../model/classifierModel';
import type { ParityFigures } from './parity';

/** The formats the worker writes and checks. */
export type ConvertFormat = 'onnx';

/** Page to worker: convert `model`, then check the file on `files` (true class indices in `truth`, -1 unknown). */
export interface ConvertRequest {
  readonly format: ConvertFormat;
  readonly model: ClassifierModel;
  readonly name: string;
  readonly files: readonly Blob[];
  readonly truth: readonly number[];
  readonly fit: PhotoFit;
}

/** Worker to page: the file (once), the check's figures as they grow (the last one `finished`), or an error. */
export type ConvertResponse =
  | { readonly type: 'file'; readonly bytes: Uint8Array; readonly runtime: string; readonly convertMs: number }
  | { readonly type: 'parity'; readonly figures: ParityFigures; readonly finished: boolean }
  | { readonly type: 'error'; readonly message: string };
