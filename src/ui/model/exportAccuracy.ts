import { useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../core/errors';
import type { Dataset } from '../../core/types';
import type { PhotoFit } from '../../data/images';
import type { ClassifierModel } from '../../engine/model';
import { quantizedClassifier } from '../../engine/model';
import type { WeightDtype } from '../../engine/model';
import { createPredictor } from '../../engine/predict';
import type { Predictor } from '../../engine/predict';
import { nextTask } from '../shared/nextTask';
import { useStudio } from '../shared/useStudio';

/** Accuracy of one weight type on the validation images, while measured and once done. */
export interface AccuracyMeasure {
  readonly status: 'running' | 'done' | 'error';
  /** Images classified so far, of `total`. */
  readonly done: number;
  readonly total: number;
  readonly correct: number;
  /** Images the worker could not read (left out of the accuracy). */
  readonly unreadable: number;
  readonly message?: string;
}

/** The validation images of a dataset and their true class names. */
export interface ValidationSet {
  readonly files: readonly Blob[];
  readonly truth: readonly string[];
}

/** The dataset's `val` images when the dataset's classes are the model's labels; else why there are none. */
export function validationSet(dataset: Dataset | null, files: readonly Blob[], labels: readonly string[]): ValidationSet | string {
  if (!dataset) return 'Open the dataset the model was trained on to measure its accuracy.';
  const same = dataset.classes.length === labels.length && dataset.classes.every((c) => labels.includes(c));
  if (!same) return `The open dataset's classes (${dataset.classes.join(', ')}) are not the model's: no accuracy to measure.`;
  const items = dataset.items.filter((i) => i.split === 'val' && files[i.fileIndex] !== undefined);
  if (items.length === 0) return 'The open dataset has no validation images.';
  return { files: items.map((i) => files[i.fileIndex] as Blob), truth: items.map((i) => dataset.classes[i.classIndex] as string) };
}

/**
 * Accuracy on the open dataset's validation images of the model as float32 and as the chosen `dtype`
 * exports it (weights quantized, then decoded as tfjs decodes them on load), measured one after the other
 * in a prediction worker of its own (`createPredictor`), so the prediction panel's worker keeps its model.
 * Results are kept per weight type; a new dataset or photo fit measures again.
 */
export function useExportAccuracy(model: ClassifierModel, dtype: WeightDtype, fit: PhotoFit): { readonly results: Partial<Record<WeightDtype, AccuracyMeasure>>; readonly reason: string | null } {
  const dataset = useStudio((s) => s.dataset);
  const files = useStudio((s) => s.files);
  const set = useMemo(() => validationSet(dataset, files, model.labels), [dataset, files, model.labels]);
  const [state, setState] = useState<{ readonly key: unknown; readonly results: Partial<Record<WeightDtype, AccuracyMeasure>> }>({ key: null, results: {} });
  const session = useRef<{ predictor: Predictor; queue: Promise<void>; key: unknown; started: Set<WeightDtype>; abort: AbortController } | null>(null);
  const key = useMemo(() => ({ set, fit }), [set, fit]);

  useEffect(() => {
    if (typeof set === 'string') return;
    if (session.current?.key !== key) {
      session.current?.abort.abort();
      session.current?.predictor.dispose();
      session.current = { predictor: createPredictor(), queue: Promise.resolve(), key, started: new Set(), abort: new AbortController() };
    }
    const current = session.current;
    const update = (d: WeightDtype, measure: AccuracyMeasure): void => {
      if (!current.abort.signal.aborted) setState((s) => ({ key, results: { ...(s.key === key ? s.results : {}), [d]: measure } }));
    };
    for (const d of new Set<WeightDtype>(['float32', dtype])) {
      if (current.started.has(d)) continue;
      current.started.add(d);
      const weights = (): ClassifierModel => (d === 'float32' ? model : quantizedClassifier(model, d));
      current.queue = current.queue.then(() => measure(current.predictor, weights, set, fit, current.abort.signal, (m) => update(d, m)));
    }
  }, [model, dtype, set, fit, key]);

  // The worker ends with the panel.
  useEffect(
    () => () => {
      session.current?.abort.abort();
      session.current?.predictor.dispose();
      session.current = null;
    },
    [],
  );

  return { results: state.key === key ? state.results : {}, reason: typeof set === 'string' ? set : null };
}

/** Loads `weights()` in `predictor` and classifies the validation images, reporting as it goes. Never rejects. */
async function measure(
  predictor: Predictor, weights: () => ClassifierModel, set: ValidationSet, fit: PhotoFit, signal: AbortSignal, report: (m: AccuracyMeasure) => void,
): Promise<void> {
  const total = set.files.length;
  let correct = 0;
  let unreadable = 0;
  report({ status: 'running', done: 0, total, correct, unreadable });
  try {
    // Quantizing and copying the weights to the worker: each in a task of its own.
    await nextTask();
    if (signal.aborted) return;
    const model = weights();
    await nextTask();
    if (signal.aborted) return;
    await predictor.load(model);
    await predictor.classifyFiles(set.files, {
      topK: 1, fit, signal,
      onProgress: (done, _total, results) => {
        for (const r of results) {
          if ('error' in r) unreadable++;
          else if (r.top[0]?.label === set.truth[r.index]) correct++;
        }
        report({ status: 'running', done, total, correct, unreadable });
      },
    });
    report({ status: 'done', done: total, total, correct, unreadable });
  } catch (error) {
    if (!signal.aborted) report({ status: 'error', done: 0, total, correct, unreadable, message: errorMessage(error) });
  }
}
