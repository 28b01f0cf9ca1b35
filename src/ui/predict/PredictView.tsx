import { useMemo, useState } from 'react';
import type { DragEvent } from 'react';
import { errorMessage } from '../../core/errors';
import type { ActiveClassifier, PickedFile } from '../../state';
import { downloadText } from '../shared/download';
import { PredictLabelMap } from './PredictLabelMap';
import { PredictProblems } from './PredictProblems';
import { LabelFirst } from './LabelFirst';
import { PredictResults } from './PredictResults';
import { predictCsv, predictRows } from './predictFiles';
import { usePredictJob } from './predictJob';
import { usePredictionFit, usePredictor } from './predictSession';
import { PredictSummary } from './PredictSummary';
import { readDrop, readInput } from '../dataset/readDrop';
import { useStudio } from '../shared/useStudio';

/**
 * Files or a folder in (chosen or dropped), every image classified in the prediction worker with progress
 * and Cancel, the results as a grid and a table, unreadable files with their reason, and `predictions.csv`
 * (`file,label,confidence`) with the label mapping chosen.
 */
export function PredictView({ classifier }: { readonly classifier: ActiveClassifier }) {
  const labels = classifier.model.labels;
  const { predictor, backend, error: loadError } = usePredictor(classifier.model);
  const fit = usePredictionFit(classifier);
  // Test-time augmentation as the training options ask for it, changeable here.
  const ttaSetting = useStudio((s) => s.settings.testTimeAugmentation);
  const [tta, setTta] = useState(ttaSetting);
  const { job, start, cancel } = usePredictJob(predictor, fit, labels.length, tta);
  const [topK, setTopK] = useState(Math.min(3, labels.length));
  const [mapping, setMapping] = useState<ReadonlyMap<string, string>>(new Map());
  const [dragging, setDragging] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);
  const rows = useMemo(() => (job ? predictRows(job.inputs, job.results) : []), [job]);
  const unreadable = useMemo(() => rows.flatMap((r) => ('error' in r ? [{ name: r.name, reason: r.error }] : [])), [rows]);
  const problems = useMemo(() => [...unreadable, ...(job?.skipped ?? [])], [job, unreadable]);
  const running = job?.status === 'running';
  // The images the dataset left unlabelled (a test set without answers), ready to classify in one click.
  const unlabelled = useStudio((s) => s.dataset?.unlabelled);
  const sources = useStudio((s) => s.sources);
  const unlabelledFiles = useMemo(
    () => (unlabelled ?? []).flatMap((u) => sources[u.fileIndex] ?? []),
    [unlabelled, sources],
  );

  const give = (read: Promise<PickedFile[]>): void => {
    setReadError(null);
    read.then(
      (picked) => picked.length > 0 && start(picked),
      (reason: unknown) => setReadError(`Could not read what was given: ${errorMessage(reason)}`),
    );
  };
  const onDrop = (event: DragEvent<HTMLElement>): void => {
    event.preventDefault();
    setDragging(false);
    if (predictor) give(readDrop(event.dataTransfer.items));
  };
  const fileInput = (folder: boolean) => (
    <input
      type="file"
      multiple
      className="file-input"
      disabled={!predictor}
      data-testid={folder ? 'predict-folder-input' : 'predict-input'}
      accept={folder ? undefined : 'image/*'}
      ref={(input) => {
        if (input) input.webkitdirectory = folder;
      }}
      onChange={(event) => {
        const files = event.currentTarget.files;
        if (files && files.length > 0) give(Promise.resolve(readInput(files)));
        event.currentTarget.value = '';
      }}
    />
  );

  return (
    <section
      className={`panel drop-zone${dragging ? ' dragging' : ''}`}
      aria-label="Classify new images"
      data-testid="predict-panel"
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2>Classify new images</h2>
      <p>
        Drop images or a folder of unlabelled images here, or choose them: <strong>{classifier.name}</strong>&apos;s
        classifier ({labels.length} classes) gives each its most likely classes. Photos are made square as in
        training ({fit}). Nothing is uploaded.
      </p>
      <div className="ways-in">
        <label className={`button primary${predictor ? '' : ' disabled'}`}>
          Choose images…
          {fileInput(false)}
        </label>
        <label className={`button${predictor ? '' : ' disabled'}`}>
          Choose a folder of images…
          {fileInput(true)}
        </label>
        {unlabelledFiles.length > 0 && (
          <button
            type="button"
            disabled={!predictor || running}
            data-testid="classify-unlabelled"
            onClick={() => start(unlabelledFiles)}
          >
            Classify the dataset&apos;s {unlabelledFiles.length} unlabelled images
          </button>
        )}
        <label className="inline-field">
          Classes shown per image{' '}
          <input
            type="number"
            min={1}
            max={labels.length}
            value={topK}
            onChange={(e) => setTopK(Math.max(1, Math.min(labels.length, Math.round(Number(e.target.value)) || 1)))}
          />
        </label>
        <label className="inline-field" title="Also classify each image mirrored and in three 85% crops, and average the five answers (five times the work)">
          <input type="checkbox" checked={tta} onChange={(e) => setTta(e.target.checked)} /> Test-time augmentation
        </label>
        <span className="muted" data-testid="predict-backend">
          {predictor ? `Model loaded (${backend ?? '?'}).` : loadError ? '' : 'Loading the model…'}
        </span>
      </div>
      {(loadError ?? readError ?? job?.message) && (
        <p className="error" role="alert" data-testid="predict-failure">
          {loadError ?? readError ?? job?.message}
        </p>
      )}
      {job && (
        <div className="progress" data-testid="predict-progress" role="status">
          <progress value={job.done} max={Math.max(1, job.inputs.length)} aria-label="Classifying images" />
          <span data-testid="predict-progress-detail">
            {running ? 'Classifying…' : job.status === 'cancelled' ? 'Cancelled:' : 'Done:'} {job.done} / {job.inputs.length} images
          </span>
          {running && (
            <button type="button" onClick={cancel}>
              Cancel prediction
            </button>
          )}
        </div>
      )}
      {job && !running && rows.length > 0 && <PredictSummary rows={rows} />}
      <PredictProblems problems={problems} unreadable={unreadable.length} />
      {rows.length > 0 && (
        <div className="actions">
          <button type="button" disabled={running} onClick={() => downloadText('predictions.csv', predictCsv(rows, mapping), 'text/csv')}>
            Download these predictions as predictions.csv
          </button>
          <PredictLabelMap labels={labels} mapping={mapping} onChange={setMapping} />
        </div>
      )}
      {job && !running && <LabelFirst rows={rows} labels={labels} />}
      <PredictResults rows={rows} topK={topK} />
    </section>
  );
}
