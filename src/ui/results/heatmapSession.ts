import { useMemo } from 'react';
import type { PhotoFit } from '../../data/images';
import type { ClassifierModel } from '../../engine/model';
import { DEFAULT_OCCLUSION_GRID } from '../../engine/predict';
import type { HeatmapAnswer, Predictor } from '../../engine/predict';
import { usePredictionFit, usePredictor } from '../predict/predictSession';
import { useStudio } from '../shared/useStudio';

/** What the results' heatmaps are computed with: the studio's active classifier, in the shared prediction worker. */
export interface HeatmapSession {
  /** The occlusion heatmap of `file` for class `label`, computed in the worker once per classifier, file, class and fit. */
  explain(file: Blob, label: string): Promise<HeatmapAnswer>;
  /** The classifier's name. */
  readonly classifierName: string;
  /** False when the active classifier is not the one the shown results come from (another run, an imported model). */
  readonly sameRun: boolean;
}

/** Answers kept per model object and file, keyed by `fit|label`; a failed computation is forgotten so that a click retries it. */
const cache = new WeakMap<ClassifierModel, WeakMap<Blob, Map<string, Promise<HeatmapAnswer>>>>();

function cachedHeatmap(predictor: Predictor, model: ClassifierModel, fit: PhotoFit, file: Blob, label: string): Promise<HeatmapAnswer> {
  let byFile = cache.get(model);
  if (!byFile) cache.set(model, (byFile = new WeakMap()));
  let byKey = byFile.get(file);
  if (!byKey) byFile.set(file, (byKey = new Map()));
  const key = `${fit}|${label}`;
  const known = byKey.get(key);
  if (known) return known;
  const answer = predictor.heatmap({ file }, { label, fit });
  byKey.set(key, answer);
  answer.catch(() => byKey.delete(key));
  return answer;
}

/**
 * The heatmap session of the results panel: null while there is no classifier or it is still loading in
 * the worker; `error` says why it could not load.
 */
export function useHeatmapSession(): { session: HeatmapSession | null; error: string | null } {
  const classifier = useStudio((s) => s.classifier);
  const report = useStudio((s) => s.run.report);
  const model = classifier?.model ?? null;
  const { predictor, error } = usePredictor(model);
  const fit = usePredictionFit(classifier);
  const name = classifier?.name ?? '';
  // By date as well as by object: a reopened project restores the two as separate copies.
  const sameRun = classifier?.report != null && report !== null && (classifier.report === report || classifier.report.createdAt === report.createdAt);
  const session = useMemo<HeatmapSession | null>(
    () =>
      predictor && model
        ? { explain: (file, label) => cachedHeatmap(predictor, model, fit, file, label), classifierName: name, sameRun }
        : null,
    [predictor, model, fit, name, sameRun],
  );
  return { session, error };
}

/** The sentence above a gallery with Heatmap buttons: how the heat is measured, and with which classifier. */
export function heatmapNote(session: HeatmapSession): string {
  const model = session.sameRun ? "this run's classifier" : `the active classifier (${session.classifierName}), not this run's`;
  return (
    `Heatmap: a grey square of a quarter of the side is laid over the photo at ${DEFAULT_OCCLUSION_GRID} x ${DEFAULT_OCCLUSION_GRID} places and ${model} classifies each copy ` +
    'in a worker; red marks where hiding the photo lowers its confidence in the predicted class most.'
  );
}
