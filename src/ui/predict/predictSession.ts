import { useEffect, useState } from 'react';
import { errorMessage } from '../../core/errors';
import type { PhotoFit } from '../../data/images';
import type { ClassifierModel } from '../../engine/model';
import { createPredictor } from '../../engine/predict';
import type { Predictor } from '../../engine/predict';
import type { ActiveClassifier } from '../../state';
import { nextTask } from '../shared/nextTask';
import { useStudio } from '../shared/useStudio';

/**
 * One prediction worker for the page, shared by the prediction panel and the webcam: the classifier is
 * loaded once (MobileNetV2's weights are 14 MB) and each panel sends its own requests. It lives as long as
 * the page; a worker that fails to load is ended and the next call starts another.
 */
let shared: { predictor: Predictor; model: ClassifierModel; ready: Promise<string> } | null = null;

/** The shared predictor with `model` loaded; resolves with it and the backend its worker runs on. */
export function loadedPredictor(model: ClassifierModel): Promise<{ predictor: Predictor; backend: string }> {
  if (shared?.model !== model) {
    const predictor = shared?.predictor ?? createPredictor();
    // The model is copied to the worker: in a task of its own, not in the render that brought it.
    const ready = nextTask().then(() => predictor.load(model)).then(
      (loaded) => loaded.backend,
      (error: unknown) => {
        if (shared?.predictor === predictor) shared = null;
        predictor.dispose();
        throw error;
      },
    );
    shared = { predictor, model, ready };
  }
  const { predictor, ready } = shared;
  return ready.then((backend) => ({ predictor, backend }));
}

/** What a panel needs to predict: the loaded predictor (null while loading or without a classifier). */
export interface PredictorState {
  readonly predictor: Predictor | null;
  readonly backend: string | null;
  readonly error: string | null;
}

const NONE: PredictorState = { predictor: null, backend: null, error: null };

/** Loads `model` in the shared worker when it changes; the state says when it is ready, or why it failed. */
export function usePredictor(model: ClassifierModel | null): PredictorState {
  const [state, setState] = useState<PredictorState & { model: ClassifierModel | null }>({ ...NONE, model: null });
  useEffect(() => {
    if (!model) return undefined;
    let current = true;
    loadedPredictor(model).then(
      ({ predictor, backend }) => current && setState({ predictor, backend, error: null, model }),
      (error: unknown) => current && setState({ ...NONE, error: `The model could not be loaded for prediction: ${errorMessage(error)}`, model }),
    );
    return () => {
      current = false;
    };
  }, [model]);
  // A state left from another model is not this model's.
  return state.model === model && model !== null ? state : NONE;
}

/**
 * How photos are made square for prediction: as the classifier's training run did (its report's settings),
 * else the current training setting.
 */
export function usePredictionFit(classifier: ActiveClassifier | null): PhotoFit {
  const current = useStudio((s) => s.settings.photoFit);
  return classifier?.report?.settings.photoFit ?? current;
}

const modelKeys = new WeakMap<ClassifierModel, number>();
let nextModelKey = 1;

/** A number that stays the same for one model object and differs between models: a React `key`. */
export function modelKey(model: ClassifierModel): number {
  let key = modelKeys.get(model);
  if (key === undefined) {
    key = nextModelKey++;
    modelKeys.set(model, key);
  }
  return key;
}
