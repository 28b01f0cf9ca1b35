/**
 * The one check of a `StudioReport` read back from outside the engine: a project file or storage (state) and
 * the `report.json` of an imported model (engine/model). Plain TypeScript on `core/check.ts`, no tfjs, so
 * the page can check an import without loading TensorFlow.js.
 */
import { ShapeError, array, integer, number, object, oneOf, string, strings } from '../../core/check';
import { SPLIT_NAMES } from '../../core/types';
import type { SkippedFile, SplitName } from '../../core/types';
import type { EpochMetrics } from '../training/metrics';
import type { Evaluation, StudioReport } from './report';

const SPLITS = SPLIT_NAMES as readonly SplitName[];

/** The files a run (or a dataset) left out, each with the reason. */
export function checkSkipped(value: unknown, where: string): SkippedFile[] {
  return array(value, where).map((s, i) => {
    const skip = object(s, `${where}[${i}]`);
    return { file: string(skip.file, `${where}[${i}].file`), reason: string(skip.reason, `${where}[${i}].reason`) };
  });
}

/** A list of epoch metrics (a report's or a saved run's history), with JSON's nulls read back as NaN. */
export function checkHistory(value: unknown, where: string): EpochMetrics[] {
  return array(value, where).map((m, i) => {
    const e = object(m, `${where}[${i}]`);
    integer(e.epoch, `${where}[${i}].epoch`, 1);
    // JSON writes NaN (no validation set) as null: read it back as NaN.
    const numbers = Object.fromEntries(
      ['loss', 'accuracy', 'valLoss', 'valAccuracy', 'elapsedMs'].map((key) => [key, number(e[key], `${where}[${i}].${key}`, { allowNonFinite: true })]),
    );
    return { ...e, ...numbers } as unknown as EpochMetrics;
  });
}

/** One split's evaluation for `classCount` classes. */
function checkEvaluation(value: unknown, where: string, classCount: number): Evaluation {
  const e = object(value, where);
  oneOf(e.split, SPLITS, `${where}.split`);
  number(e.accuracy, `${where}.accuracy`);
  const matrix = array(e.confusionMatrix, `${where}.confusionMatrix`);
  if (matrix.length !== classCount) throw new ShapeError(`${where}.confusionMatrix`, `has ${matrix.length} rows for ${classCount} classes`);
  matrix.forEach((row, t) => {
    const cells = array(row, `${where}.confusionMatrix[${t}]`);
    if (cells.length !== classCount) throw new ShapeError(`${where}.confusionMatrix[${t}]`, `has ${cells.length} cells for ${classCount} classes`);
    cells.forEach((c, p) => integer(c, `${where}.confusionMatrix[${t}][${p}]`));
  });
  array(e.perClass, `${where}.perClass`).forEach((c, i) => string(object(c, `${where}.perClass[${i}]`).class, `${where}.perClass[${i}].class`));
  object(e.macroAvg, `${where}.macroAvg`);
  object(e.weightedAvg, `${where}.weightedAvg`);
  return e as unknown as Evaluation;
}

/**
 * A `report.json` (format version 1) as the results views read it: every field they use has its type, each
 * confusion matrix is classes x classes of whole numbers. Returns the value itself, typed (NaN losses stay
 * null, as JSON wrote them); throws a `ShapeError` naming the first problem under `where`.
 */
export function checkReport(value: unknown, where: string): StudioReport {
  const r = object(value, where);
  if (r.version !== 1) throw new ShapeError(`${where}.version`, 'is not 1');
  string(r.backbone, `${where}.backbone`);
  string(r.backend, `${where}.backend`);
  const classes = strings(r.classes, `${where}.classes`);
  checkEvaluation(r.evaluation, `${where}.evaluation`, classes.length);
  array(r.evaluations, `${where}.evaluations`).forEach((e, i) => checkEvaluation(e, `${where}.evaluations[${i}]`, classes.length));
  checkHistory(r.history, `${where}.history`);
  checkSkipped(r.skipped, `${where}.skipped`);
  if (r.readingWarnings !== undefined) {
    array(r.readingWarnings, `${where}.readingWarnings`).forEach((n, i) => {
      const note = object(n, `${where}.readingWarnings[${i}]`);
      string(note.code, `${where}.readingWarnings[${i}].code`);
      string(note.message, `${where}.readingWarnings[${i}].message`);
    });
  }
  array(r.predictions, `${where}.predictions`).forEach((p, i) => {
    const at = `${where}.predictions[${i}]`;
    const pr = object(p, at);
    string(pr.file, `${at}.file`);
    oneOf(pr.split, SPLITS, `${at}.split`);
    string(pr.trueClass, `${at}.trueClass`);
    string(pr.predictedClass, `${at}.predictedClass`);
    number(pr.confidence, `${at}.confidence`);
  });
  const timings = object(r.timings, `${where}.timings`);
  for (const key of ['ingestMs', 'embedMs', 'trainMs', 'totalMs']) number(timings[key], `${where}.timings.${key}`);
  number(r.embedImagesPerSecond, `${where}.embedImagesPerSecond`);
  object(r.mistakes, `${where}.mistakes`);
  object(r.settings, `${where}.settings`);
  object(r.plan, `${where}.plan`);
  array(r.stages, `${where}.stages`);
  object(r.counts, `${where}.counts`);
  // The calibration is drawn by the results view: its numbers must be numbers.
  if (r.calibration !== undefined) {
    array(r.calibration, `${where}.calibration`).forEach((c, i) => {
      const at = `${where}.calibration[${i}]`;
      const cal = object(c, at);
      oneOf(cal.split, SPLITS, `${at}.split`);
      for (const key of ['temperature', 'eceBefore', 'eceAfter', 'rejectedShare']) number(cal[key], `${at}.${key}`);
      for (const key of ['reliabilityBefore', 'reliabilityAfter']) {
        if (cal[key] === undefined) continue;
        array(cal[key], `${at}.${key}`).forEach((b, j) => {
          const bin = object(b, `${at}.${key}[${j}]`);
          for (const k of ['count', 'confidence', 'accuracy']) number(bin[k], `${at}.${key}[${j}].${k}`);
        });
      }
    });
  }
  if (r.unknownThreshold !== undefined) number(r.unknownThreshold, `${where}.unknownThreshold`);
  // The label issues are listed by the results view, each with its file and classes.
  if (r.labelIssues !== undefined) {
    array(r.labelIssues, `${where}.labelIssues`).forEach((l, i) => {
      const at = `${where}.labelIssues[${i}]`;
      const issue = object(l, at);
      for (const key of ['file', 'given', 'suggested']) string(issue[key], `${at}.${key}`);
      oneOf(issue.split, SPLITS, `${at}.split`);
      number(issue.score, `${at}.score`);
    });
    const method = object(r.labelIssuesMethod, `${where}.labelIssuesMethod`);
    for (const key of ['folds', 'images']) number(method[key], `${where}.labelIssuesMethod.${key}`);
  }
  // The search's table is drawn by the results view: every trial's settings and scores must be numbers.
  if (r.settingsSearch !== undefined) {
    const search = object(r.settingsSearch, `${where}.settingsSearch`);
    const trial = (t: unknown, at: string): void => {
      const o = object(t, at);
      for (const key of ['candidate', 'rung', 'epochs', 'valAccuracy', 'ms']) number(o[key], `${at}.${key}`);
      const settings = object(o.settings, `${at}.settings`);
      for (const key of ['learningRate', 'dropout', 'labelSmoothing', 'hiddenUnits']) number(settings[key], `${at}.settings.${key}`);
    };
    array(search.trials, `${where}.settingsSearch.trials`).forEach((t, i) => trial(t, `${where}.settingsSearch.trials[${i}]`));
    trial(search.best, `${where}.settingsSearch.best`);
  }
  return r as unknown as StudioReport;
}
