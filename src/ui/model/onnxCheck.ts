import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../core/errors';
import type { PhotoFit } from '../../data/images';
import { convertAndCheck, NO_PARITY } from '../../engine/convert';
import type { ParityFigures } from '../../engine/convert';
import type { ActiveClassifier } from '../../state';
import { nextTask } from '../shared/nextTask';
import { useStudio } from '../shared/useStudio';
import { validationSet } from './exportAccuracy';

/** The ONNX file of the active classifier and its parity check, as they arrive. */
export interface OnnxCheck {
  readonly status: 'converting' | 'checking' | 'done' | 'error';
  /** The converted file (what Download zips), once converted. */
  readonly bytes: Uint8Array | null;
  readonly runtime: string;
  readonly convertMs: number;
  readonly figures: ParityFigures;
  /** Why the check has no images (no dataset open, other classes), or null. */
  readonly noImages: string | null;
  readonly message?: string;
}

/**
 * Converts the classifier to ONNX in a worker and checks that file in onnxruntime-web on the open dataset's
 * validation images (the same as the accuracy of the other weight types), once per model, dataset and fit.
 */
export function useOnnxCheck(classifier: ActiveClassifier, fit: PhotoFit): OnnxCheck {
  const dataset = useStudio((s) => s.dataset);
  const files = useStudio((s) => s.files);
  const labels = classifier.model.labels;
  const set = useMemo(() => validationSet(dataset, files, labels), [dataset, files, labels]);
  const noImages = typeof set === 'string' ? set : null;
  const start: OnnxCheck = { status: 'converting', bytes: null, runtime: '', convertMs: 0, figures: NO_PARITY, noImages };
  const [check, setCheck] = useState<{ readonly key: unknown; readonly value: OnnxCheck }>({ key: null, value: start });
  const key = useMemo(() => ({ classifier, set, fit }), [classifier, set, fit]);

  useEffect(() => {
    const abort = new AbortController();
    const update = (change: Partial<OnnxCheck>): void => {
      if (!abort.signal.aborted) setCheck((c) => ({ key, value: { ...(c.key === key ? c.value : start), ...change } }));
    };
    const images = typeof set === 'string' ? { files: [], truth: [] } : set;
    // The model is copied to the worker: in a task of its own.
    void nextTask()
      .then(() =>
        abort.signal.aborted
          ? null
          : convertAndCheck(
              {
                format: 'onnx', model: classifier.model, name: classifier.name, fit,
                files: images.files, truth: images.truth.map((t) => labels.indexOf(t)),
              },
              {
                onFile: (bytes, runtime, convertMs) => update({ status: 'checking', bytes, runtime, convertMs }),
                onParity: (figures) => update({ figures }),
              },
              abort.signal,
            ),
      )
      .then(
        (figures) => figures && update({ status: 'done', figures }),
        (error: unknown) => update({ status: 'error', message: errorMessage(error) }),
      );
    return () => abort.abort();
    // `start` and `labels` follow from `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return check.key === key ? check.value : start;
}
