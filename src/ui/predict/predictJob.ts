import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../core/errors';
import type { PhotoFit } from '../../data/images';
import type { FilePrediction, Predictor } from '../../engine/predict';
import type { PickedFile } from '../../state';
import { predictInputs } from './predictFiles';
import type { PredictInput, PredictSkipped } from './predictFiles';

/** One prediction over the files the user gave, as it goes. */
export interface PredictJob {
  readonly inputs: readonly PredictInput[];
  readonly skipped: readonly PredictSkipped[];
  /** Answers so far, in the order they came. */
  readonly results: readonly FilePrediction[];
  readonly done: number;
  readonly status: 'running' | 'done' | 'cancelled' | 'error';
  readonly message: string | null;
}

/**
 * Runs predictions on the files given, one job at a time (a new one cancels the one running), every class
 * ranked so the panel can show any top-k without asking again; `tta` averages the test-time views. `cancel` stops the running job and keeps
 * what it answered. Unmounting cancels.
 */
export function usePredictJob(predictor: Predictor | null, fit: PhotoFit, classCount: number, tta = false) {
  const [job, setJob] = useState<PredictJob | null>(null);
  const controller = useRef<AbortController | null>(null);

  const start = useCallback(
    (picked: readonly PickedFile[]) => {
      if (!predictor) return;
      controller.current?.abort();
      const mine = new AbortController();
      controller.current = mine;
      const { inputs, skipped } = predictInputs(picked);
      const update = (patch: Partial<PredictJob>): void => {
        if (controller.current === mine) setJob((j) => (j ? { ...j, ...patch } : j));
      };
      setJob({ inputs, skipped, results: [], done: 0, status: 'running', message: null });
      const received: FilePrediction[] = [];
      predictor
        .classifyFiles(inputs.map((i) => i.file), {
          topK: classCount,
          fit,
          tta,
          signal: mine.signal,
          onProgress: (done, _total, results) => {
            received.push(...results);
            update({ done, results: [...received] });
          },
        })
        .then(
          (results) => update({ results, done: inputs.length, status: 'done' }),
          (error: unknown) => {
            if (mine.signal.aborted) update({ status: 'cancelled' });
            else update({ status: 'error', message: `Prediction failed: ${errorMessage(error)}` });
          },
        );
    },
    [predictor, fit, classCount, tta],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  useEffect(() => () => controller.current?.abort(), []);
  return { job, start, cancel };
}
